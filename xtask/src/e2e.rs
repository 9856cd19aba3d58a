//! The end-to-end stage: Xvfb, tauri-driver (with WebKitWebDriver), then the `masar-e2e` tests
//! against the built app and server. Everything started here is stopped when it ends.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::dist::Packages;
use crate::process::{Guarded, on_free_ports, start_xvfb, still_running, wait_for_http};
use crate::setup::tauri_driver;
use crate::workspace::{StatusOk, Workspace};

/// The binaries the tests drive, and which tests.
struct Under<'a> {
    app: PathBuf,
    server: PathBuf,
    /// The installed release package: it has no test-only file picker.
    installed: bool,
    /// Extra arguments to `cargo test` before `--` (e.g. one test file).
    cargo_args: &'a [&'a str],
    artifacts: &'a str,
}

pub fn run(ws: &Workspace, filter: Option<&str>) -> Result<()> {
    // A test cannot click in the system's file dialog: this build takes the files a test lists.
    ws.build_app_with(&["masar-desktop/e2e-picker"])?;
    let under = Under {
        app: ws.binary("masar-desktop"),
        server: ws.binary("masar-server"),
        installed: false,
        cargo_args: &[],
        artifacts: "e2e-artifacts",
    };
    run_tests(ws, &under, filter)
}

/// The packages as a workstation and a server get them: the .rpm read with `rpm`, `apt-get
/// install` of the .debs, what they put in place checked, the sign-in tests run against `/usr/bin/masar-desktop` and
/// `/usr/bin/masar-server`, then `apt-get remove` (also when a test failed).
pub fn run_installed(ws: &Workspace, packages: &Packages) -> Result<()> {
    let config = crate::dist::AppConfig::read(ws)?;
    let entry = config.desktop_entry();
    rpm_contents(&packages.app_rpm, &entry)?;
    let debs = [&packages.app_deb, &packages.server_deb];
    Command::new("apt-get").args(["install", "-y", "--no-install-recommends"]).args(debs).status_ok()?;
    let tested = installed_files(&entry).and_then(|()| {
        let under = Under {
            app: PathBuf::from("/usr/bin/masar-desktop"),
            server: PathBuf::from("/usr/bin/masar-server"),
            installed: true,
            cargo_args: &["--test", "sign_in"],
            artifacts: "e2e-installed-artifacts",
        };
        run_tests(ws, &under, None)
    });
    let removed = Command::new("apt-get").args(["remove", "-y", "masar-desktop", "masar-server"]).status_ok();
    tested?;
    removed?;
    anyhow::ensure!(
        !Path::new("/usr/bin/masar-desktop").exists(),
        "apt-get remove left /usr/bin/masar-desktop"
    );
    println!("installed, signed in against the installed binaries, removed");
    crate::clean_root::run(ws, packages)
}

