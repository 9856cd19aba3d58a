//! The identity provider's pages in a real browser: Debian's Chromium through chromedriver
//! (headless), a demo server per test, axe-core on every page, screenshots kept in
//! `browser-artifacts/`, and the servers' logs checked for what was typed.

use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Result;

use crate::e2e::{check_server_logs, report_axe, typed_secrets};
use crate::process::{Guarded, on_free_ports, still_running, wait_for_http};
use crate::workspace::{StatusOk, Workspace};

pub fn run(ws: &Workspace) -> Result<()> {
    ws.cargo(&["build", "-p", "masar-server", "--locked"]).status_ok()?;
    let artifacts = ws.target_dir.join("browser-artifacts");
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts)?;
    let (_driver, port) = start_chromedriver(&artifacts)?;
    ws.cargo(&["test", "-p", "masar-e2e", "--locked", "--test", "provider_pages", "--", "--test-threads=1"])
        .env("CHROMEDRIVER_URL", format!("http://127.0.0.1:{port}"))
        .env("MASAR_SERVER_BIN", ws.binary("masar-server"))
        .env("MASAR_E2E_ARTIFACTS", &artifacts)
        .status_ok()?;
    println!("screenshots: {}", artifacts.display());
    check_server_logs(&artifacts, &typed_secrets(&artifacts)?)?;
    report_axe(&artifacts)
}

/// Debian's chromedriver on a free loopback port, its log among `artifacts`; stopped when the
/// guard is dropped.
pub fn start_chromedriver(artifacts: &std::path::Path) -> Result<(Guarded, u16)> {
    on_free_ports("chromedriver", 1, |ports| {
        let log = std::fs::File::create(artifacts.join("chromedriver.log"))?;
        let mut started = Guarded::spawn_group(
            "chromedriver",
            Command::new("chromedriver")
                .arg(format!("--port={}", ports[0]))
                .stdout(Stdio::null())
                .stderr(log),
        )?;
        wait_for_http(ports[0], "/status", Duration::from_secs(30))?;
        still_running(&mut started)?;
        Ok((started, ports[0]))
    })
}
