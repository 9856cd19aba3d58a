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
