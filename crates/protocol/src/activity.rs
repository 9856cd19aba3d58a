//! سجل النشاط: who did what to an employee's record and when, as the server's audit log holds
//! it: the employee's own changes, HR's changes with the reason given, decisions on what the
//! employee sent, HR opening the record, and attempts outside an officer's authority.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Data on the record changed (by the employee, or by HR with a reason).
    RecordChanged,
    /// An HR officer opened the record.
    RecordRead,
    QualificationSubmitted,
    QualificationVerified,
    QualificationRejected,
    ApplicationSubmitted,
    ApplicationAccepted,
    ApplicationDeclined,
    /// An officer's attempt outside their authority (another entity, their own record), refused.
    Refused,
    /// An HR officer imported the employee's sealed export of unsent work (brought to the HR
    /// office); what it carried shows as the employee's own changes and requests.
    SealedFileImported,
}

/// One value that changed: the field's wire name (as the field registry names it), before and
/// after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangedValue {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What an audit row adds to its event (kept with the row as JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityDetail {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangedValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One entry of an employee's trail, newest first in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    pub at: DateTime<Utc>,
    pub activity: Activity,
    /// The employee did it themself; otherwise an HR officer did.
    pub by_self: bool,
    /// The officer who acted, masked (`1********8`).
    pub officer: Option<String>,
    pub changes: Vec<ChangedValue>,
    /// HR's reason (a change of employment data, a rejection, a declined application).
    pub reason: Option<String>,
}

/// What an audit row's event and outcome are in the trail; `None` for rows that are not about a
/// record (signing in, sync rounds, uploads).
pub fn activity_of(event: &str, outcome: &str) -> Option<Activity> {
    if outcome.starts_with("refused_") {
        return Some(Activity::Refused);
    }
    Some(match (event, outcome) {
        ("profile_changed", _) => Activity::RecordChanged,
        ("hr_read", "ok") => Activity::RecordRead,
        ("hr_import", "ok") => Activity::SealedFileImported,
        ("qualification_submitted", "under_review") => Activity::QualificationSubmitted,
        ("qualification_verified", _) => Activity::QualificationVerified,
        ("qualification_rejected", _) => Activity::QualificationRejected,
        ("application_submitted", "received") => Activity::ApplicationSubmitted,
        ("application_accepted", _) => Activity::ApplicationAccepted,
        ("application_declined", _) => Activity::ApplicationDeclined,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_rows_read_as_activities() {
        let table = [
            ("profile_changed", "applied", Some(Activity::RecordChanged)),
            ("hr_read", "ok", Some(Activity::RecordRead)),
            ("hr_import", "ok", Some(Activity::SealedFileImported)),
            ("hr_read", "refused_other_entity", Some(Activity::Refused)),
            ("hr_update", "refused_own_record", Some(Activity::Refused)),
            ("qualification_submitted", "under_review", Some(Activity::QualificationSubmitted)),
            ("qualification_submitted", "rejected", None),
            ("qualification_verified", "0123", Some(Activity::QualificationVerified)),
            ("qualification_rejected", "0123", Some(Activity::QualificationRejected)),
            ("application_submitted", "received", Some(Activity::ApplicationSubmitted)),
            ("application_accepted", "x", Some(Activity::ApplicationAccepted)),
            ("application_declined", "x", Some(Activity::ApplicationDeclined)),
            ("login", "signed_in", None),
            ("sync_push", "applied", None),
        ];
        for (event, outcome, expected) in table {
            assert_eq!(activity_of(event, outcome), expected, "{event} {outcome}");
        }
    }
}
