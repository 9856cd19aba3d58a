//! Where things are (the workspace root, the target directory) and how to run cargo and npm there.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    /// Each stage's name and time, for the summary line.
    timings: Mutex<Vec<(String, Duration)>>,
    /// Work that ran beside the stages (the release build), with its time.
    beside: Mutex<Vec<(String, Duration)>>,
    /// The UI bundle is built once per run: each build rewrites `ui/dist`, which the app's
    /// build script watches, so a second one would compile the app again.
    ui_built: std::sync::OnceLock<()>,
}

impl Workspace {
    pub fn locate() -> Result<Self> {
        let root = workspace_root()?;
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => {
                let output = Command::new(cargo())
                    .args(["metadata", "--format-version", "1", "--no-deps"])
                    .current_dir(&root)
                    .output()
                    .context("cannot run cargo metadata")?;
                let metadata: serde_json::Value =
                    serde_json::from_slice(&output.stdout).context("cargo metadata printed no JSON")?;
                PathBuf::from(metadata["target_directory"].as_str().context("no target_directory")?)
            }
        };
        Ok(Self {
            root,
            target_dir,
            timings: Mutex::new(Vec::new()),
            beside: Mutex::new(Vec::new()),
            ui_built: std::sync::OnceLock::new(),
        })
    }

    pub fn ui_dir(&self) -> PathBuf {
        self.root.join("ui")
    }

    /// A debug binary of the workspace.
    pub fn binary(&self, name: &str) -> PathBuf {
        self.target_dir.join("debug").join(name)
    }

    pub fn cargo(&self, args: &[&str]) -> Command {
        let mut command = Command::new(cargo());
        command.args(args).current_dir(&self.root);
        command
    }

    pub fn npm(&self, args: &[&str]) -> Command {
        let mut command = Command::new("npm");
        command.args(args).current_dir(self.ui_dir());
        command
    }

    /// The UI bundle (`ui/dist`), once per run of xtask.
    pub fn build_ui(&self) -> Result<()> {
        if self.ui_built.get().is_some() {
            return Ok(());
        }
        self.npm(&["run", "build"]).status_ok()?;
        let _ = self.ui_built.set(());
        Ok(())
    }

    /// The UI bundle, then the app and the server (the app embeds the bundle).
    pub fn build_app(&self) -> Result<()> {
        self.build_app_with(&[])
    }

    /// The app with extra cargo features (the end-to-end build replaces the file dialog).
    pub fn build_app_with(&self, features: &[&str]) -> Result<()> {
        self.build_ui()?;
        let mut args = vec!["build", "-p", "masar-desktop", "-p", "masar-server"];
        let features = features.join(",");
        if !features.is_empty() {
            args.extend(["--features", &features]);
        }
        self.cargo(&args).status_ok()
    }

    /// Runs one named stage, printing its name and how long it took.
    pub fn stage(&self, name: &str, body: impl FnOnce() -> Result<()>) -> Result<()> {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = body().with_context(|| format!("stage failed: {name}"));
        let took = started.elapsed();
        println!("<== {name}: {} in {took:.1?}", if result.is_ok() { "ok" } else { "FAILED" });
        if let Ok(mut timings) = self.timings.lock() {
            timings.push((name.split(" (").next().unwrap_or(name).to_owned(), took));
        }
        result
    }

    /// Records work that ran beside the stages, for the summary line.
    pub fn ran_beside(&self, name: &str, took: Duration) {
        if let Ok(mut beside) = self.beside.lock() {
            beside.push((name.to_owned(), took));
        }
    }

    /// Every stage run so far with its time, in order, then what ran beside them:
    /// `formatting 3 s, clippy 120 s, …; beside them: release build 400 s`.
    pub fn stage_times(&self) -> String {
        let list = |times: &Mutex<Vec<(String, Duration)>>| {
            times
                .lock()
                .map(|times| {
                    times
                        .iter()
                        .map(|(name, took)| format!("{name} {:.0} s", took.as_secs_f64()))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        let (stages, beside) = (list(&self.timings), list(&self.beside));
        if beside.is_empty() { stages } else { format!("{stages}; beside them: {beside}") }
    }
}

/// The workspace `cargo xtask` was started in, found at run time: a target directory shared by
/// two clones (as CI's is) can hand this binary, built in one clone, to the other, so the
/// compile-time `CARGO_MANIFEST_DIR` is only the fallback.
fn workspace_root() -> Result<PathBuf> {
    let located = Command::new(cargo())
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    if let Some(dir) = located.as_deref().and_then(Path::parent).filter(|dir| dir.join("xtask").is_dir()) {
        return Ok(dir.to_owned());
    }
    Ok(Path::new(env!("CARGO_MANIFEST_DIR")).parent().context("xtask lives inside the workspace")?.to_owned())
}

pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

pub trait StatusOk {
    /// Runs the command with inherited output; an error unless it exits 0.
    fn status_ok(&mut self) -> Result<()>;
}

impl StatusOk for Command {
    fn status_ok(&mut self) -> Result<()> {
        let status = self.status().with_context(|| format!("cannot start {:?}", self.get_program()))?;
        anyhow::ensure!(
            status.success(),
            "{:?} {:?} exited with {status}",
            self.get_program(),
            self.get_args().collect::<Vec<_>>()
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> Workspace {
        Workspace {
            root: PathBuf::from("."),
            target_dir: PathBuf::from("target"),
            timings: Mutex::new(Vec::new()),
            beside: Mutex::new(Vec::new()),
            ui_built: std::sync::OnceLock::new(),
        }
    }

    #[test]
    fn the_summary_names_each_stage_then_what_ran_beside_them() -> Result<()> {
        let ws = workspace();
        ws.stage("clippy (all targets)", || Ok(()))?;
        assert!(ws.stage("cargo tests", || anyhow::bail!("one failed")).is_err());
        assert!(!ws.stage_times().contains("beside"), "{}", ws.stage_times());
        ws.ran_beside("release build", Duration::from_secs(412));
        let summary = ws.stage_times();
        assert!(summary.starts_with("clippy 0 s, cargo tests 0 s; "), "{summary}");
        assert!(summary.ends_with("; beside them: release build 412 s"), "{summary}");
        Ok(())
    }
}
