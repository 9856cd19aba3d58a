//! A qualification on the employee's record read as the form's details (what «تحديث المؤهل»
//! starts from and HR compares an update with), and the record's entry with a request's details.

use crate::digits::normalize_digits;
use crate::qualification::{GpaScale, QualificationDetails};
use crate::record::Qualification;

impl QualificationDetails {
    /// A qualification on the record as the form declares it (what «تحديث المؤهل» starts from
    /// and HR compares an update with).
    pub fn of_record(q: &Qualification) -> Self {
        let gpa_scale = match q.gpa_scale {
            4 => GpaScale::Four,
            100 => GpaScale::Hundred,
            _ => GpaScale::Five,
        };
        let gpa = format!("{:.2}", q.gpa);
        let gpa = gpa.trim_end_matches('0').trim_end_matches('.').to_owned();
        Self {
            level: q.level,
            major: q.major.clone(),
            institution: q.institution.clone(),
            country: q.country.clone(),
            study_mode: q.study_mode,
            start_date: q.start_date,
            graduation_date: q.graduation_date,
            gpa,
            gpa_scale,
            grade: q.grade,
            equivalency: q.equivalency.clone(),
        }
    }

    /// `on_record` with these details (its id, state and reason kept).
    pub fn onto_record(&self, on_record: &Qualification) -> Qualification {
        let gpa = normalize_digits(self.gpa.trim()).parse::<f32>().unwrap_or(on_record.gpa);
        let gpa_scale = match self.gpa_scale {
            GpaScale::Four => 4,
            GpaScale::Five => 5,
            GpaScale::Hundred => 100,
        };
        Qualification {
            id: on_record.id.clone(),
            level: self.level,
            major: self.major.clone(),
            institution: self.institution.clone(),
            country: self.country.clone(),
            study_mode: self.study_mode,
            start_date: self.start_date,
            graduation_date: self.graduation_date,
            gpa,
            gpa_scale,
            grade: self.grade,
            equivalency: self.equivalency.clone(),
            status: on_record.status,
            rejection_reason: on_record.rejection_reason.clone(),
        }
    }
}
