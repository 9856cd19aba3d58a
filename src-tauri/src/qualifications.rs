//! The qualification commands: thin calls into the core's `Qualifications` capability.

use std::path::PathBuf;

use masar_core::UiError;
use masar_core::qualifications::{QualificationForm, QualificationItem, Qualifications};
use masar_protocol::qualification::{AttachmentRef, AttachmentRole};
use serde::Serialize;
use tauri::State;

use crate::handles::DroppedFiles;

/// What choosing files gave: the attached ones, and each refused one with why.
#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Attached {
    pub attached: Vec<AttachmentRef>,
    pub refused: Vec<RefusedFile>,
}

#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RefusedFile {
    pub name: String,
    pub error: UiError,
}

#[tauri::command]
#[specta::specta]
pub async fn qualifications(
    qualifications: State<'_, Qualifications>,
) -> Result<Vec<QualificationItem>, UiError> {
    qualifications.list().await.map_err(UiError::from)
}

#[tauri::command]
#[specta::specta]
pub fn new_qualification(qualifications: State<'_, Qualifications>) -> Result<String, UiError> {
    qualifications.new_draft().map_err(UiError::from)
}

/// The system's file dialog, then each chosen file into the encrypted store.
#[tauri::command]
#[specta::specta]
pub async fn choose_attachments(
    window: tauri::Window,
    qualifications: State<'_, Qualifications>,
    role: AttachmentRole,
    title: String,
) -> Result<Attached, UiError> {
    let paths = crate::picker::pick_documents(&window, &title).await;
    Ok(attach_all(&qualifications, paths, role).await)
}

/// Files dropped on the form, named by the handle the native drop event was recorded under
/// (see [`crate::events::FilesDropped`]).
#[tauri::command]
#[specta::specta]
pub async fn attach_dropped(
    qualifications: State<'_, Qualifications>,
    dropped: State<'_, DroppedFiles>,
    handle: String,
    role: AttachmentRole,
) -> Result<Attached, UiError> {
    let paths = dropped.0.take(&handle)?;
    Ok(attach_all(&qualifications, paths, role).await)
}

async fn attach_all(qualifications: &Qualifications, paths: Vec<PathBuf>, role: AttachmentRole) -> Attached {
    let mut result = Attached { attached: Vec::new(), refused: Vec::new() };
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match qualifications.attach(path, role).await {
            Ok(attachment) => result.attached.push(attachment),
            Err(error) => result.refused.push(RefusedFile { name, error: error.to_ui() }),
        }
    }
    result
}

#[tauri::command]
#[specta::specta]
pub async fn save_qualification(
    qualifications: State<'_, Qualifications>,
    id: String,
    form: QualificationForm,
) -> Result<(), UiError> {
    qualifications.save(id, form).await.map_err(UiError::from)
}

/// إرسال: the local receipt number.
#[tauri::command]
#[specta::specta]
pub async fn send_qualification(
    qualifications: State<'_, Qualifications>,
    id: String,
    form: QualificationForm,
) -> Result<String, UiError> {
    qualifications.send(id, form).await.map_err(UiError::from)
}

/// The qualifications on the employee's record, newest first.
#[tauri::command]
#[specta::specta]
pub async fn record_qualifications(
    qualifications: State<'_, Qualifications>,
) -> Result<Vec<masar_protocol::Qualification>, UiError> {
    qualifications.on_record().await.map_err(UiError::from)
}

/// تحديث المؤهل: a new draft filled from the record's qualification `id`, naming it.
#[tauri::command]
#[specta::specta]
pub async fn start_qualification_update(
    qualifications: State<'_, Qualifications>,
    id: String,
) -> Result<masar_core::qualifications::UpdateDraft, UiError> {
    qualifications.start_update(id).await.map_err(UiError::from)
}

/// A rejected qualification back in the form, with what the server holds.
#[tauri::command]
#[specta::specta]
pub async fn amend_qualification(
    qualifications: State<'_, Qualifications>,
    id: String,
) -> Result<QualificationForm, UiError> {
    qualifications.amend(id).await.map_err(UiError::from)
}
