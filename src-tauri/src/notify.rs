//! The desktop notification (the system's notification server, over D-Bus on Linux), for news
//! the employee should see with the app in the background. The window passes the text in the
//! user's language; without a notification server the window's own announcement remains.

use tauri_plugin_notification::NotificationExt;

/// Shows a notification; returns whether the system took it.
#[tauri::command]
#[specta::specta]
pub fn notify_desktop(app: tauri::AppHandle, title: String, body: String) -> bool {
    match app.notification().builder().title(title).body(body).show() {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(%error, "the system did not take the desktop notification");
            false
        }
    }
}
