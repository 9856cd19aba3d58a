//! The desktop shell: parses the command line, opens [`masar_core::MasarCore`], registers the
//! typed commands and events, and forwards the connection monitor to the window. No business
//! rule lives here.

#[cfg(test)]
mod app_commands;
mod bindings;
mod browser;
mod cli;
mod commands;
mod csp;
mod documents;
mod events;
mod exports;
mod handles;
mod notify;
mod picker;
mod qualifications;
mod review;
mod statements;

use std::sync::Arc;

use clap::Parser;
use masar_core::MasarCore;
use tauri_specta::Event;
use tracing_subscriber::EnvFilter;

pub use bindings::specta_builder;

/// Set when the background work has started (a reload of the page does not start it again).
static BACKGROUND_STARTED: std::sync::OnceLock<()> = std::sync::OnceLock::new();

/// Starts the app; returns when the window is closed.
pub fn run() {
    let args = cli::Args::parse();
    init_logging();
    #[cfg(feature = "e2e-picker")]
    if let Some(list) = args.e2e_pick_list.clone() {
        let _ = picker::PICK_LIST.set(list);
    }
    let options = match args.core_options() {
        Ok(options) => options,
        Err(error) => exit_with(&error.to_string()),
    };
    let core = match MasarCore::open(options) {
        Ok(core) => core,
        Err(error) => exit_with(&format!("cannot start: {error}")),
    };
    let builder = specta_builder();
    let result = documents::register(tauri::Builder::default())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(builder.invoke_handler())
        .manage(Arc::clone(&core))
        .manage(core.auth().clone())
        .manage(core.records().clone())
        .manage(core.outbox().clone())
        .manage(core.drafts().clone())
        .manage(core.sync().clone())
        .manage(core.previous_copies().clone())
        .manage(core.qualifications().clone())
        .manage(core.review().clone())
        .manage(core.careers().clone())
        .manage(core.inquiries().clone())
        .manage(core.opportunities().clone())
        .manage(core.applications().clone())
        .manage(core.exports().clone())
        .manage(handles::SavedStatements::default())
        .manage(handles::DroppedFiles::default())
        .on_window_event(record_dropped_files)
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        // The background work (connection checks, the sync loop, uploads, decisions) starts once
        // the page has loaded: on a two-core workstation it would otherwise compete with the
        // webview for the window's first frame.
        .on_page_load(move |webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished
                && BACKGROUND_STARTED.set(()).is_ok()
            {
                let app = tauri::Manager::app_handle(webview);
                forward_connection_status(app.clone(), Arc::clone(&core));
                forward_sync_status(app.clone(), Arc::clone(&core));
                forward_uploads(app.clone(), Arc::clone(&core));
                forward_decisions(app.clone(), Arc::clone(&core));
                forward_idle_locks(app.clone(), Arc::clone(&core));
            }
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(error) = result {
        exit_with(&format!("the window could not be opened: {error}"));
    }
}

/// Files dropped on the window, as the system's drag-and-drop event names them: kept here, and
/// the page told their handle (it never sees or sends a path).
fn record_dropped_files(window: &tauri::Window, event: &tauri::WindowEvent) {
    use tauri::Manager;
    let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event else { return };
    let count = u32::try_from(paths.len()).unwrap_or(u32::MAX);
    let kept = window.state::<handles::DroppedFiles>().0.keep(paths.clone());
    match kept.map(|handle| events::FilesDropped { handle, count }.emit(window)) {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::warn!(%error, "cannot tell the window of the dropped files"),
        Err(error) => tracing::warn!(?error.code, "cannot keep the dropped files"),
    }
}

/// Runs the connection monitor and tells the window whenever the status changes.
fn forward_connection_status(app: tauri::AppHandle, core: Arc<MasarCore>) {
    tauri::async_runtime::spawn(async move {
        let _monitor = core.spawn_connection_monitor(masar_core::core::CONNECTION_CHECK_INTERVAL);
        let mut updates = core.subscribe_connection();
        let mut last = core.connection_status();
        while updates.changed().await.is_ok() {
            let status = updates.borrow_and_update().clone();
            if status.same_as(&last) {
                continue;
            }
            last = status.clone();
            if let Err(error) = events::ConnectionChanged(status).emit(&app) {
                tracing::warn!(%error, "cannot send the connection status to the window");
            }
        }
    });
}

/// Runs the sync loop and tells the window whenever its status changes.
fn forward_sync_status(app: tauri::AppHandle, core: Arc<MasarCore>) {
    tauri::async_runtime::spawn(async move {
        let _sync = core.sync().spawn_loop();
        let mut updates = core.sync().subscribe();
        while updates.changed().await.is_ok() {
            let status = updates.borrow_and_update().clone();
            if let Err(error) = events::SyncChanged(status).emit(&app) {
                tracing::warn!(%error, "cannot send the sync status to the window");
            }
        }
    });
}

/// Tells the window how the uploads go (a few times a second at most: once per chunk).
fn forward_uploads(app: tauri::AppHandle, core: Arc<MasarCore>) {
    tauri::async_runtime::spawn(async move {
        let mut updates = core.subscribe_uploads();
        while updates.changed().await.is_ok() {
            let progress = updates.borrow_and_update().clone();
            if let Err(error) = events::UploadsChanged(progress).emit(&app) {
                tracing::warn!(%error, "cannot send the upload progress to the window");
            }
        }
    });
}

/// Tells the window when HR decided on a qualification or an application (it announces it and asks for the
/// desktop notification in the user's language).
fn forward_decisions(app: tauri::AppHandle, core: Arc<MasarCore>) {
    tauri::async_runtime::spawn(async move {
        let mut decisions = core.subscribe_decisions();
        loop {
            match decisions.recv().await {
                Ok(decided) => {
                    if let Err(error) = events::DecisionEvent(decided).emit(&app) {
                        tracing::warn!(%error, "cannot tell the window of a decision");
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "decisions came faster than the window took them");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// Runs the idle lock and tells the window at each lock (it shows the lock screen).
fn forward_idle_locks(app: tauri::AppHandle, core: Arc<MasarCore>) {
    tauri::async_runtime::spawn(async move {
        let _idle = core.spawn_idle_lock();
        let mut locks = core.subscribe_idle_locks();
        while locks.changed().await.is_ok() {
            let _count = *locks.borrow_and_update();
            if let Err(error) = events::IdleLocked(core.auth().state()).emit(&app) {
                tracing::warn!(%error, "cannot tell the window of the idle lock");
            }
        }
    });
}

fn init_logging() {
    let filter = EnvFilter::try_from_env("MASAR_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

fn exit_with(message: &str) -> ! {
    tracing::error!("{message}");
    #[allow(clippy::print_stderr)]
    {
        eprintln!("masar-desktop: {message}");
    }
    std::process::exit(1);
}
