//! What script in the window can reach, tried from inside the running app as injected script
//! would: no path or URL reaches the system's opener or the attachment store, no command of
//! Tauri's or of a plugin beyond the few the page uses, and the content security policy blocks
//! an injected style and a `<base>` that would send the page's links elsewhere.

use anyhow::{Result, ensure};
use masar_e2e::{App, Server};
use serde_json::json;

/// Calls a command through Tauri's IPC as any script in the page can; answers
/// `{ok: value}` or `{refused: "what the app said"}`.
const INVOKE: &str = "const [call, done] = arguments;
    window.__TAURI_INTERNALS__.invoke(call.command, call.args)
      .then((value) => done({ ok: value ?? null }))
      .catch((error) => done({ refused: typeof error === 'string' ? error : JSON.stringify(error) }));";

async fn invoke(app: &App, command: &str, args: serde_json::Value) -> Result<serde_json::Value> {
    app.run_async(INVOKE, json!({ "command": command, "args": args })).await
}

fn refused(answer: &serde_json::Value) -> Option<&str> {
    answer.get("refused").and_then(serde_json::Value::as_str)
}

#[tokio::test]
async fn script_in_the_window_reaches_no_file_and_no_command_beyond_the_app_s_own() -> Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;

    // A path or URL where a handle belongs names nothing; the old argument is not taken.
    for (command, args) in [
        ("open_statement", json!({ "path": "/etc/passwd" })),
        ("open_statement", json!({ "handle": "/etc/passwd" })),
        ("open_statement", json!({ "handle": "file:///usr/share/applications/debian-xterm.desktop" })),
        ("attach_dropped", json!({ "paths": ["/etc/passwd"], "role": "certificate" })),
        ("attach_dropped", json!({ "handle": "/etc/passwd", "role": "certificate" })),
    ] {
        let answer = invoke(&app, command, args.clone()).await?;
        ensure!(refused(&answer).is_some(), "{command} {args}: {answer}");
    }
    // An unknown handle is the app's own refusal (not found), in the UI's error shape.
    let answer = invoke(&app, "open_statement", json!({ "handle": "0123456789abcdef" })).await?;
    ensure!(refused(&answer).is_some_and(|r| r.contains("not_found")), "{answer}");

    // Plugin and core commands the page does not use are not granted.
    for (command, args) in [
        ("plugin:opener|open_path", json!({ "path": "/etc" })),
        ("plugin:opener|open_url", json!({ "url": "file:///etc/passwd" })),
        ("plugin:notification|notify", json!({ "options": { "title": "x" } })),
        ("plugin:window|close", json!({ "label": "main" })),
        (
            "plugin:webview|create_webview_window",
            json!({ "options": { "label": "x", "url": "https://example.invalid" } }),
        ),
        ("plugin:path|resolve_directory", json!({ "directory": 11 })),
    ] {
        let answer = invoke(&app, command, args.clone()).await?;
        let why = refused(&answer).unwrap_or_default();
        ensure!(why.contains("not allowed"), "{command} was not refused by the capability: {answer}");
    }
    // What the page does use still works.
    let answer = invoke(&app, "app_info", json!({})).await?;
    ensure!(answer["ok"]["version"].is_string(), "{answer}");

    // The policy blocks an injected style and a <base>; the violation is caught here before the
    // app's own reporter (which would rightly fail the run: its own UI must never be blocked).
    let blocked = app
        .run_async(
            "const [, done] = arguments;
             const seen = [];
             window.addEventListener('securitypolicyviolation', (e) => { seen.push(e.effectiveDirective); e.stopImmediatePropagation(); }, true);
             const base = document.baseURI;
             const style = document.createElement('style');
             style.textContent = 'html { outline: 7px solid rgb(255, 0, 0) !important; }';
             document.head.appendChild(style);
             const link = document.createElement('base');
             link.href = 'https://example.invalid/';
             document.head.appendChild(link);
             setTimeout(() => {
               const answer = { seen, outline: getComputedStyle(document.documentElement).outlineWidth, baseKept: document.baseURI === base };
               style.remove();
               link.remove();
               done(answer);
             }, 500);",
            json!(null),
        )
        .await?;
    ensure!(blocked["outline"] != "7px", "the injected style applied: {blocked}");
    ensure!(blocked["baseKept"] == true, "the injected <base> moved the page's links: {blocked}");
    let seen: Vec<&str> =
        blocked["seen"].as_array().into_iter().flatten().filter_map(serde_json::Value::as_str).collect();
    ensure!(seen.iter().any(|d| d.starts_with("style-src")), "the style's block was reported: {blocked}");
    app.close().await
}
