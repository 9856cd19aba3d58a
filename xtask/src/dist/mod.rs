//! `cargo xtask dist`: the installable packages, into `<target>/dist/`.
//!
//! - Masar Desktop (`desktop.rs`, `rpm.rs`): the release build as a .deb and an .rpm made from the
//!   top-level `tauri.conf.json`: the desktop entry `sa.gov.masar.desktop.desktop` with the app's
//!   Arabic and English names, icons from 16 to 512 px, the shipped fonts' licences, and the
//!   libraries it needs declared (those the binary links, by the packages that hold them, plus
//!   OpenSSL and D-Bus; a keyring daemon recommended — the app works without one, see the README).
//! - masar-server: its own .deb (made here with dpkg-deb): the binary, the hardened systemd unit
//!   from `deploy/`, its settings as a conffile, and a system user; not started until the
//!   administrator has set it up.

mod desktop;
mod rpm;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::workspace::{StatusOk, Workspace};

pub use desktop::AppConfig;

/// What `dist` made.
#[derive(Debug)]
pub struct Packages {
    pub app_deb: PathBuf,
    pub app_rpm: PathBuf,
    pub server_deb: PathBuf,
}

pub fn run(ws: &Workspace) -> Result<Packages> {
    let dist = ws.target_dir.join("dist");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist)?;

    ws.build_ui()?;
    build_release(ws)?;
    let (app_deb, app_rpm) = desktop::packages(ws, &dist)?;
    let server_deb = server_deb(ws, &version(ws)?, &dist)?;

    for binary in ["masar-desktop", "masar-server"] {
        report(&ws.target_dir.join("release").join(binary))?;
    }
    for package in [&app_deb, &app_rpm, &server_deb] {
        report(package)?;
    }
    Ok(Packages { app_deb, app_rpm, server_deb })
}

/// Both release binaries in one cargo run (their shared dependencies built once, side by side).
/// The app's default `custom-protocol` feature serves the built UI from the binary.
pub fn build_release(ws: &Workspace) -> Result<()> {
    ws.cargo(RELEASE_BUILD).status_ok()
}

/// The cargo arguments of the release build (also run beside the test stages).
pub const RELEASE_BUILD: &[&str] =
    &["build", "--release", "--locked", "-p", "masar-desktop", "-p", "masar-server"];

fn report(path: &Path) -> Result<()> {
    let bytes = std::fs::metadata(path).with_context(|| format!("{} is missing", path.display()))?.len();
    #[allow(clippy::cast_precision_loss)]
    let mib = bytes as f64 / (1024.0 * 1024.0);
    println!("{:>10} bytes ({mib:.1} MiB)  {}", bytes, path.display());
    Ok(())
}

/// The workspace's version (the packages carry it).
fn version(ws: &Workspace) -> Result<String> {
    let output = ws.cargo(&["metadata", "--format-version", "1", "--no-deps"]).output()?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let packages = metadata["packages"].as_array().context("no packages in cargo metadata")?;
    let server = packages.iter().find(|p| p["name"] == "masar-server").context("no masar-server")?;
    Ok(server["version"].as_str().context("no version")?.to_owned())
}

