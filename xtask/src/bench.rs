//! `cargo xtask bench`: measurements, never pass/fail assertions.
//!
//! `startup`: the release app against the floor, a bare Tauri 2 window built from the template in
//! `xtask/bare-window/` with the same Tauri (the workspace's Cargo.lock), toolchain and release
//! profile, under Xvfb, taking turns. For each start: the time from starting the process to the
//! first frame on screen (a pixel of the header, painted the same green in both), then the
//! resident memory of the process and its WebKit processes after 10 s idle. Prints medians and
//! the app-to-floor ratios.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::process::{DemoServer, Guarded, start_xvfb};
use crate::workspace::{StatusOk, Workspace};

/// A pixel in the header's top padding, painted `--color-primary` with the window's first frame.
const PROBE: (u32, u32) = (600, 6);
/// A pixel of Masar Desktop's «الدخول عبر النفاذ الوطني الموحد» button (its start, beside the
/// label), the same green once the app itself is drawn (the first frame is the header bar alone,
/// from index.html).
const SIGN_IN_PROBE: (u32, u32) = (420, 318);
const HEADER_COLOUR: &str = "srgb(27,131,84)";
/// How long a started window sits idle before its memory is read.
const IDLE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
struct Sample {
    first_paint: Duration,
    /// Masar Desktop only: the sign-in form drawn.
    ready: Option<Duration>,
    rss_kib: u64,
    processes: usize,
    /// Each process's resident memory by kind, to see where a difference lies.
    parts: Vec<ProcessMemory>,
}

/// One process's resident memory (`/proc/PID/status`): its own pages, file pages (the
/// binary and libraries, shared with other processes but counted in each) and shared memory.
#[derive(Debug, Clone)]
struct ProcessMemory {
    name: String,
    anon_kib: u64,
    file_kib: u64,
    shmem_kib: u64,
}

impl ProcessMemory {
    fn read(pid: u32) -> Self {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |key: &str| -> u64 {
            status
                .lines()
                .find(|line| line.starts_with(key))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
                .unwrap_or(0)
        };
        let name =
            status.lines().find_map(|line| line.strip_prefix("Name:")).unwrap_or("?").trim().to_owned();
        Self { name, anon_kib: field("RssAnon:"), file_kib: field("RssFile:"), shmem_kib: field("RssShmem:") }
    }
}

pub fn startup(ws: &Workspace, runs: usize) -> Result<()> {
    ws.build_ui()?;
    // The binary the packages ship, built as `cargo xtask dist` builds it.
    crate::dist::build_release(ws)?;
    let bare = build_bare_window(ws)?;
    let app = ws.target_dir.join("release/masar-desktop");
    for binary in [&app, &bare] {
        let bytes = std::fs::metadata(binary)?.len();
        println!("{}: {bytes} bytes", binary.display());
    }

    let data = ws.target_dir.join("bench-data");
    let _ = std::fs::remove_dir_all(&data);
    let server = DemoServer::start(&ws.target_dir.join("release/masar-server"), &data, false)?;
    let (mut xvfb, display) = start_xvfb()?;

    let (mut ours, mut floor) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for run in 1..=runs {
        let config = ws.target_dir.join(format!("bench-config-{run}"));
        let _ = std::fs::remove_dir_all(&config);
        let mut command = Command::new(&app);
        command.arg("--server-url").arg(&server.url).arg("--config-dir").arg(&config);
        command.arg("--data-dir").arg(config.join("data"));
        let sample = measure("masar-desktop", &mut command, &display, Some(SIGN_IN_PROBE))?;
        println!("run {run}: Masar Desktop  {}", describe(&sample));
        ours.push(sample);
        let sample = measure("bare-tauri-window", &mut Command::new(&bare), &display, None)?;
        println!("run {run}: bare window    {}", describe(&sample));
        floor.push(sample);
    }
    server.stop();
    xvfb.terminate();

    let paint = |samples: &[Sample]| median(samples.iter().map(|s| s.first_paint.as_secs_f64() * 1000.0));
    #[allow(clippy::cast_precision_loss)]
    let rss = |samples: &[Sample]| median(samples.iter().map(|s| s.rss_kib as f64 / 1024.0));
    let (our_paint, floor_paint, our_rss, floor_rss) = (paint(&ours), paint(&floor), rss(&ours), rss(&floor));
    println!("medians over {runs} starts each (release builds, Xvfb, this machine):");
    println!(
        "  start-up to first paint: Masar Desktop {our_paint:.0} ms, bare Tauri window {floor_paint:.0} ms, ratio {:.2}",
        our_paint / floor_paint
    );
    let ready = median(ours.iter().filter_map(|s| s.ready).map(|d| d.as_secs_f64() * 1000.0));
    println!("  Masar Desktop's sign-in form drawn: {ready:.0} ms");
    println!(
        "  RSS after {} s idle (process + WebKit processes): Masar Desktop {our_rss:.1} MiB, bare Tauri window {floor_rss:.1} MiB, ratio {:.2}",
        IDLE.as_secs(),
        our_rss / floor_rss
    );
    Ok(())
}

