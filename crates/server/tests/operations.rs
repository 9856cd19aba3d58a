//! Running the service, against the real server on 127.0.0.1:0: Prometheus scrapes `/metrics` on
//! its own listener and finds a sync push counted (by route and status too); `/livez` answers;
//! `/readyz` says not ready while the database is away (PostgreSQL: the connection cut; SQLite:
//! the file's schema is not this server's) or the documents directory takes no writes, and ready
//! again once they are back.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{TestServer, person, push};
use masar_protocol::auth::Role;
use masar_protocol::sync::{ContactUpdate, MutationBody, MutationOutcome};
use reqwest::StatusCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

async fn server_with_metrics() -> TestServer {
    TestServer::start_with(|config| {
        config.metrics_bind = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
    })
    .await
}

async fn scrape(t: &TestServer) -> String {
    let url = t.server.metrics_url().unwrap();
    let response = t.http.get(format!("{url}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    response.text().await.unwrap()
}

/// The value of the sample whose line starts with `series` (name and labels), 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| line.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or(0.0)
}

#[tokio::test]
async fn prometheus_finds_a_sync_push_counted_on_the_metrics_listener_only() {
    let t = server_with_metrics().await;
    let employee = person(&t, Role::Employee).await;
    let before = scrape(&t).await;
    let pushes = "masar_sync_pushes_total";
    let applied = "masar_sync_mutations_total{outcome=\"applied\"}";
    let answered = "masar_http_requests_total{method=\"POST\",route=\"/v1/sync/push\",status=\"200\"}";

    let record = t.record(&employee.token).await.json::<masar_protocol::EmployeeRecord>().await.unwrap();
    let edit = MutationBody::UpdateContact(ContactUpdate {
        mobile: "0555321987".into(),
        email: record.profile.email.clone(),
        address: record.profile.address.clone(),
    });
    assert!(matches!(push(&t, &employee, 1, edit).await, MutationOutcome::Applied { .. }));

    let after = scrape(&t).await;
    // Other tests of this binary run their servers in the same process: counts only grow.
    assert!(sample(&after, pushes) >= sample(&before, pushes) + 1.0, "{after}");
    assert!(sample(&after, applied) >= sample(&before, applied) + 1.0);
    assert!(sample(&after, answered) >= sample(&before, answered) + 1.0);
    assert!(
        after.contains(
            "masar_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/sync/push\",le=\"0.005\"}"
        ),
        "latency is a histogram by route template"
    );
    assert!(after.contains("masar_sign_in_steps_total{step=\"login\""), "sign-in steps are counted");
    // Templates, never paths: no national ID in any label.
    assert!(!after.contains(employee.account.national_id.as_str()));
    // Not on the public listener.
    let public = t.http.get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
    let live = t.http.get(t.url("/livez")).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
}

/// A TCP relay to the database that can be cut (every connection closed, new ones refused) and
/// mended: the database going away and coming back, as a node sees it.
struct Relay {
    url: String,
    cut: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn to(database_url: &str) -> Self {
        let mut url = url::Url::parse(database_url).unwrap();
        let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        url.set_port(Some(listener.local_addr().unwrap().port())).unwrap();
        let (cut, links) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Vec::new())));
        let (is_cut, kept) = (Arc::clone(&cut), Arc::clone(&links));
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if is_cut.load(Ordering::SeqCst) {
                    continue;
                }
                let target = target.clone();
                kept.lock().await.push(tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                }));
            }
        });
        Self { url: url.to_string(), cut, links }
    }

    async fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for link in self.links.lock().await.drain(..) {
            link.abort();
        }
    }

    fn mend(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

async fn readiness(t: &TestServer) -> (StatusCode, serde_json::Value) {
    let response = t.http.get(t.url("/readyz")).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn readiness_follows_the_database_and_the_documents_directory() {
    let postgres = match std::env::var("MASAR_TEST_STORE").as_deref() {
        Ok("postgres") => Some(Relay::to(&common::postgres_database().await).await),
        _ => None,
    };
    let relay_url = postgres.as_ref().map(|relay| relay.url.clone());
    let t = TestServer::start_with(|config| {
        if let Some(url) = relay_url {
            config.database_url = Some(url);
            config.database_ca = common::postgres_ca();
        }
    })
    .await;
    let (status, body) = readiness(&t).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["database"], "ok");

    // The database goes away (PostgreSQL stopped; on SQLite, a file of another schema version).
    let version: i64 = t.database().pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
    match &postgres {
        Some(relay) => relay.cut().await,
        None => t.database().pragma_update(None, "user_version", 999).unwrap(),
    }
    let (status, body) = readiness(&t).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["database"], "unavailable");
    assert_eq!(body["ready"], false);
    // Still alive: a restart would not help.
    assert_eq!(t.http.get(t.url("/livez")).send().await.unwrap().status(), StatusCode::OK);

    // Back.
    match &postgres {
        Some(relay) => relay.mend(),
        None => t.database().pragma_update(None, "user_version", version).unwrap(),
    }
    let (status, body) = readiness(&t).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The documents directory takes no writes (its place taken by a file).
    let partial = t.dir.path().join("blobs").join("partial");
    std::fs::remove_dir_all(&partial).unwrap();
    std::fs::write(&partial, b"not a directory").unwrap();
    let (status, body) = readiness(&t).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["documents"], "not writable");
    std::fs::remove_file(&partial).unwrap();
    let (status, _) = readiness(&t).await;
    assert_eq!(status, StatusCode::OK);
}
