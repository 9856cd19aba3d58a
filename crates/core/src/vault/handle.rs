//! The open vault as the capabilities share it: every use runs on the blocking pool (SQLCipher
//! and the profile file are disk work), one at a time, and nothing async waits on it while it
//! is held. Closing it (lock, sign-out) drops the connection and with it the data key; a
//! capability still holding the handle then gets "not signed in", never another user's data.

use std::sync::{Arc, Mutex, PoisonError};

use super::db::VaultDb;
use super::{OpenVault, UnsentWork, VaultError, Vaults};

/// What a piece of vault work may touch: the database and the profile's unsent count.
#[derive(Debug)]
pub struct VaultAccess<'a> {
    pub db: &'a mut VaultDb,
    vaults: &'a Vaults,
    profile_id: &'a str,
}

impl VaultAccess<'_> {
    /// Sets the profile's unsent count to what the vault holds now.
    pub fn note_unsent(&self) -> Result<(), VaultError> {
        let work = self.db.unsent_work()?;
        self.vaults.note_unsent(self.profile_id, work)
    }

    /// Raises the profile's unsent count before a change that may add `edits` and `drafts`, so
    /// a crash before [`Self::note_unsent`] leaves it too high, never too low.
    pub fn expect_more(&self, edits: u32, drafts: u32) -> Result<(), VaultError> {
        let now = self.db.unsent_work()?;
        self.vaults.note_unsent(self.profile_id, now.plus(edits, drafts))
    }

    pub fn unsent_work(&self) -> Result<UnsentWork, VaultError> {
        Ok(self.db.unsent_work()?)
    }
}

/// Why vault work did not run.
#[derive(Debug, thiserror::Error)]
pub enum HandleError<E> {
    /// Locked or signed out since the handle was given.
    #[error("the vault is closed")]
    Closed,
    #[error("vault task failed: {0}")]
    Task(String),
    #[error(transparent)]
    Work(E),
}

#[derive(Debug, Clone)]
pub struct VaultHandle {
    open: Arc<Mutex<Option<OpenVault>>>,
    vaults: Vaults,
    profile_id: String,
}

impl VaultHandle {
    pub fn new(vault: OpenVault, vaults: Vaults) -> Self {
        let profile_id = vault.profile_id.clone();
        Self { open: Arc::new(Mutex::new(Some(vault))), vaults, profile_id }
    }

    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// Runs `work` on the open vault, on the blocking pool.
    pub async fn run<T, E>(
        &self,
        work: impl FnOnce(&mut VaultAccess<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, HandleError<E>>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let (open, vaults, profile_id) =
            (Arc::clone(&self.open), self.vaults.clone(), self.profile_id.clone());
        tokio::task::spawn_blocking(move || {
            let mut guard = open.lock().unwrap_or_else(PoisonError::into_inner);
            let vault = guard.as_mut().ok_or(HandleError::Closed)?;
            let mut access = VaultAccess { db: &mut vault.db, vaults: &vaults, profile_id: &profile_id };
            work(&mut access).map_err(HandleError::Work)
        })
        .await
        .map_err(|e| HandleError::Task(e.to_string()))?
    }

    /// Closes the vault: the database connection (and the key inside it) is dropped once the
    /// work running now ends.
    pub async fn close(&self) {
        let open = Arc::clone(&self.open);
        let closed = tokio::task::spawn_blocking(move || {
            drop(open.lock().unwrap_or_else(PoisonError::into_inner).take());
        })
        .await;
        if let Err(error) = closed {
            tracing::error!(%error, "closing the vault failed");
        }
    }
}
