//! The employee's record as Masar keeps it: profile, employment events, qualifications,
//! administrative transactions, sick-leave reports; plus training and scholarship opportunities.
//! Dates are Gregorian (`YYYY-MM-DD`); the UI derives Hijri for display.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::NationalId;

/// A four-part name as written on Saudi documents: given name, father, grandfather, family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PersonName {
    pub first: String,
    pub father: String,
    pub grandfather: String,
    pub family: String,
}

impl PersonName {
    pub fn full(&self) -> String {
        [&self.first, &self.father, &self.grandfather, &self.family]
            .iter()
            .filter(|part| !part.is_empty())
            .map(|part| part.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// العنوان الوطني.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NationalAddress {
    /// Four digits.
    pub building_number: String,
    pub street: String,
    pub district: String,
    pub city: String,
    /// Five digits.
    pub postal_code: String,
    /// Four digits.
    pub additional_number: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// Personal, employment and contact data of one employee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmployeeProfile {
    pub national_id: NationalId,
    pub employee_number: String,
    pub name_ar: PersonName,
    pub name_en: PersonName,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub nationality: String,
    /// الجهة: the government entity the employee works for now.
    pub entity: String,
    pub job_title: String,
    pub job_number: String,
    /// المرتبة.
    pub rank: u8,
    /// الدرجة.
    pub step: u8,
    pub appointment_date: NaiveDate,
    /// E.164, `+9665XXXXXXXX`.
    pub mobile: String,
    pub email: String,
    pub address: NationalAddress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EmploymentEventKind {
    Appointment,
    Promotion,
    Transfer,
    Assignment,
    Secondment,
    LeaveWithoutPay,
    EndOfService,
}

/// One decision in the employment record (السجل الوظيفي).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmploymentEvent {
    pub kind: EmploymentEventKind,
    pub decision_number: String,
    pub date: NaiveDate,
    /// Set for events with a period (leave without pay, assignment, secondment).
    pub end_date: Option<NaiveDate>,
    pub job_title: String,
    pub job_number: String,
    pub rank: u8,
    pub step: u8,
    pub entity: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QualificationLevel {
    Secondary,
    Diploma,
    Bachelor,
    HigherDiploma,
    Master,
    Doctorate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StudyMode {
    /// انتظام.
    Regular,
    /// انتساب.
    Affiliation,
    /// عن بعد.
    Distance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QualificationStatus {
    UnderReview,
    Verified,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    VeryGood,
    Good,
    Pass,
}

/// Ministry of Education equivalency of a foreign degree (معادلة الشهادة).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Equivalency {
    pub number: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Qualification {
    pub id: String,
    pub level: QualificationLevel,
    pub major: String,
    pub institution: String,
    pub country: String,
    pub study_mode: StudyMode,
    pub start_date: NaiveDate,
    pub graduation_date: NaiveDate,
    pub gpa: f32,
    /// 4, 5 or 100.
    pub gpa_scale: u8,
    pub grade: Grade,
    pub equivalency: Option<Equivalency>,
    pub status: QualificationStatus,
    /// Set when HR rejected it: what to fix.
    pub rejection_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransactionStatus {
    InProgress,
    Completed,
    Returned,
}

/// An administrative transaction (معاملة إدارية), looked up by incoming number or by
/// registration number + date + entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdminTransaction {
    pub incoming_number: String,
    pub registration_number: String,
    pub date: NaiveDate,
    pub entity: String,
    pub subject: String,
    pub current_step: String,
    pub status: TransactionStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SickLeaveStatus {
    Approved,
    Pending,
    Cancelled,
}

/// A sick-leave report issued through the Ministry of Health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SickLeave {
    /// `GSL` followed by digits.
    pub leave_number: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub days: u16,
    pub facility: String,
    pub doctor: String,
    pub issue_date: NaiveDate,
    pub status: SickLeaveStatus,
}

/// Everything Masar keeps about one employee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmployeeRecord {
    pub profile: EmployeeProfile,
    /// Oldest first.
    pub employment_events: Vec<EmploymentEvent>,
    pub qualifications: Vec<Qualification>,
    pub transactions: Vec<AdminTransaction>,
    pub sick_leaves: Vec<SickLeave>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OpportunityKind {
    Training,
    Scholarship,
}

/// A training course or scholarship open to government employees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Opportunity {
    pub id: String,
    pub kind: OpportunityKind,
    pub title: String,
    pub provider: String,
    pub location: String,
    pub start_date: NaiveDate,
    pub duration_days: u16,
    pub application_deadline: NaiveDate,
    pub seats: u16,
    pub minimum_rank: u8,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample_profile() -> EmployeeProfile {
        crate::fixtures::sample_profile()
    }

    #[test]
    fn full_name_joins_the_four_parts() {
        let name = PersonName {
            first: "عبدالله".into(),
            father: "محمد".into(),
            grandfather: "سعد".into(),
            family: "القحطاني".into(),
        };
        assert_eq!(name.full(), "عبدالله محمد سعد القحطاني");
    }

    #[test]
    fn dates_and_enums_use_the_documented_wire_form() {
        let event = EmploymentEvent {
            kind: EmploymentEventKind::LeaveWithoutPay,
            decision_number: "1445/123".into(),
            date: NaiveDate::from_ymd_opt(2020, 1, 5).unwrap(),
            end_date: None,
            job_title: "محاسب".into(),
            job_number: "10234".into(),
            rank: 6,
            step: 3,
            entity: "وزارة المالية".into(),
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["kind"], "leave_without_pay");
        assert_eq!(json["date"], "2020-01-05");
        assert_eq!(json["decisionNumber"], "1445/123");
    }
}
