//! Shared by the integration tests of core and of the sync engine: a loopback fault proxy
//! between the app and the real server, and a signed-in app on a demo server. Test code: a
//! panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_test_utils::provider::{Person, ProviderBrowser};
pub use masar_test_utils::{postgres_database, six_digits};

pub mod documents;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use masar_core::signin::SignOnPurpose;
use masar_core::vault::crypto::KdfParams;
use masar_core::{AuthState, CoreError, CoreOptions, Keychain, MasarCore, ServerUrl};
use masar_protocol::DemoAccount;
use masar_server::{RunningServer, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with the next connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward both ways.
    Pass,
    /// Accept and close at once (the server seems down).
    Refuse,
    /// Accept and never answer.
    Hang,
    /// Forward the request; when the server starts answering, cut the connection: the server
    /// has committed, the client never hears it.
    LoseResponse,
    /// Answer 500 without asking the server.
    ServerError,
    /// For requests whose first line starts with the first text, answer the second (a whole
    /// HTTP response) without asking the server; the others pass.
    AnswerTo(&'static str, &'static str),
    /// Requests whose first line starts with this pass so many times; after that their
    /// connection is closed (the network went down in the middle); the others pass.
    RefuseAfter(&'static str, usize),
    /// Forward, but 200 ms late each way.
    Slow,
    /// Like `LoseResponse`, only for requests whose first line starts with this (`"PATCH "`).
    LoseResponseTo(&'static str),
    /// Forward, flipping one byte of the body of the next request whose first line starts with
    /// this; then `Pass` again (a chunk damaged on the way, once).
    CorruptOnce(&'static str),
    /// Like `CorruptOnce`, for every such request (a line that damages whatever it carries).
    Corrupt(&'static str),
}

/// A whole 500 answer, as a proxy or a crashed handler gives it (not a Masar error body).
pub const SERVER_ERROR: &str =
    "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\nconnection: close\r\n\r\noops";

#[derive(Debug, Clone)]
pub struct Proxy {
    pub url: String,
    fault: Arc<Mutex<Fault>>,
    pushes: Arc<std::sync::atomic::AtomicUsize>,
    /// Every byte that went through, both ways (for tests that look for tokens elsewhere).
    traffic: Arc<Mutex<Vec<u8>>>,
    /// Requests the current fault's `RefuseAfter` counted.
    matched: Arc<std::sync::atomic::AtomicUsize>,
}

impl Proxy {
    pub async fn start(target: std::net::SocketAddr) -> Self {
        Self::start_to(vec![target]).await
    }

    /// A proxy in front of several server nodes: each connection goes to the next in turn, as
    /// behind a round-robin load balancer.
    pub async fn start_to(targets: Vec<std::net::SocketAddr>) -> Self {
        Self::listen().await.forward_to(targets)
    }

    /// A proxy's port, before its servers are there (servers whose public address is the
    /// proxy's start after it).
    pub async fn listen() -> ProxyPort {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        ProxyPort { listener, url }
    }
}

/// A proxy's listening port (see [`Proxy::listen`]).
#[derive(Debug)]
pub struct ProxyPort {
    listener: TcpListener,
    pub url: String,
}

impl ProxyPort {
    /// Starts forwarding to `targets` in turn.
    pub fn forward_to(self, targets: Vec<std::net::SocketAddr>) -> Proxy {
        let ProxyPort { listener, url } = self;
        let fault = Arc::new(Mutex::new(Fault::Pass));
        let pushes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let traffic = Arc::new(Mutex::new(Vec::new()));
        let matched = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let links = Links {
            fault: fault.clone(),
            pushes: pushes.clone(),
            traffic: traffic.clone(),
            matched: matched.clone(),
        };
        tokio::spawn(async move {
            let mut turn = 0_usize;
            while let Ok((client, _)) = listener.accept().await {
                turn += 1;
                tokio::spawn(handle(client, targets[turn % targets.len()], links.clone()));
            }
        });
        Proxy { url, fault, pushes, traffic, matched }
    }
}

impl Proxy {
    /// Every token that crossed the proxy: bearer tokens in requests, access and refresh tokens
    /// in bodies both ways.
    pub fn tokens_seen(&self) -> Vec<String> {
        let traffic = String::from_utf8_lossy(&self.traffic.lock().unwrap()).into_owned();
        let mut tokens = Vec::new();
        let markers = [
            "Bearer ",
            "bearer ",
            "\"accessToken\":\"",
            "\"refreshToken\":\"",
            "\"access_token\":\"",
            "\"refresh_token\":\"",
            "refresh_token=",
        ];
        for marker in markers {
            for (start, _) in traffic.match_indices(marker) {
                let rest = &traffic[start + marker.len()..];
                let token: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(*c))
                    .collect();
                if token.len() >= 16 && !tokens.contains(&token) {
                    tokens.push(token);
                }
            }
        }
        tokens
    }

    /// How many push requests came through (whatever the fault did with them).
    pub fn pushes(&self) -> usize {
        self.pushes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many requests starting with `start` (`"PATCH /v1/uploads/"`) came through.
    pub fn requests(&self, start: &str) -> usize {
        let traffic = self.traffic.lock().unwrap();
        traffic.windows(start.len()).filter(|w| *w == start.as_bytes()).count()
    }

    /// From now on, for every request, also on connections already open (the client pools them).
    pub fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
        self.matched.store(0, std::sync::atomic::Ordering::SeqCst);
    }
}

/// What each proxied connection shares with the proxy.
#[derive(Clone)]
struct Links {
    fault: Arc<Mutex<Fault>>,
    pushes: Arc<std::sync::atomic::AtomicUsize>,
    traffic: Arc<Mutex<Vec<u8>>>,
    matched: Arc<std::sync::atomic::AtomicUsize>,
}

/// True when `chunk` begins an HTTP request (its method), not a body's continuation.
fn starts_request(chunk: &[u8]) -> bool {
    ["GET ", "HEAD ", "POST ", "PUT ", "PATCH ", "DELETE ", "OPTIONS "]
        .iter()
        .any(|m| chunk.starts_with(m.as_bytes()))
}

/// Decides per request chunk, so a kept-alive connection meets the fault too.
async fn handle(client: TcpStream, target: std::net::SocketAddr, links: Links) {
    let Links { fault, pushes, traffic, matched } = links;
    let current = || *fault.lock().unwrap();
    let (mut client_read, client_write) = client.into_split();
    let client_write = Arc::new(tokio::sync::Mutex::new(client_write));
    let lose = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut server_write: Option<tokio::net::tcp::OwnedWriteHalf> = None;
    let mut downstream: Option<tokio::task::JoinHandle<()>> = None;
    let mut corrupt_next = false;
    let mut buffer = [0_u8; 16384];
    while let Ok(n) = client_read.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        traffic.lock().unwrap().extend_from_slice(&buffer[..n]);
        if buffer[..n].starts_with(b"POST /v1/sync/push ") {
            pushes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        let mode = current();
        let starts = |start: &str| buffer[..n].starts_with(start.as_bytes());
        let answer = match mode {
            Fault::ServerError => Some(SERVER_ERROR),
            Fault::AnswerTo(start, answer) if starts(start) => Some(answer),
            _ => None,
        };
        if let Some(answer) = answer {
            let _ = client_write.lock().await.write_all(answer.as_bytes()).await;
            break;
        }
        if let Fault::RefuseAfter(start, passes) = mode
            && starts(start)
            && matched.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= passes
        {
            break;
        }
        match mode {
            // `ServerError` was answered above.
            Fault::Refuse | Fault::ServerError => break,
            Fault::Hang => {
                tokio::time::sleep(Duration::from_secs(120)).await;
                break;
            }
            mode @ (Fault::Pass
            | Fault::AnswerTo(..)
            | Fault::RefuseAfter(..)
            | Fault::Slow
            | Fault::LoseResponse
            | Fault::LoseResponseTo(_)
            | Fault::CorruptOnce(_)
            | Fault::Corrupt(_)) => {
                let chunk = &mut buffer[..n];
                match mode {
                    Fault::LoseResponseTo(start) => {
                        if chunk.starts_with(start.as_bytes()) {
                            lose.store(true, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                    Fault::CorruptOnce(start) | Fault::Corrupt(start) => {
                        let starts = chunk.starts_with(start.as_bytes());
                        // Where the body begins: after the headers in the request's first chunk.
                        let body_from = if starts {
                            Some(chunk.windows(4).position(|w| w == b"\r\n\r\n").map_or(n, |at| at + 4))
                        } else {
                            corrupt_next.then_some(0)
                        };
                        match body_from {
                            Some(from) if from < n => {
                                chunk[n - 1] ^= 0xff;
                                corrupt_next = false;
                                if matches!(mode, Fault::CorruptOnce(_)) {
                                    *fault.lock().unwrap() = Fault::Pass;
                                }
                            }
                            Some(_) => corrupt_next = true,
                            None => {}
                        }
                    }
                    _ => lose.store(mode == Fault::LoseResponse, std::sync::atomic::Ordering::SeqCst),
                }
                // Late once per request (not per read: a 4 MiB upload chunk is hundreds of reads).
                if mode == Fault::Slow && starts_request(&buffer[..n]) {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                if server_write.is_none() {
                    let Ok(server) = TcpStream::connect(target).await else { break };
                    let (mut server_read, write) = server.into_split();
                    server_write = Some(write);
                    let (to_client, lose, traffic) = (client_write.clone(), lose.clone(), traffic.clone());
                    downstream = Some(tokio::spawn(async move {
                        let mut buffer = [0_u8; 16384];
                        while let Ok(n) = server_read.read(&mut buffer).await {
                            if n == 0 {
                                break;
                            }
                            traffic.lock().unwrap().extend_from_slice(&buffer[..n]);
                            if lose.load(std::sync::atomic::Ordering::SeqCst) {
                                // The server answered (so it committed); the client hears nothing.
                                let _ = to_client.lock().await.shutdown().await;
                                break;
                            }
                            if to_client.lock().await.write_all(&buffer[..n]).await.is_err() {
                                break;
                            }
                        }
                    }));
                }
                let Some(write) = server_write.as_mut() else { break };
                if write.write_all(&buffer[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    if let Some(task) = downstream {
        task.abort();
    }
}

/// A demo server, a proxy in front of it, and an app that signed in through the proxy.
#[derive(Debug)]
pub struct World {
    pub server: RunningServer,
    /// With [`World::on_two_nodes`]: a second server node on the same data.
    pub other_node: Option<RunningServer>,
    pub proxy: Proxy,
    pub app: Arc<MasarCore>,
    pub account: DemoAccount,
    pub server_dir: tempfile::TempDir,
    pub app_dir: tempfile::TempDir,
    pub keychain: Keychain,
    /// The PostgreSQL database the server runs on, when the run tests that store
    /// (`MASAR_TEST_STORE=postgres`); else the SQLite file in `server_dir`.
    pub database_url: Option<String>,
}

/// One row of `sql` on PostgreSQL, from synchronous test code (a thread with its own runtime).
fn postgres_row<T: Send + 'static>(
    url: &str,
    sql: &str,
    read: impl FnOnce(&tokio_postgres::Row) -> T + Send + 'static,
) -> T {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            read(&client.query_one(&sql, &[]).await.unwrap())
        })
    })
    .join()
    .unwrap()
}

impl World {
    pub async fn signed_in() -> Self {
        Self::signed_in_with(|_| {}).await
    }

    /// Like [`World::signed_in`], with the app's options adjusted first.
    pub async fn signed_in_with(adjust: impl FnOnce(&mut CoreOptions)) -> Self {
        Self::start(1, adjust).await
    }

    /// Like [`World::signed_in`], the proxy handing connections to two server nodes on the same
    /// data in turn (as a load balancer would).
    pub async fn on_two_nodes() -> Self {
        Self::start(2, |_| {}).await
    }

    async fn start(nodes: usize, adjust: impl FnOnce(&mut CoreOptions)) -> Self {
        let server_dir = tempfile::tempdir().unwrap();
        let mut config = ServerConfig::demo_on_loopback(server_dir.path());
        if std::env::var("MASAR_TEST_STORE").as_deref() == Ok("postgres") {
            config.database_url = Some(postgres_database().await);
        }
        // The app reaches the nodes through the proxy: that is their public address, and the
        // issuer of the tokens either node gives.
        let port = Proxy::listen().await;
        config.public_url = Some(url::Url::parse(&port.url).unwrap());
        let database_url = config.database_url.clone();
        let server = masar_server::start(&config, std::future::pending()).await.unwrap();
        let other_node = if nodes > 1 {
            Some(masar_server::start(&config, std::future::pending()).await.unwrap())
        } else {
            None
        };
        let targets =
            std::iter::once(server.addr()).chain(other_node.iter().map(RunningServer::addr)).collect();
        let proxy = port.forward_to(targets);
        let app_dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::in_memory().unwrap();
        let mut options = app_options(&proxy.url, app_dir.path(), &keychain);
        adjust(&mut options);
        let app = MasarCore::open(options).unwrap();
        let accounts: Vec<DemoAccount> = reqwest::get(format!("{}/v1/dev/accounts", server.base_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let account = accounts.into_iter().next().unwrap();
        app.check_connection().await;
        let step = sign_in(&app, account.national_id.as_str(), &account.password).await.unwrap();
        assert!(matches!(step, AuthState::SignedIn { .. }), "{step:?}");
        Self { server, other_node, proxy, app, account, server_dir, app_dir, keychain, database_url }
    }

    /// Signs in again online (the proxy passing): the step after the SMS code.
    pub async fn sign_in_online(&self, password: &str) -> AuthState {
        self.proxy.set(Fault::Pass);
        self.app.check_connection().await;
        sign_in(&self.app, self.account.national_id.as_str(), password).await.unwrap()
    }

    /// The server's database, opened beside the running server (WAL allows it).
    pub fn server_db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.server_dir.path().join("masar.db")).unwrap()
    }

    /// One number (`SELECT count(*) …`) from whichever database the server runs on.
    pub fn count(&self, sql: &str) -> i64 {
        match &self.database_url {
            Some(url) => postgres_row(url, sql, |row| row.get(0)),
            None => self.server_db().query_row(sql, [], |row| row.get(0)).unwrap(),
        }
    }

    /// The demo HR officer signed in to the app on a workstation of their own (straight to the
    /// server, not through the proxy).
    pub async fn officer_app(&self) -> (tempfile::TempDir, Arc<MasarCore>) {
        let base = self.server.base_url();
        let accounts: Vec<DemoAccount> =
            reqwest::get(format!("{base}/v1/dev/accounts")).await.unwrap().json().await.unwrap();
        let officer = accounts.into_iter().find(|a| a.role == masar_protocol::auth::Role::HrOfficer).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = open_app(&base, dir.path(), &Keychain::in_memory().unwrap());
        app.check_connection().await;
        let step = sign_in(&app, officer.national_id.as_str(), &officer.password).await.unwrap();
        assert!(matches!(step, AuthState::SignedIn { .. }), "{step:?}");
        (dir, app)
    }

    /// The profile as the server has it now.
    pub fn server_profile(&self) -> masar_protocol::EmployeeProfile {
        if let Some(url) = &self.database_url {
            let sql = format!(
                "SELECT profile::text FROM employees WHERE national_id = '{}'",
                self.account.national_id.as_str()
            );
            let json = postgres_row(url, &sql, |row| row.get::<_, String>(0));
            return serde_json::from_str(&json).unwrap();
        }
        let db = self.server_db();
        masar_server::sqlite::records::load_profile(&db, &self.account.national_id).unwrap().unwrap().0
    }
}

/// A single sign-on as the employee makes it: the app's sign-on begun, the provider's pages
/// filled in (password, then the code from the demo server's SMS outbox) by a browser that then
/// goes back to the app's loopback port; at a first sign-on here, `password` is also chosen as
/// the offline passphrase. Returns the step after that. When the provider cannot be reached,
/// the step is the error of beginning.
pub async fn sign_in(app: &MasarCore, national_id: &str, password: &str) -> Result<AuthState, SignInError> {
    let step = sign_on(app, national_id, password, SignOnPurpose::SignIn).await?;
    if !matches!(step, AuthState::PassphraseNeeded { .. }) {
        return Ok(step);
    }
    Ok(app.auth().set_passphrase(password.to_owned(), password.to_owned()).await.map_err(CoreError::from)?)
}

/// Opens the workstation's one profile with its passphrase, as the start screen's tile does
/// (offline, or after a sign-out).
pub async fn open_offline(app: &MasarCore, passphrase: &str) -> Result<AuthState, SignInError> {
    let AuthState::SignedOut { profiles } = app.auth().state() else {
        return Ok(app.auth().state());
    };
    let profile = profiles.first().map(|p| p.profile_id.clone()).unwrap_or_default();
    Ok(app.auth().open_offline(&profile, passphrase.to_owned()).await.map_err(CoreError::from)?)
}

/// The sign-on alone, for `purpose`: the step it leads to (a passphrase to choose is left to
/// the caller).
pub async fn sign_on(
    app: &MasarCore,
    national_id: &str,
    password: &str,
    purpose: SignOnPurpose,
) -> Result<AuthState, SignInError> {
    let started = app.auth().begin_sign_on(purpose).await.map_err(CoreError::from)?;
    let auth = app.auth().clone();
    let finishing = tokio::spawn(async move { auth.finish_sign_on().await });
    let url = url::Url::parse(&started.url).map_err(|_| SignInError::NotTheProvider)?;
    let provider = url.origin().ascii_serialization();
    let person = Person { national_id, password };
    let back = ProviderBrowser::new(&provider).sign_in(&started.url, &person).await;
    let page = reqwest::get(&back).await.map_err(|_| SignInError::NotTheProvider)?;
    if !page.status().is_success() {
        return Err(SignInError::NotTheProvider);
    }
    let step = finishing.await.map_err(|_| SignInError::NotTheProvider)?;
    Ok(step.map_err(CoreError::from)?)
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(transparent)]
    Core(#[from] masar_core::CoreError),
    #[error("the sign-on did not go through the provider's pages and back to the app")]
    NotTheProvider,
}

pub const FAST_KDF: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

pub fn open_app(url: &str, dir: &std::path::Path, keychain: &Keychain) -> Arc<MasarCore> {
    MasarCore::open(app_options(url, dir, keychain)).unwrap()
}

/// A workstation's app in `dir`, on `url`, with a cheap vault key derivation.
pub fn app_options(url: &str, dir: &std::path::Path, keychain: &Keychain) -> CoreOptions {
    CoreOptions {
        config_dir: Some(dir.join("config")),
        data_dir: Some(dir.join("data")),
        server_url: Some(ServerUrl::parse(url).unwrap()),
        keychain: Some(keychain.clone()),
        kdf: Some(FAST_KDF),
        idle_lock_seconds: None,
        ..CoreOptions::default()
    }
}
