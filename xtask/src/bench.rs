//! `cargo xtask bench`: measurements, never pass/fail assertions.
//!
//! `startup`: from starting the app process to the first frame of the UI on screen (the header's
//! colour at a fixed pixel of the X screen), against a local demo server, under Xvfb.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::process::{DemoServer, Guarded, start_xvfb};
use crate::workspace::Workspace;

/// A pixel in the header's top padding, painted `--color-primary` once the UI is on screen.
const PROBE: (u32, u32) = (600, 6);
const HEADER_COLOUR: &str = "srgb(27,131,84)";

pub fn startup(ws: &Workspace, runs: usize) -> Result<()> {
    ws.build_app()?;
    let data = ws.target_dir.join("bench-data");
    let _ = std::fs::remove_dir_all(&data);
    let server = DemoServer::start(&ws.binary("masar-server"), &data, false)?;

    let (mut xvfb, display) = start_xvfb()?;

    let mut samples = Vec::with_capacity(runs);
    for run in 1..=runs {
        let config = ws.target_dir.join(format!("bench-config-{run}"));
        let _ = std::fs::remove_dir_all(&config);
        let started = Instant::now();
        let mut app = Guarded::spawn(
            "masar-desktop",
            Command::new(ws.binary("masar-desktop"))
                .arg("--server-url")
                .arg(&server.url)
                .arg("--config-dir")
                .arg(&config)
                .env("DISPLAY", &display)
                .stderr(Stdio::null()),
        )?;
        let painted = wait_for_colour(&display, started)?;
        samples.push(painted);
        println!("run {run}: first paint after {} ms", painted.as_millis());
        app.terminate();
        // The screen goes back to black before the next run.
        std::thread::sleep(Duration::from_millis(300));
    }
    server.stop();
    xvfb.terminate();

    samples.sort();
    let ms = |d: &Duration| d.as_millis();
    println!(
        "startup to first paint over {runs} runs: min {} ms, median {} ms, max {} ms",
        ms(&samples[0]),
        ms(&samples[samples.len() / 2]),
        ms(&samples[samples.len() - 1])
    );
    Ok(())
}

/// Polls the probe pixel of the X screen until it shows the header colour.
fn wait_for_colour(display: &str, started: Instant) -> Result<Duration> {
    let crop = format!("1x1+{}+{}", PROBE.0, PROBE.1);
    loop {
        let output = Command::new("import")
            .args(["-display", display, "-window", "root", "-crop", &crop, "txt:-"])
            .output()
            .context("cannot run ImageMagick's import")?;
        if String::from_utf8_lossy(&output.stdout).contains(HEADER_COLOUR) {
            return Ok(started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the app did not paint its header within 60 s");
        }
    }
}
