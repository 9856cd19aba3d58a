//! طباعة بيان خدمة: the statement rendered from the local copy (so it works offline), saved where
//! the employee chooses, then opened in the system's PDF viewer to print if they ask.

use std::path::PathBuf;

use masar_core::career::Careers;
use masar_core::{ErrorCode, UiError};
use serde::Serialize;
use tauri::State;

use crate::handles::SavedStatements;

#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedStatement {
    /// Names the saved file for [`open_statement`]: the page never holds a path it could hand
    /// back.
    pub handle: String,
    /// Where it was saved, to show the employee.
    pub path: String,
    pub pages: u32,
    /// Printed with the server's verification code (else made offline without one).
    pub verifiable: bool,
}

/// Renders the statement and saves it through the system's save dialog; `None` when the
/// employee closed the dialog.
#[tauri::command]
#[specta::specta]
pub async fn save_statement(
    window: tauri::Window,
    careers: State<'_, Careers>,
    saved: State<'_, SavedStatements>,
    title: String,
) -> Result<Option<SavedStatement>, UiError> {
    let (record, code) = careers.statement().await.map_err(UiError::from)?;
    let verification = code.map(|code| masar_statement::Verification {
        until: code.expires_at.date_naive(),
        url: code.verify_url,
        code: code.code,
    });
    let verifiable = verification.is_some();
    let today = chrono::Local::now().date_naive();
    let name = format!("بيان-خدمة-{}-{today}.pdf", record.profile.employee_number);
    let statement = tauri::async_runtime::spawn_blocking(move || {
        masar_statement::render(&record, &masar_statement::Issue { date: today, verification })
    })
    .await
    .map_err(|_| UiError::new(ErrorCode::Internal))?
    .map_err(|_| UiError::new(ErrorCode::Internal))?;
    let Some(path) = crate::picker::save_pdf(&window, &title, &name).await else { return Ok(None) };
    let path = with_pdf_extension(path);
    let (pdf, pages) = (statement.pdf, u32::try_from(statement.pages).unwrap_or(u32::MAX));
    let target = path.clone();
    tauri::async_runtime::spawn_blocking(move || write_durably(&target, &pdf))
        .await
        .map_err(|_| UiError::new(ErrorCode::Internal))?
        .map_err(|error| {
            tracing::warn!(%error, "cannot save the statement");
            UiError::new(ErrorCode::FileUnreadable)
        })?;
    let shown = path.to_string_lossy().into_owned();
    let handle = saved.0.keep(vec![path])?;
    Ok(Some(SavedStatement { handle, path: shown, pages, verifiable }))
}

/// Opens a statement saved this session (named by its handle) in the system's PDF viewer,
/// where it prints.
#[tauri::command]
#[specta::specta]
pub fn open_statement(
    app: tauri::AppHandle,
    saved: State<'_, SavedStatements>,
    handle: String,
) -> Result<(), UiError> {
    use tauri_plugin_opener::OpenerExt;
    let Some(path) = saved.0.paths(&handle)?.into_iter().next() else {
        return Err(UiError::new(ErrorCode::NotFound));
    };
    app.opener().open_path(path.to_string_lossy(), None::<&str>).map_err(|error| {
        tracing::warn!(%error, "cannot open the statement");
        UiError::new(ErrorCode::FileUnreadable)
    })
}

fn with_pdf_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        path
    } else {
        path.with_extension("pdf")
    }
}

/// Written to a temporary file beside it, flushed to the disk, then moved into place: a full
/// disk or a crash never leaves half a statement under the chosen name.
fn write_durably(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}
