//! The commands the window may call. Each one is a line or two: call one capability (each is its
//! own Tauri state), map the error. Async commands that borrow state must return `Result` (a
//! Tauri rule), even when they cannot fail.

use std::sync::Arc;

use masar_core::core::AppInfo;
use std::collections::BTreeMap;

use masar_core::auth::Auth;
use masar_core::drafts::Drafts;
use masar_core::edits::{Draft, Form};
use masar_core::outbox::Outbox;
use masar_core::records::Records;
use masar_core::recovery::{PreviousCopies, Recovery};
use masar_core::signin::{SignOnPurpose, SignOnStarted};
use masar_core::sync::{SyncEngine, SyncStatus};
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
    core.save_settings(&input).await.map_err(UiError::from)
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
pub async fn auth_state(auth: State<'_, Auth>) -> Result<AuthState, UiError> {
    Ok(auth.state())
}

/// Opens the identity provider's sign-in page in the system browser (a sign-on under way is
/// answered as it stands).
#[tauri::command]
#[specta::specta]
pub async fn begin_sign_on(auth: State<'_, Auth>, purpose: SignOnPurpose) -> Result<SignOnStarted, UiError> {
    auth.begin_sign_on(purpose).await.map_err(UiError::from)
}

/// Waits for the browser to come back; then the app's window comes to the front.
#[tauri::command]
#[specta::specta]
pub async fn finish_sign_on(window: tauri::Window, auth: State<'_, Auth>) -> Result<AuthState, UiError> {
    let outcome = auth.finish_sign_on().await.map_err(UiError::from);
    if let Err(error) = window.unminimize().and_then(|()| window.set_focus()) {
        tracing::debug!(%error, "the window could not be brought to the front");
    }
    outcome
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_sign_in(auth: State<'_, Auth>) -> Result<AuthState, UiError> {
    Ok(auth.cancel().await)
}

/// The passphrase chosen at a first sign-on here, or after a forgotten one. Both only pass
/// through to the core, which checks and wraps them.
#[derive(Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PassphraseInput {
    passphrase: String,
    confirmation: String,
}

impl std::fmt::Debug for PassphraseInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassphraseInput").finish_non_exhaustive()
    }
}

#[tauri::command]
#[specta::specta]
pub async fn set_passphrase(auth: State<'_, Auth>, input: PassphraseInput) -> Result<AuthState, UiError> {
    auth.set_passphrase(input.passphrase, input.confirmation).await.map_err(UiError::from)
}