fn server_deb(ws: &Workspace, version: &str, dist: &Path) -> Result<PathBuf> {
    let root = ws.target_dir.join("dist-server-root");
    let _ = std::fs::remove_dir_all(&root);
    let place = |to: &str, from: &Path, mode: u32| -> Result<()> {
        let target = root.join(to.trim_start_matches('/'));
        std::fs::create_dir_all(target.parent().context("no parent")?)?;
        std::fs::copy(from, &target).with_context(|| format!("cannot copy {}", from.display()))?;
        set_mode(&target, mode)
    };
    let binary = ws.target_dir.join("release/masar-server");
    place("/usr/bin/masar-server", &binary, 0o755)?;
    place("/lib/systemd/system/masar-server.service", &ws.root.join("deploy/masar-server.service"), 0o644)?;
    place("/etc/masar/masar-server.env", &ws.root.join("deploy/masar-server.env.example"), 0o640)?;
    place("/usr/share/doc/masar-server/README.md", &ws.root.join("README.md"), 0o644)?;
    place(
        "/usr/share/doc/masar-server/examples/masar-server.toml",
        &ws.root.join("deploy/masar-server.example.toml"),
        0o644,
    )?;

    let debian = root.join("DEBIAN");
    std::fs::create_dir_all(&debian)?;
    let depends = library_packages(&binary)?;
    let control = format!(
        "Package: masar-server\nVersion: {version}\nSection: net\nPriority: optional\nArchitecture: amd64\n\
         Maintainer: Masar Desktop <masar-desktop@localhost>\nDepends: {}, adduser\n\
         Description: Masar back end for Masar Desktop\n \
         The identity provider and the Masar back end that Masar Desktop signs in to and syncs\n \
         with: sign-in with SMS codes, exactly-once sync, resumable document uploads (tus), the\n \
         HR review. SQLite by default, PostgreSQL for several nodes. Runs as a hardened systemd\n \
         service (masar-server.service), started once configured in /etc/masar/masar-server.env\n \
         with an SMS provider (example: /usr/share/doc/masar-server/examples/masar-server.toml).\n",
        depends.join(", ")
    );
    std::fs::write(debian.join("control"), control)?;
    std::fs::write(debian.join("conffiles"), "/etc/masar/masar-server.env\n")?;
    std::fs::write(
        debian.join("postinst"),
        "#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then\n  \
         getent passwd masar >/dev/null || adduser --system --group --home /nonexistent --no-create-home masar\n  \
         chgrp masar /etc/masar/masar-server.env\n  \
         if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi\nfi\n",
    )?;
    std::fs::write(
        debian.join("postrm"),
        "#!/bin/sh\nset -e\nif [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi\n",
    )?;
    for script in ["postinst", "postrm"] {
        set_mode(&debian.join(script), 0o755)?;
    }
    let deb = dist.join(format!("masar-server_{version}_amd64.deb"));
    Command::new("dpkg-deb").args(["--root-owner-group", "--build"]).arg(&root).arg(&deb).status_ok()?;
    Ok(deb)
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

/// The shared objects `binary` links directly: its ELF `NEEDED` entries.
fn needed_libraries(binary: &Path) -> Result<Vec<String>> {
    let dynamic = Command::new("readelf").arg("-d").arg(binary).output().context("cannot run readelf")?;
    anyhow::ensure!(dynamic.status.success(), "readelf cannot read {}", binary.display());
    Ok(String::from_utf8_lossy(&dynamic.stdout)
        .lines()
        .filter(|line| line.contains("(NEEDED)"))
        .filter_map(|line| Some(line.split('[').nth(1)?.trim_end_matches(']').to_owned()))
        .collect())
}

/// The Debian packages that hold the shared libraries `binary` needs directly (its ELF `NEEDED`
/// entries, as dpkg-shlibdeps reads them), with the version installed here as the lowest.
fn library_packages(binary: &Path) -> Result<Vec<String>> {
    let needed = needed_libraries(binary)?;
    let resolved = Command::new("ldd").arg(binary).output().context("cannot run ldd")?;
    let mut packages = std::collections::BTreeSet::new();
    for line in String::from_utf8_lossy(&resolved.stdout).lines() {
        let mut parts = line.split("=>");
        let (Some(name), Some(rest)) = (parts.next(), parts.next()) else { continue };
        let Some(path) = rest.split_whitespace().next() else { continue };
        if !needed.iter().any(|n| n == name.trim()) {
            continue;
        }
        // Debian 12 merged /lib into /usr/lib: dpkg knows the file under one of the two names.
        let owner = [path.to_owned(), format!("/usr{path}")].into_iter().find_map(|candidate| {
            let output = Command::new("dpkg").args(["-S", &candidate]).output().ok()?;
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.split(':').next().filter(|p| !p.trim().is_empty()).map(|p| p.trim().to_owned())
        });
        packages.insert(owner.with_context(|| format!("no package holds {path}"))?);
    }
    packages
        .into_iter()
        .map(|package| {
            let version = Command::new("dpkg-query").args(["-W", "-f=${Version}", &package]).output()?;
            Ok(format!("{package} (>= {})", String::from_utf8_lossy(&version.stdout).trim()))
        })
        .collect()
}
