//! Qualifications documented on this workstation and the uploads of their files (migration
//! 0005). Storage only: the JSON is the caller's; the states are the life cycle draft → queued
//! (sent: in the outbox, held there until its files are verified).

use chrono::{DateTime, Utc};
use masar_protocol::sync::MutationBody;
use rusqlite::{OptionalExtension, Row, params};

use super::{VaultDb, VaultDbError, time};
use crate::secret::Key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftState {
    /// Saved with حفظ; only here.
    Draft,
    /// Sent with إرسال by an earlier version, which kept the submission out of the outbox until
    /// its files were verified: the next sync round puts it in the outbox.
    Waiting,
    /// Sent with إرسال (it has its receipt number): in the outbox, held there until the server
    /// has verified its files.
    Queued,
}

impl DraftState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Waiting => "waiting",
            Self::Queued => "queued",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "waiting" => Self::Waiting,
            "queued" => Self::Queued,
            _ => Self::Draft,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualificationRow {
    pub id: String,
    pub receipt: Option<String>,
    pub json: String,
    pub state: DraftState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadState {
    Pending,
    Verified,
    /// The server refused the file (`problem` says why): the employee replaces it.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub sha256: String,
    pub size: u64,
    pub kind: String,
    pub name: String,
    /// The tus upload's URL once created.
    pub url: Option<String>,
    /// Bytes the server has confirmed.
    pub sent: u64,
    pub state: UploadState,
    pub problem: Option<String>,
}

fn qualification_row(row: &Row<'_>) -> rusqlite::Result<QualificationRow> {
    Ok(QualificationRow {
        id: row.get(0)?,
        receipt: row.get(1)?,
        json: row.get(2)?,
        state: DraftState::parse(&row.get::<_, String>(3)?),
        created_at: time(&row.get::<_, String>(4)?),
        updated_at: time(&row.get::<_, String>(5)?),
    })
}

fn upload_row(row: &Row<'_>) -> rusqlite::Result<UploadRow> {
    let state: String = row.get(6)?;
    Ok(UploadRow {
        sha256: row.get(0)?,
        size: row.get(1)?,
        kind: row.get(2)?,
        name: row.get(3)?,
        url: row.get(4)?,
        sent: row.get(5)?,
        state: match state.as_str() {
            "verified" => UploadState::Verified,
            "refused" => UploadState::Refused,
            _ => UploadState::Pending,
        },
        problem: row.get(7)?,
    })
}

/// A file a draft attaches: its hash, size, kind and name.
pub type FileEntry<'a> = (&'a str, u64, &'a str, &'a str);

