//! Masar Desktop's .deb and .rpm, made here from the release binary and the one configuration
//! file at the top level, `tauri.conf.json` (its `bundle` section, in Tauri's own schema, so
//! Tauri's tools read it too): the binary, the desktop entry named by the app's identifier, the
//! icons by size, the files the configuration lists, and what the system must provide.
//!
//! Tauri's own bundler is not used: its command-line tool only takes a configuration that sits
//! beside the app crate's `Cargo.toml` (`src-tauri/`), and it names the desktop entry after the
//! product's display name, with a space in it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{library_packages, rpm, set_mode};
use crate::workspace::{StatusOk, Workspace};

/// What the packages take from `tauri.conf.json`.
pub struct AppConfig {
    pub identifier: String,
    pub binary: String,
    pub version: String,
    pub summary: String,
    pub description: String,
    pub icons: Vec<PathBuf>,
    pub desktop_template: PathBuf,
    /// Installed path → file in the repository, the same for both formats.
    pub files: Vec<(String, PathBuf)>,
    pub deb_depends: Vec<String>,
    pub deb_recommends: Vec<String>,
    pub deb_section: String,
    pub rpm_requires: Vec<String>,
}

impl AppConfig {
    pub fn read(ws: &Workspace) -> Result<Self> {
        let path = ws.root.join("tauri.conf.json");
        let config: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let text = |pointer: &str| -> Result<String> {
            config
                .pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .with_context(|| format!("tauri.conf.json has no {pointer}"))
        };
        let list = |pointer: &str| -> Vec<String> {
            config
                .pointer(pointer)
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let in_repo = |relative: &str| ws.root.join(relative);
        let files = config
            .pointer("/bundle/linux/deb/files")
            .and_then(Value::as_object)
            .map(|files| {
                files.iter().filter_map(|(to, from)| Some((to.clone(), in_repo(from.as_str()?)))).collect()
            })
            .unwrap_or_default();
        Ok(Self {
            identifier: text("/identifier")?,
            binary: text("/mainBinaryName")?,
            version: text("/version")?,
            summary: text("/bundle/shortDescription")?,
            description: text("/bundle/longDescription")?,
            icons: list("/bundle/icon").iter().filter(|i| i.ends_with(".png")).map(|i| in_repo(i)).collect(),
            desktop_template: in_repo(&text("/bundle/linux/deb/desktopTemplate")?),
            files,
            deb_depends: list("/bundle/linux/deb/depends"),
            deb_recommends: list("/bundle/linux/deb/recommends"),
            deb_section: text("/bundle/linux/deb/section")?,
            rpm_requires: list("/bundle/linux/rpm/depends"),
        })
    }

    /// `sa.gov.masar.desktop.desktop`: the entry's name is the app's reverse-DNS identifier.
    pub fn desktop_entry(&self) -> String {
        format!("/usr/share/applications/{}.desktop", self.identifier)
    }
}

/// The installed tree, shared by both formats, under `<target>/dist-app-root`. Returns the
/// installed paths of its files.
pub fn stage(ws: &Workspace, config: &AppConfig, binary: &Path) -> Result<(PathBuf, Vec<String>)> {
    let root = ws.target_dir.join("dist-app-root");
    let _ = std::fs::remove_dir_all(&root);
    let mut installed = Vec::new();
    let mut place = |to: &str, from: &Path, mode: u32| -> Result<()> {
        let target = root.join(to.trim_start_matches('/'));
        std::fs::create_dir_all(target.parent().context("no parent")?)?;
        std::fs::copy(from, &target).with_context(|| format!("cannot copy {}", from.display()))?;
        set_mode(&target, mode)?;
        installed.push(to.to_owned());
        Ok(())
    };
    place(&format!("/usr/bin/{}", config.binary), binary, 0o755)?;
    let entry = std::fs::read_to_string(&config.desktop_template)
        .with_context(|| format!("cannot read {}", config.desktop_template.display()))?
        .replace("{{{exec}}}", &config.binary)
        .replace("{{{icon}}}", &config.binary);
    let entry_file = ws.target_dir.join("dist-desktop-entry");
    std::fs::write(&entry_file, entry)?;
    place(&config.desktop_entry(), &entry_file, 0o644)?;
    for icon in &config.icons {
        let (width, height) = png_size(icon)?;
        let to = format!("/usr/share/icons/hicolor/{width}x{height}/apps/{}.png", config.binary);
        place(&to, icon, 0o644)?;
    }
    for (to, from) in &config.files {
        place(to, from, 0o644)?;
    }
    installed.sort();
    Ok((root, installed))
}

/// Both packages: the .rpm from the staged tree, then the .deb (its `DEBIAN/` added to the tree).
pub fn packages(ws: &Workspace, dist: &Path) -> Result<(PathBuf, PathBuf)> {
    let config = AppConfig::read(ws)?;
    let binary = ws.target_dir.join("release").join(&config.binary);
    let (root, installed) = stage(ws, &config, &binary)?;
    let rpm = rpm::build(ws, &config, &root, &installed, dist)?;
    let deb = deb(&config, &root, &binary, dist)?;
    Ok((deb, rpm))
}

fn deb(config: &AppConfig, root: &Path, binary: &Path, dist: &Path) -> Result<PathBuf> {
    let debian = root.join("DEBIAN");
    std::fs::create_dir_all(&debian)?;
    // The libraries the binary links, by the packages that hold them here, and what the
    // configuration adds (libraries opened at run time).
    let mut depends: BTreeSet<String> = library_packages(binary)?.into_iter().collect();
    for declared in &config.deb_depends {
        if !depends.iter().any(|found| found.split(' ').next() == Some(declared.as_str())) {
            depends.insert(declared.clone());
        }
    }
    let installed_kib = installed_size_kib(root)?;
    let description: String = wrap(&config.description).iter().map(|line| format!(" {line}\n")).collect();
    let control = format!(
        "Package: {}\nVersion: {}\nArchitecture: amd64\nMaintainer: Masar Desktop <masar-desktop@localhost>\n\
         Installed-Size: {installed_kib}\nSection: {}\nPriority: optional\nDepends: {}\nRecommends: {}\n\
         Description: {}\n{description}",
        config.binary,
        config.version,
        config.deb_section,
        depends.into_iter().collect::<Vec<_>>().join(", "),
        config.deb_recommends.join(", "),
        config.summary,
    );
    std::fs::write(debian.join("control"), control)?;
    let sums = Command::new("sh")
        .args(["-c", "find usr -type f -print0 | sort -z | xargs -0 md5sum"])
        .current_dir(root)
        .output()
        .context("cannot run md5sum")?;
    anyhow::ensure!(sums.status.success(), "md5sum failed");
    std::fs::write(debian.join("md5sums"), sums.stdout)?;
    let deb = dist.join(format!("{}_{}_amd64.deb", config.binary, config.version));
    Command::new("dpkg-deb")
        .args(["--root-owner-group", "-Zxz", "--build"])
        .arg(root)
        .arg(&deb)
        .status_ok()?;
    Ok(deb)
}

/// A PNG's width and height, from its header.
fn png_size(path: &Path) -> Result<(u32, u32)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        bail!("{} is not a PNG", path.display());
    }
    let number = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Ok((number(16), number(20)))
}

fn installed_size_kib(root: &Path) -> Result<u64> {
    let mut total = 0;
    let mut pending = vec![root.join("usr")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                total += meta.len().div_ceil(1024);
            }
        }
    }
    Ok(total)
}

/// A Debian description's body: lines of at most 79 columns.
fn wrap(text: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > 78 {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}
