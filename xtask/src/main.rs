//! `cargo xtask setup | run | test | dist | bindings | openapi | bench | load`: the project's whole set-up, run and test, on a
//! fresh Debian machine, in plain Rust so nothing but cargo is needed to start.

mod bench;
mod browser;
mod clean_root;
mod dist;
mod e2e;
mod postgres;
mod process;
mod release_build;
mod setup;
mod supply_chain;
mod test_binaries;
mod workspace;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use workspace::StatusOk;

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "Set-up, run and test Masar Desktop")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Install what building and testing need (system packages, npm packages, tauri-driver).
    Setup,
    /// Build, start a local masar-server with demo data, open the app on it; stop the server
    /// when the app closes.
    Run,
    /// Every check and test: formatting, clippy, UI type check and unit tests, cargo tests,
    /// then the end-to-end tests in a real window under Xvfb.
    Test {
        /// Skip the end-to-end stage (for a quick loop while developing).
        #[arg(long)]
        no_e2e: bool,
    },
    /// Only the end-to-end stage (after a UI build), optionally only the tests whose name
    /// contains FILTER: for working on one screen.
    E2e {
        filter: Option<String>,
        /// Instead: make the packages, install them, run the sign-in tests against the
        /// installed binaries, remove them (the last stage of `test`).
        #[arg(long, conflicts_with = "filter")]
        installed: bool,
    },
    /// Only the identity provider's pages in Chromium (a stage of `test`).
    Browser,
    /// Regenerate the UI's TypeScript bindings from the Rust types.
    Bindings,
    /// Only the supply chain's check (a stage of `test`): `cargo deny check` with the RustSec
    /// database (cloned, or the snapshot in xtask/supply-chain/).
    Deny,
    /// Regenerate the committed OpenAPI description (`crates/server/openapi.json`).
    Openapi,
    /// The sync fault tests at scale: N randomized scenarios through the fault proxy, and N/10
    /// rounds of a client killed with SIGKILL at random moments.
    Soak {
        #[arg(default_value_t = 1000)]
        scenarios: u32,
        /// Crash rounds (a client killed with SIGKILL, aimed at queue, push and pull in turn);
        /// a fifth of the scenarios by default.
        #[arg(long)]
        crash_rounds: Option<u32>,
    },
    /// Measure: start-up to first paint (the app under Xvfb) and vault unlock time
    /// (`cargo bench -p masar-core --bench unlock`). Prints figures; asserts nothing.
    Bench {
        /// How many starts to time.
        #[arg(long, default_value_t = 11)]
        runs: usize,
        /// Only these measurements (startup, unlock, attachments, statement, sync); all by default.
        only: Vec<String>,
    },
    /// The installable packages in <target>/dist: Masar Desktop as .deb and .rpm (release build,
    /// Tauri's bundler), masar-server as its own .deb with its systemd unit. Prints their sizes.
    Dist,
    /// Load with wrk on loopback: authenticated sync polls, first pulls and pushes, one server
    /// node and two on the same data (`cargo bench -p masar-server --bench load`). Prints
    /// requests/s, p50 / p99 latency and errors; asserts nothing.
    Load,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let ws = workspace::Workspace::locate()?;
    match cli.command {
        Command::Setup => setup::run(&ws),
        Command::Run => run_app(&ws),
        Command::Test { no_e2e } => test(&ws, !no_e2e),
        Command::Browser => browser::run(&ws),
        Command::Deny => supply_chain::run(&ws),
        Command::Bench { runs, only } => {
            setup::run(&ws)?;
            let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
            if wanted("startup") {
                bench::startup(&ws, runs.max(1))?;
            }
            for (package, bench) in [
                ("masar-core", "unlock"),
                ("masar-core", "attachments"),
                ("masar-statement", "statement"),
                ("masar-server", "sync"),
            ] {
                if wanted(bench) {
                    ws.cargo(&["bench", "-p", package, "--bench", bench]).status_ok()?;
                }
            }
            Ok(())
        }
        Command::Dist => {
            setup::run(&ws)?;
            dist::run(&ws).map(drop)
        }
        Command::Load => {
            setup::run(&ws)?;
            // PostgreSQL as a deployment runs it: every commit flushed to disk.
            let postgres = postgres::Postgres::start("postgres-load", true)?;
            ws.cargo(&["bench", "-p", "masar-server", "--bench", "load"])
                .env("MASAR_LOAD_POSTGRES_URL", &postgres.url)
                .status_ok()
        }
        Command::Soak { scenarios, crash_rounds } => {
            ws.cargo(&["test", "-p", "masar-core", "--test", "sync", "--", "--nocapture"])
                .env("MASAR_SOAK", scenarios.to_string())
                .status_ok()?;
            ws.cargo(&["test", "-p", "masar-test-support", "--test", "crash", "--", "--nocapture"])
                .env("MASAR_CRASH_ROUNDS", crash_rounds.unwrap_or((scenarios / 5).max(4)).to_string())
                .status_ok()
        }
        Command::E2e { filter, installed } => {
            setup::run(&ws)?;
            if installed {
                let packages = dist::run(&ws)?;
                return e2e::run_installed(&ws, &packages);
            }
            e2e::run(&ws, filter.as_deref())
        }
        Command::Bindings => ws
            .cargo(&["test", "-p", "masar-desktop", "--lib", "bindings"])
            .env("MASAR_UPDATE_BINDINGS", "1")
            .status_ok(),
        Command::Openapi => ws
            .cargo(&["test", "-p", "masar-server", "--test", "openapi"])
            .env("MASAR_UPDATE_OPENAPI", "1")
            .status_ok(),
    }
}

