//! The HR officer's commands: thin calls into the core's `Review` capability.

use masar_core::UiError;
use masar_core::review::Review;
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{Decision, QualificationRecord};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn review_queue(
    review: State<'_, Review>,
    filter: ReviewFilter,
) -> Result<Vec<ReviewItem>, UiError> {
    review.queue(filter).await.map_err(UiError::from)
}

/// Verify, or reject with the reason.
#[tauri::command]
#[specta::specta]
pub async fn review_decide(
    review: State<'_, Review>,
    id: String,
    decision: Decision,
) -> Result<QualificationRecord, UiError> {
    review.decide(id, decision).await.map_err(UiError::from)
}
