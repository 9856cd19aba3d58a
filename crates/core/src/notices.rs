//! What the app tells the employee without being asked: HR decided on a qualification they
//! sent, or the training administration on an application (the shell shows a desktop
//! notification and announces it in the window). A leaf: the sync loop finds these in what it
//! pulls.

use serde::Serialize;

/// What was decided on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Subject {
    Qualification,
    /// An application for the opportunity of this title.
    Application {
        title: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DecisionNotice {
    pub subject: Subject,
    pub id: String,
    pub receipt: String,
    pub transaction_number: String,
    /// موثق / مقبول when true; مرفوض / معتذر (with the reason) when false.
    pub granted: bool,
    pub reason: Option<String>,
}
