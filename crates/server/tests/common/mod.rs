//! Shared by the server's integration tests: a demo server on 127.0.0.1:0 with a clock the test
//! moves, and the steps of signing in (`pages`).
#![allow(dead_code, clippy::unwrap_used)]

mod pages;
pub mod sealed;
#[allow(unused_imports, reason = "each test binary uses its own part of this module")]
pub use pages::*;

#[allow(unused_imports, reason = "each test binary uses its own part of this module")]
pub use masar_test_utils::{postgres_ca, postgres_database, sha256_hex, sized_pdf as pdf};
use std::sync::Arc;

use chrono::TimeZone;
use masar_protocol::auth::DevSms;
use masar_protocol::{ApiErrorBody, ApiErrorCode, DemoAccount};
use masar_server::{ManualClock, RunningServer, ServerConfig};
use reqwest::StatusCode;
use serde_json::json;

pub struct TestServer {
    pub server: RunningServer,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
    pub dir: Arc<tempfile::TempDir>,
    config: ServerConfig,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A demo server on the store this run tests: the embedded SQLite file, or with
    /// `MASAR_TEST_STORE=postgres` a fresh PostgreSQL database (`cargo xtask test` runs the
    /// server's tests both ways).
    pub async fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let url = match std::env::var("MASAR_TEST_STORE").as_deref() {
            Ok("postgres") => Some(postgres_database().await),
            Ok("sqlite") | Err(_) => None,
            Ok(other) => panic!("MASAR_TEST_STORE={other}: expected sqlite or postgres"),
        };
        Self::start_on(url, adjust).await
    }

    /// On SQLite whatever the run tests: for a test that looks into the SQLite file itself.
    pub async fn start_on_sqlite_with(adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        Self::start_on(None, adjust).await
    }

    async fn start_on(database_url: Option<String>, adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()));
        let mut config = ServerConfig::demo_on_loopback(dir.path());
        config.clock = clock.clone();
        if database_url.is_some() {
            config.database_ca = postgres_ca();
        }
        config.database_url = database_url;
        adjust(&mut config);
        let server = masar_server::start(&config, std::future::pending()).await.unwrap();
        Self { server, clock, http: reqwest::Client::new(), dir: Arc::new(dir), config }
    }

    /// The first of several nodes behind one load balancer (see [`Self::another_node`]), or of
    /// one node that restarts: its tokens name the balancer's URL as their issuer, so a token one
    /// node issued is good on every node.
    pub async fn start_behind_one_url() -> Self {
        Self::start_with(|config| config.public_url = Some(one_url())).await
    }

    /// Another server node on the same data (database, blobs) and clock: nothing but the data
    /// is shared between the two, as between processes behind a load balancer.
    pub async fn another_node(&self) -> Self {
        let server = masar_server::start(&self.config, std::future::pending()).await.unwrap();
        Self {
            server,
            clock: Arc::clone(&self.clock),
            http: reqwest::Client::new(),
            dir: Arc::clone(&self.dir),
            config: self.config.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    pub fn advance(&self, seconds: i64) {
        self.clock.advance(chrono::Duration::seconds(seconds));
    }

    /// The server's "now" (the test's clock).
    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use masar_server::Clock;
        self.clock.now()
    }

    pub async fn accounts(&self) -> Vec<DemoAccount> {
        self.http.get(self.url("/v1/dev/accounts")).send().await.unwrap().json().await.unwrap()
    }

    pub async fn first_account(&self) -> DemoAccount {
        self.accounts().await.remove(0)
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.http.post(self.url(path)).json(&body).send().await.unwrap()
    }

    /// The code in the last SMS the employee received.
    pub async fn latest_code(&self, account: &DemoAccount) -> String {
        let messages: Vec<DevSms> = self
            .http
            .get(self.url(&format!("/v1/dev/sms?national_id={}", account.national_id)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let text = &messages.last().expect("an SMS was sent").text;
        code_in(text)
    }

    pub async fn record(&self, access_token: &str) -> reqwest::Response {
        self.http.get(self.url("/v1/me/record")).bearer_auth(access_token).send().await.unwrap()
    }
}

/// An entity of the demo's that is not `entity`.
pub fn another_entity(entity: &str) -> &'static str {
    if entity == "وزارة المالية" { "وزارة الصحة" } else { "وزارة المالية" }
}

/// The public URL nodes behind one load balancer share.
pub fn one_url() -> url::Url {
    url::Url::parse("http://127.0.0.1").unwrap()
}

/// The first run of six digits in a text.
pub fn code_in(text: &str) -> String {
    let digits: Vec<char> = text.chars().collect();
    digits
        .windows(6)
        .find(|w| w.iter().all(char::is_ascii_digit))
        .map(|w| w.iter().collect())
        .expect("the SMS has a six-digit code")
}

/// Asserts an error answer and returns its body.
pub async fn expect_error(
    response: reqwest::Response,
    status: StatusCode,
    code: ApiErrorCode,
) -> ApiErrorBody {
    assert_eq!(response.status(), status);
    let body: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, code, "{}", body.message);
    assert!(body.message.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "Arabic: {}", body.message);
    body
}

