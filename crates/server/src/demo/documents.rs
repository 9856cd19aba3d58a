//! The demo employee's documents: qualifications (in all three review states), administrative
//! transactions, sick-leave reports, and the opportunities open to everyone.

use chrono::{Datelike, NaiveDate};
use masar_protocol::{
    AdminTransaction, Equivalency, Grade, Opportunity, OpportunityKind, Qualification, QualificationLevel,
    QualificationStatus, SickLeave, SickLeaveStatus, StudyMode, TransactionStatus,
};

use super::generate::{add_days, add_months, as_of, date, sub_days};
use super::rng::DemoRng;
use super::vocabulary::*;

fn grade_for(gpa: f32, scale: u8) -> Grade {
    let ratio = gpa / f32::from(scale);
    if ratio >= 0.9 {
        Grade::Excellent
    } else if ratio >= 0.8 {
        Grade::VeryGood
    } else if ratio >= 0.7 {
        Grade::Good
    } else {
        Grade::Pass
    }
}

/// A GPA between 65 % and 99 % of the scale, to two decimals.
fn gpa(rng: &mut DemoRng, scale: u8) -> f32 {
    let hundredths = rng.range(u32::from(scale) * 65, u32::from(scale) * 99);
    // At most 9,900: exact in f32.
    #[allow(clippy::cast_precision_loss)]
    let value = hundredths as f32 / 100.0;
    value
}

pub(super) fn qualifications(
    rng: &mut DemoRng,
    index: usize,
    track: &Track,
    birth: NaiveDate,
    appointment: NaiveDate,
) -> Vec<Qualification> {
    let graduated_school = date(birth.year() + 18, 6, rng.range(1, 28));
    let mut list = vec![Qualification {
        id: format!("Q{index}01"),
        level: QualificationLevel::Secondary,
        major: "العلوم الطبيعية".into(),
        institution: (*rng.pick(SECONDARY_SCHOOLS)).into(),
        country: "SA".into(),
        study_mode: StudyMode::Regular,
        start_date: date(birth.year() + 15, 9, 1),
        graduation_date: graduated_school,
        gpa: 0.0,
        gpa_scale: 100,
        grade: Grade::Pass,
        equivalency: None,
        status: QualificationStatus::Verified,
        rejection_reason: None,
    }];
    let first_degree_end = sub_days(appointment, rng.range(60, 300));
    let diploma_first = index % 4 == 3;
    list.push(Qualification {
        id: format!("Q{index}02"),
        level: if diploma_first { QualificationLevel::Diploma } else { QualificationLevel::Bachelor },
        major: track.bachelor_major.into(),
        institution: if diploma_first {
            (*rng.pick(DIPLOMA_INSTITUTES)).into()
        } else {
            (*rng.pick(SAUDI_UNIVERSITIES)).into()
        },
        country: "SA".into(),
        study_mode: StudyMode::Regular,
        start_date: date(graduated_school.year(), 9, 1),
        graduation_date: first_degree_end,
        gpa: 0.0,
        gpa_scale: 5,
        grade: Grade::Pass,
        equivalency: None,
        status: QualificationStatus::Verified,
        rejection_reason: None,
    });
    // Two employees in three have a graduate degree, earned while in service; its review state
    // differs from one employee to the next so every state can be seen.
    if index % 3 != 2 {
        let abroad = rng.percent(50);
        let start = add_months(appointment, rng.range(24, 60));
        let graduation = add_months(start, rng.range(20, 30));
        let (institution, country) =
            if abroad { *rng.pick(FOREIGN_UNIVERSITIES) } else { (*rng.pick(SAUDI_UNIVERSITIES), "SA") };
        let status = match index % 3 {
            0 => QualificationStatus::UnderReview,
            _ => QualificationStatus::Rejected,
        };
        list.push(Qualification {
            id: format!("Q{index}03"),
            level: if diploma_first { QualificationLevel::Bachelor } else { QualificationLevel::Master },
            major: track.graduate_major.into(),
            institution: institution.into(),
            country: country.into(),
            study_mode: if abroad { StudyMode::Regular } else { StudyMode::Affiliation },
            start_date: start,
            graduation_date: graduation,
            gpa: 0.0,
            gpa_scale: if abroad { 4 } else { 5 },
            grade: Grade::Pass,
            equivalency: abroad.then(|| Equivalency {
                number: format!("م/{}", rng.digits(6)),
                date: add_months(graduation, rng.range(2, 8)),
            }),
            status,
            rejection_reason: (status == QualificationStatus::Rejected)
                .then(|| (*rng.pick(REJECTION_REASONS)).into()),
        });
    } else {
        // Without a graduate degree the second qualification is the one still under review.
        if let Some(last) = list.last_mut() {
            last.status = QualificationStatus::UnderReview;
        }
    }
    for q in &mut list {
        q.gpa = gpa(rng, q.gpa_scale);
        q.grade = grade_for(q.gpa, q.gpa_scale);
    }
    list
}

