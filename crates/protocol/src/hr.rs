//! What HR officers send.

use serde::{Deserialize, Serialize};

use crate::sync::EmploymentUpdate;

/// `PUT /v1/hr/employees/{id}/employment`: the employment data as HR sets it, on the record
/// version it was read at (a change to the same field since then is a conflict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmploymentChange {
    #[specta(type = f64)]
    pub base_version: u64,
    pub entity: String,
    pub job_title: String,
    /// Why HR changes it (required, at most 500 characters): in the employee's trail.
    #[serde(default)]
    pub reason: String,
}

impl EmploymentChange {
    pub fn update(&self) -> EmploymentUpdate {
        EmploymentUpdate { entity: self.entity.clone(), job_title: self.job_title.clone() }
    }
}

/// One qualification in HR's review queue, with whose it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReviewItem {
    pub national_id: crate::NationalId,
    pub name_ar: crate::PersonName,
    pub entity: String,
    pub qualification: crate::qualification::QualificationRecord,
    /// The request's version as read: the decision names it (`Decision::read_version`).
    #[specta(type = f64)]
    pub version: u64,
    /// For an update (تحديث المؤهل): the qualification as the record holds it now, to compare.
    pub on_record: Option<crate::record::Qualification>,
}

impl ReviewItem {
    /// Whether `query` (lower case) is part of the name, national ID, major, institution,
    /// transaction or receipt number.
    pub fn matches(&self, query: &str) -> bool {
        let q = &self.qualification;
        [
            self.name_ar.full(),
            self.national_id.to_string(),
            q.details.major.clone(),
            q.details.institution.clone(),
            q.transaction_number.clone(),
            q.receipt.clone(),
        ]
        .iter()
        .any(|text| text.to_lowercase().contains(query))
    }
}

/// `GET /v1/hr/qualifications`: which ones (all filters optional; by default those under review).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct ReviewFilter {
    pub state: Option<crate::record::QualificationStatus>,
    pub level: Option<crate::record::QualificationLevel>,
    /// Part of a name, major, institution, transaction or receipt number, or a national ID.
    pub query: Option<String>,
}
