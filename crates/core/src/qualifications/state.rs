//! Where a qualification stands, as the list shows it, and its stage in the model every screen
//! shares (`crate::stage`).

use serde::Serialize;

use crate::stage::Stage;

/// Where a qualification stands, as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ItemState {
    /// مسودة.
    Draft,
    /// بانتظار المزامنة: sent here, its files not all on the server yet.
    Waiting {
        sent_bytes: f64,
        total_bytes: f64,
        /// Each file's own progress, in the form's order.
        files: Vec<FileProgress>,
    },
    /// A file was refused by the server: replace it and send again.
    FileRefused {
        name: String,
    },
    /// In the outbox, on its way.
    Queued,
    UnderReview,
    Verified,
    Rejected {
        reason: String,
    },
}

/// How far one attached file has uploaded.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FileProgress {
    pub sha256: String,
    pub name: String,
    pub sent_bytes: f64,
    pub total_bytes: f64,
}

impl ItemState {
    /// The stage of a qualification in this state: saved here until its files start going up,
    /// sending them, then reached Masar (under HR's review) and decided.
    pub fn stage(&self) -> Option<Stage> {
        Some(match self {
            Self::Draft => return None,
            Self::Waiting { sent_bytes, total_bytes, .. } if *sent_bytes > 0.0 => {
                Stage::sending(*sent_bytes, *total_bytes)
            }
            Self::Waiting { .. } | Self::Queued => Stage::Saved,
            Self::FileRefused { name } => Stage::FileRefused { name: name.clone() },
            Self::UnderReview => Stage::Reached,
            Self::Verified => Stage::Verified,
            Self::Rejected { reason } => Stage::Rejected { reason: reason.clone() },
        })
    }
}
