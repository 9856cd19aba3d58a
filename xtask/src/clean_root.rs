//! The packages in a clean Debian root: the build machine has every library already, so a
//! missing `Depends` would go unnoticed there. mmdebstrap makes a minimal Debian 12 root (the
//! `apt` variant: Essential and apt, from Debian's own packages), apt installs the two .debs in
//! it, pulling in exactly what they declare; the app is then started in that root under Xvfb
//! (the host's X server, its socket bound in) and must open its window; the server package's
//! system user, its kept configuration file and its removal are checked there too. The root's
//! downloaded packages are kept between runs (`~/.cache/masar-clean-root-debs`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::dist::Packages;
use crate::process::{Guarded, start_xvfb};
use crate::workspace::{StatusOk, Workspace};

const SUITE: &str = "bookworm";
const MIRROR: &str = "http://deb.debian.org/debian";

pub fn run(ws: &Workspace, packages: &Packages) -> Result<()> {
    let root = ws.target_dir.join("clean-root");
    remove_root(&root)?;
    let home = std::env::var_os("HOME").map(PathBuf::from).context("HOME is not set")?;
    let cache = home.join(".cache/masar-clean-root-debs");
    std::fs::create_dir_all(&cache)?;
    let started = Instant::now();
    make_root(&root, &cache, packages)?;
    println!("clean root: Debian {SUITE} with the two packages installed in {:.0?}", started.elapsed());
    let checked = check_packages(&root).and_then(|()| {
        let artifacts = ws.target_dir.join("e2e-installed-artifacts");
        std::fs::create_dir_all(&artifacts)?;
        start_app(&root, &artifacts.join("clean-root-window.png"))
    });
    let removed = checked.and_then(|()| check_removal(&root));
    let cleaned = remove_root(&root);
    removed?;
    cleaned
}

/// mmdebstrap's root with both packages installed by apt (their dependencies from Debian).
fn make_root(root: &Path, cache: &Path, packages: &Packages) -> Result<()> {
    let name = |path: &Path| -> Result<String> {
        Ok(path.file_name().context("a package's file name")?.to_string_lossy().into_owned())
    };
    let (app, server) = (name(&packages.app_deb)?, name(&packages.server_deb)?);
    let cache = cache.display();
    Command::new("mmdebstrap")
        .args(["--variant=apt", "--mode=root", "--format=directory", "--quiet"])
        // Downloaded packages kept between runs.
        .arg("--skip=download/empty")
        .arg("--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/")
        .arg(format!("--setup-hook=sync-in {cache} /var/cache/apt/archives/"))
        .arg(format!(
            "--customize-hook=copy-in {} {} /tmp/",
            packages.app_deb.display(),
            packages.server_deb.display()
        ))
        .arg(format!(
            "--customize-hook=chroot \"$1\" apt-get install --yes --no-install-recommends /tmp/{app} /tmp/{server}"
        ))
        .arg(format!("--customize-hook=sync-out /var/cache/apt/archives {cache}"))
        .arg(SUITE)
        .arg(root)
        .arg(MIRROR)
        .status_ok()
        .context("mmdebstrap with the two packages")
}

