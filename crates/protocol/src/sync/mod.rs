//! The sync protocol: the client pushes its queued mutations in order; the server applies each
//! exactly once and answers with a result per mutation; the client pulls changes after its cursor.

use serde::{Deserialize, Serialize};

use crate::fields::{self, Editor, Field, Section};
use crate::qualification::{QualificationRecord, QualificationSubmission};
use crate::record::{EmployeeProfile, NationalAddress, PersonName};
use crate::training::{ApplicationRecord, ApplicationRequest};
use crate::validate::{FieldError, FieldProblem};

/// What an edit does. The server decides which fields an employee may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "name", content = "args", rename_all = "snake_case")]
pub enum MutationBody {
    /// بيانات التواصل: mobile, e-mail, national address.
    UpdateContact(ContactUpdate),
    /// البيانات الشخصية: the English spelling of the name (the rest only HR changes).
    UpdatePersonal(PersonalUpdate),
    /// البيانات الوظيفية: only HR changes these; an employee's request is rejected with the reason.
    UpdateEmployment(EmploymentUpdate),
    /// توثيق المؤهل: a qualification with its attachments (already uploaded), for HR's review; the
    /// same id again amends it (after a rejection, say).
    SubmitQualification(Box<QualificationSubmission>),
    /// التقديم على فرصة تدريب أو ابتعاث: the server checks the deadline and rank on its own date.
    ApplyForOpportunity(ApplicationRequest),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactUpdate {
    pub mobile: String,
    pub email: String,
    pub address: NationalAddress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PersonalUpdate {
    pub name_en: PersonName,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmploymentUpdate {
    pub entity: String,
    pub job_title: String,
}

/// One queued edit. `id` increases per client; `base_version` is the record version the edit
/// was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Mutation {
    pub id: u64,
    pub base_version: u64,
    /// The fields the employee changed (wire names, e.g. `mobile`, `address.postalCode`). The
    /// form sends every value, but only these are edits: an untouched field never overwrites a
    /// change made on the server meanwhile. Empty means every field of the form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    #[serde(flatten)]
    pub body: MutationBody,
}

/// `POST /v1/sync/push`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushRequest {
    /// Random per installation and employee; 32 hex characters.
    pub client_id: String,
    pub mutations: Vec<Mutation>,
}

/// The outcome of one mutation. A business "no" is an outcome, never an HTTP error, so it never
/// blocks the mutations after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum MutationOutcome {
    Applied {
        version: u64,
    },
    /// Invalid or not allowed; the reason per field, as codes.
    Rejected {
        errors: Vec<FieldError>,
    },
    /// The same field changed on the server since `base_version`: the server's current values.
    Conflict {
        fields: Vec<String>,
        server: Box<EmployeeProfile>,
        version: u64,
    },
    /// The id was used before for a different mutation: this one was not applied.
    IdReused,
}

impl MutationOutcome {
    /// The outcome's name, as audit rows record it.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Applied { .. } => "applied",
            Self::Rejected { .. } => "rejected",
            Self::Conflict { .. } => "conflict",
            Self::IdReused => "id_reused",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MutationResult {
    pub id: u64,
    #[serde(flatten)]
    pub outcome: MutationOutcome,
    /// Answered from the stored result: the mutation was applied before (a resend after a lost
    /// answer, or an import of work that had reached Masar already). Absent means false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushResponse {
    pub results: Vec<MutationResult>,
}

/// `POST /v1/sync/pull`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PullRequest {
    pub cursor: u64,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The kinds of records sync carries. Each new service (qualification documents, training
/// applications, …) adds one: a variant here, of [`Change`], and its mutations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// The employee's profile: personal, employment and contact data. Its id is the national ID.
    Profile,
    /// A documented qualification; its id is the one the app chose for the draft.
    Qualification,
    /// An application for a training course or scholarship; its id is the one the app chose.
    Application,
}

crate::wire_names!(RecordKind {
    Profile => "profile",
    Qualification => "qualification",
    Application => "application",
});

/// A record as it is now on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Change {
    Profile { seq: u64, id: String, version: u64, profile: Box<EmployeeProfile> },
    Qualification { seq: u64, id: String, version: u64, qualification: Box<QualificationRecord> },
    Application { seq: u64, id: String, version: u64, application: Box<ApplicationRecord> },
}

impl Change {
    pub fn seq(&self) -> u64 {
        match self {
            Self::Profile { seq, .. } | Self::Qualification { seq, .. } | Self::Application { seq, .. } => {
                *seq
            }
        }
    }

    pub fn kind(&self) -> RecordKind {
        match self {
            Self::Profile { .. } => RecordKind::Profile,
            Self::Qualification { .. } => RecordKind::Qualification,
            Self::Application { .. } => RecordKind::Application,
        }
    }

