//! The employee's edits as the app shows them: the server's profile with queued edits applied on
//! top, and for each form (contact, personal, employment) where its last edit stands.

use chrono::{DateTime, Utc};
use masar_protocol::EmployeeProfile;
use masar_protocol::sync::{MutationBody, RecordKind, overlay};
use masar_protocol::validate::FieldError;
use serde::Serialize;

use crate::active::{ActiveSession, SessionError};
use crate::stage::Stage;
use crate::vault::VaultError;
use crate::vault::db::{EditState, OutboxRow, VaultDb};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    Contact,
    Personal,
    Employment,
    /// توثيق المؤهل (its own record kind; not part of the profile's view).
    Qualification,
    /// التقديم على فرصة تدريب (its own record kind too).
    Application,
}

impl Form {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contact => "contact",
            Self::Personal => "personal",
            Self::Employment => "employment",
            Self::Qualification => "qualification",
            Self::Application => "application",
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
        MutationBody::SubmitQualification(_) => Form::Qualification,
        MutationBody::ApplyForOpportunity(_) => Form::Application,
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
    /// Where it stands in the model every screen shares.
    pub stage: Stage,
    pub created_at: DateTime<Utc>,
}

/// The employee's data as shown, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeView {
    /// As the server has it, with the queued edits applied on top.
    pub profile: EmployeeProfile,
    /// When the server last gave this data; set when it is shown from the local copy.
    pub cached_at: Option<DateTime<Utc>>,
    /// The last edit of each form and where it stands.
    pub forms: Vec<FormEdit>,
}

/// The employee as the vault has it, without the network.
pub async fn local_view(active: &ActiveSession) -> Result<EmployeeView, SessionError> {
    let online = active.info().online;
    active
        .vault(move |vault| {
            let (profile, forms) = view(vault.db)?;
            let cached_at =
                if online { None } else { vault.db.load_record()?.map(|(_, fetched_at)| fetched_at) };
            Ok(EmployeeView { profile, cached_at, forms })
        })
        .await
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
    let mut rows = db.outbox().map_err(VaultError::from)?;
    rows.retain(|row| row.body.kind() == RecordKind::Profile);
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
        EditState::Applied { version } if *version > server_version => EditStatus::Pending,
        EditState::Applied { .. } => EditStatus::Synced,
        EditState::Rejected { errors } => EditStatus::Rejected { errors: errors.clone() },
        EditState::Conflict { fields, server, .. } => EditStatus::Conflict {
            fields: fields.clone(),
            mine: Box::new(overlay(server, &row.body, &row.fields)),
            server: server.clone(),
        },
        EditState::Refused => EditStatus::Refused,
    };
    FormEdit {
        id: u32::try_from(row.id).unwrap_or(u32::MAX),
        form: form_of(&row.body),
        fields: row.fields.clone(),
        status,
        stage: stage_of(&row.state),
        created_at: row.created_at,
    }
}

/// An edit's stage: saved here until Masar answers; applied, it has reached Masar (the end for
/// an edit of the profile).
pub fn stage_of(state: &EditState) -> Stage {
    match state {
        EditState::Pending => Stage::Saved,
        EditState::Applied { .. } => Stage::Reached,
        EditState::Rejected { errors } => Stage::Refused { reasons: errors.clone() },
        EditState::Conflict { .. } => Stage::Conflict,
        EditState::Refused => Stage::Refused { reasons: Vec::new() },
    }
}

#[cfg(test)]
mod tests {
    use masar_protocol::sync::{Change, ContactUpdate, MutationOutcome, MutationResult};
    use masar_protocol::validate::FieldError;
    use masar_protocol::{EmployeeRecord, NationalAddress};

    use super::*;

    fn record() -> EmployeeRecord {
        crate::vault::tests::sample_record()
    }

    fn contact(mobile: &str, street: &str) -> MutationBody {
        let profile = record().profile;
        MutationBody::UpdateContact(ContactUpdate {
            mobile: mobile.into(),
            email: profile.email,
            address: NationalAddress { street: street.into(), ..profile.address },
        })
    }

    /// The server refused an edit (its rules, its words): the form says «مرفوض» with the
    /// server's reasons, the refused value is no longer shown, and the next edit still waits.
    #[test]
    fn a_refusal_from_the_server_shows_its_reasons_and_drops_the_value_from_view() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = VaultDb::open(&dir.path().join("vault.db"), &crate::secret::key([3_u8; 32])).unwrap();
        db.save_record(&record(), Utc::now()).unwrap();
        let profile = record().profile;
        db.apply_pull(
            &[Change::Profile {
                seq: 1,
                id: profile.national_id.to_string(),
                version: 1,
                profile: Box::new(profile.clone()),
            }],
            1,
        )
        .unwrap();
        let refused = db
            .queue(&contact("0555000111", "شارع قديم"), &["address.street".into()], 1, "contact", Utc::now())
            .unwrap();
        let reason = masar_protocol::validate::FieldProblem::ControlCharacters;
        db.record_results(&[MutationResult {
            id: refused,
            outcome: MutationOutcome::Rejected { errors: vec![FieldError::new("address.street", reason)] },
            replayed: false,
        }])
        .unwrap();
        let next = db
            .queue(
                &contact("0555000222", &profile.address.street),
                &["mobile".into()],
                1,
                "contact",
                Utc::now(),
            )
            .unwrap();

        let (shown, forms) = view(&db).unwrap();
        assert_eq!(shown.address.street, profile.address.street, "the refused street is not shown");
        assert_eq!(shown.mobile, "+966555000222", "the waiting edit is");
        let contact_forms: Vec<&FormEdit> = forms.iter().filter(|f| f.form == Form::Contact).collect();
        assert_eq!(contact_forms.len(), 1, "one state per form: its last edit's");
        assert_eq!(contact_forms[0].status, EditStatus::Pending);
        assert_eq!(
            db.pending(10).unwrap().iter().map(|r| r.id).collect::<Vec<_>>(),
            [next],
            "nothing blocked"
        );

        // Once the later edit is answered too, the refusal is what the form shows if it was last.
        db.clear(refused).unwrap();
        let again = db
            .queue(&contact("0555000222", "شارع قديم"), &["address.street".into()], 1, "contact", Utc::now())
            .unwrap();
        db.record_results(&[MutationResult {
            id: again,
            outcome: MutationOutcome::Rejected { errors: vec![FieldError::new("address.street", reason)] },
            replayed: false,
        }])
        .unwrap();
        let (_, forms) = view(&db).unwrap();
        let last = forms.iter().find(|f| f.form == Form::Contact).unwrap();
        assert_eq!(
            last.status,
            EditStatus::Rejected { errors: vec![FieldError::new("address.street", reason)] },
            "«مرفوض» with the server's reason"
        );
    }
}
