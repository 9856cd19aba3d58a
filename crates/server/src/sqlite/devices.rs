//! Device keys and the export identity in SQLite.

use async_trait::async_trait;
use masar_protocol::NationalId;
use rusqlite::params;

use super::SqliteStore;
use crate::storage::devices::DeviceStore;

#[async_trait]
impl DeviceStore for SqliteStore {
    async fn register_device(
        &self,
        employee: &NationalId,
        public_key: &str,
        now_ms: i64,
    ) -> anyhow::Result<()> {
        let (employee, key) = (employee.as_str().to_owned(), public_key.to_owned());
        self.db
            .call(move |conn| {
                conn.execute(
                    "INSERT INTO device_keys (national_id, public_key, registered_at) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (national_id, public_key) DO NOTHING",
                    params![employee, key, now_ms],
                )?;
                Ok(())
            })
            .await
    }

    async fn device_registered(&self, employee: &NationalId, public_key: &str) -> anyhow::Result<bool> {
        let (employee, key) = (employee.as_str().to_owned(), public_key.to_owned());
        self.db
            .call(move |conn| {
                Ok(conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM device_keys WHERE national_id = ?1 AND public_key = ?2)",
                    params![employee, key],
                    |row| row.get(0),
                )?)
            })
            .await
    }

    async fn export_identity(&self, candidate: &str, now_ms: i64) -> anyhow::Result<String> {
        let candidate = candidate.to_owned();
        self.db
            .call(move |conn| {
                conn.execute(
                    "INSERT INTO export_identity (id, identity, created_at) VALUES (1, ?1, ?2) \
                     ON CONFLICT (id) DO NOTHING",
                    params![candidate, now_ms],
                )?;
                Ok(conn
                    .query_row("SELECT identity FROM export_identity WHERE id = 1", [], |row| row.get(0))?)
            })
            .await
    }
}