fn describe(sample: &Sample) -> String {
    #[allow(clippy::cast_precision_loss)]
    let mib = sample.rss_kib as f64 / 1024.0;
    let ready = sample.ready.map(|d| format!(", sign-in form {} ms", d.as_millis())).unwrap_or_default();
    let whole = |kib: u64| kib / 1024;
    let parts: Vec<String> = sample
        .parts
        .iter()
        .map(|p| {
            format!(
                "{} anon {} + file {} + shmem {}",
                p.name,
                whole(p.anon_kib),
                whole(p.file_kib),
                whole(p.shmem_kib)
            )
        })
        .collect();
    format!(
        "first paint {} ms{ready}, RSS {mib:.1} MiB in {} processes ({} MiB)",
        sample.first_paint.as_millis(),
        sample.processes,
        parts.join("; ")
    )
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Starts `command` on `display`, times its first paint, waits [`IDLE`], reads its memory, stops it.
fn measure(
    name: &'static str,
    command: &mut Command,
    display: &str,
    ready_at: Option<(u32, u32)>,
) -> Result<Sample> {
    let started = Instant::now();
    let mut process =
        Guarded::spawn(name, command.env("DISPLAY", display).stdout(Stdio::null()).stderr(Stdio::null()))?;
    let first_paint = wait_for_colour(display, PROBE, started)?;
    let ready = ready_at.map(|probe| wait_for_colour(display, probe, started)).transpose()?;
    std::thread::sleep(IDLE);
    let tree = process_tree(process.child.id());
    let rss_kib = tree.iter().map(|pid| rss_kib(*pid)).sum();
    let parts = tree.iter().map(|pid| ProcessMemory::read(*pid)).collect();
    process.terminate();
    // The screen goes back to black before the next start.
    std::thread::sleep(Duration::from_millis(500));
    Ok(Sample { first_paint, ready, rss_kib, processes: tree.len(), parts })
}

/// `root` and every process descended from it (the WebKit web and network processes).
fn process_tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
                .filter_map(|pid| Some((pid, parent_of(pid)?)))
                .collect()
        })
        .unwrap_or_default();
    let mut tree = vec![root];
    let mut index = 0;
    while index < tree.len() {
        let parent = tree[index];
        tree.extend(parents.iter().filter(|(_, ppid)| *ppid == parent).map(|(pid, _)| *pid));
        index += 1;
    }
    tree
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name in parentheses: state, then the parent's pid.
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Builds the bare window from the template: a copy under the target directory, the workspace's
/// locked Tauri versions, the shared target directory (so the dependencies built for the app
/// are reused where their features match).
fn build_bare_window(ws: &Workspace) -> Result<PathBuf> {
    let template = ws.root.join("xtask/bare-window");
    let dir = ws.target_dir.join("bare-window-src");
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&template, &dir)?;
    let lock = std::fs::read_to_string(ws.root.join("Cargo.lock"))?;
    let manifest = std::fs::read_to_string(template.join("Cargo.toml.template"))?
        .replace("TAURI_VERSION", &format!("={}", locked_version(&lock, "tauri")?))
        .replace("TAURI_BUILD_VERSION", &format!("={}", locked_version(&lock, "tauri-build")?));
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::remove_file(dir.join("Cargo.toml.template"))?;
    std::fs::write(dir.join("Cargo.lock"), lock)?;
    let manifest_path = dir.join("Cargo.toml");
    ws.cargo(&["build", "--release", "--manifest-path"])
        .arg(&manifest_path)
        .env("CARGO_TARGET_DIR", &ws.target_dir)
        .status_ok()?;
    Ok(ws.target_dir.join("release/bare-tauri-window"))
}

fn locked_version(lock: &str, name: &str) -> Result<String> {
    let marker = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&marker).with_context(|| format!("{name} is not in Cargo.lock"))? + marker.len();
    let end = lock[start..].find('"').context("malformed Cargo.lock")?;
    Ok(lock[start..start + end].to_owned())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Polls a pixel of the X screen until it shows the header colour.
fn wait_for_colour(display: &str, probe: (u32, u32), started: Instant) -> Result<Duration> {
    let crop = format!("1x1+{}+{}", probe.0, probe.1);
    loop {
        let output = Command::new("import")
            .args(["-display", display, "-window", "root", "-crop", &crop, "txt:-"])
            .output()
            .context("cannot run ImageMagick's import")?;
        if String::from_utf8_lossy(&output.stdout).contains(HEADER_COLOUR) {
            return Ok(started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the window did not paint {probe:?} within 60 s");
        }
    }
}
