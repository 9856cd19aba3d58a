//! `cargo xtask setup`: idempotent; installs only what is missing.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::workspace::{StatusOk, Workspace};

/// Debian packages for building the app (WebKitGTK), running it headless (Xvfb) and driving it
/// (WebKitWebDriver), plus the tools later checks use (keyring, PDF rendering, fonts, QR
/// decoding, the wrk load generator, PostgreSQL for the second store's tests, a JDK for the Hijri
/// table's cross-check).
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libsoup-3.0-dev",
    "libjavascriptcoregtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dbus-x11",
    "dbus-daemon",
    "gnome-keyring",
    "libsecret-tools",
    "poppler-utils",
    "imagemagick",
    "fonts-hosny-amiri",
    "zbar-tools",
    "wrk",
    "postgresql",
    // OpenJDK's Umm al-Qura calendar, the second source the Hijri table is checked against.
    "openjdk-17-jdk-headless",
    "python3-pip",
    // The installed-package stage: checks the desktop entry; the server's package adds a user;
    // rpm reads the .rpm.
    "desktop-file-utils",
    "adduser",
    "rpm",
    "mmdebstrap",
    // The identity provider's pages are checked in a real browser.
    "chromium",
    "chromium-driver",
];

/// Standard tools from PyPI the product is checked with: the module to import, the requirement.
/// openapi-spec-validator checks the published OpenAPI description; tuspy (the tus project's own
/// Python client) uploads and resumes against the server; dbus-next runs the end-to-end run's
/// desktop notification server.
const PYTHON_TOOLS: &[(&str, &str)] = &[
    ("openapi_spec_validator", "openapi-spec-validator==0.9.0"),
    ("tusclient", "tuspy==1.1.0"),
    ("dbus_next", "dbus-next==0.2.3"),
    ("authlib", "authlib==1.9.6"),
    ("schemathesis", "schemathesis==4.32.5"),
];

pub fn run(ws: &Workspace) -> Result<()> {
    install_apt_packages()?;
    install_npm_packages(ws)?;
    install_tauri_driver(ws)?;
    install_python_tools()?;
    Ok(())
}

fn install_python_tools() -> Result<()> {
    for (module, requirement) in PYTHON_TOOLS {
        let present = Command::new("python3")
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|out| out.status.success());
        if present {
            continue;
        }
        println!("installing {requirement}");
        Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--break-system-packages", requirement])
            .status_ok()
            .with_context(|| format!("cannot install {requirement}"))?;
    }
    Ok(())
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn install_apt_packages() -> Result<()> {
    let missing: Vec<&str> = APT_PACKAGES.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing system packages: {}", missing.join(" "));
    let privileged = |program: &str| {
        if is_root() {
            Command::new(program)
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg(program);
            sudo
        }
    };
    // Another process (unattended upgrades) may hold the dpkg lock for a while: wait and retry.
    for attempt in 1..=10 {
        let updated = privileged("apt-get").args(["update", "-q"]).status_ok();
        let installed = updated.and_then(|()| {
            privileged("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["install", "-y", "-q"])
                .args(&missing)
                .status_ok()
        });
        match installed {
            Ok(()) => return Ok(()),
            Err(error) if attempt < 10 => {
                println!("apt-get failed ({error:#}); retrying in 15 s");
                std::thread::sleep(Duration::from_secs(15));
            }
            Err(error) => return Err(error).context("cannot install the system packages"),
        }
    }
    bail!("cannot install the system packages")
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The UI's npm packages, and the outside issuer's the server's tests start (`oidc-provider`).
fn install_npm_packages(ws: &Workspace) -> Result<()> {
    for (what, dir) in [("the UI", ws.ui_dir()), ("the test issuer", ws.root.join("xtask/oidc-provider"))] {
        let lock = dir.join("package-lock.json");
        let installed = dir.join("node_modules/.package-lock.json");
        let up_to_date = match (modified(&lock), modified(&installed)) {
            (Some(lock), Some(installed)) => installed >= lock,
            _ => false,
        };
        if up_to_date {
            continue;
        }
        println!("installing the npm packages of {what}");
        Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir).status_ok()?;
    }
    Ok(())
}

/// The tauri-driver binary: on PATH, or where `cargo install` puts it.
pub fn tauri_driver() -> Option<std::path::PathBuf> {
    let works = |path: &Path| Command::new(path).arg("--help").output().is_ok_and(|o| o.status.success());
    let on_path = Path::new("tauri-driver");
    if works(on_path) {
        return Some(on_path.to_owned());
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))?;
    let installed = home.join("bin/tauri-driver");
    works(&installed).then_some(installed)
}

fn install_tauri_driver(ws: &Workspace) -> Result<()> {
    if tauri_driver().is_some() {
        return Ok(());
    }
    println!("installing tauri-driver");
    ws.cargo(&["install", "tauri-driver", "--locked", "--version", "^2"]).status_ok()
}
