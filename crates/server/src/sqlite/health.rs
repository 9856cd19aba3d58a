//! Whether the SQLite file answers and has this server's schema.

use async_trait::async_trait;

use super::SqliteStore;
use crate::storage::health::Health;

#[async_trait]
impl Health for SqliteStore {
    async fn ready(&self) -> anyhow::Result<()> {
        self.db.call(super::db::check_schema).await
    }
}
