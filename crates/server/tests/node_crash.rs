//! Two `masar-server` processes on the same data behind a round-robin front (as a load
//! balancer would be), one of them killed with SIGKILL at random moments while a workstation
//! pushes its edits and started again: every edit the client sent is applied exactly once,
//! whichever node answered, and none is lost. On SQLite (two processes on one file) or, with
//! `MASAR_TEST_STORE=postgres`, on one PostgreSQL database.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;
// Signing in over HTTP and reading the record, as the benchmarks do.
#[path = "../benches/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicU32};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use masar_protocol::sync::{
    Change, ContactUpdate, Mutation, MutationBody, MutationOutcome, PullResponse, PushResponse,
};
use masar_protocol::{DemoAccount, EmployeeRecord};
use serde_json::json;
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};

/// The workstation's edits go in pushes of this many (the app sends its queue in batches).
const BATCH: u64 = 10;
/// At least this many edits, and on until the nodes were killed this many times.
const EDITS: u64 = 300;
const KILLS: u32 = 20;

/// One server process.
struct Node {
    child: Child,
    addr: SocketAddr,
}

/// A node never outlives the test, also when it fails.
impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A node on the shared data; every node is a demo node (the first seeds the data, the others
/// find it seeded), so each shows the codes it sends in the shared dev outbox.
fn spawn_node(data_dir: &Path, database: Option<&str>) -> Node {
    let mut command = Command::new(env!("CARGO_BIN_EXE_masar-server"));
    command.args(["--bind", "127.0.0.1:0", "--log", "warn", "--demo", "--auth-rate", "100000", "--data-dir"]);
    command.arg(data_dir);
    // Nodes behind one load balancer share one public URL: the issuer their tokens name, so a
    // token one node issued is good on every node (and on every restart).
    command.args(["--public-url", "http://127.0.0.1"]);
    if let Some(url) = database {
        command.args(["--database", url]);
        // The binary's own flag: the nodes reach the cluster over TLS, checked.
        if let Some(ca) = common::postgres_ca() {
            command.arg("--database-ca").arg(ca);
        }
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.strip_prefix("masar-server listening on http://").unwrap().to_owned();
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    Node { child, addr: url.parse().unwrap() }
}

/// A front that hands each connection to the next node in turn, and to the other one when that
/// node does not answer (it may be down): what an HTTP load balancer does.
async fn front(nodes: Arc<Mutex<Vec<SocketAddr>>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut turn = 0_usize;
        while let Ok((mut client, _)) = listener.accept().await {
            turn += 1;
            let candidates: Vec<SocketAddr> = {
                let nodes = nodes.lock().unwrap();
                (0..nodes.len()).map(|i| nodes[(turn + i) % nodes.len()]).collect()
            };
            tokio::spawn(async move {
                for node in candidates {
                    if let Ok(mut upstream) = TcpStream::connect(node).await {
                        let _ = copy_bidirectional(&mut client, &mut upstream).await;
                        return;
                    }
                }
            });
        }
    });
    addr
}

fn edit(id: u64, record: &EmployeeRecord) -> Mutation {
    Mutation {
        id,
        base_version: 1,
        fields: vec!["mobile".into()],
        body: MutationBody::UpdateContact(ContactUpdate {
            mobile: format!("05551{id:05}"),
            email: record.profile.email.clone(),
            address: record.profile.address.clone(),
        }),
    }
}

