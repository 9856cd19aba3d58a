//! Sync's rows in SQLite (migration 0003): each client's last applied mutation and the stored
//! results, and the change rows a pull follows.

use masar_protocol::NationalId;
use rusqlite::{OptionalExtension, params};

use super::rows::SqliteRows;
use crate::rules::sync::{ChangeRow, StoredResult, SyncRows};

impl SyncRows for SqliteRows<'_> {
    async fn claim_client(&self, client_id: &str, employee: &NationalId) -> anyhow::Result<(String, u64)> {
        // The IMMEDIATE transaction holds the write lock: nobody else reads this row meanwhile.
        let found = self
            .0
            .query_row(
                "SELECT national_id, last_mutation_id FROM sync_clients WHERE client_id = ?1",
                [client_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Some(found) = found {
            return Ok(found);
        }
        self.0.execute(
            "INSERT INTO sync_clients (client_id, national_id, last_mutation_id) VALUES (?1, ?2, 0)",
            params![client_id, employee.as_str()],
        )?;
        Ok((employee.as_str().to_owned(), 0))
    }

    async fn stored_result(&self, client_id: &str, mutation_id: u64) -> anyhow::Result<Option<StoredResult>> {
        Ok(self
            .0
            .query_row(
                "SELECT digest, result FROM sync_results WHERE client_id = ?1 AND mutation_id = ?2",
                params![client_id, mutation_id],
                |row| Ok(StoredResult { fingerprint: row.get(0)?, outcome: row.get(1)? }),
            )
            .optional()?)
    }

    async fn store_result(
        &self,
        client_id: &str,
        mutation_id: u64,
        result: &StoredResult,
    ) -> anyhow::Result<()> {
        self.0.execute(
            "INSERT INTO sync_results (client_id, mutation_id, digest, result) VALUES (?1, ?2, ?3, ?4)",
            params![client_id, mutation_id, result.fingerprint, result.outcome],
        )?;
        Ok(())
    }

    async fn set_last_mutation(&self, client_id: &str, last: u64) -> anyhow::Result<()> {
        self.0.execute(
            "UPDATE sync_clients SET last_mutation_id = ?2 WHERE client_id = ?1",
            params![client_id, last],
        )?;
        Ok(())
    }

    async fn changes_after(
        &self,
        employee: &NationalId,
        cursor: u64,
        limit: u32,
    ) -> anyhow::Result<Vec<ChangeRow>> {
        let mut statement = self.0.prepare_cached(
            "SELECT max(seq), kind, record_id FROM changes WHERE national_id = ?1 AND seq > ?2
             GROUP BY kind, record_id ORDER BY max(seq) LIMIT ?3",
        )?;
        let rows = statement
            .query_map(params![employee.as_str(), cursor, limit], |row| {
                Ok(ChangeRow { seq: row.get(0)?, kind: row.get(1)?, record_id: row.get(2)? })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    async fn has_changes_after(&self, employee: &NationalId, cursor: u64) -> anyhow::Result<bool> {
        Ok(self.0.query_row(
            "SELECT EXISTS (SELECT 1 FROM changes WHERE national_id = ?1 AND seq > ?2)",
            params![employee.as_str(), cursor],
            |row| row.get(0),
        )?)
    }
}
