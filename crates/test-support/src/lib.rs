//! Shared by the integration tests of core and of the sync engine: a loopback fault proxy
//! between the app and the real server, and a signed-in app on a demo server. Test code: a
//! panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

pub use masar_test_utils::{postgres_database, six_digits};

pub mod documents;
mod proxy;
mod sign_in;

pub use proxy::{Fault, Proxy, ProxyPort, SERVER_ERROR};
pub use sign_in::{SignInError, open_offline, sign_in, sign_on};

use std::sync::Arc;

use masar_core::vault::crypto::KdfParams;
use masar_core::{AuthState, CoreOptions, Keychain, MasarCore, ServerUrl};
use masar_protocol::DemoAccount;
use masar_server::{RunningServer, ServerConfig};

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
            config.database_ca = masar_test_utils::postgres_ca();
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
