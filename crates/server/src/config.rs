//! How a server instance is set up: where it listens, where its data lives, demo or not.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use masar_protocol::attachments::AttachmentLimits;

use crate::clock::{Clock, SystemClock};
use crate::rules::signin::DEFAULT_AUTH_REQUESTS_PER_MINUTE;
use crate::rules::statements::{DEFAULT_VALIDITY_DAYS, DEFAULT_VERIFICATIONS_PER_MINUTE};

/// The default seed of `--demo`: the same seed always gives the same employees.
pub const DEFAULT_DEMO_SEED: u64 = 1448;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind: SocketAddr,
    /// Where `/metrics` (and the probes) are served for Prometheus, apart from the public
    /// listener; no metrics listener without it.
    pub metrics_bind: Option<SocketAddr>,
    /// Upload bytes and blobs (every node must see the same directory); the SQLite file too when
    /// there is no `database_url`.
    pub data_dir: PathBuf,
    /// `postgres://…`: the PostgreSQL store instead of the embedded SQLite file.
    pub database_url: Option<String>,
    /// The certificate authorities (PEM) PostgreSQL's certificate must come from: with it the
    /// connection is TLS, the certificate and the host name checked (`verify-full`).
    pub database_ca: Option<PathBuf>,
    /// The server's own certificate and key: it then speaks HTTPS only.
    pub tls: Option<crate::tls::TlsFiles>,
    pub demo: bool,
    pub demo_seed: u64,
    /// The SMS provider that sends verification codes (from the settings file). Without one only
    /// a `demo` server starts, with the dev outbox as its phone.
    pub sms: Option<crate::auth::SmsSettings>,
    pub auth_requests_per_minute: u32,
    /// Statement verifications per client address per minute (no sign-in needed to ask).
    pub verifications_per_minute: u32,
    /// How many days a printed statement's code verifies.
    pub statement_validity_days: u32,
    /// How many days after it was written a sealed export of unsent work is still imported.
    pub export_max_age_days: u32,
    /// The server's public URL, the built-in provider's issuer identifier (default: the address
    /// it listens on, `http://ADDR`).
    pub public_url: Option<url::Url>,
    /// The audience of access tokens (`aud`).
    pub oidc_audience: String,
    /// The identity provider whose access tokens are accepted, when it is not the built-in one
    /// (which is then not served).
    pub oidc_issuer: Option<url::Url>,
    /// The access-token claim that holds the employee's national ID.
    pub oidc_national_id_claim: String,
    /// Load balancers and reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub clock: Arc<dyn Clock>,
    /// What a submission may attach (announced to clients, enforced on every upload).
    pub attachment_limits: AttachmentLimits,
    pub upload_expiry: Duration,
    /// An unused blob (no qualification attaches it) is removed this long after it was last sent.
    pub blob_grace: Duration,
    /// How often the collector runs.
    pub collect_every: Duration,
}

impl ServerConfig {
    /// A demo server on a free loopback port, data in `data_dir` (what the tests use).
    pub fn demo_on_loopback(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            metrics_bind: None,
            data_dir: data_dir.into(),
            database_url: None,
            database_ca: None,
            tls: None,
            demo: true,
            demo_seed: DEFAULT_DEMO_SEED,
            sms: None,
            auth_requests_per_minute: DEFAULT_AUTH_REQUESTS_PER_MINUTE,
            verifications_per_minute: DEFAULT_VERIFICATIONS_PER_MINUTE,
            statement_validity_days: DEFAULT_VALIDITY_DAYS,
            export_max_age_days: crate::imports::DEFAULT_MAX_AGE_DAYS,
            trusted_proxies: Vec::new(),
            public_url: None,
            oidc_audience: crate::oidc::DEFAULT_AUDIENCE.to_owned(),
            oidc_issuer: None,
            oidc_national_id_claim: crate::oidc::tokens::NATIONAL_ID_CLAIM.to_owned(),
            clock: Arc::new(SystemClock),
            attachment_limits: AttachmentLimits::default(),
            upload_expiry: crate::uploads::DEFAULT_EXPIRY,
            blob_grace: crate::uploads::collector::DEFAULT_GRACE,
            collect_every: crate::uploads::collector::DEFAULT_EVERY,
        }
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("masar.db")
    }
}