pub(super) fn transactions(rng: &mut DemoRng, index: usize, entity: &str) -> Vec<AdminTransaction> {
    (0..rng.range(2, 4))
        .map(|n| {
            let status = match rng.range(1, 10) {
                1..=5 => TransactionStatus::Completed,
                6..=9 => TransactionStatus::InProgress,
                _ => TransactionStatus::Returned,
            };
            AdminTransaction {
                incoming_number: format!("47{index}{n}{}", rng.digits(6)),
                registration_number: rng.digits(8),
                date: sub_days(as_of(), rng.range(3, 700)),
                entity: entity.into(),
                subject: (*rng.pick(TRANSACTION_SUBJECTS)).into(),
                current_step: match status {
                    TransactionStatus::Completed => "مكتملة".into(),
                    TransactionStatus::Returned => "أعيدت إلى مقدم الطلب".into(),
                    TransactionStatus::InProgress => (*rng.pick(TRANSACTION_STEPS)).into(),
                },
                status,
            }
        })
        .collect()
}

pub(super) fn sick_leaves(rng: &mut DemoRng, index: usize) -> Vec<SickLeave> {
    let count = if index == 0 { rng.range(2, 4) } else { rng.range(0, 4) };
    (0..count)
        .map(|_| {
            let start = sub_days(as_of(), rng.range(10, 1500));
            let days = u16::try_from(rng.range(1, 7)).unwrap_or(1);
            let doctor_first = *rng.pick(MALE_NAMES);
            let doctor_family = *rng.pick(FAMILY_NAMES);
            SickLeave {
                leave_number: format!("GSL{}", rng.digits(11)),
                start_date: start,
                end_date: add_days(start, u32::from(days) - 1),
                days,
                facility: (*rng.pick(HEALTH_FACILITIES)).into(),
                doctor: format!("د. {} {}", doctor_first.0, doctor_family.0),
                issue_date: start,
                status: if rng.percent(85) { SickLeaveStatus::Approved } else { SickLeaveStatus::Pending },
            }
        })
        .collect()
}

pub(super) fn opportunities(rng: &mut DemoRng) -> Vec<Opportunity> {
    OPPORTUNITIES
        .iter()
        .enumerate()
        .map(|(n, &(scholarship, title, provider, location))| {
            let start = add_days(as_of(), rng.range(30, 240));
            Opportunity {
                id: format!("OPP-{:03}", n + 1),
                kind: if scholarship { OpportunityKind::Scholarship } else { OpportunityKind::Training },
                title: title.into(),
                provider: provider.into(),
                location: location.into(),
                start_date: start,
                duration_days: if scholarship {
                    u16::try_from(rng.range(365, 1460)).unwrap_or(730)
                } else {
                    u16::try_from(rng.range(3, 20)).unwrap_or(5)
                },
                application_deadline: sub_days(start, rng.range(14, 30)),
                seats: u16::try_from(rng.range(5, 40)).unwrap_or(10),
                minimum_rank: u8::try_from(rng.range(5, 10)).unwrap_or(6),
            }
        })
        .collect()
}
