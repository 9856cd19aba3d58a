//! Sync: the edits in the outbox go to the server in order, exactly once; the server's changes
//! come back after the vault's cursor. `plan` decides the steps of a round (pure, unit-tested),
//! `engine` carries them out, `files` uploads what held mutations need before the push, `status`
//! says when to run and what the status bar shows.

pub mod engine;
pub mod files;
pub mod plan;
pub mod pull;
pub mod status;

pub use engine::SyncEngine;
pub use status::{Backoff, SYNC_INTERVAL, SyncStatus, SyncTimer, TokioTimer, next_wait};
