//! What the webview's content security policy blocked. The page reports each
//! `securitypolicyviolation` event here; it is logged as a warning, so a build whose own UI the
//! policy blocks shows in the log (the end-to-end run fails on any such line).

use serde::Deserialize;

/// One blocked load or inline use, as the page's violation event describes it. Nothing here is
/// personal: a directive, a URL of the app's own or a keyword such as `inline`, a source position.
#[derive(Debug, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BlockedContent {
    /// The directive that blocked it, e.g. `style-src-attr`.
    pub directive: String,
    /// What was blocked: a URL, or `inline` / `eval`.
    pub blocked: String,
    /// Where in the app's code, when the webview knows.
    pub source: String,
    pub line: u32,
}

/// Text from the page is bounded before it reaches the log.
fn bounded(text: &str) -> &str {
    text.char_indices().nth(200).map_or(text, |(end, _)| &text[..end])
}

#[tauri::command]
#[specta::specta]
pub fn content_blocked(report: BlockedContent) {
    tracing::warn!(
        directive = bounded(&report.directive),
        blocked = bounded(&report.blocked),
        source = bounded(&report.source),
        line = report.line,
        "content security policy blocked"
    );
}

#[cfg(test)]
mod tests {
    use super::bounded;

    /// The window's policy as the top-level `tauri.conf.json` sets it: each directive and its sources.
    fn policy() -> Vec<(String, Vec<String>)> {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), std::path::PathBuf::from);
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("../tauri.conf.json")).unwrap()).unwrap();
        let csp = config["app"]["security"]["csp"].as_str().expect("a content security policy");
        csp.split(';')
            .filter_map(|directive| {
                let mut words = directive.split_whitespace().map(str::to_owned);
                Some((words.next()?, words.collect()))
            })
            .collect()
    }

    /// `'sha256-…'` of the one inline `<style>` in the built page (ui/dist/index.html, which the
    /// build embeds): the first frame's, drawn before any style sheet has loaded.
    fn first_frame_style_hash() -> String {
        use base64::Engine;
        use sha2::Digest;
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let page = std::fs::read_to_string(dir.join("../ui/dist/index.html")).expect("the UI is built");
        let styles: Vec<&str> = page
            .split("<style>")
            .skip(1)
            .filter_map(|rest| rest.split_once("</style>").map(|(s, _)| s))
            .collect();
        assert_eq!(styles.len(), 1, "the page has one inline style, the first frame's");
        let digest = sha2::Sha256::digest(styles[0].as_bytes());
        format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
    }

    #[test]
    fn the_window_s_policy_allows_only_the_app_s_own_content() {
        let policy = policy();
        let sources =
            |name: &str| policy.iter().find(|(directive, _)| directive == name).map(|(_, s)| s.clone());
        for locked in ["base-uri", "form-action", "object-src", "frame-ancestors"] {
            assert_eq!(sources(locked), Some(vec!["'none'".to_owned()]), "{locked}");
        }
        assert_eq!(sources("default-src"), Some(vec!["'self'".to_owned()]));
        assert_eq!(
            sources("style-src"),
            Some(vec!["'self'".to_owned(), first_frame_style_hash()]),
            "style sheets of the app's own, and the first frame's inline style only"
        );
        assert_eq!(sources("script-src"), None, "scripts fall back to default-src 'self'");
        for (directive, allowed) in &policy {
            for source in allowed {
                assert!(
                    !source.contains("unsafe") && source != "*" && !source.starts_with("https:"),
                    "{directive} allows {source}"
                );
            }
        }
    }

    #[test]
    fn text_from_the_page_is_cut_at_200_characters() {
        assert_eq!(bounded("style-src-attr"), "style-src-attr");
        let long = "ب".repeat(500);
        assert_eq!(bounded(&long).chars().count(), 200);
    }
}
