//! The workspace's test executables, compiled once by one `cargo test --no-run` over the whole
//! workspace, then run directly: a second `cargo test -p <crate>` would resolve the
//! dependencies' features for that crate alone and compile part of the tree again (ring, rustls,
//! the crate itself) only to run the same tests on PostgreSQL.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::workspace::Workspace;

/// One test executable: a crate's unit tests or one of its integration tests.
#[derive(Debug, Clone)]
pub struct TestBinary {
    pub package: String,
    /// The target's name: the crate for unit tests, the file's name for an integration test.
    pub target: String,
    pub path: PathBuf,
    /// The crate's directory: cargo runs tests there and names it in `CARGO_MANIFEST_DIR`.
    pub dir: PathBuf,
}

impl TestBinary {
    /// The executable as `cargo test` would start it.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.path);
        command.current_dir(&self.dir).env("CARGO_MANIFEST_DIR", &self.dir);
        command
    }
}

/// Compiles every test of the workspace but the end-to-end crate (the same selection as the
/// stage's `cargo test`) and lists the executables.
pub fn build(ws: &Workspace) -> Result<Vec<TestBinary>> {
    let output = ws
        .cargo(&[
            "test",
            "--workspace",
            "--exclude",
            "masar-e2e",
            "--locked",
            "--no-run",
            "--message-format",
            "json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run cargo test --no-run")?;
    anyhow::ensure!(output.status.success(), "the tests did not compile");
    let binaries: Vec<TestBinary> =
        String::from_utf8_lossy(&output.stdout).lines().filter_map(parse).collect();
    anyhow::ensure!(!binaries.is_empty(), "cargo listed no test executable");
    Ok(binaries)
}

fn parse(line: &str) -> Option<TestBinary> {
    let message: Value = serde_json::from_str(line).ok()?;
    if message["reason"] != "compiler-artifact" || message["profile"]["test"] != true {
        return None;
    }
    let path = PathBuf::from(message["executable"].as_str()?);
    let manifest = PathBuf::from(message["manifest_path"].as_str()?);
    // `path+file:///…/crates/server#masar-server@0.1.0`
    let id = message["package_id"].as_str()?;
    let package = id.rsplit_once('#')?.1.split('@').next()?.to_owned();
    Some(TestBinary {
        package,
        target: message["target"]["name"].as_str()?.to_owned(),
        path,
        dir: manifest.parent()?.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn an_integration_test_s_executable_is_read_from_cargo_s_message() {
        let line = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/server#masar-server@0.1.0","manifest_path":"/w/crates/server/Cargo.toml","target":{"kind":["test"],"name":"backup"},"profile":{"test":true},"executable":"/t/debug/deps/backup-0123"}"#;
        let binary = parse(line).expect("a test executable");
        assert_eq!(binary.package, "masar-server");
        assert_eq!(binary.target, "backup");
        assert_eq!(binary.path.to_str(), Some("/t/debug/deps/backup-0123"));
        assert_eq!(binary.dir.to_str(), Some("/w/crates/server"));
    }

    #[test]
    fn a_library_built_for_the_tests_is_not_a_test_executable() {
        let line = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/core#masar-core@0.1.0","manifest_path":"/w/crates/core/Cargo.toml","target":{"kind":["lib"],"name":"masar_core"},"profile":{"test":false},"executable":null}"#;
        assert!(parse(line).is_none());
    }
}