/// What the packages put in place: binaries, the desktop entry named by the app's identifier
/// (valid, with the Arabic name), icons, the fonts' licences, the service unit and its settings.
fn installed_files(desktop: &str) -> Result<()> {
    let listed = |package: &str| -> Result<String> {
        let output = Command::new("dpkg").args(["-L", package]).output()?;
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let app = listed("masar-desktop")?;
    let entries: Vec<&str> = app
        .lines()
        .filter(|line| line.starts_with("/usr/share/applications/") && line.ends_with(".desktop"))
        .collect();
    anyhow::ensure!(
        entries == [desktop],
        "masar-desktop installs the desktop entries {entries:?}, not {desktop}"
    );
    Command::new("desktop-file-validate").arg(desktop).status_ok()?;
    let entry = std::fs::read_to_string(desktop)?;
    anyhow::ensure!(
        entry.contains("Name[ar]=بياناتي الوظيفية — مسار"),
        "no Arabic name in {desktop}:\n{entry}"
    );
    for expected in [
        "/usr/bin/masar-desktop",
        "/usr/share/icons/hicolor/16x16/apps/masar-desktop.png",
        "/usr/share/icons/hicolor/48x48/apps/masar-desktop.png",
        "/usr/share/icons/hicolor/512x512/apps/masar-desktop.png",
        "/usr/share/doc/masar-desktop/fonts/IBM-Plex-Sans-Arabic-OFL.txt",
        "/usr/share/doc/masar-desktop/fonts/Amiri-OFL.txt",
    ] {
        anyhow::ensure!(
            app.lines().any(|line| line == expected),
            "masar-desktop does not install {expected}"
        );
    }
    let server = listed("masar-server")?;
    for expected in [
        "/usr/bin/masar-server",
        "/lib/systemd/system/masar-server.service",
        "/etc/masar/masar-server.env",
        "/usr/share/doc/masar-server/examples/masar-server.toml",
    ] {
        anyhow::ensure!(
            server.lines().any(|line| line == expected),
            "masar-server does not install {expected}"
        );
    }
    Command::new("systemd-analyze")
        .args(["verify", "/lib/systemd/system/masar-server.service"])
        .status_ok()?;
    println!("installed: {desktop} (valid), icons 16–512 px, font licences, masar-server's unit (verified)");
    Ok(())
}

/// The .rpm, read with `rpm` itself (a Debian machine cannot install it): its payload's digests,
/// its name, the same files as the .deb's, and what it needs from the system (WebKitGTK 4.1 and
/// GTK 3 from the binary, OpenSSL and D-Bus declared).
fn rpm_contents(rpm: &Path, desktop: &str) -> Result<()> {
    let query = |args: &[&str]| -> Result<String> {
        let output = Command::new("rpm").args(args).arg(rpm).output().context("cannot run rpm")?;
        anyhow::ensure!(
            output.status.success(),
            "rpm {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    query(&["--checksig", "--nosignature"])?;
    let name = query(&["-qp", "--queryformat", "%{NAME} %{ARCH}"])?;
    anyhow::ensure!(name == "masar-desktop x86_64", "the .rpm is {name:?}");
    let files = query(&["-qpl"])?;
    for expected in [
        "/usr/bin/masar-desktop",
        "/usr/share/icons/hicolor/16x16/apps/masar-desktop.png",
        "/usr/share/icons/hicolor/512x512/apps/masar-desktop.png",
        "/usr/share/doc/masar-desktop/fonts/IBM-Plex-Sans-Arabic-OFL.txt",
        "/usr/share/doc/masar-desktop/fonts/Amiri-OFL.txt",
    ] {
        anyhow::ensure!(files.lines().any(|line| line == expected), "the .rpm does not hold {expected}");
    }
    anyhow::ensure!(files.lines().any(|line| line == desktop), "the .rpm does not hold {desktop}");
    let requires = query(&["-qpR"])?;
    for needed in ["libwebkit2gtk-4.1.so.0()(64bit)", "libgtk-3.so.0()(64bit)", "openssl-libs", "dbus-libs"] {
        anyhow::ensure!(
            requires.lines().any(|line| line.trim() == needed),
            "the .rpm does not require {needed}"
        );
    }
    println!(
        "rpm: digests good, masar-desktop x86_64, the same files as the .deb, requires WebKitGTK 4.1, GTK 3, OpenSSL, D-Bus"
    );
    Ok(())
}

fn run_tests(ws: &Workspace, under: &Under<'_>, filter: Option<&str>) -> Result<()> {
    let artifacts = ws.target_dir.join(under.artifacts);
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts)?;

    let (mut xvfb, display) = start_xvfb()?;
    println!("Xvfb on display {display}");

    let driver = tauri_driver().context("tauri-driver is not installed; run cargo xtask setup")?;
    // A private session bus with an unlocked Secret Service (gnome-keyring), so the app's
    // keychain is real; everything the driver starts (the app too) inherits it.
    // On the same bus, a desktop notification server that records what the app sends (the
    // tests read it); the driver starts once it holds its name.
    let notifications = artifacts.join("notifications.jsonl");
    let server = ws.root.join("xtask/scripts/notification_server.py");
    // The app's own log (everything the shell and core write, at TRACE), kept as an artifact
    // and checked for secrets once the tests are done.
    let app_log = artifacts.join("app.log");
    let (_driver, port) = on_free_ports("tauri-driver", 2, |ports| {
        let (port, native_port) = (ports[0], ports[1]);
        let script = format!(
            "printf %s masar-e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
             python3 '{}' '{}' & \
             for _ in $(seq 100); do [ -f '{}' ] && break; sleep 0.1; done; \
             exec '{}' --port {port} --native-port {native_port}",
            server.display(),
            notifications.display(),
            notifications.display(),
            driver.display()
        );
        let log_file = std::fs::File::create(&app_log)?;
        let mut started = Guarded::spawn_group(
            "tauri-driver",
            Command::new("dbus-run-session")
                .args(["--", "sh", "-c", &script])
                .env("DISPLAY", &display)
                .env("MASAR_LOG", "trace")
                .stdout(log_file.try_clone()?)
                .stderr(log_file),
        )?;
        wait_for_http(port, "/status", Duration::from_secs(30))?;
        still_running(&mut started)?;
        Ok((started, port))
    })?;

    // A second driver for the apps that must find no system keychain: no session bus at all
    // (as from a plain terminal), so nothing answers for the Secret Service.
    let (_bare_driver, bare_port) = on_free_ports("tauri-driver (no keychain)", 2, |ports| {
        let bare_log = std::fs::File::create(artifacts.join("app-no-keychain.log"))?;
        let mut started = Guarded::spawn_group(
            "tauri-driver (no keychain)",
            Command::new(&driver)
                .args(["--port", &ports[0].to_string(), "--native-port", &ports[1].to_string()])
                .env_remove("DBUS_SESSION_BUS_ADDRESS")
                .env_remove("XDG_RUNTIME_DIR")
                .env("DISPLAY", &display)
                .env("MASAR_LOG", "trace")
                .stdout(bare_log.try_clone()?)
                .stderr(bare_log),
        )?;
        wait_for_http(ports[0], "/status", Duration::from_secs(30))?;
        still_running(&mut started)?;
        Ok((started, ports[0]))
    })?;

    // Chromium, for the tests that fill the identity provider's pages in a real browser.
    let (_chromedriver, chromedriver_port) = crate::browser::start_chromedriver(&artifacts)?;

    // Every test binary runs even after one fails: a run reports all that broke at once.
    let mut args = vec!["test", "-p", "masar-e2e", "--locked", "--no-fail-fast"];
    args.extend(under.cargo_args);
    args.extend(["--", "--test-threads=1"]);
    args.extend(filter);
    let result = ws
        .cargo(&args)
        .env("DISPLAY", &display)
        .env("TAURI_DRIVER_URL", format!("http://127.0.0.1:{port}"))
        .env("TAURI_DRIVER_NO_KEYCHAIN_URL", format!("http://127.0.0.1:{bare_port}"))
        .env("MASAR_APP_BIN", &under.app)
        .env("MASAR_SERVER_BIN", &under.server)
        .env("MASAR_APP_INSTALLED", if under.installed { "1" } else { "" })
        .env("MASAR_E2E_ARTIFACTS", &artifacts)
        .env("CHROMEDRIVER_URL", format!("http://127.0.0.1:{chromedriver_port}"))
        .status_ok();
    println!("screenshots: {}", artifacts.display());
    xvfb.terminate();
    result?;
    // A filtered run may start only one of the two kinds of app: each log is checked when its
    // app ran (and always in a full run, where both must have). Every server's log too.
    let typed = typed_secrets(&artifacts)?;
    let full = filter.is_none() && under.cargo_args.is_empty();
    for log in [app_log, artifacts.join("app-no-keychain.log")] {
        let ran = std::fs::read_to_string(&log).is_ok_and(|text| text.contains("masar_"));
        if full || ran {
            // A full run's app logs a whole day of work; one filtered test may log a few lines.
            check_app_log(&log, &typed, if full { 10 } else { 1 })?;
        }
    }
    check_server_logs(&artifacts, &typed)?;
    report_axe(&artifacts)?;
    Ok(())
}

/// What axe-core could not decide on each screen (the tests' own output is captured when they
/// pass): listed here, for a person to look at the screenshot.
pub fn report_axe(artifacts: &std::path::Path) -> Result<()> {
    let mut screens = 0;
    let mut undecided = Vec::new();
    for entry in std::fs::read_dir(artifacts)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".axe.json"))
        else {
            continue;
        };
        screens += 1;
        let found: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        for result in found["incomplete"].as_array().into_iter().flatten() {
            undecided.push(format!("{name}: {}", result["id"].as_str().unwrap_or("?")));
        }
    }
    undecided.sort();
    println!("axe-core: {screens} screens checked, {} results to look at by hand", undecided.len());
    for line in &undecided {
        println!("  {line}");
    }
    Ok(())
}

