//! Where something the employee sent stands, whatever its kind: one model for every screen
//! (the form's page, the qualifications, the opportunities, «الصادر» and the status bar).
//! Each kind's own state says its stage (see `edits::stage_of`, `ItemState::stage`,
//! `ApplicationState::stage`).

use masar_protocol::validate::FieldError;
use serde::Serialize;

/// Where an item stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "stage", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Stage {
    /// محفوظ على الجهاز: not taken by Masar yet (no network, or the next round has not come).
    Saved,
    /// Its files are on their way: the share (0–100) the server has.
    Sending { percent: u8 },
    /// وصل إلى مسار. For an edit of the profile this is the end: Masar applied it.
    Reached,
    /// موثق.
    Verified,
    /// مرفوض, with HR's reason.
    Rejected { reason: String },
    /// مقبول.
    Accepted,
    /// معتذر, with the administration's reason.
    Declined { reason: String },
    /// تعارض: the same field changed in Masar meanwhile; the employee chooses on the form's page.
    Conflict,
    /// Not accepted by Masar's rules (nothing was stored there), with the reasons per field.
    Refused { reasons: Vec<FieldError> },
    /// One of its files was refused: the employee replaces it and sends again.
    FileRefused { name: String },
}

impl Stage {
    /// Sending, `sent` of `total` bytes there (rounded down, so 100 only once all are).
    pub fn sending(sent: f64, total: f64) -> Self {
        let share = if total > 0.0 { (sent / total * 100.0).floor().clamp(0.0, 100.0) } else { 0.0 };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped to 0..=100")]
        Self::Sending { percent: share as u8 }
    }

    /// Still to go from this workstation (what signing out or a lost disk would lose).
    pub fn waits(&self) -> bool {
        matches!(self, Self::Saved | Self::Sending { .. })
    }
}
