//! The vault database: SQLCipher, opened with the raw data key. This file opens it and keeps the
//! server's data (the cached record, the pulled profile, the sync cursor); the outbox and the
//! drafts have their own files.

mod drafts;
mod exports;
mod outbox;
mod qualifications;
#[cfg(test)]
mod tests;

pub use outbox::{EditState, HeldRow, OutboxRow};
pub use qualifications::{DraftState, QualificationRow, UploadRow, UploadState};

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use masar_protocol::sync::{Change, RecordKind};
use masar_protocol::{EmployeeProfile, EmployeeRecord};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

use crate::secret::{ExposeSecret, Key};

/// The vault's schema, oldest first; append only. An upgrade migrates in place and keeps the
/// outbox, so unsynced edits survive app updates (tested).
pub(crate) const MIGRATIONS: &[&str] = &[
    "CREATE TABLE cached_records (
        kind       TEXT PRIMARY KEY,
        json       TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    ) STRICT;",
    include_str!("migrations/0002_sync.sql"),
    include_str!("migrations/0003_drafts.sql"),
    include_str!("migrations/0004_records.sql"),
    include_str!("migrations/0005_qualifications.sql"),
    include_str!("migrations/0006_outbox_files.sql"),
    include_str!("migrations/0007_answered_at.sql"),
    include_str!("migrations/0008_awaiting_files.sql"),
];

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
    #[error("outbox row {0} is unreadable")]
    UnreadableEdit(u64),
    #[error("no randomness: {0}")]
    Random(String),
}

pub struct VaultDb {
    pub(crate) conn: Connection,
    /// The vault's folder (the attachment store lives beside the database).
    folder: std::path::PathBuf,
}

impl std::fmt::Debug for VaultDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultDb").finish_non_exhaustive()
    }
}

/// `PRAGMA key = "x'<hex>'";` in a buffer wiped on drop.
fn key_pragma(key: &[u8]) -> zeroize::Zeroizing<String> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut sql = zeroize::Zeroizing::new(String::with_capacity(key.len() * 2 + 20));
    sql.push_str("PRAGMA key = \"x'");
    for byte in key {
        sql.push(char::from(HEX[usize::from(byte >> 4)]));
        sql.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    sql.push_str("'\";");
    sql
}

impl VaultDb {
    /// Opens (creating if needed) the encrypted database with `key`.
    pub fn open(path: &Path, key: &Key) -> Result<Self, VaultDbError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "cipher_log_level", "NONE").ok();
        // The statement is written into one buffer that is wiped when dropped: no hex string
        // of the key is left behind in freed memory (`hex::encode` and `format!` would leave two,
        // and rusqlite's pragma builder a third).
        conn.execute_batch(&key_pragma(key.expose_secret()))?;
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
        Ok(Self { conn, folder: path.parent().map(Path::to_owned).unwrap_or_default() })
    }

    pub fn folder(&self) -> &Path {
        &self.folder
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
        Ok(Some((serde_json::from_str(&json)?, time(&fetched_at))))
    }
}

