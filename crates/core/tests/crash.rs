//! A client killed with SIGKILL at random moments (mid-edit, mid-push, mid-pull), started again
//! each time: in the end nothing it committed is lost, nothing is applied twice, and its local
//! state equals the server's.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use masar_protocol::DemoAccount;
use masar_server::ServerConfig;

fn probe(server: &str, dir: &std::path::Path, account: &DemoAccount, start: u64, edits: u64) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_masar-sync-probe"));
    command
        .args([
            "--server",
            server,
            "--national-id",
            account.national_id.as_str(),
            "--password",
            &account.password,
        ])
        .args(["--start", &start.to_string(), "--edits", &edits.to_string()])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_killed_at_random_moments_loses_nothing_and_applies_nothing_twice() {
    let rounds: u64 = std::env::var("MASAR_CRASH_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(6);
    let server_dir = tempfile::tempdir().unwrap();
    // Every restart signs in again: more sign-ins per minute than one person makes.
    let config = ServerConfig {
        auth_requests_per_minute: 100_000,
        ..ServerConfig::demo_on_loopback(server_dir.path())
    };
    let server = masar_server::start(&config, std::future::pending()).await.unwrap();
    let url = server.base_url();
    let accounts: Vec<DemoAccount> =
        reqwest::get(format!("{url}/v1/dev/accounts")).await.unwrap().json().await.unwrap();
    let account = accounts.into_iter().next().unwrap();
    let client_dir = tempfile::tempdir().unwrap();

    let mut printed = 0_u64;
    let mut next = 0_u64;
    let mut seed = 0x2545_F491_4F6C_DD1D_u64;
    for _ in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = Duration::from_millis(30 + seed % 700);
        let (url, dir, account) = (url.clone(), client_dir.path().to_owned(), account.clone());
        let lines = tokio::task::spawn_blocking(move || {
            let mut child = probe(&url, &dir, &account, next, 6).spawn().unwrap();
            let stdout = child.stdout.take().unwrap();
            let reader = std::thread::spawn(move || {
                BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<_>>()
            });
            std::thread::sleep(kill_after);
            let _ = child.kill(); // SIGKILL: no chance to finish anything
            let _ = child.wait();
            reader.join().unwrap()
        })
        .await
        .unwrap();
        let queued: Vec<u64> =
            lines.iter().filter_map(|l| l.strip_prefix("queued ")).filter_map(|n| n.parse().ok()).collect();
        printed += queued.len() as u64;
        if let Some(last) = queued.last() {
            next = last + 1;
        } else {
            // Nothing confirmed this round; an edit may still have been committed: new numbers anyway.
            next += 100;
        }
    }

    // Once more, left alone until nothing waits.
    let (url2, dir, account2) = (url.clone(), client_dir.path().to_owned(), account.clone());
    let output = tokio::task::spawn_blocking(move || {
        probe(&url2, &dir, &account2, 0, 0).stderr(Stdio::piped()).output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let local_mobile = stdout
        .lines()
        .find_map(|l| l.strip_prefix("settled "))
        .unwrap_or_else(|| panic!("{stdout} {}", String::from_utf8_lossy(&output.stderr)))
        .to_owned();

    let db = rusqlite::Connection::open(server_dir.path().join("masar.db")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |row| row.get(0)).unwrap() };
    let results = count("SELECT count(*) FROM sync_results");
    let last_id = count("SELECT coalesce(max(last_mutation_id), 0) FROM sync_clients");
    let applied = count("SELECT count(*) FROM sync_results WHERE result LIKE '%\"applied\"%'");
    let changes = count("SELECT count(*) FROM changes WHERE version > 1");
    assert!(printed > 0, "the probe got some edits in");
    assert_eq!(results, last_id, "every committed edit (ids 1..={last_id}) reached the server: nothing lost");
    assert!(results >= i64::try_from(printed).unwrap(), "{results} results for {printed} confirmed edits");
    assert_eq!(applied, changes, "each applied edit changed the record once: nothing applied twice");
    let server_mobile: String = db
        .query_row(
            "SELECT mobile FROM employees WHERE national_id = ?1",
            [account.national_id.as_str()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(local_mobile, server_mobile, "local state equals server state");
    server.shutdown().await.unwrap();
}
