//! The commands the window may call. Each one is a line or two: call the core, map the error.

use std::sync::Arc;

use masar_core::{ConnectionStatus, MasarCore, Settings, SettingsInput, UiError};
use masar_protocol::{DemoAccount, EmployeeProfile};
use tauri::State;

type Core<'a> = State<'a, Arc<MasarCore>>;

#[tauri::command]
#[specta::specta]
pub fn get_settings(core: Core<'_>) -> Settings {
    core.settings()
}

#[tauri::command]
#[specta::specta]
pub async fn save_settings(core: Core<'_>, input: SettingsInput) -> Result<Settings, UiError> {
    // Validation messages speak the language being chosen, not the one being left.
    let core = Arc::clone(&core);
    tauri::async_runtime::spawn_blocking(move || {
        core.save_settings(&input).map_err(|e| e.to_ui(input.language))
    })
    .await
    .unwrap_or_else(|_| Err(masar_core::error::internal_error()))
}

#[tauri::command]
#[specta::specta]
pub fn connection_status(core: Core<'_>) -> ConnectionStatus {
    core.connection_status()
}

#[tauri::command]
#[specta::specta]
pub async fn check_connection(core: Core<'_>) -> Result<ConnectionStatus, UiError> {
    Ok(core.check_connection().await)
}

#[tauri::command]
#[specta::specta]
pub async fn employee_profile(core: Core<'_>) -> Result<EmployeeProfile, UiError> {
    core.employee_profile().await.map_err(|e| core.ui_error(&e))
}

#[tauri::command]
#[specta::specta]
pub async fn demo_accounts(core: Core<'_>) -> Result<Vec<DemoAccount>, UiError> {
    core.demo_accounts().await.map_err(|e| core.ui_error(&e))
}
