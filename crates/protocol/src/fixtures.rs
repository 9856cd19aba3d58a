//! A sample employee for tests (this crate's and, with the `test-fixtures` feature, the app's).

use chrono::NaiveDate;

use crate::NationalId;
use crate::record::{EmployeeProfile, EmployeeRecord, Gender, NationalAddress, PersonName};

fn name(first: &str, father: &str, grandfather: &str, family: &str) -> PersonName {
    PersonName {
        first: first.into(),
        father: father.into(),
        grandfather: grandfather.into(),
        family: family.into(),
    }
}

fn day(year: i32, month: u32, date: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, date).unwrap_or_default()
}

pub fn sample_profile() -> EmployeeProfile {
    EmployeeProfile {
        national_id: NationalId::parse("1000000008").unwrap_or_else(|_| unreachable!("a valid test ID")),
        employee_number: "410001".into(),
        name_ar: name("منيرة", "عمر", "إبراهيم", "الشمري"),
        name_en: name("Munira", "Omar", "Ibrahim", "Alshammari"),
        gender: Gender::Female,
        birth_date: day(1984, 12, 26),
        nationality: "سعودية".into(),
        entity: "وزارة المالية".into(),
        job_title: "محاسب".into(),
        job_number: "05666".into(),
        rank: 8,
        step: 3,
        appointment_date: day(2006, 9, 14),
        mobile: "+966591544275".into(),
        email: "m@mof.gov.sa".into(),
        address: NationalAddress {
            building_number: "4719".into(),
            street: "شارع التخصصي".into(),
            district: "العليا".into(),
            city: "الرياض".into(),
            postal_code: "11738".into(),
            additional_number: "9574".into(),
        },
    }
}

/// The sample profile with an otherwise empty record.
pub fn sample_record() -> EmployeeRecord {
    EmployeeRecord {
        profile: sample_profile(),
        employment_events: Vec::new(),
        qualifications: Vec::new(),
        transactions: Vec::new(),
        sick_leaves: Vec::new(),
    }
}

/// A bachelor's degree under review, as the server stores a submitted qualification.
pub fn sample_qualification_record() -> crate::qualification::QualificationRecord {
    use crate::qualification::{GpaScale, QualificationDetails, QualificationRecord, QualificationStatus};
    use crate::record::{Grade, QualificationLevel, StudyMode};
    QualificationRecord {
        id: "0".repeat(32),
        receipt: "20261129-0001".into(),
        transaction_number: "2026-000001".into(),
        details: QualificationDetails {
            level: QualificationLevel::Bachelor,
            major: "نظم المعلومات".into(),
            institution: "جامعة الملك سعود".into(),
            country: "SA".into(),
            study_mode: StudyMode::Regular,
            start_date: day(2012, 9, 1),
            graduation_date: day(2016, 6, 15),
            gpa: "4.65".into(),
            gpa_scale: GpaScale::Five,
            grade: Grade::Excellent,
            equivalency: None,
        },
        attachments: Vec::new(),
        state: QualificationStatus::UnderReview,
        reason: None,
        submitted_at: chrono::Utc::now(),
        decided_at: None,
        terms_version: crate::qualification::TERMS_VERSION.into(),
        updates: None,
    }
}