fn in_root(root: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("chroot").arg(root).args(args).output().context("chroot")?;
    if !out.status.success() {
        bail!("in the clean root, {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What each package declares, and the server's system user.
fn check_packages(root: &Path) -> Result<()> {
    for package in ["masar-desktop", "masar-server"] {
        let depends = in_root(root, &["dpkg-query", "-W", "-f=${Depends}", package])?;
        println!("clean root: {package} Depends: {depends}");
    }
    let user = in_root(root, &["getent", "passwd", "masar"]).context("masar-server made no system user")?;
    let uid: u32 = user.split(':').nth(2).and_then(|uid| uid.parse().ok()).context("the user's uid")?;
    anyhow::ensure!(uid < 1000, "masar is not a system user: {user}");
    let env = in_root(root, &["stat", "-c", "%U:%G %a", "/etc/masar/masar-server.env"])?;
    anyhow::ensure!(env.trim() == "root:masar 640", "/etc/masar/masar-server.env is {env}");
    in_root(root, &["/usr/bin/masar-server", "--version"])
        .context("masar-server does not run in the clean root")?;
    println!(
        "clean root: system user masar (uid {uid}), /etc/masar/masar-server.env root:masar 640, masar-server runs"
    );
    Ok(())
}

/// Binds what a desktop program needs from the host into the root; unbinds when dropped.
struct Mounts {
    mounted: Vec<PathBuf>,
}

impl Mounts {
    fn bind(root: &Path) -> Result<Self> {
        let mut mounts = Self { mounted: Vec::new() };
        for (source, kind) in [
            ("/proc", "proc"),
            ("/sys", "bind"),
            ("/dev", "bind"),
            ("/dev/pts", "bind"),
            ("/tmp/.X11-unix", "bind"),
        ] {
            let target = root.join(source.trim_start_matches('/'));
            std::fs::create_dir_all(&target)?;
            let mut mount = Command::new("mount");
            if kind == "proc" {
                mount.args(["-t", "proc", "proc"]);
            } else {
                mount.args(["--bind", source]);
            }
            mount.arg(&target).status_ok().with_context(|| format!("mount {source} in the clean root"))?;
            mounts.mounted.push(target);
        }
        Ok(mounts)
    }
}

impl Drop for Mounts {
    fn drop(&mut self) {
        for target in self.mounted.iter().rev() {
            let _ = Command::new("umount").arg("--lazy").arg(target).status();
        }
    }
}

/// The app from the package, started in the root on the host's Xvfb: its window must open.
fn start_app(root: &Path, screenshot: &Path) -> Result<()> {
    let (_xvfb, display) = start_xvfb()?;
    let _mounts = Mounts::bind(root)?;
    let log = root.join("tmp/masar-desktop.log");
    let mut command = Command::new("chroot");
    command
        .arg(root)
        .args(["/usr/bin/env", "-i", "HOME=/root", "LANG=C.UTF-8", "XDG_RUNTIME_DIR=/tmp"])
        .arg(format!("DISPLAY={display}"))
        // No server: the window opens on its start screen all the same.
        .args(["/usr/bin/masar-desktop", "--server-url", "http://127.0.0.1:9", "--data-dir", "/tmp/masar"])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log)?);
    let mut app = Guarded::spawn_group("masar-desktop in the clean root", &mut command)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = app.child.try_wait() {
            bail!(
                "masar-desktop ended in the clean root ({status}):\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        let tree = Command::new("xwininfo").args(["-root", "-tree", "-display", &display]).output()?;
        // The only X client on this display: its window (title or class) names the app.
        if String::from_utf8_lossy(&tree.stdout).to_lowercase().contains("masar") {
            break;
        }
        if Instant::now() > deadline {
            bail!(
                "no window of masar-desktop in the clean root within 60 s:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    // The page, not only the frame: give it the time to paint.
    std::thread::sleep(Duration::from_secs(3));
    Command::new("import")
        .args(["-display", &display, "-window", "root"])
        .arg(screenshot)
        .status_ok()
        .context("the clean root's screenshot")?;
    app.terminate();
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    anyhow::ensure!(
        !said.contains("error while loading shared libraries"),
        "a library is missing in the clean root:\n{said}"
    );
    println!("clean root: the app's window opened ({})", screenshot.display());
    Ok(())
}

/// `apt-get remove` keeps the server's configuration file; `purge` removes it; the app goes.
fn check_removal(root: &Path) -> Result<()> {
    in_root(root, &["apt-get", "remove", "--yes", "masar-server", "masar-desktop"])?;
    anyhow::ensure!(!root.join("usr/bin/masar-desktop").exists(), "remove left /usr/bin/masar-desktop");
    anyhow::ensure!(!root.join("usr/bin/masar-server").exists(), "remove left /usr/bin/masar-server");
    anyhow::ensure!(
        root.join("etc/masar/masar-server.env").exists(),
        "remove did not keep the configuration"
    );
    in_root(root, &["apt-get", "purge", "--yes", "masar-server"])?;
    anyhow::ensure!(!root.join("etc/masar/masar-server.env").exists(), "purge left the configuration");
    println!("clean root: remove kept /etc/masar/masar-server.env, purge removed it, both binaries gone");
    Ok(())
}

/// Removes a root left by an earlier run (unmounting anything still bound in it first).
fn remove_root(root: &Path) -> Result<()> {
    if !root.exists() {
        return Ok(());
    }
    for inner in ["tmp/.X11-unix", "dev/pts", "dev", "sys", "proc"] {
        let _ = Command::new("umount")
            .arg("--lazy")
            .arg(root.join(inner))
            .stderr(std::process::Stdio::null())
            .status();
    }
    // Never remove through a mount point: /dev or /sys of the host would go with it.
    let mounts = std::fs::read_to_string("/proc/self/mounts")?;
    let prefix = root.to_string_lossy();
    if let Some(still) =
        mounts.lines().filter_map(|line| line.split(' ').nth(1)).find(|m| m.starts_with(&*prefix))
    {
        bail!("{still} is still mounted: the clean root is left in place");
    }
    std::fs::remove_dir_all(root).with_context(|| format!("cannot remove {}", root.display()))
}