/// Sends one push until some node answers it (a refused or cut connection, or a 5xx, is sent
/// again unchanged: the same mutation ids), as the app's sync loop does.
async fn push_until_answered(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    mutations: &[Mutation],
) -> (Vec<MutationOutcome>, u32) {
    let body = json!({ "clientId": "0123456789abcdef0123456789abcdef", "mutations": mutations });
    for attempt in 1..=400 {
        let sent = http
            .post(format!("{url}/v1/sync/push"))
            .bearer_auth(token)
            .timeout(Duration::from_secs(5))
            .json(&body)
            .send()
            .await;
        if let Ok(response) = sent
            && response.status().is_success()
            && let Ok(answer) = response.json::<PushResponse>().await
        {
            return (answer.results.into_iter().map(|r| r.outcome).collect(), attempt);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no node answered the push from {} in 400 attempts", mutations[0].id);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_killed_mid_push_loses_nothing_and_applies_nothing_twice() {
    let data = tempfile::tempdir().unwrap();
    let database = match std::env::var("MASAR_TEST_STORE").as_deref() {
        Ok("postgres") => Some(common::postgres_database().await),
        _ => None,
    };
    let database = database.as_deref();
    // The first node seeds the demo data; the second (and every restart) finds it there.
    let first = spawn_node(data.path(), database);
    let second = spawn_node(data.path(), database);
    let addresses = Arc::new(Mutex::new(vec![first.addr, second.addr]));
    let front_url = format!("http://{}", front(Arc::clone(&addresses)).await);
    let http = reqwest::Client::new();
    // The demo accounts list is on the node started with --demo.
    let accounts: Vec<DemoAccount> = http
        .get(format!("http://{}/v1/dev/accounts", first.addr))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account = accounts[0].clone();
    let token = support::sign_in(&front_url, &account).await;
    let record = support::my_record(&http, &front_url, &token).await;

    // The killer: every 20–120 ms one node, in turn, gets SIGKILL and is started again.
    let nodes = Arc::new(Mutex::new(vec![first, second]));
    let stop = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicU32::new(0));
    let killer = {
        let (nodes, addresses, stop, killed) =
            (Arc::clone(&nodes), Arc::clone(&addresses), Arc::clone(&stop), Arc::clone(&killed));
        let (dir, database) = (data.path().to_owned(), database.map(str::to_owned));
        std::thread::spawn(move || {
            let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
            while !stop.load(SeqCst) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                std::thread::sleep(Duration::from_millis(20 + seed % 100));
                let which = usize::try_from(killed.load(SeqCst) % 2).unwrap();
                let mut nodes = nodes.lock().unwrap();
                let _ = nodes[which].child.kill();
                let _ = nodes[which].child.wait();
                killed.fetch_add(1, SeqCst);
                let again = spawn_node(&dir, database.as_deref());
                addresses.lock().unwrap()[which] = again.addr;
                nodes[which] = again;
            }
        })
    };

    let mut retries = 0;
    let mut last = 0;
    while last < EDITS || killed.load(SeqCst) < KILLS {
        let batch: Vec<Mutation> = (last + 1..=last + BATCH).map(|id| edit(id, &record)).collect();
        let (outcomes, attempts) = push_until_answered(&http, &front_url, &token, &batch).await;
        for (id, outcome) in (last + 1..).zip(&outcomes) {
            assert_eq!(outcome, &MutationOutcome::Applied { version: 1 + id }, "edit {id}");
        }
        retries += attempts - 1;
        last += BATCH;
    }
    stop.store(true, SeqCst);
    killer.join().unwrap();
    let kills = killed.load(SeqCst);
    println!("{last} edits pushed while nodes were killed {kills} times; {retries} pushes sent again");

    // A fresh node: the edits resent (their answer lost, say) are answered from the stored
    // results and applied no more; the record holds the last edit, at one version per edit.
    let survivor = spawn_node(data.path(), database);
    let url = format!("http://{}", survivor.addr);
    let resent: Vec<Mutation> = [1, last / 2, last].iter().map(|id| edit(*id, &record)).collect();
    let (again, _) = push_until_answered(&http, &url, &token, &resent).await;
    let expected: Vec<MutationOutcome> =
        [1, last / 2, last].iter().map(|id| MutationOutcome::Applied { version: 1 + id }).collect();
    assert_eq!(again, expected, "a resent edit is answered from the stored result");
    let now = support::my_record(&http, &url, &token).await;
    assert_eq!(now.profile.mobile, format!("+9665551{last:05}"), "the last edit is the record's value");
    let pulled: PullResponse = http
        .post(format!("{url}/v1/sync/pull"))
        .bearer_auth(&token)
        .json(&json!({ "cursor": 0 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let version = pulled.changes.iter().find_map(|change| match change {
        Change::Profile { version, .. } => Some(*version),
        _ => None,
    });
    assert_eq!(version, Some(1 + last), "each edit made exactly one new version: none twice, none lost");
}
