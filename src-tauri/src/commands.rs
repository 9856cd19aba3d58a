//! The commands the window may call. Each one is a line or two: call the core, map the error.
//! Async commands that borrow state must return `Result` (a Tauri rule), even when they cannot fail.

use std::sync::Arc;

use masar_core::core::AppInfo;
use std::collections::BTreeMap;

use masar_core::edits::{Draft, Form};
use masar_core::recovery::Recovery;
use masar_core::sync::SyncStatus;
use masar_core::vault::UnsentWork;
use masar_core::{AuthState, ConnectionStatus, EmployeeView, MasarCore, Settings, SettingsInput, UiError};
use masar_protocol::auth::DevSms;
use masar_protocol::sync::{ContactUpdate, MutationBody, PersonalUpdate};
use serde::Deserialize;
use tauri::State;

type Core<'a> = State<'a, Arc<MasarCore>>;

#[tauri::command]
#[specta::specta]
pub fn get_settings(core: Core<'_>) -> Settings {
    core.settings()
}

#[tauri::command]
#[specta::specta]
pub fn app_info(core: Core<'_>) -> AppInfo {
    core.app_info()
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
pub async fn auth_state(core: Core<'_>) -> Result<AuthState, UiError> {
    Ok(core.auth().state())
}

/// The first sign-in form. The password only passes through to the core, which wraps it.
#[derive(Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SignInInput {
    national_id: String,
    password: String,
}

impl std::fmt::Debug for SignInInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInInput").finish_non_exhaustive()
    }
}

#[tauri::command]
#[specta::specta]
pub async fn start_sign_in(core: Core<'_>, input: SignInInput) -> Result<AuthState, UiError> {
    core.auth().start(&input.national_id, input.password).await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn verify_code(core: Core<'_>, code: String) -> Result<AuthState, UiError> {
    core.auth().verify(&code).await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn resend_code(core: Core<'_>) -> Result<AuthState, UiError> {
    core.auth().resend().await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_sign_in(core: Core<'_>) -> Result<AuthState, UiError> {
    Ok(core.auth().cancel())
}

#[tauri::command]
#[specta::specta]
pub async fn lock(core: Core<'_>) -> Result<AuthState, UiError> {
    Ok(core.auth().lock().await)
}

#[tauri::command]
#[specta::specta]
pub async fn unlock(core: Core<'_>, password: String) -> Result<AuthState, UiError> {
    core.auth().unlock(password).await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(core: Core<'_>) -> Result<AuthState, UiError> {
    Ok(core.auth().sign_out().await)
}

#[tauri::command]
#[specta::specta]
pub async fn employee(core: Core<'_>) -> Result<EmployeeView, UiError> {
    core.records().employee().await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn demo_sms(core: Core<'_>) -> Result<Vec<DevSms>, UiError> {
    core.auth().demo_sms().await.map_err(|e| core.ui_error(e))
}

/// A form's values and the fields the employee changed in it.
#[derive(Debug, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ContactEdit {
    values: ContactUpdate,
    changed: Vec<String>,
}

#[derive(Debug, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PersonalEdit {
    values: PersonalUpdate,
    changed: Vec<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn update_contact(core: Core<'_>, edit: ContactEdit) -> Result<EmployeeView, UiError> {
    core.outbox()
        .queue_edit(MutationBody::UpdateContact(edit.values), edit.changed)
        .await
        .map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn update_personal(core: Core<'_>, edit: PersonalEdit) -> Result<EmployeeView, UiError> {
    core.outbox()
        .queue_edit(MutationBody::UpdatePersonal(edit.values), edit.changed)
        .await
        .map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_conflict(core: Core<'_>, id: u32, keep_mine: bool) -> Result<EmployeeView, UiError> {
    core.outbox().resolve_conflict(u64::from(id), keep_mine).await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss_edit(core: Core<'_>, id: u32) -> Result<EmployeeView, UiError> {
    core.outbox().dismiss_edit(u64::from(id)).await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub fn sync_status(core: Core<'_>) -> SyncStatus {
    core.sync().status()
}

#[tauri::command]
#[specta::specta]
pub fn sync_now(core: Core<'_>) {
    core.sync().now();
}

/// The employee as the local vault has it, without asking the server (after a sync round).
#[tauri::command]
#[specta::specta]
pub async fn employee_local(core: Core<'_>) -> Result<EmployeeView, UiError> {
    core.records().local_view().await.map_err(|e| core.ui_error(e))
}

/// Keeps what is typed in a form (called as the employee types).
#[tauri::command]
#[specta::specta]
pub async fn save_draft(core: Core<'_>, form: Form, values: BTreeMap<String, String>) -> Result<(), UiError> {
    core.drafts().save(form, values).await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn load_draft(core: Core<'_>, form: Form) -> Result<Option<Draft>, UiError> {
    core.drafts().load(form).await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn discard_draft(core: Core<'_>, form: Form) -> Result<(), UiError> {
    core.drafts().discard(form).await.map_err(|e| core.ui_error(e))
}

/// After a password change: the password used before it, to carry the unsent work across.
#[tauri::command]
#[specta::specta]
pub async fn carry_across(core: Core<'_>, previous_password: String) -> Result<AuthState, UiError> {
    core.auth().carry_across(previous_password).await.map_err(|e| core.ui_error(e))
}

/// After a password change, without the previous password: the old copy is kept aside.
#[tauri::command]
#[specta::specta]
pub async fn skip_carry_across(core: Core<'_>) -> Result<AuthState, UiError> {
    core.auth().skip_carry_across().await.map_err(|e| core.ui_error(e))
}

#[tauri::command]
#[specta::specta]
pub async fn recover_previous(
    core: Core<'_>,
    copy_id: String,
    previous_password: String,
) -> Result<Recovery, UiError> {
    core.previous_copies().recover(&copy_id, previous_password).await.map_err(|e| core.ui_error(e))
}

/// What signing out would leave unsent, to warn first.
#[tauri::command]
#[specta::specta]
pub async fn unsent_work(core: Core<'_>) -> Result<Option<UnsentWork>, UiError> {
    core.outbox().unsent_work().await.map_err(|e| core.ui_error(e))
}