/// A profile of the start screen opened with its passphrase (works offline).
#[tauri::command]
#[specta::specta]
pub async fn open_offline(
    auth: State<'_, Auth>,
    profile_id: String,
    passphrase: String,
) -> Result<AuthState, UiError> {
    auth.open_offline(&profile_id, passphrase).await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn lock(auth: State<'_, Auth>) -> Result<AuthState, UiError> {
    Ok(auth.lock().await)
}

/// The employee gave input in the window: the idle lock (kept by the core) counts again from
/// now. Reported at most every few seconds; the page does not decide when to lock.
#[tauri::command]
#[specta::specta]
pub fn input_seen(core: State<'_, Arc<MasarCore>>) {
    core.touch();
}

#[tauri::command]
#[specta::specta]
pub async fn unlock(auth: State<'_, Auth>, passphrase: String) -> Result<AuthState, UiError> {
    auth.unlock(passphrase).await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(auth: State<'_, Auth>) -> Result<AuthState, UiError> {
    Ok(auth.sign_out().await)
}

#[tauri::command]
#[specta::specta]
pub async fn employee(records: State<'_, Records>) -> Result<EmployeeView, UiError> {
    records.employee().await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn demo_sms(auth: State<'_, Auth>) -> Result<Vec<DevSms>, UiError> {
    auth.demo_sms().await.map_err(UiError::from)
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
pub async fn update_contact(outbox: State<'_, Outbox>, edit: ContactEdit) -> Result<EmployeeView, UiError> {
    outbox.queue_edit(MutationBody::UpdateContact(edit.values), edit.changed).await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn update_personal(outbox: State<'_, Outbox>, edit: PersonalEdit) -> Result<EmployeeView, UiError> {
    outbox.queue_edit(MutationBody::UpdatePersonal(edit.values), edit.changed).await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_conflict(
    outbox: State<'_, Outbox>,
    id: u32,
    keep_mine: bool,
) -> Result<EmployeeView, UiError> {
    outbox.resolve_conflict(u64::from(id), keep_mine).await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss_edit(outbox: State<'_, Outbox>, id: u32) -> Result<EmployeeView, UiError> {
    outbox.dismiss_edit(u64::from(id)).await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub fn sync_status(sync: State<'_, SyncEngine>) -> SyncStatus {
    sync.status()
}

#[tauri::command]
#[specta::specta]
pub fn sync_now(sync: State<'_, SyncEngine>) {
    sync.now();
}

/// The employee as the local vault has it, without asking the server (after a sync round).
#[tauri::command]
#[specta::specta]
pub async fn employee_local(records: State<'_, Records>) -> Result<EmployeeView, UiError> {
    records.local_view().await.map_err(UiError::from)
}

/// Keeps what is typed in a form (called as the employee types).
#[tauri::command]
#[specta::specta]
pub async fn save_draft(
    drafts: State<'_, Drafts>,
    form: Form,
    values: BTreeMap<String, String>,
) -> Result<(), UiError> {
    drafts.save(form, values).await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn load_draft(drafts: State<'_, Drafts>, form: Form) -> Result<Option<Draft>, UiError> {
    drafts.load(form).await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn discard_draft(drafts: State<'_, Drafts>, form: Form) -> Result<(), UiError> {
    drafts.discard(form).await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn recover_previous(
    copies: State<'_, PreviousCopies>,
    copy_id: String,
    previous_password: String,
) -> Result<Recovery, UiError> {
    copies.recover(&copy_id, previous_password).await.map_err(UiError::from)
}

/// What signing out would leave unsent, to warn first.
#[tauri::command]
#[specta::specta]
pub async fn unsent_work(outbox: State<'_, Outbox>) -> Result<Option<UnsentWork>, UiError> {
    outbox.unsent_work().await.map_err(UiError::from)
}

/// «الصادر»: everything sent from this workstation and where each item stands.
#[tauri::command]
#[specta::specta]
pub async fn outgoing(outbox: State<'_, Outbox>) -> Result<Vec<masar_core::outgoing::OutgoingItem>, UiError> {
    outbox.outgoing().await.map_err(UiError::from)
}

/// The employment record and the length of service, from the local copy.
#[tauri::command]
#[specta::specta]
pub async fn career(
    careers: State<'_, masar_core::career::Careers>,
) -> Result<masar_core::career::Career, UiError> {
    careers.career().await.map_err(UiError::from)
}

/// Sick-leave reports, from the local copy.
#[tauri::command]
#[specta::specta]
pub async fn sick_leaves(
    inquiries: State<'_, masar_core::inquiries::Inquiries>,
) -> Result<Vec<masar_protocol::record::SickLeave>, UiError> {
    inquiries.sick_leaves().await.map_err(UiError::from)
}

/// Administrative transactions, all or those a query finds, from the local copy.
#[tauri::command]
#[specta::specta]
pub async fn transactions(
    inquiries: State<'_, masar_core::inquiries::Inquiries>,
    query: Option<masar_core::inquiries::TransactionQuery>,
) -> Result<Vec<masar_protocol::record::AdminTransaction>, UiError> {
    inquiries.transactions(query).await.map_err(UiError::from)
}

/// Training and scholarship opportunities, filtered, each marked whether the employee may apply.
#[tauri::command]
#[specta::specta]
pub async fn opportunities(
    opportunities: State<'_, masar_core::opportunities::Opportunities>,
    filter: masar_core::opportunities::OpportunityFilter,
) -> Result<masar_core::opportunities::OpportunityList, UiError> {
    opportunities.list(filter).await.map_err(UiError::from)
}

/// Applies for an opportunity: checked, given its receipt number and queued (offline too).
#[tauri::command]
#[specta::specta]
pub async fn apply_for_opportunity(
    applications: State<'_, masar_core::applications::Applications>,
    opportunity_id: String,
) -> Result<masar_core::applications::ApplicationView, UiError> {
    applications.apply(opportunity_id).await.map_err(UiError::from)
}
