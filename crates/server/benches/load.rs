//! Load on loopback with a standard HTTP load generator, `wrk` (Debian's): authenticated sync
//! pulls (the poll a workstation makes every 15 s: nothing new after its cursor, and a first
//! pull of the whole record) and pushes (one edit each, written and fsynced), against one server
//! node and against two nodes on the same data, each with a JWT access token of the built-in
//! OpenID Connect provider (its signature checked once, then its digest remembered); and refreshes at the provider's token endpoint (each connection spends its own
//! rotating refresh token, so a Rust client drives that one). `cargo xtask load` (or `cargo bench
//! -p masar-server --bench load`). Prints requests/s, p50 / p99 latency and errors; asserts nothing.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::path::Path;
use std::process::Command;

use masar_protocol::DemoAccount;
use masar_protocol::sync::{ContactUpdate, Mutation, MutationBody, PullResponse};
use masar_server::{RunningServer, ServerConfig};
use serde_json::json;
use support::{my_record, session, sign_in};

/// How long each run lasts, and wrk's threads and connections per node.
const SECONDS: u32 = 10;
const THREADS: u32 = 2;
const CONNECTIONS: u32 = 32;

/// One signed-in employee as the load uses them.
struct Employee {
    /// An access token of the built-in OpenID Connect provider (a JWT).
    token: String,
    /// Where this employee's pulls stand now (a poll after it brings nothing new).
    cursor: u64,
    /// A push body with `__CLIENT__` where each request puts its own sync client id.
    push: String,
}

/// What one wrk run measured.
#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

fn lua_string(text: &str) -> String {
    format!("[==[{text}]==]")
}

/// A wrk script: each request takes the next employee's token (and body).
fn script(employees: &[Employee], kind: &str) -> String {
    let tokens: Vec<String> = employees.iter().map(|e| lua_string(&e.token)).collect();
    let bodies: Vec<String> = employees
        .iter()
        .map(|e| match kind {
            "poll" => lua_string(&json!({ "cursor": e.cursor }).to_string()),
            "first pull" => lua_string(&json!({ "cursor": 0 }).to_string()),
            _ => lua_string(&e.push),
        })
        .collect();
    let path = if kind == "push" { "/v1/sync/push" } else { "/v1/sync/pull" };
    format!(
        r#"
local tokens = {{ {tokens} }}
local bodies = {{ {bodies} }}
local n = 0
local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end
function request()
  n = n + 1
  local i = (n % #tokens) + 1
  local body = bodies[i]:gsub("__CLIENT__", string.format("%08x%024x", id or 0, n))
  local headers = {{}}
  headers["Authorization"] = "Bearer " .. tokens[i]
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "{path}", headers, body)
end
"#,
        tokens = tokens.join(", "),
        bodies = bodies.join(", "),
    )
}

/// `2.50ms`, `812.00us`, `1.20s` in milliseconds.
fn duration_ms(text: &str) -> f64 {
    let split = text.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        "m" => value * 60_000.0,
        _ => f64::NAN,
    }
}

/// Reads wrk's report (`--latency`).
fn figures(report: &str) -> Figures {
    let mut out = Figures::default();
    for line in report.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", rate] => out.requests_per_second = rate.parse().unwrap_or(f64::NAN),
            ["50%", latency] => out.p50_ms = duration_ms(latency),
            ["99%", latency] => out.p99_ms = duration_ms(latency),
            ["Non-2xx", "or", "3xx", "responses:", count] => out.errors += count.parse::<u64>().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                out.errors +=
                    rest.iter().filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok()).sum::<u64>();
            }
            _ => {}
        }
    }
    out
}

