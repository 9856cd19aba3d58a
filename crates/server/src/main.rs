//! `masar-server`: serve the Masar API on an embedded SQLite database, or on PostgreSQL.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use masar_protocol::attachments::AttachmentLimits;
use masar_server::{ServerConfig, config::DEFAULT_DEMO_SEED};

#[derive(Debug, Parser)]
#[command(name = "masar-server", version, about = "The Masar back end for Masar Desktop")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on. Port 0 picks a free port; the chosen address is printed.
    #[arg(long, env = "MASAR_BIND", default_value = "127.0.0.1:0")]
    bind: SocketAddr,
    /// Where Prometheus scrapes `/metrics` (with `/livez` and `/readyz`): a separate listener,
    /// kept off the public one (for example `127.0.0.1:9464`). No metrics listener without it.
    #[arg(long, env = "MASAR_METRICS_BIND")]
    metrics_bind: Option<SocketAddr>,
    /// Directory of the uploaded documents, and of the SQLite file without --database (created if
    /// missing). With several nodes, one directory every node sees.
    #[arg(long, env = "MASAR_DATA_DIR", default_value = "masar-data")]
    data_dir: PathBuf,
    /// A PostgreSQL database (`postgres://user@host:port/database`) instead of the embedded
    /// SQLite file: for several server nodes on the same data.
    #[arg(long, env = "MASAR_DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
    /// The certificate authorities (PEM file) PostgreSQL's certificate must come from: the
    /// connection is then TLS, the certificate and the URL's host name checked (`verify-full`).
    /// For a publicly trusted database certificate: `/etc/ssl/certs/ca-certificates.crt`.
    #[arg(long, env = "MASAR_DATABASE_CA", requires = "database")]
    database_ca: Option<PathBuf>,
    /// The server's certificate chain (PEM): it then speaks HTTPS only (with --tls-key). Behind
    /// a TLS proxy (the usual deployment, see the README) neither is needed.
    #[arg(long, env = "MASAR_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "MASAR_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Seed demo employees into an empty database and print how to try them.
    #[arg(long, env = "MASAR_DEMO")]
    demo: bool,
    /// Seed of the demo data: the same seed always gives the same employees.
    #[arg(long, env = "MASAR_DEMO_SEED", default_value_t = DEFAULT_DEMO_SEED)]
    demo_seed: u64,
    /// The server's today (`2027-12-07`), its clock running on from that day: to try the product,
    /// or run its tests, on another date. The demo data is dated from it. Default: the system's.
    #[arg(long, env = "MASAR_TODAY")]
    today: Option<chrono::NaiveDate>,
    /// The settings file (TOML): the SMS provider and its credential (see the README). A server
    /// without an SMS provider starts only with --demo, whose codes go to the dev outbox.
    #[arg(long, env = "MASAR_SETTINGS")]
    settings: Option<PathBuf>,
    /// Sign-in requests allowed per client address per minute.
    #[arg(long, env = "MASAR_AUTH_RATE", default_value_t = masar_server::rules::signin::DEFAULT_AUTH_REQUESTS_PER_MINUTE)]
    auth_rate: u32,
    /// Statement verifications (`/verify/CODE`, no sign-in) allowed per client address per minute.
    #[arg(long, env = "MASAR_VERIFY_RATE", default_value_t = masar_server::rules::statements::DEFAULT_VERIFICATIONS_PER_MINUTE)]
    verify_rate: u32,
    /// How many days the code printed on a service statement verifies (said on the statement).
    #[arg(long, env = "MASAR_STATEMENT_VALIDITY_DAYS", default_value_t = masar_server::rules::statements::DEFAULT_VALIDITY_DAYS)]
    statement_validity_days: u32,
    /// How many days after it was written a sealed export of an employee's unsent work is still
    /// imported (an older one is refused: its edits are likely stale).
    #[arg(long, env = "MASAR_EXPORT_MAX_AGE_DAYS", default_value_t = masar_server::imports::DEFAULT_MAX_AGE_DAYS)]
    export_max_age_days: u32,
    /// The server's public URL (`https://masar.example.gov.sa`): the built-in OpenID Connect
    /// provider's issuer, and where printed statements are verified. Default: the address it
    /// listens on.
    #[arg(long, env = "MASAR_PUBLIC_URL")]
    public_url: Option<url::Url>,
    /// The audience (`aud`) of the access tokens masar-server accepts and its provider issues.
    #[arg(long, env = "MASAR_OIDC_AUDIENCE", default_value = masar_server::oidc::DEFAULT_AUDIENCE)]
    oidc_audience: String,
    /// The identity provider (OpenID Connect issuer URL) whose access tokens masar-server
    /// accepts, when it is not the built-in one: its discovery document and JWKS are read from
    /// it, and the built-in provider is not served.
    #[arg(long, env = "MASAR_OIDC_ISSUER")]
    oidc_issuer: Option<url::Url>,
    /// The access-token claim that holds the employee's national ID.
    #[arg(long, env = "MASAR_OIDC_NATIONAL_ID_CLAIM", default_value = masar_server::oidc::tokens::NATIONAL_ID_CLAIM)]
    oidc_national_id_claim: String,
    /// A load balancer or reverse proxy (CIDR, e.g. `10.0.0.0/8`; repeat for several) whose
    /// `X-Forwarded-For` names the client: audit rows and rate limits then see the client, not
    /// the proxy. From any other peer the header is ignored.
    #[arg(long = "trusted-proxy", env = "MASAR_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// Largest attached file, in MiB (announced as tus's `Tus-Max-Size`).
    #[arg(long, env = "MASAR_MAX_FILE_MB", default_value_t = 20)]
    max_file_mb: u64,
    /// Largest total of one submission's attachments, in MiB.
    #[arg(long, env = "MASAR_MAX_SUBMISSION_MB", default_value_t = 50)]
    max_submission_mb: u64,
    /// Hours after which an upload nobody writes to is removed.
    #[arg(long, env = "MASAR_UPLOAD_EXPIRY_HOURS", default_value_t = 24)]
    upload_expiry_hours: u64,
    /// Largest total of one employee's unfinished uploads, in MiB.
    #[arg(long, env = "MASAR_UPLOAD_IN_FLIGHT_MB", default_value_t = masar_protocol::attachments::DEFAULT_IN_FLIGHT_BYTES / MIB)]
    upload_in_flight_mb: u64,
    /// What one employee may start uploading in 24 hours, in MiB.
    #[arg(long, env = "MASAR_UPLOAD_DAILY_MB", default_value_t = masar_protocol::attachments::DEFAULT_DAILY_BYTES / MIB)]
    upload_daily_mb: u64,
    /// Days an uploaded document that no qualification attaches is kept after it was last sent.
    #[arg(long, env = "MASAR_UNUSED_BLOB_DAYS", default_value_t = 30)]
    unused_blob_days: u64,
    /// Log filter, e.g. `info` or `masar_server=debug,tower_http=debug`.
    #[arg(long, env = "MASAR_LOG", default_value = "info")]
    log: String,
    /// Log line format.
    #[arg(long, env = "MASAR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