/// A valid national ID no demo employee has.
pub fn stranger_id() -> String {
    masar_protocol::NationalId::with_check_digit("111111111").unwrap().to_string()
}

/// tus `Upload-Metadata` for a PDF.
pub fn tus_metadata(name: &str, sha256: &str) -> String {
    use base64::Engine;
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    format!("filename {},filetype {},sha256 {}", b64(name), b64("application/pdf"), b64(sha256))
}

impl TestServer {
    /// Uploads a whole file with tus (creation, then one PATCH); returns the PATCH's answer.
    pub async fn upload(&self, token: &str, bytes: &[u8], name: &str) -> reqwest::Response {
        let created = self
            .http
            .post(self.url("/v1/uploads"))
            .bearer_auth(token)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", bytes.len().to_string())
            .header("Upload-Metadata", tus_metadata(name, &sha256_hex(bytes)))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
        let location = created.headers()["location"].to_str().unwrap().to_owned();
        self.http
            .patch(self.url(&location))
            .bearer_auth(token)
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", "0")
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap()
    }
}

/// A master's degree as an employee documents it (the details of the tests' requests).
pub fn master_s_degree() -> masar_protocol::qualification::QualificationDetails {
    use masar_protocol::qualification::{GpaScale, Grade, Level, QualificationDetails, StudyMode};
    QualificationDetails {
        level: Level::Master,
        major: "علوم الحاسب".into(),
        institution: "جامعة الملك فهد للبترول والمعادن".into(),
        country: "SA".into(),
        study_mode: StudyMode::Regular,
        start_date: chrono::NaiveDate::from_ymd_opt(2018, 9, 1).unwrap(),
        graduation_date: chrono::NaiveDate::from_ymd_opt(2020, 6, 30).unwrap(),
        gpa: "3.9".into(),
        gpa_scale: GpaScale::Four,
        grade: Grade::Excellent,
        equivalency: None,
    }
}

/// A signed-in demo account.
pub struct Person {
    pub account: DemoAccount,
    pub token: String,
}

/// The first demo account of `role`, signed in.
pub async fn person(t: &TestServer, role: masar_protocol::auth::Role) -> Person {
    let account = t.accounts().await.into_iter().find(|a| a.role == role).unwrap();
    let token = t.sign_in(&account).await.access_token.expose().to_owned();
    Person { account, token }
}

/// Pushes one mutation from the person's own sync client and returns its outcome.
pub async fn push(
    t: &TestServer,
    who: &Person,
    id: u64,
    body: masar_protocol::sync::MutationBody,
) -> masar_protocol::sync::MutationOutcome {
    let mutation = masar_protocol::sync::Mutation { id, base_version: 0, fields: vec![], body };
    let response = t
        .http
        .post(t.url("/v1/sync/push"))
        .bearer_auth(&who.token)
        .json(&json!({ "clientId": format!("{:0>32}", who.account.national_id.as_str()), "mutations": [mutation] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: masar_protocol::sync::PushResponse = response.json().await.unwrap();
    body.results.into_iter().next().unwrap().outcome
}

impl TestServer {
    /// Everything a pull from the start brings (one page).
    pub async fn pull_all(&self, token: &str) -> masar_protocol::sync::PullResponse {
        self.http
            .post(self.url("/v1/sync/pull"))
            .bearer_auth(token)
            .json(&json!({ "cursor": 0 }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A `GET` with the bearer token, its JSON body read as `T`.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str, token: &str) -> T {
        self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap().json().await.unwrap()
    }

    /// `SELECT count(*) …` (or any one number) in whichever database the server runs on.
    pub async fn count(&self, sql: &str) -> i64 {
        match &self.config.database_url {
            Some(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                client.query_one(sql, &[]).await.unwrap().get(0)
            }
            None => self.database().query_row(sql, [], |row| row.get(0)).unwrap(),
        }
    }

    /// Runs one statement in whichever database the server runs on (to set up what the demo
    /// data does not hold).
    pub async fn execute(&self, sql: &str) {
        match &self.config.database_url {
            Some(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                client.batch_execute(sql).await.unwrap();
            }
            None => {
                self.database().execute_batch(sql).unwrap();
            }
        }
    }

    /// The PostgreSQL database this server runs on; `None` on SQLite.
    pub fn database_url(&self) -> Option<&str> {
        self.config.database_url.as_deref()
    }

    /// Moves an employee to another entity (a column in SQLite, the profile's field in
    /// PostgreSQL).
    pub async fn move_to_entity(&self, employee: &masar_protocol::NationalId, entity: &str) {
        let id = employee.as_str();
        let sql = if self.config.database_url.is_some() {
            format!(
                "UPDATE employees SET profile = jsonb_set(profile, '{{entity}}', to_jsonb('{entity}'::text)) WHERE national_id = '{id}'"
            )
        } else {
            format!("UPDATE employees SET entity = '{entity}' WHERE national_id = '{id}'")
        };
        self.execute(&sql).await;
    }

    /// The server's database, to set up what the demo data does not hold.
    pub fn database(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("masar.db")).unwrap()
    }
}