impl VaultDb {
    /// The key the attachment store encrypts with, made on first use and kept inside the
    /// encrypted database (so it opens only with the vault).
    pub fn attachment_key(&self) -> Result<Key, VaultDbError> {
        if let Some(hex_key) = self.setting("attachment_key")? {
            let bytes: [u8; 32] = hex::decode(&hex_key)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or(VaultDbError::Random("the stored attachment key is malformed".into()))?;
            return Ok(crate::secret::key(bytes));
        }
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| VaultDbError::Random(e.to_string()))?;
        Self::set_setting(&self.conn, "attachment_key", &hex::encode(bytes))?;
        Ok(crate::secret::key(bytes))
    }

    /// A small value kept in the vault under `key` (what the server announced, say).
    pub fn kept(&self, key: &str) -> Result<Option<String>, VaultDbError> {
        self.setting(key)
    }

    pub fn set_kept(&self, key: &str, value: &str) -> Result<(), VaultDbError> {
        Self::set_setting(&self.conn, key, value)
    }

    /// Saves a draft and records its files, in one transaction. A draft already sent is not
    /// changed (returns false).
    pub fn save_qualification(
        &mut self,
        id: &str,
        json: &str,
        files: &[FileEntry<'_>],
        now: DateTime<Utc>,
    ) -> Result<bool, VaultDbError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "INSERT INTO qualification_drafts (id, json, state, created_at, updated_at) VALUES (?1, ?2, 'draft', ?3, ?3)
             ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
             WHERE qualification_drafts.state = 'draft'",
            params![id, json, now.to_rfc3339()],
        )?;
        for (sha256, size, kind, name) in files {
            tx.execute(
                "INSERT INTO uploads (sha256, size, kind, name) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (sha256) DO NOTHING",
                params![sha256, size, kind, name],
            )?;
        }
        tx.commit()?;
        Ok(changed == 1)
    }

    pub fn qualification_rows(&self) -> Result<Vec<QualificationRow>, VaultDbError> {
        let mut statement = self.conn.prepare(
            "SELECT id, receipt, json, state, created_at, updated_at FROM qualification_drafts ORDER BY created_at",
        )?;
        let rows = statement.query_map([], qualification_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn qualification_row(&self, id: &str) -> Result<Option<QualificationRow>, VaultDbError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, receipt, json, state, created_at, updated_at FROM qualification_drafts WHERE id = ?1",
                [id],
                qualification_row,
            )
            .optional()?)
    }

    /// إرسال: the submission goes into the outbox, held until its `blobs` are verified, with the
    /// draft's receipt number and final JSON, in one transaction (a held submission of the same
    /// qualification, sent before with a file the server refused, is replaced).
    pub fn send_qualification(
        &mut self,
        id: &str,
        receipt: &str,
        json: &str,
        body: &MutationBody,
        blobs: &[String],
        now: DateTime<Utc>,
    ) -> Result<u64, VaultDbError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE qualification_drafts SET state = ?2, receipt = ?3, json = ?4, updated_at = ?5 WHERE id = ?1",
            params![id, DraftState::Queued.as_str(), receipt, json, now.to_rfc3339()],
        )?;
        let seq = Self::hold_in(&tx, id, body, blobs, now)?;
        tx.commit()?;
        Ok(seq)
    }

    /// A qualification an earlier version left waiting outside the outbox goes into it, held
    /// until its files are verified.
    pub fn queue_waiting_qualification(
        &mut self,
        id: &str,
        body: &MutationBody,
        blobs: &[String],
        now: DateTime<Utc>,
    ) -> Result<Option<u64>, VaultDbError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE qualification_drafts SET state = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'waiting'",
            params![id, DraftState::Queued.as_str(), now.to_rfc3339()],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        let seq = Self::hold_in(&tx, id, body, blobs, now)?;
        tx.commit()?;
        Ok(Some(seq))
    }

    /// A rejected qualification amended: a draft again (its receipt stays until sent again).
    pub fn reopen_qualification(&self, id: &str, json: &str, now: DateTime<Utc>) -> Result<(), VaultDbError> {
        self.conn.execute(
            "INSERT INTO qualification_drafts (id, json, state, created_at, updated_at) VALUES (?1, ?2, 'draft', ?3, ?3)
             ON CONFLICT (id) DO UPDATE SET json = excluded.json, state = 'draft', updated_at = excluded.updated_at",
            params![id, json, now.to_rfc3339()],
        )?;
        Ok(())
    }

    pub fn upload(&self, sha256: &str) -> Result<Option<UploadRow>, VaultDbError> {
        Ok(self
            .conn
            .query_row(
                "SELECT sha256, size, kind, name, url, sent, state, problem FROM uploads WHERE sha256 = ?1",
                [sha256],
                upload_row,
            )
            .optional()?)
    }

    pub fn set_upload_url(&self, sha256: &str, url: Option<&str>) -> Result<(), VaultDbError> {
        self.conn.execute("UPDATE uploads SET url = ?2, sent = 0 WHERE sha256 = ?1", params![sha256, url])?;
        Ok(())
    }

    pub fn set_upload_sent(&self, sha256: &str, sent: u64) -> Result<(), VaultDbError> {
        self.conn.execute("UPDATE uploads SET sent = ?2 WHERE sha256 = ?1", params![sha256, sent])?;
        Ok(())
    }

    pub fn set_upload_state(
        &self,
        sha256: &str,
        state: UploadState,
        problem: Option<&str>,
    ) -> Result<(), VaultDbError> {
        let state = match state {
            UploadState::Pending => "pending",
            UploadState::Verified => "verified",
            UploadState::Refused => "refused",
        };
        self.conn.execute(
            "UPDATE uploads SET state = ?2, problem = ?3 WHERE sha256 = ?1",
            params![sha256, state, problem],
        )?;
        Ok(())
    }
}
