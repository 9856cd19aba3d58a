//! The system's file dialogs (rfd) over the app's window: choosing the files to attach (several
//! PDF / JPEG / PNG) and where to save a service statement. The end-to-end build (feature
//! `e2e-picker`) takes the paths a test lists in a file (`--e2e-pick-list`) instead, since a test
//! cannot click in a native dialog.

use std::path::PathBuf;

/// The files the employee chose (none when the dialog was closed).
#[cfg(not(feature = "e2e-picker"))]
pub async fn pick_documents(window: &tauri::Window, title: &str) -> Vec<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_parent(window)
        .add_filter("PDF, JPEG, PNG", &["pdf", "jpg", "jpeg", "png", "PDF", "JPG", "JPEG", "PNG"])
        .pick_files()
        .await
        .map(|files| files.into_iter().map(|file| file.path().to_owned()).collect())
        .unwrap_or_default()
}

/// Where to save a PDF (none when the dialog was closed).
#[cfg(not(feature = "e2e-picker"))]
pub async fn save_pdf(window: &tauri::Window, title: &str, name: &str) -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_parent(window)
        .set_file_name(name)
        .add_filter("PDF", &["pdf"])
        .save_file()
        .await
        .map(|file| file.path().to_owned())
}

/// Where to save a sealed export of unsent work (none when the dialog was closed).
#[cfg(not(feature = "e2e-picker"))]
pub async fn save_sealed(window: &tauri::Window, title: &str, name: &str) -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_parent(window)
        .set_file_name(name)
        .add_filter("Masar", &[masar_protocol::sealed::EXTENSION])
        .save_file()
        .await
        .map(|file| file.path().to_owned())
}

/// A sealed export to import (none when the dialog was closed).
#[cfg(not(feature = "e2e-picker"))]
pub async fn pick_sealed(window: &tauri::Window, title: &str) -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_parent(window)
        .add_filter("Masar", &[masar_protocol::sealed::EXTENSION])
        .pick_file()
        .await
        .map(|file| file.path().to_owned())
}

/// The first path listed in the pick-list file (the test's answer to a save or open dialog).
#[cfg(feature = "e2e-picker")]
pub async fn save_sealed(window: &tauri::Window, title: &str, _name: &str) -> Option<PathBuf> {
    pick_documents(window, title).await.into_iter().next()
}

/// The first path listed in the pick-list file.
#[cfg(feature = "e2e-picker")]
pub async fn pick_sealed(window: &tauri::Window, title: &str) -> Option<PathBuf> {
    pick_documents(window, title).await.into_iter().next()
}

/// The first path listed in the pick-list file (the test's answer to the save dialog).
#[cfg(feature = "e2e-picker")]
pub async fn save_pdf(window: &tauri::Window, title: &str, _name: &str) -> Option<PathBuf> {
    pick_documents(window, title).await.into_iter().next()
}

/// Where the end-to-end build reads the files to "choose" (`--e2e-pick-list`).
#[cfg(feature = "e2e-picker")]
pub static PICK_LIST: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The paths listed (one per line) in the pick-list file; the list is used once.
#[cfg(feature = "e2e-picker")]
pub async fn pick_documents(_window: &tauri::Window, _title: &str) -> Vec<PathBuf> {
    let Some(list) = PICK_LIST.get() else { return Vec::new() };
    let text = tokio::fs::read_to_string(&list).await.unwrap_or_default();
    let _ = tokio::fs::remove_file(&list).await;
    text.lines().filter(|line| !line.trim().is_empty()).map(PathBuf::from).collect()
}