fn run_app(ws: &workspace::Workspace) -> Result<()> {
    setup::run(ws)?;
    ws.build_app()?;
    let data_dir = ws.target_dir.join("demo-data");
    let server = process::DemoServer::start(&ws.binary("masar-server"), &data_dir, true)?;
    println!("opening Masar Desktop on {}", server.url);
    let app = ws.binary("masar-desktop");
    let mut command = if process::has_session_bus() {
        std::process::Command::new(&app)
    } else {
        // A terminal with no desktop session (ssh, a text console): a session bus and a keyring
        // of its own for the app, kept under the target directory like the demo data.
        let keyring = ws.target_dir.join("demo-keyring");
        std::fs::create_dir_all(&keyring)?;
        println!("no session bus here: starting one, with a keyring in {}", keyring.display());
        process::in_session_with_keyring(&app, &keyring)
    };
    command.arg("--server-url").arg(&server.url);
    if let Some(browser) = demo_browser(ws)? {
        command.arg("--browser").arg(browser);
    }
    let status = command.status();
    server.stop();
    // Closing the window exits 0; a signal (Ctrl-C in this terminal) is a normal way out too.
    match status?.code() {
        Some(0) | None => Ok(()),
        Some(code) => anyhow::bail!("masar-desktop exited with code {code}"),
    }
}

/// Where the demo's sign-in page opens. As root (a fresh build machine), Chromium refuses to start
/// with its sandbox and the system's opener would fail: the page opens in the Chromium setup
/// installed, without the sandbox, in a profile of its own under the target directory. Otherwise
/// the app uses the system's default browser (`None`).
fn demo_browser(ws: &workspace::Workspace) -> Result<Option<std::path::PathBuf>> {
    let uid = std::process::Command::new("id").arg("-u").output()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" || std::env::var_os("MASAR_BROWSER").is_some() {
        return Ok(None);
    }
    let script = ws.target_dir.join("demo-browser");
    let profile = ws.target_dir.join("demo-browser-profile");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexec chromium --no-sandbox --user-data-dir='{}' \"$1\" >/dev/null 2>&1 &\n",
            profile.display()
        ),
    )?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    Ok(Some(script))
}