/// Passwords the end-to-end tests type (the demo accounts' all start with `Masar@`): none may
/// appear in what the app or the server logged, even at TRACE; nor may any password or code the
/// harness recorded as typed (`typed-secrets.txt`).
const TYPED_SECRETS: &[&str] =
    &["Masar@", "Changed@2026", "not-the-password", "not-the-old-one", "wrong-1", "wrong-5", "a-wrong"];

/// What the harness typed into password and code fields, and the fixed list.
pub fn typed_secrets(artifacts: &std::path::Path) -> Result<Vec<String>> {
    let recorded = std::fs::read_to_string(artifacts.join("typed-secrets.txt")).unwrap_or_default();
    let mut secrets: Vec<String> = TYPED_SECRETS.iter().map(|s| (*s).to_owned()).collect();
    secrets.extend(recorded.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned));
    secrets.sort();
    secrets.dedup();
    Ok(secrets)
}

/// Where `secret` stands in `log` as itself. A code (digits only) counts only as a whole number:
/// not inside a longer one, nor as the fraction of a timestamp (`13:22:43.482913Z`).
fn leaks(log: &str, secret: &str) -> bool {
    if !secret.bytes().all(|b| b.is_ascii_digit()) {
        return log.contains(secret);
    }
    log.match_indices(secret).any(|(at, _)| {
        let before = log[..at].bytes().next_back();
        let after = log[at + secret.len()..].bytes().next();
        !before.is_some_and(|b| b.is_ascii_digit() || b == b'.') && !after.is_some_and(|b| b.is_ascii_digit())
    })
}

