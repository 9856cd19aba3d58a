//! The vault database: SQLCipher, opened with the raw data key.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use masar_protocol::EmployeeRecord;
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

use crate::secret::Sensitive;

const MIGRATIONS: &[&str] = &["CREATE TABLE cached_records (
        kind       TEXT PRIMARY KEY,
        json       TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    ) STRICT;"];

#[derive(Debug, thiserror::Error)]
pub enum VaultDbError {
    #[error("the key does not open this database")]
    WrongKey,
    #[error("vault database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("vault schema error: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("vault content unreadable: {0}")]
    Content(#[from] serde_json::Error),
}

pub struct VaultDb {
    conn: Connection,
}

impl std::fmt::Debug for VaultDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultDb").finish_non_exhaustive()
    }
}

impl VaultDb {
    /// Opens (creating if needed) the encrypted database with `key`.
    pub fn open(path: &Path, key: &Sensitive<[u8; 32]>) -> Result<Self, VaultDbError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "cipher_log_level", "NONE").ok();
        let mut pragma = Sensitive::new(format!("x'{}'", hex::encode(key.expose())));
        conn.pragma_update(None, "key", pragma.expose())?;
        zeroize::Zeroize::zeroize(&mut pragma);
        // A wrong key only shows on the first read.
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
                return Err(VaultDbError::WrongKey);
            }
            Err(error) => return Err(error.into()),
        }
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect()).to_latest(&mut conn)?;
        Ok(Self { conn })
    }

    pub fn save_record(
        &self,
        record: &EmployeeRecord,
        fetched_at: DateTime<Utc>,
    ) -> Result<(), VaultDbError> {
        self.conn.execute(
            "INSERT INTO cached_records (kind, json, fetched_at) VALUES ('employee', ?1, ?2)
             ON CONFLICT (kind) DO UPDATE SET json = excluded.json, fetched_at = excluded.fetched_at",
            params![serde_json::to_string(record)?, fetched_at.to_rfc3339()],
        )?;
        Ok(())
    }

    pub fn load_record(&self) -> Result<Option<(EmployeeRecord, DateTime<Utc>)>, VaultDbError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row("SELECT json, fetched_at FROM cached_records WHERE kind = 'employee'", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let Some((json, fetched_at)) = row else { return Ok(None) };
        let fetched_at =
            DateTime::parse_from_rfc3339(&fetched_at).map(|t| t.with_timezone(&Utc)).unwrap_or_default();
        Ok(Some((serde_json::from_str(&json)?, fetched_at)))
    }
}
