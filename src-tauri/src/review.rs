//! The HR officer's commands: thin calls into the core's `Review` capability.

use masar_core::review::{EmploymentSaved, HrEmployee, Review};
use masar_core::{ErrorCode, UiError};
use masar_protocol::NationalId;
use masar_protocol::activity::ActivityEntry;
use masar_protocol::hr::EmploymentChange;
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{Decision, QualificationRecord};
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn review_queue(
    review: State<'_, Review>,
    filter: ReviewFilter,
) -> Result<Vec<ReviewItem>, UiError> {
    review.queue(filter).await.map_err(UiError::from)
}

/// An employee of the officer's entity, by national ID.
#[tauri::command]
#[specta::specta]
pub async fn hr_employee(review: State<'_, Review>, national_id: String) -> Result<HrEmployee, UiError> {
    let id = NationalId::parse(national_id.trim()).map_err(|_| UiError::new(ErrorCode::NotFound))?;
    review.employee(id).await.map_err(UiError::from)
}

/// HR changes the employee's entity and job title, with the reason.
#[tauri::command]
#[specta::specta]
pub async fn hr_update_employment(
    review: State<'_, Review>,
    national_id: String,
    change: EmploymentChange,
) -> Result<EmploymentSaved, UiError> {
    let id = NationalId::parse(&national_id).map_err(|_| UiError::new(ErrorCode::NotFound))?;
    review.update_employment(id, change).await.map_err(UiError::from)
}

/// An employee's trail, as HR reads it.
#[tauri::command]
#[specta::specta]
pub async fn hr_employee_activity(
    review: State<'_, Review>,
    national_id: String,
) -> Result<Vec<ActivityEntry>, UiError> {
    let id = NationalId::parse(&national_id).map_err(|_| UiError::new(ErrorCode::NotFound))?;
    review.employee_activity(id).await.map_err(UiError::from)
}

/// The applications of the officer's entity (one opportunity's, in a state, or all).
#[tauri::command]
#[specta::specta]
pub async fn hr_applicants(
    review: State<'_, Review>,
    filter: ApplicantFilter,
) -> Result<Vec<Applicant>, UiError> {
    review.applicants(filter).await.map_err(UiError::from)
}

/// Accept an application (while a seat is left), or decline it with the reason.
#[tauri::command]
#[specta::specta]
pub async fn hr_decide_application(
    review: State<'_, Review>,
    id: String,
    decision: ApplicationDecision,
) -> Result<ApplicationRecord, UiError> {
    review.decide_application(id, decision).await.map_err(UiError::from)
}

/// سجل النشاط: the signed-in employee's trail.
#[tauri::command]
#[specta::specta]
pub async fn my_activity(review: State<'_, Review>) -> Result<Vec<ActivityEntry>, UiError> {
    review.my_activity().await.map_err(UiError::from)
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
