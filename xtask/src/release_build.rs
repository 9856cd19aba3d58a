//! The release build of both binaries, run beside the stages that leave a core idle (the
//! standard clients, the browser's pages, the end-to-end tests wait on windows and servers far
//! more than they compute). At the lowest priority, so those stages keep the machine first; the
//! installed-packages stage waits for it, then packages what it built.

use std::fs::File;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::process::Guarded;
use crate::workspace::{Workspace, cargo};

/// The build under way; dropped unfinished (a stage failed), it is stopped.
pub struct ReleaseBuild {
    process: Guarded,
    log: PathBuf,
    started: Instant,
}

impl ReleaseBuild {
    /// Starts `cargo build --release` of the app and the server, its output in
    /// `<target>/release-build.log`. The UI bundle it embeds must be built already.
    pub fn start(ws: &Workspace) -> Result<Self> {
        let log = ws.target_dir.join("release-build.log");
        let out = File::create(&log).with_context(|| format!("cannot write {}", log.display()))?;
        let mut command = Command::new("nice");
        command
            .args(["-n", "19"])
            .arg(cargo())
            .args(crate::dist::RELEASE_BUILD)
            .current_dir(&ws.root)
            .stdout(out.try_clone()?)
            .stderr(out);
        let process = Guarded::spawn_group("release build", &mut command)?;
        println!("release build started beside the next stages (its output: {})", log.display());
        Ok(Self { process, log, started: Instant::now() })
    }

    /// Waits for the build; its output is printed when it failed. Returns how long it ran.
    pub fn finish(mut self) -> Result<Duration> {
        let waiting = Instant::now();
        let status = self.process.child.wait().context("the release build cannot be waited for")?;
        let (ran, waited) = (self.started.elapsed(), waiting.elapsed());
        if !status.success() {
            let output = std::fs::read_to_string(&self.log).unwrap_or_default();
            println!("{output}");
            bail!("the release build failed ({status}); its output is above and in {}", self.log.display());
        }
        println!(
            "release build: {:.0} s beside the stages, {:.0} s of it waited for",
            ran.as_secs_f64(),
            waited.as_secs_f64()
        );
        Ok(ran)
    }
}
