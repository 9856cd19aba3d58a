//! The supply chain: `cargo deny check` (RustSec advisories, licences, sources, bans) with the
//! accepted findings written down in `deny.toml`, each with its reason and the path it comes
//! through. The advisory database is cloned where GitHub answers, else the snapshot kept in
//! `xtask/supply-chain/` is used (see its README), and its age printed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::workspace::{StatusOk, Workspace};

/// The cargo-deny this project's `deny.toml` is written for.
const CARGO_DENY: &str = "0.20.2";
/// The vendored snapshot: its commit in rustsec/advisory-db, that commit's date, and the same
/// in seconds since 1970.
const SNAPSHOT: (&str, &str, u64) =
    ("bf5c0d245a92671908518d7e765914d437954ed6", "2026-08-21T08:28:40+02:00", 1_787_293_720);
const ADVISORY_DB: &str = "https://github.com/rustsec/advisory-db";
/// Where cargo-deny looks for the database of `ADVISORY_DB` under `db-path` (deny.toml): its
/// directory name is the URL's last segment and the XxHash64 of the URL (cargo-deny's naming).
const DB_DIR: &str = "advisory-db-3157b0e258782691";

pub fn run(ws: &Workspace) -> Result<()> {
    install(ws)?;
    let home = std::env::var_os("HOME").map(PathBuf::from).context("HOME is not set")?;
    let db = home.join(".cache/masar-advisory-dbs").join(DB_DIR);
    prepare_database(ws, &db)?;
    // The database is prepared above: cargo-deny fetches nothing itself.
    ws.cargo(&["deny", "--locked", "--offline", "check"]).status_ok()
}

/// `cargo install cargo-deny` at the pinned version, once per machine.
fn install(ws: &Workspace) -> Result<()> {
    let installed = Command::new("cargo")
        .args(["deny", "--version"])
        .output()
        .is_ok_and(|out| out.status.success() && String::from_utf8_lossy(&out.stdout).contains(CARGO_DENY));
    if !installed {
        // Its own target directory: the project's builds stay as they are.
        let target = ws.target_dir.join("cargo-deny-build");
        Command::new("cargo")
            .args(["install", "cargo-deny", "--locked", "--version", CARGO_DENY])
            .env("CARGO_TARGET_DIR", &target)
            .status_ok()
            .context("cargo install cargo-deny")?;
        let _ = std::fs::remove_dir_all(&target);
    }
    Ok(())
}

/// The current database where GitHub answers; else the snapshot, as a git repository whose
/// commit carries the snapshot's date (cargo-deny reads its age from it).
fn prepare_database(ws: &Workspace, db: &Path) -> Result<()> {
    if db.exists() {
        std::fs::remove_dir_all(db)?;
    }
    std::fs::create_dir_all(db.parent().context("the database's folder")?)?;
    let cloned = Command::new("git")
        .args(["clone", "--quiet", "--depth", "1", ADVISORY_DB])
        .arg(db)
        .env("GIT_TERMINAL_PROMPT", "0")
        .status()
        .is_ok_and(|status| status.success());
    if cloned {
        println!("advisories: the RustSec database as of today ({ADVISORY_DB})");
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(db);
    std::fs::create_dir_all(db)?;
    Command::new("tar")
        .arg("-xJf")
        .arg(ws.root.join("xtask/supply-chain/advisory-db.tar.xz"))
        .arg("-C")
        .arg(db)
        .status_ok()
        .context("the advisory database snapshot")?;
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(db)
            .args(args)
            .env("GIT_AUTHOR_DATE", SNAPSHOT.1)
            .env("GIT_COMMITTER_DATE", SNAPSHOT.1)
            .env("GIT_AUTHOR_NAME", "advisory-db snapshot")
            .env("GIT_AUTHOR_EMAIL", "snapshot@localhost")
            .env("GIT_COMMITTER_NAME", "advisory-db snapshot")
            .env("GIT_COMMITTER_EMAIL", "snapshot@localhost")
            .stdout(std::process::Stdio::null())
            .status_ok()
    };
    git(&["init", "--quiet", "--initial-branch=main"])?;
    git(&["add", "--all"])?;
    git(&["commit", "--quiet", "-m", &format!("rustsec/advisory-db {}", SNAPSHOT.0)])?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let age = now.as_secs().saturating_sub(SNAPSHOT.2) / 86_400;
    println!(
        "advisories: GitHub does not answer here; the snapshot of rustsec/advisory-db {} ({}, {age} days old) is used: see xtask/supply-chain/README.md",
        &SNAPSHOT.0[..9],
        &SNAPSHOT.1[..10]
    );
    Ok(())
}
