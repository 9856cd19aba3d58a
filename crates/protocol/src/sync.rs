//! The sync protocol: the client pushes its queued mutations in order; the server applies each
//! exactly once and answers with a result per mutation; the client pulls changes after its cursor.

use serde::{Deserialize, Serialize};

use crate::record::{EmployeeProfile, NationalAddress, PersonName};
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MutationResult {
    pub id: u64,
    #[serde(flatten)]
    pub outcome: MutationOutcome,
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

/// A record as it is now on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Change {
    Profile { seq: u64, version: u64, profile: EmployeeProfile },
}

impl Change {
    pub fn seq(&self) -> u64 {
        match self {
            Self::Profile { seq, .. } => *seq,
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

/// The checks the server makes before applying `body`, for the app to run first. Employment data
/// is HR's to change: an employee's edit of it is refused here already.
pub fn check(body: &MutationBody) -> Result<(), Vec<FieldError>> {
    use crate::validate;
    match body {
        MutationBody::UpdateContact(update) => {
            let mut errors = Vec::new();
            if let Err(error) = validate::mobile(&update.mobile) {
                errors.push(error);
            }
            if let Err(error) = validate::email(&update.email) {
                errors.push(error);
            }
            if let Err(mut more) = validate::address(&update.address) {
                errors.append(&mut more);
            }
            if errors.is_empty() { Ok(()) } else { Err(errors) }
        }
        MutationBody::UpdatePersonal(update) => validate::latin_name(&update.name_en).map(drop),
        MutationBody::UpdateEmployment(_) => Err(hr_only()),
    }
}

/// Why an employee's edit of employment data is refused: HR changes it.
pub fn hr_only() -> Vec<FieldError> {
    vec![FieldError::new("entity", FieldProblem::HrOnly), FieldError::new("jobTitle", FieldProblem::HrOnly)]
}

/// The wire names of the fields a mutation sets.
pub fn field_names(body: &MutationBody) -> &'static [&'static str] {
    match body {
        MutationBody::UpdateContact(_) => &[
            "mobile",
            "email",
            "address.buildingNumber",
            "address.street",
            "address.district",
            "address.city",
            "address.postalCode",
            "address.additionalNumber",
        ],
        MutationBody::UpdatePersonal(_) => {
            &["nameEn.first", "nameEn.father", "nameEn.grandfather", "nameEn.family"]
        }
        MutationBody::UpdateEmployment(_) => &["entity", "jobTitle"],
    }
}

/// The profile as it will be once `body` is applied (the app shows queued edits this way until
/// the server confirms them). Values are normalised as the server does; invalid ones are skipped.
pub fn overlay(profile: &EmployeeProfile, body: &MutationBody, touched: &[String]) -> EmployeeProfile {
    use crate::validate;
    let mut next = profile.clone();
    let wanted = |field: &str| touched.is_empty() || touched.iter().any(|t| t == field);
    match body {
        MutationBody::UpdateContact(update) => {
            if wanted("mobile")
                && let Ok(mobile) = validate::mobile(&update.mobile)
            {
                next.mobile = mobile;
            }
            if wanted("email")
                && let Ok(email) = validate::email(&update.email)
            {
                next.email = email;
            }
            if let Ok(address) = validate::address(&update.address) {
                let a = &mut next.address;
                if wanted("address.buildingNumber") {
                    a.building_number = address.building_number;
                }
                if wanted("address.street") {
                    a.street = address.street;
                }
                if wanted("address.district") {
                    a.district = address.district;
                }
                if wanted("address.city") {
                    a.city = address.city;
                }
                if wanted("address.postalCode") {
                    a.postal_code = address.postal_code;
                }
                if wanted("address.additionalNumber") {
                    a.additional_number = address.additional_number;
                }
            }
        }
        MutationBody::UpdatePersonal(update) => {
            if let Ok(name) = validate::latin_name(&update.name_en) {
                let n = &mut next.name_en;
                if wanted("nameEn.first") {
                    n.first = name.first;
                }
                if wanted("nameEn.father") {
                    n.father = name.father;
                }
                if wanted("nameEn.grandfather") {
                    n.grandfather = name.grandfather;
                }
                if wanted("nameEn.family") {
                    n.family = name.family;
                }
            }
        }
        MutationBody::UpdateEmployment(_) => {}
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mutation_travels_as_id_base_version_name_and_args() {
        let mutation = Mutation {
            id: 7,
            base_version: 3,
            fields: vec![],
            body: MutationBody::UpdateEmployment(EmploymentUpdate {
                entity: "x".into(),
                job_title: "y".into(),
            }),
        };
        let json = serde_json::to_value(&mutation).unwrap();
        assert_eq!(json["id"], 7);
        assert_eq!(json["baseVersion"], 3);
        assert_eq!(json["name"], "update_employment");
        assert_eq!(json["args"]["jobTitle"], "y");
        let back: Mutation = serde_json::from_value(json).unwrap();
        assert_eq!(back, mutation);
    }

    #[test]
    fn outcomes_are_tagged() {
        let result = MutationResult { id: 1, outcome: MutationOutcome::Applied { version: 4 } };
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json, serde_json::json!({ "id": 1, "outcome": "applied", "version": 4 }));
    }
}
