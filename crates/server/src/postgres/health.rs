//! Whether PostgreSQL answers and has this server's schema, and the connection pool's use.

use async_trait::async_trait;

use super::PgStore;
use crate::storage::health::{Health, PoolUse};

#[async_trait]
impl Health for PgStore {
    async fn ready(&self) -> anyhow::Result<()> {
        self.db.check_schema().await
    }

    fn pool_use(&self) -> Option<PoolUse> {
        Some(self.db.pool_use())
    }
}