impl VaultDb {
    pub(super) fn setting(&self, key: &str) -> Result<Option<String>, VaultDbError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |row| row.get(0))
            .optional()?)
    }

    pub(super) fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<(), VaultDbError> {
        conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// This installation's id for this employee, made on first use.
    pub fn client_id(&self) -> Result<String, VaultDbError> {
        if let Some(id) = self.setting("client_id")? {
            return Ok(id);
        }
        let mut bytes = [0_u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| VaultDbError::Random(e.to_string()))?;
        let id = hex::encode(bytes);
        Self::set_setting(&self.conn, "client_id", &id)?;
        Ok(id)
    }

    /// This workstation's Ed25519 key for this employee, made on first use: it signs sealed
    /// exports (its public half is registered with the server at each online sign-in). Kept in
    /// the encrypted vault like the client id.
    pub fn device_key(&self) -> Result<ed25519_dalek::SigningKey, VaultDbError> {
        let hex_key = match self.setting("device_key")? {
            Some(hex_key) => hex_key,
            None => {
                let mut bytes = zeroize::Zeroizing::new([0_u8; 32]);
                getrandom::fill(bytes.as_mut()).map_err(|e| VaultDbError::Random(e.to_string()))?;
                let hex_key = hex::encode(&bytes[..]);
                Self::set_setting(&self.conn, "device_key", &hex_key)?;
                hex_key
            }
        };
        let hex_key = zeroize::Zeroizing::new(hex_key);
        let mut bytes = zeroize::Zeroizing::new([0_u8; 32]);
        hex::decode_to_slice(hex_key.as_str(), bytes.as_mut())
            .map_err(|e| VaultDbError::Random(e.to_string()))?;
        Ok(ed25519_dalek::SigningKey::from_bytes(&bytes))
    }

    pub fn cursor(&self) -> Result<u64, VaultDbError> {
        Ok(self.setting("cursor")?.and_then(|c| c.parse().ok()).unwrap_or(0))
    }

    /// The next receipt number (رقم الإيصال) given on this workstation: the day and a count of
    /// every receipt this vault gave (qualifications and applications alike), never reused.
    pub fn next_receipt(&mut self, now: DateTime<Utc>) -> Result<String, VaultDbError> {
        let tx = self.conn.transaction()?;
        let given: u64 = match tx
            .query_row("SELECT value FROM sync_state WHERE key = 'receipts'", [], |row| {
                row.get::<_, String>(0)
            })
            .optional()?
        {
            Some(value) => value.parse().unwrap_or(0),
            // Vaults from before the count: the qualifications' receipts so far.
            None => tx.query_row(
                "SELECT count(*) FROM qualification_drafts WHERE receipt IS NOT NULL",
                [],
                |row| row.get(0),
            )?,
        };
        let next = given + 1;
        Self::set_setting(&tx, "receipts", &next.to_string())?;
        tx.commit()?;
        Ok(format!("{}-{next:04}", now.format("%Y%m%d")))
    }

    /// Every record of `kind` as the server last sent it (JSON).
    pub fn server_records(&self, kind: RecordKind) -> Result<Vec<String>, VaultDbError> {
        let mut statement =
            self.conn.prepare("SELECT json FROM server_records WHERE kind = ?1 ORDER BY id")?;
        let rows =
            statement.query_map([kind.as_str()], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(rows)
    }

    /// The profile as the server last sent it, and its version (a vault holds one employee's).
    pub fn server_profile(&self) -> Result<Option<(EmployeeProfile, u64)>, VaultDbError> {
        let row: Option<(String, u64)> = self
            .conn
            .query_row(
                "SELECT json, version FROM server_records WHERE kind = ?1 ORDER BY version DESC LIMIT 1",
                [RecordKind::Profile.as_str()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        match row {
            Some((json, version)) => Ok(Some((serde_json::from_str(&json)?, version))),
            None => Ok(None),
        }
    }

    /// Stores a pulled page and the new cursor in one transaction.
    pub fn apply_pull(&mut self, changes: &[Change], cursor: u64) -> Result<(), VaultDbError> {
        let tx = self.conn.transaction()?;
        for change in changes {
            let json = match change {
                Change::Profile { profile, .. } => serde_json::to_string(profile)?,
                Change::Qualification { qualification, .. } => serde_json::to_string(qualification)?,
                Change::Application { application, .. } => serde_json::to_string(application)?,
            };
            // An older version never replaces a newer one (pages may repeat after a crash).
            tx.execute(
                "INSERT INTO server_records (kind, id, version, json) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, json = excluded.json
                 WHERE excluded.version >= server_records.version",
                params![change.kind().as_str(), change.id(), change.version(), json],
            )?;
        }
        Self::set_setting(&tx, "cursor", &cursor.to_string())?;
        tx.commit()?;
        Ok(())
    }
}

/// A stored RFC 3339 time; an unreadable one is the Unix epoch (it only orders and labels).
fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}
