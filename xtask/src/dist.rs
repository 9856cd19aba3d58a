//! `cargo xtask dist`: the installable packages, into `<target>/dist/`.
//!
//! - Masar Desktop: a release build bundled by Tauri's own bundler (`@tauri-apps/cli`, pinned in
//!   the UI's package.json) as a .deb and an .rpm: the app's Arabic and English names in the
//!   desktop entry, icons from 16 to 512 px, the shipped fonts' licences, and the libraries it
//!   needs declared (WebKitGTK, GTK, libsecret for the Secret Service; a keyring daemon
//!   recommended — the app works without one, see the README).
//! - masar-server: its own .deb (made here with dpkg-deb): the binary, the hardened systemd unit
//!   from `deploy/`, its settings as a conffile, and a system user; not started until the
//!   administrator has set it up.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::workspace::{StatusOk, Workspace};

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

    ws.npm(&["run", "build"]).status_ok()?;
    let bundle = ws.target_dir.join("release/bundle");
    let _ = std::fs::remove_dir_all(&bundle);
    // The CLI finds src-tauri/tauri.conf.json from the workspace root and builds with cargo
    // (release, the custom-protocol feature), into the same target directory.
    Command::new(ws.ui_dir().join("node_modules/.bin/tauri"))
        .args(["build", "--bundles", "deb,rpm", "--ci"])
        .current_dir(&ws.root)
        .status_ok()
        .context("the Tauri bundler failed")?;
    let version = version(ws)?;
    let app_deb =
        copy_one(&bundle.join("deb"), "deb", &dist.join(format!("masar-desktop_{version}_amd64.deb")))?;
    let app_rpm =
        copy_one(&bundle.join("rpm"), "rpm", &dist.join(format!("masar-desktop-{version}-1.x86_64.rpm")))?;

    ws.cargo(&["build", "--release", "--locked", "-p", "masar-server"]).status_ok()?;
    let server_deb = server_deb(ws, &version, &dist)?;

    for binary in ["masar-desktop", "masar-server"] {
        report(&ws.target_dir.join("release").join(binary))?;
    }
    for package in [&app_deb, &app_rpm, &server_deb] {
        report(package)?;
    }
    Ok(Packages { app_deb, app_rpm, server_deb })
}

fn report(path: &Path) -> Result<()> {
    let bytes = std::fs::metadata(path).with_context(|| format!("{} is missing", path.display()))?.len();
    #[allow(clippy::cast_precision_loss)]
    let mib = bytes as f64 / (1024.0 * 1024.0);
    println!("{:>10} bytes ({mib:.1} MiB)  {}", bytes, path.display());
    Ok(())
}

/// Copies the one `.ext` file the bundler left in `dir` to `target` (the bundler names it after
/// the product, with a space; the packages go by the package's name).
fn copy_one(dir: &Path, ext: &str, target: &Path) -> Result<PathBuf> {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("the bundler made no {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    let [package] = found.as_slice() else {
        bail!("expected one .{ext} in {}, found {found:?}", dir.display())
    };
    std::fs::copy(package, target)?;
    Ok(target.to_owned())
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

/// The Debian packages that hold the shared libraries `binary` needs directly (its ELF `NEEDED`
/// entries, as dpkg-shlibdeps reads them), with the version installed here as the lowest.
fn library_packages(binary: &Path) -> Result<Vec<String>> {
    let dynamic = Command::new("readelf").arg("-d").arg(binary).output().context("cannot run readelf")?;
    let needed: Vec<String> = String::from_utf8_lossy(&dynamic.stdout)
        .lines()
        .filter(|line| line.contains("(NEEDED)"))
        .filter_map(|line| Some(line.split('[').nth(1)?.trim_end_matches(']').to_owned()))
        .collect();
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
