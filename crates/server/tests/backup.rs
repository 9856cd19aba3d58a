//! Backup and restore, against the real server on 127.0.0.1:0: pushes from several employees
//! under way, a backup taken while they run, the server stopped and its data lost, the backup
//! restored and a server started on it — every push acknowledged before the backup began is
//! there (sent again, it is answered from its stored result), and every document checks against
//! its SHA-256. On SQLite with `masar-server backup` / `restore`; on PostgreSQL with the README's
//! procedure (`pg_dump`, then the documents directory; restored in the other order). A damaged
//! backup is not restored, nor one over a data directory that still holds a database.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{TestServer, pdf, sha256_hex};
use masar_protocol::auth::Role;
use masar_protocol::sync::{ContactUpdate, Mutation, MutationBody, MutationOutcome, PushResponse};
use masar_protocol::{DemoAccount, EmployeeRecord};
use reqwest::StatusCode;
use serde_json::json;

/// One employee's pushes: mutation `id` sets the mobile to a number made from it.
#[derive(Clone)]
struct Pusher {
    url: String,
    token: String,
    client_id: String,
    record: EmployeeRecord,
}

impl Pusher {
    fn mutation(&self, id: u64) -> Mutation {
        Mutation {
            id,
            base_version: 0,
            fields: vec!["mobile".into()],
            body: MutationBody::UpdateContact(ContactUpdate {
                mobile: format!("05{:08}", 55_000_000 + id),
                email: self.record.profile.email.clone(),
                address: self.record.profile.address.clone(),
            }),
        }
    }

    async fn push(&self, http: &reqwest::Client, id: u64) -> masar_protocol::sync::MutationResult {
        let body = json!({ "clientId": self.client_id, "mutations": [self.mutation(id)] });
        let response = http
            .post(format!("{}/v1/sync/push", self.url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json::<PushResponse>().await.unwrap().results.remove(0)
    }
}

async fn pushers(t: &TestServer, accounts: &[DemoAccount]) -> Vec<Pusher> {
    let mut found = Vec::new();
    for account in accounts {
        let token = t.sign_in(account).await.access_token.expose().to_owned();
        let record: EmployeeRecord = t.record(&token).await.json().await.unwrap();
        let client_id = format!("{:0>32}", account.national_id.as_str());
        found.push(Pusher { url: t.server.base_url(), token, client_id, record });
    }
    found
}

#[tokio::test]
async fn a_backup_taken_under_load_restores_every_acknowledged_push_and_document() {
    let t = TestServer::start().await;
    let accounts: Vec<DemoAccount> =
        t.accounts().await.into_iter().filter(|a| a.role == Role::Employee).take(3).collect();
    let employees = pushers(&t, &accounts).await;
    let scans = [pdf(60_000, "first scan"), pdf(90_000, "second scan")];
    for scan in &scans {
        assert_eq!(t.upload(&employees[0].token, scan, "scan.pdf").await.status(), StatusCode::NO_CONTENT);
    }

    // Three employees push one edit after another, each answer noted with when it came.
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for pusher in employees.clone() {
        let stop = Arc::clone(&stop);
        load.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut acknowledged = Vec::new();
            let mut id = 1;
            while !stop.load(Ordering::SeqCst) {
                let result = pusher.push(&http, id).await;
                assert!(matches!(result.outcome, MutationOutcome::Applied { .. }), "{result:?}");
                acknowledged.push((id, Instant::now()));
                id += 1;
            }
            acknowledged
        }));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let backup_dir = tempfile::tempdir().unwrap();
    let to = backup_dir.path().join("masar-backup");
    let data_dir = t.dir.path().to_owned();
    let database = t.database_url().map(str::to_owned);
    let began = Instant::now();
    let (from_dir, into, dumped) = (data_dir.clone(), to.clone(), database.clone());
    let summary = tokio::task::spawn_blocking(move || match dumped {
        Some(url) => postgres::backup(&url, &from_dir, &into),
        None => masar_server::backup::backup(&from_dir, &into).unwrap(),
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    for task in load {
        acknowledged.push(task.await.unwrap());
    }
    assert_eq!(summary.blobs, 2);
    let before: usize =
        acknowledged.iter().map(|acks| acks.iter().filter(|(_, at)| *at < began).count()).sum();
    assert!(before >= 6, "the load was under way when the backup began ({before} pushes)");

    // The server stops; its data directory is lost; the backup comes back.
    let TestServer { server, dir: _kept, .. } = t;
    server.shutdown().await.unwrap();
    for entry in std::fs::read_dir(&data_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap()
        } else {
            std::fs::remove_file(&path).unwrap()
        }
    }
    let restored_url = match &database {
        Some(_) => Some(postgres::restore(&to, &data_dir).await),
        None => None,
    };
    let restored = match restored_url {
        Some(_) => postgres::documents(&data_dir),
        None => masar_server::backup::restore(&to, &data_dir).unwrap(),
    };
    assert_eq!((restored.blobs, restored.blob_bytes), (summary.blobs, summary.blob_bytes));

    // A server on the restored data: each push acknowledged before the backup began is known.
    let restored_dir = data_dir.clone();
    let t2 = TestServer::start_with(move |config| {
        config.data_dir = restored_dir;
        if restored_url.is_some() {
            config.database_url = restored_url;
        }
    })
    .await;
    let employees = pushers(&t2, &accounts).await;
    let http = reqwest::Client::new();
    for (pusher, acks) in employees.iter().zip(&acknowledged) {
        for (id, _) in acks.iter().filter(|(_, at)| *at < began) {
            let result = pusher.push(&http, *id).await;
            assert!(result.replayed, "push {id} acknowledged before the backup was lost: {result:?}");
        }
    }
    for scan in &scans {
        let path = data_dir.join("blobs/sha256").join(&sha256_hex(scan)[..2]).join(sha256_hex(scan));
        assert_eq!(sha256_hex(&std::fs::read(path).unwrap()), sha256_hex(scan));
    }
}

#[tokio::test]
async fn a_damaged_backup_or_a_data_directory_in_use_is_not_restored() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let backup_dir = tempfile::tempdir().unwrap();
    let to = backup_dir.path().join("b");
    masar_server::backup::backup(t.dir.path(), &to).unwrap();
    // Over a data directory that still holds a database.
    let refused = masar_server::backup::restore(&to, t.dir.path()).unwrap_err();
    assert!(format!("{refused:#}").contains("already holds a database"), "{refused:#}");
    // A byte changed in the database copy.
    let mut bytes = std::fs::read(to.join("masar.db")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(to.join("masar.db"), bytes).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let damaged = masar_server::backup::restore(&to, empty.path()).unwrap_err();
    assert!(format!("{damaged:#}").contains("damaged"), "{damaged:#}");
    assert!(!empty.path().join("masar.db").exists(), "nothing is put in place from a damaged backup");
    // Into a directory that already has something: refused, a backup is never mixed.
    assert!(masar_server::backup::backup(t.dir.path(), &to).is_err());
}

/// The README's PostgreSQL procedure, with the cluster's own `pg_dump` and `pg_restore`.
mod postgres {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use masar_server::backup::Summary;