/// Lines a log holds from the product's own code (its tracing targets).
fn own_lines(log: &str) -> usize {
    log.lines()
        .filter(|line| {
            ["masar_core", "masar_desktop", "masar_sync", "masar_server"].iter().any(|t| line.contains(t))
        })
        .count()
}

pub fn check_server_logs(artifacts: &std::path::Path, typed: &[String]) -> Result<()> {
    let mut checked = 0;
    for entry in std::fs::read_dir(artifacts)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if !(name.starts_with("server-") && name.ends_with(".log")) {
            continue;
        }
        let log = std::fs::read_to_string(&path)?;
        let leaked: Vec<&String> = typed.iter().filter(|secret| leaks(&log, secret)).collect();
        anyhow::ensure!(
            leaked.is_empty(),
            "a typed secret reached a server's log ({}): {leaked:?}",
            path.display()
        );
        checked += 1;
    }
    println!("server logs: {checked} checked at DEBUG, none holds a typed password or code");
    Ok(())
}

fn check_app_log(path: &std::path::Path, typed: &[String], at_least: usize) -> Result<()> {
    let log = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let own = own_lines(&log);
    anyhow::ensure!(
        own >= at_least,
        "the app logged {own} lines of its own at TRACE ({} bytes in {}): the check below would prove little",
        log.len(),
        path.display()
    );
    let leaked: Vec<&String> = typed.iter().filter(|secret| leaks(&log, secret)).collect();
    anyhow::ensure!(
        leaked.is_empty(),
        "a typed password or code reached the app's log ({}): {leaked:?}",
        path.display()
    );
    let blocked: Vec<&str> =
        log.lines().filter(|line| line.contains("content security policy blocked")).collect();
    anyhow::ensure!(
        blocked.is_empty(),
        "the content security policy blocked the app's own UI ({}):\n{}",
        path.display(),
        blocked.join("\n")
    );
    println!(
        "app log: {} bytes, {own} lines of the app's own at TRACE, none of {} typed passwords and codes in it, nothing blocked by the content security policy",
        log.len(),
        typed.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::leaks;

    #[test]
    fn a_code_counts_only_as_a_whole_number_and_a_password_anywhere() {
        let timestamps = "2026-12-06T13:22:43.482913Z DEBUG masar_core: offset=1482913 at=4829130";
        assert!(!leaks(timestamps, "482913"));
        assert!(leaks("the code 482913 was sent", "482913"));
        assert!(leaks("code=482913\n", "482913"));
        assert!(leaks(r#"{"code":"482913"}"#, "482913"));
        assert!(leaks("password=Masar@4101 ", "Masar@4101"));
        assert!(leaks("xMasar@4101x", "Masar@4101"));
        assert!(!leaks("nothing of it here", "Masar@4101"));
    }
}
