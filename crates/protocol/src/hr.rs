//! What HR officers send.

use serde::{Deserialize, Serialize};

use crate::sync::EmploymentUpdate;

/// `PUT /v1/hr/employees/{id}/employment`: the employment data as HR sets it, on the record
/// version it was read at (a change to the same field since then is a conflict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmploymentChange {
    pub base_version: u64,
    pub entity: String,
    pub job_title: String,
}

impl EmploymentChange {
    pub fn update(&self) -> EmploymentUpdate {
        EmploymentUpdate { entity: self.entity.clone(), job_title: self.job_title.clone() }
    }
}