    fn tool(name: &str) -> PathBuf {
        let bin = std::env::var_os("MASAR_TEST_POSTGRES_BIN")
            .expect("MASAR_TEST_POSTGRES_BIN is not set: tests on PostgreSQL run through `cargo xtask test`");
        PathBuf::from(bin).join(name)
    }

    fn run(command: &mut Command) {
        let status = command.status().unwrap();
        assert!(status.success(), "{command:?}: {status}");
    }

    /// `pg_dump` first, then the documents directory.
    pub fn backup(url: &str, data_dir: &Path, to: &Path) -> Summary {
        std::fs::create_dir_all(to).unwrap();
        run(Command::new(tool("pg_dump"))
            .args(["--format=custom", "--no-owner", "--dbname", url, "--file"])
            .arg(to.join("masar.dump")));
        copy_tree(&data_dir.join("blobs").join("sha256"), &to.join("blobs").join("sha256"));
        documents(to)
    }

    /// The documents directory first, then `pg_restore` into an empty database; its URL.
    pub async fn restore(from: &Path, data_dir: &Path) -> String {
        copy_tree(&from.join("blobs").join("sha256"), &data_dir.join("blobs").join("sha256"));
        let url = masar_test_utils::postgres_database().await;
        run(Command::new(tool("pg_restore"))
            .args(["--no-owner", "--exit-on-error", "--dbname", &url])
            .arg(from.join("masar.dump")));
        url
    }

    /// The documents under `dir`, each checked against its name.
    pub fn documents(dir: &Path) -> Summary {
        let mut summary = Summary { database_bytes: 0, blobs: 0, blob_bytes: 0 };
        for shard in std::fs::read_dir(dir.join("blobs").join("sha256")).into_iter().flatten().flatten() {
            for file in std::fs::read_dir(shard.path()).unwrap().flatten() {
                let bytes = std::fs::read(file.path()).unwrap();
                assert_eq!(masar_test_utils::sha256_hex(&bytes), file.file_name().to_str().unwrap());
                summary.blobs += 1;
                summary.blob_bytes += bytes.len() as u64;
            }
        }
        summary
    }

    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
}
