//! Device keys and the export identity in PostgreSQL.

use async_trait::async_trait;
use masar_protocol::NationalId;

use super::PgStore;
use crate::storage::devices::DeviceStore;

#[async_trait]
impl DeviceStore for PgStore {
    async fn register_device(
        &self,
        employee: &NationalId,
        public_key: &str,
        now_ms: i64,
    ) -> anyhow::Result<()> {
        let client = self.db.client().await?;
        client
            .execute(
                "INSERT INTO device_keys (national_id, public_key, registered_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (national_id, public_key) DO NOTHING",
                &[&employee.as_str(), &public_key, &now_ms],
            )
            .await?;
        Ok(())
    }

    async fn device_registered(&self, employee: &NationalId, public_key: &str) -> anyhow::Result<bool> {
        let client = self.db.client().await?;
        let row = client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM device_keys WHERE national_id = $1 AND public_key = $2)",
                &[&employee.as_str(), &public_key],
            )
            .await?;
        Ok(row.try_get(0)?)
    }

    async fn export_identity(&self, candidate: &str, now_ms: i64) -> anyhow::Result<String> {
        let client = self.db.client().await?;
        client
            .execute(
                "INSERT INTO export_identity (id, identity, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
                &[&candidate, &now_ms],
            )
            .await?;
        let row = client.query_one("SELECT identity FROM export_identity WHERE id = 1", &[]).await?;
        Ok(row.try_get(0)?)
    }
}
