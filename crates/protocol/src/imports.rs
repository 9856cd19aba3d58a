//! Importing a sealed export (see `sealed`): the server's recipient key, a workstation's device
//! key, and what an import answers. Two doors, one rule: the employee at another workstation
//! (`POST /v1/imports`), or an HR officer of the employee's entity (`POST /v1/hr/imports`).

use serde::{Deserialize, Serialize};

use crate::sync::{MutationBody, MutationOutcome};
use crate::validate::FieldError;

/// The server's X25519 recipient sealed exports are encrypted to (`GET /v1/exports/recipient`),
/// in age's text form (`age1…`). Kept in the vault, so an export can be written offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExportRecipient {
    pub recipient: String,
}

/// A workstation's Ed25519 public key (64 hex digits), registered for the signed-in employee
/// (`PUT /v1/me/devices`): an export it signs is the employee's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceKey {
    pub public_key: String,
}

/// What a mutation asks, without its values: how a report names an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MutationAction {
    UpdateContact,
    UpdatePersonal,
    UpdateEmployment,
    SubmitQualification,
    ApplyForOpportunity,
}

impl MutationBody {
    pub fn action(&self) -> MutationAction {
        match self {
            Self::UpdateContact(_) => MutationAction::UpdateContact,
            Self::UpdatePersonal(_) => MutationAction::UpdatePersonal,
            Self::UpdateEmployment(_) => MutationAction::UpdateEmployment,
            Self::SubmitQualification(_) => MutationAction::SubmitQualification,
            Self::ApplyForOpportunity(_) => MutationAction::ApplyForOpportunity,
        }
    }
}

/// One item of an imported file and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportedItem {
    /// The mutation's id on its workstation.
    #[specta(type = f64)]
    pub id: u64,
    pub action: MutationAction,
    /// Applied, refused with the reasons, or a conflict the employee settles when they next open
    /// the record.
    pub outcome: ImportOutcome,
    /// It had reached Masar before (from its workstation, or an earlier import of the same work):
    /// the stored result, nothing applied again.
    pub already_applied: bool,
}

/// What became of one item, as a report tells it (the server's values of a conflict stay out:
/// the employee sees them when they next open the record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ImportOutcome {
    Applied,
    /// Invalid or not allowed; the reason per field.
    Rejected {
        errors: Vec<FieldError>,
    },
    /// The same fields changed in Masar since the edit was made.
    Conflict {
        fields: Vec<String>,
    },
    /// Its id was used before for something else on its workstation: not applied.
    IdReused,
}

impl From<&MutationOutcome> for ImportOutcome {
    fn from(outcome: &MutationOutcome) -> Self {
        match outcome {
            MutationOutcome::Applied { .. } => Self::Applied,
            MutationOutcome::Rejected { errors } => Self::Rejected { errors: errors.clone() },
            MutationOutcome::Conflict { fields, .. } => Self::Conflict { fields: fields.clone() },
            MutationOutcome::IdReused => Self::IdReused,
        }
    }
}

/// What an import did, item by item. Nothing is applied from a file that is refused whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Whose work it is, masked (`1********1`).
    pub employee: String,
    /// When the file was written on its workstation.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The attachments stored from it (each once, whoever sent it before).
    pub files: u32,
    pub items: Vec<ImportedItem>,
}

/// Why a whole file is refused (`import_refused`, with `import_problem`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportProblem {
    /// Not a sealed export (another file chosen).
    NotSealed,
    /// Sealed for another Masar server.
    OtherServer,
    /// Changed, cut or lengthened somewhere on the way.
    Damaged,
    /// Not signed by the device key it names.
    BadSignature,
    /// Signed by a key not registered for the employee the file belongs to.
    UnregisteredDevice,
    /// The employee's door: the file is another employee's.
    OtherEmployee,
    /// Written longer ago than the server accepts (`max_age_days`), or dated in the future.
    TooOld,
    /// An attachment larger than the server accepts.
    TooLarge,
}
