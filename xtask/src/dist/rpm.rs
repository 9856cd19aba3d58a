//! The .rpm, made with `rpmbuild` (Debian's `rpm` package) from the staged tree: the same files
//! as the .deb, owned by root, and what a Fedora or RHEL workstation must provide.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::desktop::AppConfig;
use super::needed_libraries;
use crate::workspace::{StatusOk, Workspace};

pub fn build(
    ws: &Workspace,
    config: &AppConfig,
    staged: &Path,
    installed: &[String],
    dist: &Path,
) -> Result<PathBuf> {
    let top = ws.target_dir.join("dist-rpmbuild");
    let _ = std::fs::remove_dir_all(&top);
    std::fs::create_dir_all(&top)?;
    let spec = top.join(format!("{}.spec", config.binary));
    let libraries = needed_libraries(&staged.join("usr/bin").join(&config.binary))?;
    std::fs::write(&spec, spec_text(config, staged, installed, &libraries))?;
    Command::new("rpmbuild")
        .args(["-bb", "--target", "x86_64", "--quiet"])
        .arg("--define")
        .arg(format!("_topdir {}", top.display()))
        .arg("--define")
        .arg(format!("_rpmdir {}", top.join("out").display()))
        .arg(&spec)
        .status_ok()
        .context("rpmbuild failed")?;
    let name = format!("{}-{}-1.x86_64.rpm", config.binary, config.version);
    let built = top.join("out/x86_64").join(&name);
    if !built.exists() {
        bail!("rpmbuild made no {}", built.display());
    }
    let target = dist.join(name);
    std::fs::copy(&built, &target)?;
    Ok(target)
}

/// `libraries`: the shared objects the binary links (its ELF `NEEDED` entries), required by
/// their sonames as rpm's own dependency scan writes them.
fn spec_text(config: &AppConfig, staged: &Path, installed: &[String], libraries: &[String]) -> String {
    let requires: String = libraries
        .iter()
        .map(|soname| format!("{soname}()(64bit)"))
        .chain(config.rpm_requires.iter().cloned())
        .map(|r| format!("Requires: {r}\n"))
        .collect();
    let files: String = installed.iter().map(|f| format!("{f}\n")).collect();
    format!(
        "Name: {name}\nVersion: {version}\nRelease: 1\nSummary: {summary}\nLicense: MIT OR Apache-2.0\n\
         BuildArch: x86_64\n\
         AutoReqProv: no\n{requires}\
         %define _build_id_links none\n%define debug_package %{{nil}}\n%global __os_install_post %{{nil}}\n\n\
         %description\n{description}\n\n\
         %install\ncp -a {staged}/usr %{{buildroot}}/\n\n\
         %files\n%defattr(-,root,root,-)\n{files}",
        name = config.binary,
        version = config.version,
        summary = config.summary,
        description = config.description,
        staged = staged.display(),
    )
}
