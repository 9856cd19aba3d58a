//! masar-server: the identity provider (password + SMS code) and the Masar back end that
//! Masar Desktop talks to. Runs on an embedded SQLite file, or on PostgreSQL for several nodes
//! (`--database postgres://…`); `--demo` seeds realistic employees.

pub mod auth;
pub mod backup;
pub mod clock;
pub mod config;
pub mod demo;
pub mod error;
pub mod extract;
pub mod imports;
pub mod oidc;
pub mod ops;
pub mod postgres;
pub mod routes;
pub mod rules;
pub mod secrets;
pub mod settings;
pub mod sqlite;
pub mod storage;
pub mod sync;
pub mod tls;
pub mod uploads;

use std::net::SocketAddr;

use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use auth::{DevOutbox, HttpSmsGateway, SmsGateway};
pub use clock::{Clock, ManualClock, ShiftedClock, SystemClock};
pub use config::ServerConfig;
pub use sqlite::{Db, SqliteStore};
use storage::RateRule;
pub use storage::Store;

/// Shared state of the HTTP handlers.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub demo: bool,
    pub clock: Arc<dyn Clock>,
    pub sms: Arc<dyn SmsGateway>,
    /// The verification SMS's text, with `{code}` and `{minutes}`.
    pub sms_template: Arc<str>,
    /// The built-in OpenID Connect provider.
    pub provider: Arc<oidc::Provider>,
    /// Whether the built-in provider is the issuer and is served.
    pub builtin_issuer: bool,
    /// The issuer whose tokens this server takes (the built-in provider's, or `--oidc-issuer`);
    /// told to clients in `/v1/health` so the app signs in where its server trusts.
    pub issuer: Arc<str>,
    /// Checks the access tokens of the trusted issuer.
    pub verifier: Arc<auth::jwt::JwtVerifier>,
    /// Sign-in requests per client address (the state is in the store, shared by every node).
    pub sign_in_rate: RateRule,
    /// Statement verifications per client address.
    pub verify_rate: RateRule,
    /// How many days a statement's code verifies.
    pub statement_validity_days: u32,
    /// How many days a sealed export is imported after it was written.
    pub export_max_age_days: u32,
    /// The server's public URL, no trailing slash (`--public-url`, else the address it listens
    /// on): what printed statements link to.
    pub public_url: Arc<str>,
    /// Peers whose `X-Forwarded-For` names the client (load balancers, reverse proxies).
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// Upload bytes and verified blobs (a directory every node sees).
    pub blobs: Arc<dyn uploads::BlobStore>,
    /// The SHA-256 of each upload whose chunks arrive at this node, as they arrive.
    pub hashing: Arc<uploads::hashing::Hashing>,
    pub limits: masar_protocol::attachments::AttachmentLimits,
    /// An upload nobody writes to for this long is removed.
    pub upload_expiry: std::time::Duration,
    /// An unused blob is removed this long after it was last sent.
    pub blob_grace: std::time::Duration,
}

/// A server that is accepting connections. Dropping it does not stop it: call [`Self::shutdown`].
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    /// `https` with the server's own TLS, else `http`.
    scheme: &'static str,
    /// Where `/metrics` is served, when it is.
    metrics_addr: Option<SocketAddr>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR` (`https://` with the server's own TLS), the base URL clients use.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// `http://ADDR` of the metrics listener (`/metrics`, `/livez`, `/readyz`), when there is one.
    pub fn metrics_url(&self) -> Option<String> {
        self.metrics_addr.map(|addr| format!("http://{addr}"))
    }

    /// Stops accepting, lets requests in flight finish, and waits for the server to end.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            // The receiver is gone only if the server already ended, which is what we want.
            let _ = stop.send(());
        }
        self.task.await.context("server task panicked")?.context("server failed")
    }

    /// Waits until the server ends by itself (its shutdown signal fired).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("server task panicked")?.context("server failed")
    }
}

/// The log filter of `directives` (e.g. `info`, `masar_server=debug`), with the PostgreSQL
/// driver held at `info` whatever they say: at `debug` it writes every query's parameters
/// (national IDs, the dev outbox's codes), which never belong in a log.
pub fn log_filter(directives: &str) -> anyhow::Result<tracing_subscriber::EnvFilter> {
    Ok(tracing_subscriber::EnvFilter::try_new(directives)?
        .add_directive("tokio_postgres=info".parse()?)
        .add_directive("postgres_protocol=info".parse()?))
}

/// The configured store: PostgreSQL when `database_url` is set, else the SQLite file in the data
/// directory; migrated, with the server's attachment limits.
pub async fn open_store(config: &ServerConfig) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match &config.database_url {
        Some(url) => Arc::new(
            postgres::PgStore::new(postgres::PgDb::connect(url, config.database_ca.as_deref()).await?)
                .with_limits(config.attachment_limits.clone()),
        ),
        None => Arc::new(
            SqliteStore::new(Db::open(&config.database_path()).await?)
                .with_limits(config.attachment_limits.clone()),
        ),
    })
}

/// Why a server without an SMS provider does not start.
pub const NO_SMS_GATEWAY: &str = "masar-server signs employees in with a code sent by SMS, and no SMS provider is \
configured: give one in the settings file (--settings FILE, section [sms]; see the README), or \
run a demo server (--demo), whose codes go to the dev outbox";

