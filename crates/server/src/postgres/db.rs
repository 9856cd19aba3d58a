//! The PostgreSQL connection pool and schema: connections from a pool (deadpool), the schema
//! migrated at start under an advisory lock (several nodes may start at once), and a newer
//! schema than this server knows refused.

use anyhow::Context;
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::NoTls;
use tokio_postgres::Row;
use tokio_postgres::config::SslMode;

/// The schema, oldest first; append only.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_schema.sql"),
    include_str!("../../migrations/postgres/0002_signin_limits.sql"),
    include_str!("../../migrations/postgres/0003_oidc_provider.sql"),
    include_str!("../../migrations/postgres/0004_vault_keys.sql"),
    include_str!("../../migrations/postgres/0005_no_opaque_access_tokens.sql"),
    include_str!("../../migrations/postgres/0006_statement_expiry.sql"),
    include_str!("../../migrations/postgres/0007_qualification_updates.sql"),
    include_str!("../../migrations/postgres/0008_audit_subject.sql"),
    include_str!("../../migrations/postgres/0009_upload_quotas.sql"),
    include_str!("../../migrations/postgres/0010_sealed_exports.sql"),
    include_str!("../../migrations/postgres/0011_import_uploads.sql"),
];

/// Taken while migrating: one node migrates, the others wait and find it done.
const MIGRATION_LOCK: i64 = 0x4d41_5341_5201;

/// Connections per node. PostgreSQL's default allows 100 in all.
const POOL_SIZE: usize = 16;

#[derive(Clone)]
pub struct PgDb {
    pool: Pool,
}

impl std::fmt::Debug for PgDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may carry a password.
        f.debug_struct("PgDb").finish_non_exhaustive()
    }
}

impl PgDb {
    /// Connects to `url` (`postgres://user@host:port/database`) and migrates the schema. With
    /// `ca_file` every connection is TLS, PostgreSQL's certificate checked against those
    /// authorities and the host name of the URL (`sslmode=verify-full`); without it the URL must
    /// not ask for TLS, and the connection is in clear (a socket or loopback on the same host).
    pub async fn connect(url: &str, ca_file: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let mut config: tokio_postgres::Config = url.parse().context("not a PostgreSQL URL")?;
        let recycling = ManagerConfig { recycling_method: RecyclingMethod::Fast };
        let manager = match ca_file {
            Some(ca_file) => {
                config.ssl_mode(SslMode::Require);
                let tls = tokio_postgres_rustls::MakeRustlsConnect::new(crate::tls::client_config(ca_file)?);
                Manager::from_config(config, tls, recycling)
            }
            None => {
                anyhow::ensure!(
                    config.get_ssl_mode() != SslMode::Require,
                    "the database URL asks for TLS: give the certificate authorities to check PostgreSQL's certificate with --database-ca"
                );
                if !config.get_hosts().iter().all(is_local) {
                    tracing::warn!(
                        "PostgreSQL is reached without TLS: give --database-ca to encrypt and check the connection"
                    );
                }
                Manager::from_config(config, NoTls, recycling)
            }
        };
        let pool = Pool::builder(manager).max_size(POOL_SIZE).build().context("connection pool")?;
        let db = Self { pool };
        db.migrate().await?;
        Ok(db)
    }

    /// A connection from the pool.
    pub async fn client(&self) -> anyhow::Result<Object> {
        self.pool.get().await.context("no PostgreSQL connection")
    }

    /// PostgreSQL answers on a connection of the pool and has exactly this server's schema.
    pub async fn check_schema(&self) -> anyhow::Result<()> {
        let client = self.client().await?;
        let done: i32 =
            client.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[]).await?.get(0);
        let known = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
        anyhow::ensure!(done == known, "the database has schema version {done}, this server {known}");
        Ok(())
    }

    /// How the connection pool is used now.
    pub fn pool_use(&self) -> crate::storage::health::PoolUse {
        let status = self.pool.status();
        crate::storage::health::PoolUse { open: status.size, idle: status.available, max: status.max_size }
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
            .await?;
        let done: i32 =
            tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[]).await?.get(0);
        let known = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
        if done > known {
            anyhow::bail!(
                "the database has schema version {done}, newer than this server ({known}); use a newer masar-server"
            );
        }
        for (version, sql) in (1..).zip(MIGRATIONS).skip(usize::try_from(done).unwrap_or(0)) {
            tx.batch_execute(sql).await.with_context(|| format!("PostgreSQL migration {version}"))?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version]).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A Unix socket or a loopback address: traffic that stays on this host.
fn is_local(host: &tokio_postgres::config::Host) -> bool {
    match host {
        tokio_postgres::config::Host::Unix(_) => true,
        tokio_postgres::config::Host::Tcp(name) => {
            name == "localhost" || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
    }
}

/// A stored BIGINT as the protocol's unsigned number (never negative in these tables).
pub fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// The protocol's unsigned number as a BIGINT.
pub fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

type Params<'a> = &'a [&'a (dyn tokio_postgres::types::ToSql + Sync)];

/// Every statement is prepared once per connection and kept: one round trip per query after.
async fn prepared(client: &impl GenericClient, sql: &str) -> anyhow::Result<tokio_postgres::Statement> {
    Ok(client.prepare_cached(sql).await?)
}

pub async fn rows(client: &impl GenericClient, sql: &str, params: Params<'_>) -> anyhow::Result<Vec<Row>> {
    Ok(client.query(&prepared(client, sql).await?, params).await?)
}

pub async fn one(client: &impl GenericClient, sql: &str, params: Params<'_>) -> anyhow::Result<Row> {
    Ok(client.query_one(&prepared(client, sql).await?, params).await?)
}

pub async fn opt(client: &impl GenericClient, sql: &str, params: Params<'_>) -> anyhow::Result<Option<Row>> {
    Ok(client.query_opt(&prepared(client, sql).await?, params).await?)
}

pub async fn exec(client: &impl GenericClient, sql: &str, params: Params<'_>) -> anyhow::Result<u64> {
    Ok(client.execute(&prepared(client, sql).await?, params).await?)
}
