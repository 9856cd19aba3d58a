//! The desktop notification (the system's notification server, over D-Bus on Linux), for news
//! the employee should see with the app in the background. The window passes the text in the
//! user's language; without a notification server the window's own announcement remains.

use tauri_plugin_notification::NotificationExt;

/// Shows a notification; returns whether the system took it. The body can carry text from
/// others (HR's reason): notification servers read it as markup, so it goes escaped, and a link
/// or an image in a reason stays text.
#[tauri::command]
#[specta::specta]
pub fn notify_desktop(app: tauri::AppHandle, title: String, body: String) -> bool {
    match app.notification().builder().title(title).body(as_text(&body)).show() {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(%error, "the system did not take the desktop notification");
            false
        }
    }
}

/// `text` escaped for the notification body's markup (the Desktop Notifications
/// specification's subset of XML).
fn as_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::as_text;

    #[test]
    fn markup_in_a_reason_stays_text() {
        assert_eq!(
            as_text("رُفض: <a href=\"file:///etc\">انقر</a> & <img src=x>"),
            "رُفض: &lt;a href=&quot;file:///etc&quot;&gt;انقر&lt;/a&gt; &amp; &lt;img src=x&gt;"
        );
        assert_eq!(as_text("المؤهل: بكالوريوس"), "المؤهل: بكالوريوس");
    }
}