    /// The record's id within its kind.
    pub fn id(&self) -> &str {
        match self {
            Self::Profile { id, .. } | Self::Qualification { id, .. } | Self::Application { id, .. } => id,
        }
    }

    pub fn version(&self) -> u64 {
        match self {
            Self::Profile { version, .. }
            | Self::Qualification { version, .. }
            | Self::Application { version, .. } => *version,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PullResponse {
    /// In server order (by sequence number), at most one per record.
    pub changes: Vec<Change>,
    /// Where the next pull starts.
    pub cursor: u64,
    pub has_more: bool,
}

impl MutationBody {
    /// The kind of record this edit changes.
    pub fn kind(&self) -> RecordKind {
        match self {
            Self::UpdateContact(_) | Self::UpdatePersonal(_) | Self::UpdateEmployment(_) => {
                RecordKind::Profile
            }
            Self::SubmitQualification(_) => RecordKind::Qualification,
            Self::ApplyForOpportunity(_) => RecordKind::Application,
        }
    }

    /// The profile form this edit comes from (none for another kind of record).
    pub fn section(&self) -> Option<Section> {
        match self {
            Self::UpdateContact(_) => Some(Section::Contact),
            Self::UpdatePersonal(_) => Some(Section::Personal),
            Self::UpdateEmployment(_) => Some(Section::Employment),
            Self::SubmitQualification(_) | Self::ApplyForOpportunity(_) => None,
        }
    }

    /// Every profile field the edit sets, by wire name (as typed, before the rules normalise it);
    /// none for an edit of another kind of record (its own module checks it).
    pub fn values(&self) -> Vec<(&'static str, &str)> {
        match self {
            Self::UpdateContact(u) => vec![
                ("mobile", u.mobile.as_str()),
                ("email", u.email.as_str()),
                ("address.buildingNumber", u.address.building_number.as_str()),
                ("address.street", u.address.street.as_str()),
                ("address.district", u.address.district.as_str()),
                ("address.city", u.address.city.as_str()),
                ("address.postalCode", u.address.postal_code.as_str()),
                ("address.additionalNumber", u.address.additional_number.as_str()),
            ],
            Self::UpdatePersonal(u) => vec![
                ("nameEn.first", u.name_en.first.as_str()),
                ("nameEn.father", u.name_en.father.as_str()),
                ("nameEn.grandfather", u.name_en.grandfather.as_str()),
                ("nameEn.family", u.name_en.family.as_str()),
            ],
            Self::UpdateEmployment(u) => {
                vec![("entity", u.entity.as_str()), ("jobTitle", u.job_title.as_str())]
            }
            Self::SubmitQualification(_) | Self::ApplyForOpportunity(_) => Vec::new(),
        }
    }

    /// Each value checked by its field's rule: the values as stored, or every problem.
    pub fn checked(&self) -> Result<Vec<(&'static Field, String)>, Vec<FieldError>> {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        for (wire, raw) in self.values() {
            let Some(field) = fields::field(wire) else { continue };
            match field.rule.check(wire, raw) {
                Ok(value) => values.push((field, value)),
                Err(error) => errors.push(error),
            }
        }
        if errors.is_empty() { Ok(values) } else { Err(errors) }
    }
}

/// The checks the server makes before applying an employee's `body`, for the app to run first.
/// A field only HR changes is refused here already.
pub fn check(body: &MutationBody) -> Result<(), Vec<FieldError>> {
    let hr_only: Vec<FieldError> = body
        .values()
        .into_iter()
        .filter(|(wire, _)| fields::field(wire).is_some_and(|f| f.editor == Editor::Hr))
        .map(|(wire, _)| FieldError::new(wire, FieldProblem::HrOnly))
        .collect();
    if !hr_only.is_empty() {
        return Err(hr_only);
    }
    body.checked().map(drop)
}

/// Why an employee's edit of employment data is refused: HR changes it.
pub fn hr_only() -> Vec<FieldError> {
    check(&MutationBody::UpdateEmployment(EmploymentUpdate {
        entity: String::new(),
        job_title: String::new(),
    }))
    .err()
    .unwrap_or_default()
}

/// The profile as it will be once `body` is applied (the app shows queued edits this way until
/// the server confirms them). Values are normalised as the server does; invalid ones are skipped.
pub fn overlay(profile: &EmployeeProfile, body: &MutationBody, touched: &[String]) -> EmployeeProfile {
    let mut next = profile.clone();
    let wanted = |field: &str| touched.is_empty() || touched.iter().any(|t| t == field);
    for (wire, raw) in body.values() {
        let Some(field) = fields::field(wire) else { continue };
        if wanted(wire)
            && let Ok(value) = field.rule.check(wire, raw)
        {
            *(field.slot)(&mut next) = value;
        }
    }
    next
}

#[cfg(test)]
mod tests;