/// An empty directory under the target directory (left from an earlier run: emptied).
fn fresh_dir(ws: &workspace::Workspace, name: &str) -> Result<std::path::PathBuf> {
    let dir = ws.target_dir.join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn test(ws: &workspace::Workspace, with_e2e: bool) -> Result<()> {
    let started = std::time::Instant::now();
    let result = test_stages(ws, with_e2e);
    let outcome = if result.is_ok() { "all stages passed" } else { "FAILED" };
    println!("xtask test: {outcome} in {:.0} s ({})", started.elapsed().as_secs_f64(), ws.stage_times());
    result
}

fn test_stages(ws: &workspace::Workspace, with_e2e: bool) -> Result<()> {
    ws.stage("set-up", || setup::run(ws))?;
    ws.stage("formatting", || ws.cargo(&["fmt", "--all", "--", "--check"]).status_ok())?;
    ws.stage("UI type check", || ws.npm(&["run", "check"]).status_ok())?;
    ws.stage("UI unit tests", || ws.npm(&["test"]).status_ok())?;
    ws.stage("UI build", || ws.build_ui())?;
    ws.stage("clippy", || {
        ws.cargo(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]).status_ok()
    })?;
    ws.stage("supply chain (cargo deny: advisories, licences, sources, bans)", || supply_chain::run(ws))?;
    ws.stage("cargo tests", || {
        // The PostgreSQL store's tests run on a throw-away cluster, stopped after the stage.
        let postgres = postgres::Postgres::start("postgres-test", false)?;
        let binaries = test_binaries::build(ws)?;
        ws.cargo(&["test", "--workspace", "--exclude", "masar-e2e", "--locked"])
            .env("MASAR_TEST_POSTGRES_URL", &postgres.url)
            .env("MASAR_TEST_POSTGRES_CA", &postgres.ca_file)
            // More of the randomized fault scenarios and of the SIGKILL rounds than a quick
            // `cargo test` runs; `cargo xtask soak` runs far more.
            .env("MASAR_SOAK", "20")
            .env("MASAR_CRASH_ROUNDS", "20")
            .status_ok()?;
        // The server's tests again, on PostgreSQL (those that look into the SQLite file stay there),
        // and the randomized sync soak (half of it on two nodes) against it, side by side: the
        // executables the first run compiled, started directly.
        on_postgres(&binaries, &postgres)
    })?;
    ws.stage("OpenAPI description (openapi-spec-validator)", || {
        std::process::Command::new("python3")
            .args(["-m", "openapi_spec_validator"])
            .arg(ws.root.join("crates/server/openapi.json"))
            .status_ok()
    })?;
    // From here the stages leave a core idle much of the time: the release binaries the
    // installed-packages stage needs are built beside them, at the lowest priority.
    let release = if with_e2e { Some(release_build::ReleaseBuild::start(ws)?) } else { None };
    // The standard clients run against the masar-server binary the cargo tests stage built for the
    // server's integration tests: a `cargo build -p masar-server` would resolve the features anew
    // and compile part of the tree again (a minute on a cold target directory).
    ws.stage("tus standard client (tuspy)", || {
        standard_client(ws, "tus-client-data", "xtask/scripts/tus_standard_client.py")
    })?;
    ws.stage("OpenID Connect standard client (authlib)", || {
        standard_client(ws, "oidc-client-data", "xtask/scripts/oidc_authlib_client.py")
    })?;
    ws.stage("API fuzzed against its OpenAPI description (schemathesis, 40 examples per operation)", || {
        standard_client(ws, "api-fuzz-data", "xtask/scripts/api_fuzz.py")
    })?;
    ws.stage("identity provider's pages in Chromium (keyboard, axe-core, 200 % text)", || browser::run(ws))?;
    if let Some(release) = release {
        ws.stage("end-to-end tests", || e2e::run(ws, None))?;
        ws.stage("installed packages (cargo xtask dist, apt-get install, sign-in tests, remove)", || {
            let ran = release.finish()?;
            ws.ran_beside("release build", ran);
            let packages = dist::run(ws)?;
            e2e::run_installed(ws, &packages)
        })?;
    }
    Ok(())
}

/// The PostgreSQL pass of the cargo tests stage: masar-server's test executables one after the
/// other (the backup test follows the README's procedure with the cluster's pg_dump), while the
/// randomized sync soak runs beside them; the soak's output is printed once it has finished.
fn on_postgres(binaries: &[test_binaries::TestBinary], postgres: &postgres::Postgres) -> Result<()> {
    let on_cluster = |binary: &test_binaries::TestBinary| {
        let mut command = binary.command();
        command
            .env("MASAR_TEST_POSTGRES_URL", &postgres.url)
            .env("MASAR_TEST_POSTGRES_CA", &postgres.ca_file)
            .env("MASAR_TEST_STORE", "postgres");
        command
    };
    let soak = binaries
        .iter()
        .find(|b| b.package == "masar-core" && b.target == "sync")
        .context("no masar-core sync test executable")?;
    let server: Vec<&test_binaries::TestBinary> =
        binaries.iter().filter(|b| b.package == "masar-server").collect();
    let bin_dir = postgres::bin_dir()?;
    std::thread::scope(|scope| {
        let soak_run = scope.spawn(|| on_cluster(soak).env("MASAR_SOAK", "10").arg("randomized").output());
        let mut server_result = Ok(());
        for binary in &server {
            println!("masar-server {} on PostgreSQL", binary.target);
            let run = on_cluster(binary).env("MASAR_TEST_POSTGRES_BIN", &bin_dir).status_ok();
            if let Err(error) = run {
                server_result = Err(error.context(format!("masar-server's {} on PostgreSQL", binary.target)));
                break;
            }
        }
        let soak_output = soak_run.join().map_err(|_| anyhow::anyhow!("the soak's thread panicked"))??;
        println!("masar-core sync (randomized) on PostgreSQL:");
        // Its stderr (the tests' logs) after its stdout, both on stdout: they are one report.
        print!("{}", String::from_utf8_lossy(&soak_output.stdout));
        print!("{}", String::from_utf8_lossy(&soak_output.stderr));
        anyhow::ensure!(soak_output.status.success(), "the randomized sync soak on PostgreSQL failed");
        server_result
    })
}

/// Runs a standard client (a Python script given the server's URL) against a fresh demo server.
fn standard_client(ws: &workspace::Workspace, data: &str, script: &str) -> Result<()> {
    let data_dir = fresh_dir(ws, data)?;
    let server = process::DemoServer::start(&ws.binary("masar-server"), &data_dir, false)?;
    let result = std::process::Command::new("python3").arg(ws.root.join(script)).arg(&server.url).status_ok();
    server.stop();
    result
}
