//! A client killed with SIGKILL at moments aimed at each phase (queuing an edit, pushing,
//! pulling) and at random ones, started again each time: in the end nothing it committed is
//! lost, nothing is applied twice, and its local state equals the server's. What counts as
//! committed is read from the vault (its last edit id), never from what the client managed to
//! print before it died.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use masar_protocol::DemoAccount;
use masar_server::ServerConfig;
use masar_test_support::{Fault, Proxy};

fn probe(server: &str, dir: &std::path::Path, account: &DemoAccount, edits: u64) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_masar-sync-probe"));
    command
        .args(["--server", server, "--national-id", account.national_id.as_str()])
        .args(["--password", &account.password, "--edits", &edits.to_string()])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
}

/// Where a round aims its kill.
#[derive(Debug, Clone, Copy)]
enum Aim {
    /// After a random delay from the start, wherever that lands.
    Random,
    /// Just after the client starts committing an edit.
    Queue,
    /// While a push is on the (slowed) wire.
    Push,
    /// While a pull is on the (slowed) wire.
    Pull,
}

/// The phase the client was in when it died: the last marker it printed.
fn phase_at_kill(lines: &[String]) -> &'static str {
    for line in lines.iter().rev() {
        match line.split_whitespace().next() {
            Some("queue") => return "queue",
            Some("push") => return "push",
            Some("pull") => return "pull",
            Some("queued") => return "between",
            Some("signed-in") => return "between",
            _ => {}
        }
    }
    "sign-in"
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// One run of the client, killed as `aim` says. Returns what it printed.
fn run_and_kill(
    url: &str,
    dir: &std::path::Path,
    account: &DemoAccount,
    proxy: &Proxy,
    aim: Aim,
    rng: &mut Rng,
) -> Vec<String> {
    proxy.set(Fault::Pass);
    let mut child = probe(url, dir, account, 6).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, lines) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let wait_for = |seen: &mut Vec<String>, marker: &str| {
        while let Ok(line) = lines.recv_timeout(Duration::from_secs(20)) {
            let hit = line.split_whitespace().next() == Some(marker);
            seen.push(line);
            if hit {
                return true;
            }
        }
        false
    };
    match aim {
        Aim::Random => std::thread::sleep(Duration::from_millis(30 + rng.next() % 700)),
        Aim::Queue => {
            // Spread over the few milliseconds an edit takes to commit (and to be counted).
            if wait_for(&mut seen, "queue") {
                std::thread::sleep(Duration::from_micros(rng.next() % 8_000));
            }
        }
        Aim::Push | Aim::Pull => {
            // Slow the link once signed in, so the request is still on the wire at the kill.
            if wait_for(&mut seen, "signed-in") {
                proxy.set(Fault::Slow);
                let marker = if matches!(aim, Aim::Push) { "push" } else { "pull" };
                if wait_for(&mut seen, marker) {
                    std::thread::sleep(Duration::from_millis(rng.next() % 300));
                }
            }
        }
    }
    let _ = child.kill(); // SIGKILL: no chance to finish anything
    let _ = child.wait();
    reader.join().unwrap();
    seen.extend(lines.try_iter());
    seen
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_killed_at_each_phase_loses_nothing_and_applies_nothing_twice() {
    let rounds: u64 = std::env::var("MASAR_CRASH_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(8);
    let server_dir = tempfile::tempdir().unwrap();
    // Every restart signs in again: more sign-ins per minute than one person makes.
    let config = ServerConfig {
        auth_requests_per_minute: 100_000,
        ..ServerConfig::demo_on_loopback(server_dir.path())
    };
    let server = masar_server::start(&config, std::future::pending()).await.unwrap();
    let proxy = Proxy::start(server.addr()).await;
    let accounts: Vec<DemoAccount> =
        reqwest::get(format!("{}/v1/dev/accounts", server.base_url())).await.unwrap().json().await.unwrap();
    let account = accounts.into_iter().next().unwrap();
    let client_dir = tempfile::tempdir().unwrap();

    let mut kills: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut checks = 0;
    let mut printed = 0_u64;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for round in 0..rounds {
        let aim = [Aim::Push, Aim::Pull, Aim::Queue, Aim::Random][usize::try_from(round % 4).unwrap()];
        let (url, dir, account, proxy) =
            (proxy.url.clone(), client_dir.path().to_owned(), account.clone(), proxy.clone());
        let seed = rng.next();
        let lines = tokio::task::spawn_blocking(move || {
            run_and_kill(&url, &dir, &account, &proxy, aim, &mut Rng(seed | 1))
        })
        .await
        .unwrap();
        printed += lines.iter().filter(|l| l.starts_with("queued ")).count() as u64;
        // After the kill before this round: profile.json's count was never below the vault's.
        if let Some(line) = lines.iter().find_map(|l| l.strip_prefix("unsent ")) {
            let numbers: Vec<u64> = line.split([' ', ',']).map(|n| n.parse().unwrap()).collect();
            let [bound_edits, bound_drafts, edits, drafts] = numbers[..] else { panic!("{line}") };
            assert!(
                bound_edits >= edits && bound_drafts >= drafts,
                "the kept count fell below the vault's: {line}"
            );
            checks += 1;
        }
        *kills.entry(phase_at_kill(&lines)).or_default() += 1;
    }
    println!("kills by phase over {rounds} rounds: {kills:?}; unsent counts checked after {checks} kills");
    assert!(checks * 2 >= rounds, "most restarts checked the count ({checks} of {rounds})");

    // Once more, left alone until nothing waits.
    proxy.set(Fault::Pass);
    let (url, dir, account2) = (proxy.url.clone(), client_dir.path().to_owned(), account.clone());
    let output = tokio::task::spawn_blocking(move || {
        probe(&url, &dir, &account2, 0).stderr(Stdio::piped()).output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let settled = stdout
        .lines()
        .find_map(|l| l.strip_prefix("settled "))
        .unwrap_or_else(|| panic!("{stdout} {}", String::from_utf8_lossy(&output.stderr)))
        .to_owned();
    let (local_mobile, vault_last_id) = settled.split_once(' ').unwrap();
    let vault_last_id: i64 = vault_last_id.parse().unwrap();

    let db = rusqlite::Connection::open(server_dir.path().join("masar.db")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |row| row.get(0)).unwrap() };
    let results = count("SELECT count(*) FROM sync_results");
    let server_last_id = count("SELECT coalesce(max(last_mutation_id), 0) FROM sync_clients");
    let applied = count("SELECT count(*) FROM sync_results WHERE result LIKE '%\"applied\"%'");
    let changes = count("SELECT count(*) FROM changes WHERE version > 1");
    assert!(printed > 0, "the client got some edits in");
    assert_eq!(
        server_last_id, vault_last_id,
        "every edit the vault committed reached the server: nothing lost"
    );
    assert_eq!(results, vault_last_id, "one result per committed edit (ids 1..={vault_last_id})");
    assert!(
        vault_last_id >= i64::try_from(printed).unwrap(),
        "{vault_last_id} committed, {printed} confirmed"
    );
    assert_eq!(applied, changes, "each applied edit changed the record once: nothing applied twice");
    assert_eq!(
        applied, results,
        "every edit applied: none met a conflict with the client's own earlier edit"
    );
    let server_mobile: String = db
        .query_row(
            "SELECT mobile FROM employees WHERE national_id = ?1",
            [account.national_id.as_str()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(local_mobile, server_mobile, "local state equals server state");
    if rounds >= 4 {
        assert!(kills.get("push").copied().unwrap_or(0) > 0, "some kills landed mid-push: {kills:?}");
        assert!(kills.get("pull").copied().unwrap_or(0) > 0, "some kills landed mid-pull: {kills:?}");
    }
    server.shutdown().await.unwrap();
}
