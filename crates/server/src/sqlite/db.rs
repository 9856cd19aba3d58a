//! The embedded SQLite database: one file in WAL mode with `synchronous=FULL`, schema
//! migrations at open, and every query run off the async threads.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, anyhow};
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

/// The schema, oldest first. Append only: a released migration is never edited.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_records.sql"),
    include_str!("../../migrations/0002_auth.sql"),
    include_str!("../../migrations/0003_sync.sql"),
    include_str!("../../migrations/0004_field_origin.sql"),
    include_str!("../../migrations/0005_roles.sql"),
    include_str!("../../migrations/0006_uploads.sql"),
    include_str!("../../migrations/0007_qualifications.sql"),
    include_str!("../../migrations/0008_statements.sql"),
    include_str!("../../migrations/0009_applications.sql"),
    include_str!("../../migrations/0010_shared_state.sql"),
    include_str!("../../migrations/0011_signin_limits.sql"),
    include_str!("../../migrations/0012_oidc_provider.sql"),
    include_str!("../../migrations/0013_vault_keys.sql"),
    include_str!("../../migrations/0014_no_opaque_access_tokens.sql"),
    include_str!("../../migrations/0015_statement_expiry.sql"),
    include_str!("../../migrations/0016_qualification_updates.sql"),
    include_str!("../../migrations/0017_audit_subject.sql"),
    include_str!("../../migrations/0018_upload_quotas.sql"),
    include_str!("../../migrations/0019_sealed_exports.sql"),
    include_str!("../../migrations/0020_import_uploads.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// A handle on the database. Cheap to clone; queries are serialised on one connection, which is
/// what SQLite does for writers anyway.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").finish_non_exhaustive()
    }
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub async fn open(path: &Path) -> anyhow::Result<Self> {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || Self::open_blocking(&path))
            .await
            .context("database open task panicked")?
    }

    fn open_blocking(path: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create data directory {}", dir.display()))?;
        }
        let mut conn =
            Connection::open(path).with_context(|| format!("cannot open database {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a push the server acknowledged survives a power cut (NORMAL in WAL mode may lose
        // the last transactions, which the client would then never resend).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        refuse_newer_schema(&conn)?;
        migrations()
            .to_latest(&mut conn)
            .with_context(|| format!("cannot migrate database {}", path.display()))?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> anyhow::Result<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| anyhow!("database lock poisoned"))?;
            f(&mut guard)
        })
        .await
        .context("database task panicked")?
    }
}

impl Db {
    /// Runs `f` in one transaction, committed when `f` returns `Ok`, rolled back otherwise. The
    /// write lock is taken at the start (IMMEDIATE): with several server processes on one file,
    /// a transaction that read first could not write after another process did.
    pub async fn call_tx<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> anyhow::Result<T> + Send + 'static,
    {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
    }
}

/// The database has exactly this server's schema: every migration it knows, and none newer.
pub fn check_schema(conn: &mut Connection) -> anyhow::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    anyhow::ensure!(
        usize::try_from(version).ok() == Some(MIGRATIONS.len()),
        "the database has schema version {version}, this server {}",
        MIGRATIONS.len()
    );
    Ok(())
}

/// A database written by a newer server has migrations we do not know: refuse it rather than
/// run old code on a new schema.
fn refuse_newer_schema(conn: &Connection) -> anyhow::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if usize::try_from(version).unwrap_or(usize::MAX) > MIGRATIONS.len() {
        anyhow::bail!(
            "the database has schema version {version}, newer than this server ({}); use a newer masar-server",
            MIGRATIONS.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[tokio::test]
    async fn a_database_from_a_newer_server_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("masar.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 999).unwrap();
        }
        let error = Db::open(&path).await.unwrap_err();
        assert!(format!("{error:#}").contains("newer than this server"), "{error:#}");
    }

    /// An acknowledged push must survive a power cut: every commit waits for the disk.
    #[tokio::test]
    async fn commits_are_synced_to_disk_in_full() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("masar.db")).await.unwrap();
        let (journal, synchronous): (String, i64) = db
            .call(|conn| {
                Ok((
                    conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?,
                    conn.pragma_query_value(None, "synchronous", |row| row.get(0))?,
                ))
            })
            .await
            .unwrap();
        assert_eq!((journal.as_str(), synchronous), ("wal", 2), "WAL with synchronous=FULL (2)");
    }

    #[tokio::test]
    async fn reopening_keeps_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("masar.db");
        Db::open(&path).await.unwrap();
        let db = Db::open(&path).await.unwrap();
        let tables: i64 = db
            .call(|conn| {
                Ok(conn.query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'employees'",
                    [],
                    |row| row.get(0),
                )?)
            })
            .await
            .unwrap();
        assert_eq!(tables, 1);
    }
}
