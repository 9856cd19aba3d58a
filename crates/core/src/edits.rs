//! The employee's edits as the app shows them: the server's profile with queued edits applied on
//! top, and for each form (contact, personal, employment) where its last edit stands.

use chrono::{DateTime, Utc};
use masar_protocol::EmployeeProfile;
use masar_protocol::sync::{MutationBody, MutationOutcome, overlay};
use masar_protocol::validate::FieldError;
use serde::Serialize;

use crate::session::SessionError;
use crate::vault::VaultError;
use crate::vault::db::{EditState, OutboxRow, VaultDb};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    Contact,
    Personal,
    Employment,
}

impl Form {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contact => "contact",
            Self::Personal => "personal",
            Self::Employment => "employment",
        }
    }
}

/// Values typed in a form and not yet saved with تحديث.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub values: std::collections::BTreeMap<String, String>,
    pub saved_at: DateTime<Utc>,
}

pub fn form_of(body: &MutationBody) -> Form {
    match body {
        MutationBody::UpdateContact(_) => Form::Contact,
        MutationBody::UpdatePersonal(_) => Form::Personal,
        MutationBody::UpdateEmployment(_) => Form::Employment,
    }
}

/// Where an edit stands, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum EditStatus {
    /// بانتظار المزامنة.
    Pending,
    /// تمت المزامنة.
    Synced,
    /// مرفوض, with the server's reasons.
    Rejected { errors: Vec<FieldError> },
    /// تعارض: the fields both sides changed, the server's values and mine.
    Conflict { fields: Vec<String>, server: Box<EmployeeProfile>, mine: Box<EmployeeProfile> },
    /// The server did not accept the edit's id; it was not applied.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FormEdit {
    /// The edit's id (ids stay far below 2^32 on one workstation).
    pub id: u32,
    pub form: Form,
    pub fields: Vec<String>,
    pub status: EditStatus,
    pub created_at: DateTime<Utc>,
}

/// The profile to show and the state of each form's last edit.
pub fn view(db: &VaultDb) -> Result<(EmployeeProfile, Vec<FormEdit>), SessionError> {
    let (base, server_version) = match db.server_profile().map_err(VaultError::from)? {
        Some((profile, version)) => (profile, version),
        None => {
            let (record, _) = db.load_record().map_err(VaultError::from)?.ok_or(SessionError::NotSignedIn)?;
            (record.profile, 0)
        }
    };
    let rows = db.outbox().map_err(VaultError::from)?;
    let mut profile = base;
    for row in rows.iter().filter(|r| r.state == EditState::Pending) {
        profile = overlay(&profile, &row.body, &row.fields);
    }
    let mut forms: Vec<FormEdit> = Vec::new();
    for row in &rows {
        let edit = form_edit(row, server_version);
        forms.retain(|f| f.form != edit.form);
        forms.push(edit);
    }
    Ok((profile, forms))
}

fn form_edit(row: &OutboxRow, server_version: u64) -> FormEdit {
    let status = match &row.state {
        EditState::Pending => EditStatus::Pending,
        // Applied, but the pull that brings it has not come yet: still on its way.
        EditState::Applied(version) if *version > server_version => EditStatus::Pending,
        EditState::Applied(_) => EditStatus::Synced,
        EditState::Rejected(MutationOutcome::Rejected { errors }) => {
            EditStatus::Rejected { errors: errors.clone() }
        }
        EditState::Conflict(MutationOutcome::Conflict { fields, server, .. }) => EditStatus::Conflict {
            fields: fields.clone(),
            mine: Box::new(overlay(server, &row.body, &row.fields)),
            server: server.clone(),
        },
        EditState::Rejected(_) | EditState::Conflict(_) | EditState::Refused => EditStatus::Refused,
    };
    FormEdit {
        id: u32::try_from(row.id).unwrap_or(u32::MAX),
        form: form_of(&row.body),
        fields: row.fields.clone(),
        status,
        created_at: row.created_at,
    }
}
