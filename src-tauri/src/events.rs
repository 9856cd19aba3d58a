//! Typed events the shell sends to the window.

use masar_core::notices::DecisionNotice;
use masar_core::progress::UploadProgress;
use masar_core::sync::SyncStatus;
use masar_core::{AuthState, ConnectionStatus};
use serde::Serialize;

/// The connection to the server changed (online ⇄ offline, or another reason).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ConnectionChanged(pub ConnectionStatus);

/// Sync moved on: offline, syncing, synced at a time, failed; with how many edits wait.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct SyncChanged(pub SyncStatus);

/// The uploads of sent qualifications moved on: the speed and what is left.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct UploadsChanged(pub UploadProgress);

/// HR verified or rejected a qualification the employee sent, or the training administration
/// accepted or declined an application.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct DecisionEvent(pub DecisionNotice);

/// Files were dropped on the window: the native event's paths are kept in Rust under `handle`,
/// which the form passes to `attach_dropped`.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct FilesDropped {
    pub handle: String,
    pub count: u32,
}

/// The core locked the vault after the idle time: the window shows the lock screen.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct IdleLocked(pub AuthState);
