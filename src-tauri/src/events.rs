//! Typed events the shell sends to the window.

use masar_core::ConnectionStatus;
use masar_core::sync::SyncStatus;
use serde::Serialize;

/// The connection to the server changed (online ⇄ offline, or another reason).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ConnectionChanged(pub ConnectionStatus);

/// Sync moved on: offline, syncing, synced at a time, failed; with how many edits wait.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct SyncChanged(pub SyncStatus);
