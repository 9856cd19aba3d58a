//! «تصدير ما لم يُرسل» and «استيراد ملف»: the sealed export written where the employee chooses in
//! the system's save dialog, and a sealed file chosen in the open dialog sent to Masar (the
//! employee's door, or HR's). The page never names a path.

use masar_core::UiError;
use masar_core::client::ImportDoor;
use masar_core::exports::{Exported, Exports};
use masar_protocol::imports::ImportReport;
use tauri::State;

/// Writes everything not sent into a sealed file; `None` when the employee closed the dialog.
#[tauri::command]
#[specta::specta]
pub async fn export_unsent(
    window: tauri::Window,
    exports: State<'_, Exports>,
    title: String,
) -> Result<Option<Exported>, UiError> {
    let name = exports.suggested_name().map_err(UiError::from)?;
    let Some(path) = crate::picker::save_sealed(&window, &title, &name).await else { return Ok(None) };
    exports.export_to(with_extension(path)).await.map(Some).map_err(|error| {
        tracing::warn!(%error, "cannot export the unsent work");
        error.to_ui()
    })
}

/// Sends a sealed file the employee (or HR) chooses to Masar; `None` when the dialog was closed.
#[tauri::command]
#[specta::specta]
pub async fn import_sealed(
    window: tauri::Window,
    exports: State<'_, Exports>,
    door: ImportDoor,
    title: String,
) -> Result<Option<ImportReport>, UiError> {
    let Some(path) = crate::picker::pick_sealed(&window, &title).await else { return Ok(None) };
    exports.import(path, door).await.map(Some).map_err(UiError::from)
}

/// The file ends in `.masar` whatever was typed in the dialog.
fn with_extension(path: std::path::PathBuf) -> std::path::PathBuf {
    let extension = masar_protocol::sealed::EXTENSION;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case(extension)) {
        path
    } else {
        path.with_extension(extension)
    }
}
