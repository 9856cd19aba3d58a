//! Files the webview may name, by handle only. The page never hands a path to a command: a path
//! or URL from script would reach the system's opener or the attachment store past every scope
//! (a UNC path, a `.desktop` file, a file the employee never chose). Rust records the files the
//! employee chose itself (a statement saved through the save dialog, files dropped on the
//! window, as the native drag-and-drop event gives them) and gives the page an opaque random
//! handle for each; a handle the app did not give out names nothing.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use masar_core::{ErrorCode, UiError};

/// How many handles are kept: enough for the files of one form and the last statements; the
/// oldest go first, so files dropped where no form takes them do not pile up.
const KEPT: usize = 32;

/// Handles to files the employee chose, each with the paths it stands for.
#[derive(Debug, Default)]
pub struct FileHandles {
    kept: Mutex<VecDeque<(String, Vec<PathBuf>)>>,
}

impl FileHandles {
    /// Records `paths` and returns their new handle.
    pub fn keep(&self, paths: Vec<PathBuf>) -> Result<String, UiError> {
        let handle = masar_core::ids::new_record_id().map_err(|_| UiError::new(ErrorCode::Internal))?;
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() == KEPT {
            kept.pop_front();
        }
        kept.push_back((handle.clone(), paths));
        Ok(handle)
    }

    /// The paths behind `handle`, which stays valid (a saved statement opens again).
    pub fn paths(&self, handle: &str) -> Result<Vec<PathBuf>, UiError> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter().find(|(h, _)| h == handle).map(|(_, paths)| paths.clone()).ok_or_else(unknown)
    }

    /// The paths behind `handle`, used once (dropped files are attached once).
    pub fn take(&self, handle: &str) -> Result<Vec<PathBuf>, UiError> {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let at = kept.iter().position(|(h, _)| h == handle).ok_or_else(unknown)?;
        Ok(kept.remove(at).map(|(_, paths)| paths).unwrap_or_default())
    }
}

fn unknown() -> UiError {
    tracing::warn!("the page named a file the app did not give it");
    UiError::new(ErrorCode::NotFound)
}

/// The service statements saved this session.
#[derive(Debug, Default)]
pub struct SavedStatements(pub FileHandles);

/// Files dropped on the window (the native event's paths).
#[derive(Debug, Default)]
pub struct DroppedFiles(pub FileHandles);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_names_only_the_files_recorded_under_it() {
        let handles = FileHandles::default();
        let handle = handles.keep(vec![PathBuf::from("/home/employee/بيان.pdf")]).unwrap();
        assert_eq!(handles.paths(&handle).unwrap(), vec![PathBuf::from("/home/employee/بيان.pdf")]);
        // A path, a URL or a made-up handle from the page names nothing.
        for named in ["/etc/passwd", "file:///etc/passwd", "\\\\server\\share\\x.desktop", "0123", ""] {
            assert_eq!(handles.paths(named).unwrap_err().code, ErrorCode::NotFound, "{named}");
            assert_eq!(handles.take(named).unwrap_err().code, ErrorCode::NotFound, "{named}");
        }
    }

    #[test]
    fn dropped_files_are_taken_once() {
        let handles = FileHandles::default();
        let handle = handles.keep(vec![PathBuf::from("/tmp/a.pdf"), PathBuf::from("/tmp/b.png")]).unwrap();
        assert_eq!(handles.take(&handle).unwrap().len(), 2);
        assert_eq!(handles.take(&handle).unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn the_oldest_handles_go_first() {
        let handles = FileHandles::default();
        let first = handles.keep(vec![PathBuf::from("/tmp/first.pdf")]).unwrap();
        let others: Vec<String> =
            (0..KEPT).map(|i| handles.keep(vec![PathBuf::from(format!("/tmp/{i}.pdf"))]).unwrap()).collect();
        assert!(handles.paths(&first).is_err());
        assert!(others.iter().all(|h| handles.paths(h).is_ok()));
        assert_ne!(others[0], others[1]);
    }
}