/// Runs wrk against every node at once (one wrk per node) and adds the figures up: requests/s
/// summed, the latencies of the slower node, errors summed.
async fn run(nodes: &[String], script: &Path) -> Figures {
    let runs: Vec<_> = nodes
        .iter()
        .map(|url| {
            let (url, script) = (url.clone(), script.to_owned());
            tokio::task::spawn_blocking(move || {
                let output = Command::new("wrk")
                    .args(["--latency", "-t", &THREADS.to_string(), "-c", &CONNECTIONS.to_string()])
                    .args(["-d", &format!("{SECONDS}s"), "-s"])
                    .arg(&script)
                    .arg(&url)
                    .output()
                    .expect("wrk runs (cargo xtask setup installs it)");
                figures(&String::from_utf8_lossy(&output.stdout))
            })
        })
        .collect();
    let mut total = Figures::default();
    for run in runs {
        let one = run.await.unwrap();
        total.requests_per_second += one.requests_per_second;
        total.p50_ms = total.p50_ms.max(one.p50_ms);
        total.p99_ms = total.p99_ms.max(one.p99_ms);
        total.errors += one.errors;
    }
    total
}

async fn employees(http: &reqwest::Client, url: &str) -> Vec<Employee> {
    let accounts: Vec<DemoAccount> =
        http.get(format!("{url}/v1/dev/accounts")).send().await.unwrap().json().await.unwrap();
    let mut out = Vec::new();
    for account in &accounts {
        let token = sign_in(url, account).await;
        let profile = my_record(http, url, &token).await.profile;
        let pulled: PullResponse = http
            .post(format!("{url}/v1/sync/pull"))
            .bearer_auth(&token)
            .json(&json!({ "cursor": 0, "limit": 1000 }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // A base version above the record's: every push is a write, never a conflict answer.
        let mutation = Mutation {
            id: 1,
            base_version: u64::from(u32::MAX),
            fields: vec!["mobile".into()],
            body: MutationBody::UpdateContact(ContactUpdate {
                mobile: "0555000111".into(),
                email: profile.email.clone(),
                address: profile.address.clone(),
            }),
        };
        let push = json!({ "clientId": "__CLIENT__", "mutations": [mutation] }).to_string();
        out.push(Employee { token, cursor: pulled.cursor, push });
    }
    out
}

/// Refreshes at the token endpoint for `SECONDS`: `CONNECTIONS` clients per node, each spending
/// its own session's rotating refresh token (a second use would end the session).
async fn refreshes(nodes: &[String], accounts: &[DemoAccount]) -> Figures {
    let mut sessions = Vec::new();
    for (i, url) in nodes.iter().cycle().take(nodes.len() * CONNECTIONS as usize).enumerate() {
        let refresh = session(url, &accounts[i % accounts.len()]).await.refresh_token;
        sessions.push((url.clone(), refresh));
    }
    let until = std::time::Instant::now() + std::time::Duration::from_secs(u64::from(SECONDS));
    let clients: Vec<_> = sessions
        .into_iter()
        .map(|(url, mut refresh)| {
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let (mut times, mut errors) = (Vec::new(), 0_u64);
                while std::time::Instant::now() < until {
                    let started = std::time::Instant::now();
                    let answer = http
                        .post(format!("{url}/oidc/token"))
                        .form(&[
                            ("grant_type", "refresh_token"),
                            ("client_id", "masar-desktop"),
                            ("refresh_token", &refresh),
                        ])
                        .send()
                        .await;
                    let body: Option<serde_json::Value> = match answer {
                        Ok(answer) if answer.status().is_success() => answer.json().await.ok(),
                        Ok(answer) => {
                            let status = answer.status();
                            eprintln!(
                                "a refresh failed: {status} {}",
                                answer.text().await.unwrap_or_default()
                            );
                            None
                        }
                        Err(error) => {
                            eprintln!("a refresh failed: {error}");
                            None
                        }
                    };
                    times.push(started.elapsed().as_secs_f64() * 1000.0);
                    match body.and_then(|b| b["refresh_token"].as_str().map(str::to_owned)) {
                        Some(next) => refresh = next,
                        None => {
                            errors += 1;
                            break;
                        }
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let (mut times, mut errors) = (Vec::new(), 0);
    for client in clients {
        let (some, failed) = client.await.unwrap();
        times.extend(some);
        errors += failed;
    }
    times.sort_by(f64::total_cmp);
    let at =
        |q: f64| times.get(((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1))).copied();
    Figures {
        requests_per_second: times.len() as f64 / f64::from(SECONDS),
        p50_ms: at(0.50).unwrap_or(f64::NAN),
        p99_ms: at(0.99).unwrap_or(f64::NAN),
        errors,
    }
}

async fn start(config: &ServerConfig, nodes: usize) -> Vec<RunningServer> {
    let mut running = Vec::new();
    for _ in 0..nodes {
        running.push(masar_server::start(config, std::future::pending()).await.unwrap());
    }
    running
}

#[tokio::main]
async fn main() {
    // The servers' errors (not their requests) go to stderr: a failed answer says why.
    tracing_subscriber::fmt().with_env_filter("masar_server=error").with_writer(std::io::stderr).init();
    let probe = Command::new("wrk").arg("--version").output();
    if probe.is_err() {
        eprintln!("wrk is not installed: run `cargo xtask setup` (Debian's wrk package)");
        std::process::exit(1);
    }
    println!("wrk, {THREADS} threads × {CONNECTIONS} connections per node, {SECONDS} s per run, on loopback");
    println!(
        "{:<10} {:<6} {:<11} {:>10} {:>9} {:>9} {:>7}",
        "database", "nodes", "load", "req/s", "p50 ms", "p99 ms", "errors"
    );
    // PostgreSQL too when `cargo xtask load` started a cluster (it names it here).
    let postgres = std::env::var("MASAR_LOAD_POSTGRES_URL").ok();
    let stores: Vec<(&str, Option<&str>)> = std::iter::once(("sqlite", None))
        .chain(postgres.as_deref().map(|url| ("postgres", Some(url))))
        .collect();
    for (store, cluster) in stores {
        for nodes in [1, 2] {
            measure(store, cluster, nodes).await;
        }
    }
}

/// A new database on the cluster at `base` (each run starts from the demo data alone).
async fn new_database(base: &str, name: &str) -> String {
    let (client, connection) = tokio_postgres::connect(base, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

async fn measure(store: &str, cluster: Option<&str>, nodes: usize) {
    {
        let dir = tempfile::tempdir().unwrap();
        let mut config = ServerConfig::demo_on_loopback(dir.path());
        // Every request comes from this machine's one address: the sign-in limit per address
        // would measure itself.
        config.auth_requests_per_minute = 10_000_000;
        // Nodes behind one load balancer share one public URL: the issuer their tokens name.
        config.public_url = Some(url::Url::parse("http://127.0.0.1").unwrap());
        if let Some(base) = cluster {
            config.database_url = Some(new_database(base, &format!("masar_load_{nodes}")).await);
        }
        let servers = start(&config, nodes).await;
        let urls: Vec<String> = servers.iter().map(RunningServer::base_url).collect();
        let http = reqwest::Client::new();
        let people = employees(&http, &urls[0]).await;
        for kind in ["poll", "first pull", "push"] {
            let path = dir.path().join(format!("{}.lua", kind.replace(' ', "-")));
            std::fs::write(&path, script(&people, kind)).unwrap();
            let f = run(&urls, &path).await;
            println!(
                "{:<10} {:<6} {:<11} {:>10.0} {:>9.2} {:>9.2} {:>7}",
                store, nodes, kind, f.requests_per_second, f.p50_ms, f.p99_ms, f.errors
            );
        }
        let accounts: Vec<DemoAccount> =
            http.get(format!("{}/v1/dev/accounts", urls[0])).send().await.unwrap().json().await.unwrap();
        let f = refreshes(&urls, &accounts).await;
        println!(
            "{:<10} {:<6} {:<11} {:>10.0} {:>9.2} {:>9.2} {:>7}",
            store, nodes, "refresh", f.requests_per_second, f.p50_ms, f.p99_ms, f.errors
        );
        for server in servers {
            server.shutdown().await.unwrap();
        }
    }
}
