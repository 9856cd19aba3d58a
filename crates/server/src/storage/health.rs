//! Whether a store can serve (for `/readyz`) and how its connection pool is used (for
//! `/metrics`).

use async_trait::async_trait;

/// A connection pool's use at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open now.
    pub open: usize,
    /// Of those, connections waiting for work.
    pub idle: usize,
    /// The most the pool opens.
    pub max: usize,
}

#[async_trait]
pub trait Health {
    /// The database answers and has this server's schema (every migration it knows, no newer).
    async fn ready(&self) -> anyhow::Result<()>;

    /// The connection pool's use; `None` for a store without one (SQLite's one connection).
    fn pool_use(&self) -> Option<PoolUse> {
        None
    }
}
