//! What the app tells the employee without being asked: HR decided on a qualification they sent
//! (the shell shows a desktop notification and announces it in the window). A leaf: the sync
//! loop finds these in what it pulls.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct QualificationDecided {
    pub id: String,
    pub receipt: String,
    pub transaction_number: String,
    /// موثق when true, مرفوض (with the reason) when false.
    pub verified: bool,
    pub reason: Option<String>,
}