const MIB: u64 = 1024 * 1024;

/// Instead of serving: the data directory's backup and restore (the embedded SQLite deployment;
/// PostgreSQL's procedure is in the README), or waiting for a server to be ready.
#[derive(Debug, Subcommand)]
enum Command {
    /// Waits until the server at --url answers 200 on /readyz (systemd's ExecStartPost: the unit
    /// counts as started only once the node can serve); fails after --seconds.
    WaitReady {
        #[arg(long, default_value = "http://127.0.0.1:8787")]
        url: url::Url,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
    /// A consistent copy of the database and every document it references, with SHA256SUMS,
    /// taken while the server runs.
    Backup {
        /// A new (or empty) directory for the backup.
        #[arg(long)]
        to: PathBuf,
    },
    /// Puts a backup in place in --data-dir, which must hold no database (the server stopped,
    /// its old data moved away); every checksum is verified first.
    Restore {
        /// The backup's directory.
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let filter = masar_server::log_filter(&args.log).context("invalid --log filter")?;
    // Logs go to stderr; stdout carries only the address line and the demo hints.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match args.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }

    if let Some(command) = &args.command {
        return run_command(&args, command).await;
    }
    let settings = match &args.settings {
        Some(path) => masar_server::settings::SettingsFile::read(path)?,
        None => masar_server::settings::SettingsFile::default(),
    };
    let config = ServerConfig {
        bind: args.bind,
        metrics_bind: args.metrics_bind,
        data_dir: args.data_dir,
        database_url: args.database,
        database_ca: args.database_ca,
        tls: args.tls_cert.zip(args.tls_key).map(|(cert, key)| masar_server::tls::TlsFiles { cert, key }),
        demo: args.demo,
        demo_seed: args.demo_seed,
        sms: settings.sms,
        auth_requests_per_minute: args.auth_rate,
        verifications_per_minute: args.verify_rate,
        statement_validity_days: args.statement_validity_days,
        export_max_age_days: args.export_max_age_days,
        trusted_proxies: args.trusted_proxies,
        public_url: args.public_url,
        oidc_audience: args.oidc_audience,
        oidc_issuer: args.oidc_issuer,
        oidc_national_id_claim: args.oidc_national_id_claim,
        clock: match args.today {
            Some(day) => std::sync::Arc::new(masar_server::ShiftedClock::to_day(day)),
            None => std::sync::Arc::new(masar_server::SystemClock),
        },
        attachment_limits: AttachmentLimits {
            max_file_bytes: args.max_file_mb.saturating_mul(MIB),
            max_submission_bytes: args.max_submission_mb.saturating_mul(MIB),
            max_in_flight_bytes: args.upload_in_flight_mb.saturating_mul(MIB),
            max_daily_bytes: args.upload_daily_mb.saturating_mul(MIB),
            ..AttachmentLimits::default()
        },
        upload_expiry: Duration::from_secs(args.upload_expiry_hours.saturating_mul(3600)),
        blob_grace: Duration::from_secs(args.unused_blob_days.saturating_mul(24 * 3600)),
        collect_every: masar_server::uploads::collector::DEFAULT_EVERY,
    };
    let server = masar_server::start(&config, shutdown_signal()).await?;
    println!("masar-server listening on {}", server.base_url());
    if config.demo {
        print_demo_hints(&config).await?;
    }
    server.wait().await
}

/// A command instead of serving.
async fn run_command(args: &Args, command: &Command) -> anyhow::Result<()> {
    let sqlite_only = || {
        anyhow::ensure!(
            args.database.is_none(),
            "backup and restore here are for the embedded SQLite file; for PostgreSQL use pg_dump and pg_restore with the documents directory, in the order the README gives"
        );
        Ok(())
    };
    let (done, summary) = match command {
        Command::WaitReady { url, seconds } => return wait_ready(url, Duration::from_secs(*seconds)).await,
        Command::Backup { to } => {
            sqlite_only()?;
            (format!("backed up into {}", to.display()), masar_server::backup::backup(&args.data_dir, to)?)
        }
        Command::Restore { from } => {
            sqlite_only()?;
            (
                format!("restored from {}", from.display()),
                masar_server::backup::restore(from, &args.data_dir)?,
            )
        }
    };
    println!(
        "{done}: database {} bytes, {} documents ({} bytes), checksums verified",
        summary.database_bytes, summary.blobs, summary.blob_bytes
    );
    Ok(())
}

/// Asks `/readyz` every half second until it answers 200, at most `patience`.
async fn wait_ready(url: &url::Url, patience: Duration) -> anyhow::Result<()> {
    let readyz = url.join("/readyz").context("not a base URL")?;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build()?;
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        let answer = http.get(readyz.clone()).send().await;
        if answer.as_ref().is_ok_and(|a| a.status().is_success()) {
            println!("ready: {readyz}");
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            let why = match answer {
                Ok(answer) => answer.text().await.unwrap_or_default(),
                Err(error) => error.to_string(),
            };
            anyhow::bail!("{readyz} is not ready after {} s: {why}", patience.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn print_demo_hints(config: &ServerConfig) -> anyhow::Result<()> {
    let accounts = masar_server::open_store(config).await?.demo_accounts().await?;
    println!("demo accounts (national ID, password, name, job):");
    for account in accounts {
        println!(
            "  {}  {}  {}  — {}",
            account.national_id,
            account.password,
            account.name_ar.full(),
            account.job_title
        );
        if account.role == masar_protocol::auth::Role::HrOfficer {
            println!(
                "    ↑ HR officer: may edit employees' employment data (PUT /v1/hr/employees/{{id}}/employment)"
            );
        }
    }
    println!("sign in with one of them; the verification code appears in the app's demo phone panel");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