/// Opens the database (migrating it), seeds demo data if asked, binds and starts serving.
/// `extra_shutdown` ends the server too (the binary passes SIGINT/SIGTERM here).
pub async fn start(
    config: &ServerConfig,
    extra_shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<RunningServer> {
    let builtin_issuer = config.oidc_issuer.is_none();
    anyhow::ensure!(config.sms.is_some() || config.demo || !builtin_issuer, NO_SMS_GATEWAY);
    let store = open_store(config).await?;
    if config.demo {
        // The data is dated as of the day it is seeded: a demo that stays seeded for months
        // keeps those dates (and its deadlines pass, as real ones do).
        let today = config.clock.now().date_naive();
        let data = demo::generate(config.demo_seed, today);
        let requests = demo::review_requests(&data, config.clock.now_ms());
        let seeded = store.seed_if_empty(data, config.demo_seed).await?;
        if seeded {
            store.seed_requests(requests).await?;
        }
        tracing::info!(seeded, seed = config.demo_seed, "demo data ready");
    }
    let sms: Arc<dyn SmsGateway> = match &config.sms {
        Some(settings) => Arc::new(HttpSmsGateway::new(settings.clone())?),
        None => Arc::new(DevOutbox::new(Arc::clone(&store))),
    };
    let sms_template = config.sms.as_ref().map_or(auth::sms::DEFAULT_TEMPLATE, |s| &s.template).into();
    let listener =
        TcpListener::bind(config.bind).await.with_context(|| format!("cannot listen on {}", config.bind))?;
    let addr = listener.local_addr()?;
    let tls = config.tls.as_ref().map(tls::server_config).transpose()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let public_url =
        config.public_url.as_ref().map_or_else(|| format!("{scheme}://{addr}"), ToString::to_string);
    let public_url = public_url.trim_end_matches('/').to_owned();
    let keys = Arc::new(oidc::SigningKeys::new(Arc::clone(&store)));
    let provider = Arc::new(oidc::Provider::new(&public_url, &config.oidc_audience, Arc::clone(&keys)));
    let (issuer, key_source): (String, Arc<dyn auth::jwt::KeySource>) = match &config.oidc_issuer {
        None => (provider.issuer.clone(), keys),
        Some(url) => {
            let remote = auth::remote_issuer::RemoteIssuer::new(url)?;
            if let Err(error) = remote.load(config.clock.now_ms()).await {
                tracing::error!(error = %format!("{error:#}"), "the issuer's keys cannot be read yet: tokens are refused until they can");
            }
            (remote.issuer().to_owned(), Arc::new(remote))
        }
    };
    let verifier = Arc::new(auth::jwt::JwtVerifier::new(
        &issuer,
        &config.oidc_audience,
        &config.oidc_national_id_claim,
        key_source,
    ));
    let state = AppState {
        store,
        demo: config.demo,
        clock: Arc::clone(&config.clock),
        sms,
        sms_template,
        provider,
        builtin_issuer,
        issuer: issuer.into(),
        verifier,
        sign_in_rate: RateRule::per_minute(config.auth_requests_per_minute),
        verify_rate: RateRule::per_minute(config.verifications_per_minute),
        statement_validity_days: config.statement_validity_days,
        export_max_age_days: config.export_max_age_days,
        public_url: public_url.into(),
        trusted_proxies: config.trusted_proxies.clone().into(),
        blobs: Arc::new(uploads::BlobDir::new(config.data_dir.join("blobs"))),
        hashing: Arc::default(),
        limits: config.attachment_limits.clone(),
        upload_expiry: config.upload_expiry,
        blob_grace: config.blob_grace,
    };
    ops::metrics::install();
    let (stop, stopped) = oneshot::channel::<()>();
    let collector = uploads::collector::run(state.clone(), config.collect_every);
    let (metrics, metrics_addr) = match config.metrics_bind {
        Some(bind) => {
            let listener = TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen for metrics on {bind}"))?;
            let addr = listener.local_addr()?;
            (Some((listener, ops::metrics_router(state.clone()))), Some(addr))
        }
        None => (None, None),
    };
    let app = routes::router(state);
    let shutdown = async move {
        tokio::select! {
            _ = stopped => {},
            () = extra_shutdown => {},
        }
        tracing::info!("shutting down");
    };
    // The metrics listener ends with the server (its task is dropped when serving ends).
    let metrics = async move {
        match metrics {
            Some((listener, router)) => axum::serve(listener, router).await,
            None => std::future::pending().await,
        }
    };
    let serve = async move {
        let app = app.into_make_service_with_connect_info::<tls::PeerAddr>();
        match tls {
            Some(tls) => {
                axum::serve(tls::TlsListener::new(listener, tls)?, app).with_graceful_shutdown(shutdown).await
            }
            None => axum::serve(listener, app).with_graceful_shutdown(shutdown).await,
        }
    };
    // The collector lives as long as the server does: the task drops it when serving ends.
    let task = tokio::spawn(async move {
        tokio::select! {
            served = serve => served,
            () = collector => Ok(()),
            served = metrics => served,
        }
    });
    tracing::info!(%addr, ?metrics_addr, demo = config.demo, tls = scheme == "https", "listening");
    Ok(RunningServer { addr, scheme, metrics_addr, stop: Some(stop), task })
}
