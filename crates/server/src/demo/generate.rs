//! Builds the demo employees and opportunities from a seed. Pure: no database, no clock.

use chrono::{Datelike, Days, Months, NaiveDate};
use masar_protocol::{
    AdminTransaction, EmployeeProfile, EmployeeRecord, EmploymentEvent, EmploymentEventKind, Equivalency,
    Gender, Grade, NationalAddress, NationalId, Opportunity, OpportunityKind, PersonName, Qualification,
    QualificationLevel, QualificationStatus, SickLeave, SickLeaveStatus, StudyMode, TransactionStatus,
};

use super::rng::DemoRng;
use super::vocabulary::*;

/// How many employees `--demo` creates.
pub const DEMO_EMPLOYEES: usize = 6;

/// The day the demo data is "as of". Fixed, so the same seed gives the same data on any day.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    pub employees: Vec<EmployeeRecord>,
    pub opportunities: Vec<Opportunity>,
    /// An HR officer of the first employee's entity (an employee too, with a record).
    pub hr_officer: EmployeeRecord,
}

impl DemoData {
    /// Everyone who gets an account, with their role: the employees, then the HR officer.
    pub fn accounts(&self) -> impl Iterator<Item = (&EmployeeRecord, masar_protocol::auth::Role)> {
        use masar_protocol::auth::Role;
        self.employees
            .iter()
            .map(|record| (record, Role::Employee))
            .chain(std::iter::once((&self.hr_officer, Role::HrOfficer)))
    }
}

/// The HR officer's job title in the demo data.
pub const HR_OFFICER_TITLE: &str = "أخصائي موارد بشرية";

pub fn generate(seed: u64) -> DemoData {
    let mut rng = DemoRng::new(seed);
    let mut employees: Vec<EmployeeRecord> = Vec::with_capacity(DEMO_EMPLOYEES);
    for index in 0..DEMO_EMPLOYEES {
        let record = loop {
            let candidate = employee(&mut rng, index);
            let taken = employees.iter().any(|e| e.profile.national_id == candidate.profile.national_id);
            if !taken {
                break candidate;
            }
        };
        employees.push(record);
    }
    let opportunities = opportunities(&mut rng);
    // Drawn last, so the employees and opportunities of a seed stay what they were.
    let hr_officer = loop {
        let mut candidate = employee(&mut rng, DEMO_EMPLOYEES);
        let taken = employees.iter().any(|e| e.profile.national_id == candidate.profile.national_id);
        if !taken {
            candidate.profile.entity = employees[0].profile.entity.clone();
            candidate.profile.job_title = HR_OFFICER_TITLE.into();
            break candidate;
        }
    };
    DemoData { employees, opportunities, hr_officer }
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

fn add_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months)).unwrap_or(day)
}

fn add_days(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_days(Days::new(u64::from(days))).unwrap_or(day)
}

fn sub_days(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(days))).unwrap_or(day)
}

/// A plausible Hijri year for a decision number (the Hijri year runs about 579 years behind).
fn decision_number(rng: &mut DemoRng, on: NaiveDate) -> String {
    format!("{}/{}", on.year() - 579, rng.range(10_000, 99_999))
}

fn title_for(track: &Track, rank: u8) -> &'static str {
    match rank {
        0..=8 => track.titles[0],
        9..=11 => track.titles[1],
        _ => track.titles[2],
    }
}

fn employee(rng: &mut DemoRng, index: usize) -> EmployeeRecord {
    // One resident among citizens: an Iqama number starts with 2.
    let resident = index == DEMO_EMPLOYEES - 1;
    let national_id = loop {
        let prefix = if resident { "2" } else { "1" };
        if let Ok(id) = NationalId::with_check_digit(&format!("{prefix}{}", rng.digits(8))) {
            break id;
        }
    };
    let gender = if rng.percent(40) { Gender::Female } else { Gender::Male };
    let first = *rng.pick(if gender == Gender::Female { FEMALE_NAMES } else { MALE_NAMES });
    let father = *rng.pick(MALE_NAMES);
    let grandfather = *rng.pick(MALE_NAMES);
    let family = *rng.pick(FAMILY_NAMES);
    let name_ar = PersonName {
        first: first.0.into(),
        father: father.0.into(),
        grandfather: grandfather.0.into(),
        family: family.0.into(),
    };
    let name_en = PersonName {
        first: first.1.into(),
        father: father.1.into(),
        grandfather: grandfather.1.into(),
        family: family.1.into(),
    };
    let track = rng.pick(TRACKS);
    let mut entity = rng.pick(ENTITIES);
    let city = rng.pick(CITIES);

    let appointment =
        date(i32::try_from(rng.range(1996, 2016)).unwrap_or(2005), rng.range(1, 12), rng.range(1, 28));
    let birth = date(
        appointment.year() - i32::try_from(rng.range(22, 27)).unwrap_or(24),
        rng.range(1, 12),
        rng.range(1, 28),
    );

    // The employment record: an appointment, then 4..=29 decisions spread up to the as-of day,
    // exactly one of them a leave without pay.
    let months_available = u32::try_from(
        (as_of().year() - appointment.year()) * 12 + as_of().month0() as i32 - appointment.month0() as i32,
    )
    .unwrap_or(120);
    let later_events = rng.range(4, (months_available / 8).clamp(4, 29));
    let leave_at = rng.range(1, later_events);
    let gap = (months_available.saturating_sub(6) / later_events).max(2);
    let mut rank: u8 = u8::try_from(rng.range(5, 7)).unwrap_or(6);
    let mut step: u8 = 1;
    let mut job_number = rng.digits(5);
    let mut events = vec![EmploymentEvent {
        kind: EmploymentEventKind::Appointment,
        decision_number: decision_number(rng, appointment),
        date: appointment,
        end_date: None,
        job_title: title_for(track, rank).into(),
        job_number: job_number.clone(),
        rank,
        step,
        entity: entity.name.into(),
    }];
    let mut free_from = appointment;
    for n in 1..=later_events {
        let on = add_days(add_months(free_from, rng.range(gap / 2, gap).max(1)), rng.range(0, 20));
        if on >= as_of() {
            break;
        }
        let kind = if n == leave_at {
            EmploymentEventKind::LeaveWithoutPay
        } else {
            match rng.range(1, 100) {
                1..=30 if rank < 13 => EmploymentEventKind::Promotion,
                1..=55 => EmploymentEventKind::Transfer,
                56..=85 => EmploymentEventKind::Assignment,
                _ => EmploymentEventKind::Secondment,
            }
        };
        let years = u8::try_from((on - free_from).num_days() / 365).unwrap_or(0);
        step = (step + years).min(15);
        let mut end_date = None;
        match kind {
            EmploymentEventKind::Promotion => {
                rank += 1;
                step = 1;
                job_number = rng.digits(5);
            }
            EmploymentEventKind::Transfer => {
                entity = rng.pick(ENTITIES);
                job_number = rng.digits(5);
            }
            EmploymentEventKind::LeaveWithoutPay => end_date = Some(add_months(on, rng.range(1, 6))),
            _ => end_date = Some(add_months(on, rng.range(3, 12))),
        }
        events.push(EmploymentEvent {
            kind,
            decision_number: decision_number(rng, on),
            date: on,
            end_date,
            job_title: title_for(track, rank).into(),
            job_number: job_number.clone(),
            rank,
            step,
            entity: entity.name.into(),
        });
        free_from = end_date.unwrap_or(on);
    }
    if !events.iter().any(|e| e.kind == EmploymentEventKind::LeaveWithoutPay) {
        // The last gap was too short for the planned leave: take it right after the last decision.
        let on = add_days(free_from, 30);
        events.push(EmploymentEvent {
            kind: EmploymentEventKind::LeaveWithoutPay,
            decision_number: decision_number(rng, on),
            date: on,
            end_date: Some(add_months(on, 2)),
            job_title: title_for(track, rank).into(),
            job_number: job_number.clone(),
            rank,
            step,
            entity: entity.name.into(),
        });
    }

    let qualifications = qualifications(rng, index, track, birth, appointment);
    let transactions = transactions(rng, index, entity.name);
    let sick_leaves = sick_leaves(rng, index);

    let district = *rng.pick(city.districts);
    let street = *rng.pick(city.streets);
    let profile = EmployeeProfile {
        national_id,
        employee_number: format!("{}", 410_000 + index * 1000 + rng.range(1, 999) as usize),
        name_ar,
        name_en: name_en.clone(),
        gender,
        birth_date: birth,
        nationality: match (resident, gender) {
            (false, Gender::Male) => "سعودي",
            (false, Gender::Female) => "سعودية",
            (true, Gender::Male) => "أردني",
            (true, Gender::Female) => "أردنية",
        }
        .into(),
        entity: entity.name.into(),
        job_title: title_for(track, rank).into(),
        job_number,
        rank,
        step,
        appointment_date: appointment,
        mobile: format!("+9665{}{}", rng.pick(&["0", "3", "4", "5", "6", "9"]), rng.digits(7)),
        email: format!(
            "{}.{}@{}",
            name_en.first.to_lowercase(),
            name_en.family.to_lowercase(),
            entity.domain
        ),
        address: NationalAddress {
            building_number: rng.range(1000, 9999).to_string(),
            street: street.into(),
            district: district.into(),
            city: city.name.into(),
            postal_code: format!("{}{}", city.postal_prefix, rng.digits(4)),
            additional_number: rng.range(1000, 9999).to_string(),
        },
    };
    EmployeeRecord { profile, employment_events: events, qualifications, transactions, sick_leaves }
}

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

fn qualifications(
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
        country: "المملكة العربية السعودية".into(),
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
        country: "المملكة العربية السعودية".into(),
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
        let (institution, country) = if abroad {
            *rng.pick(FOREIGN_UNIVERSITIES)
        } else {
            (*rng.pick(SAUDI_UNIVERSITIES), "المملكة العربية السعودية")
        };
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

fn transactions(rng: &mut DemoRng, index: usize, entity: &str) -> Vec<AdminTransaction> {
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

fn sick_leaves(rng: &mut DemoRng, index: usize) -> Vec<SickLeave> {
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

fn opportunities(rng: &mut DemoRng) -> Vec<Opportunity> {
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
        assert_eq!(generate(1448), generate(1448));
        assert_ne!(generate(1448).employees, generate(1449).employees);
    }

    #[test]
    fn every_employee_is_complete_and_valid() {
        for seed in [1, 2, 1448, 99_999] {
            let data = generate(seed);
            assert_eq!(data.employees.len(), DEMO_EMPLOYEES);
            let ids: HashSet<_> = data.employees.iter().map(|e| e.profile.national_id.clone()).collect();
            assert_eq!(ids.len(), DEMO_EMPLOYEES, "national IDs are unique (seed {seed})");
            assert!(data.employees.iter().any(|e| e.profile.national_id.as_str().starts_with('2')));
            for e in &data.employees {
                let p = &e.profile;
                assert!(NationalId::parse(p.national_id.as_str()).is_ok());
                for part in [&p.name_ar.first, &p.name_ar.father, &p.name_ar.grandfather, &p.name_ar.family] {
                    assert!(part.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "{part}");
                }
                assert!(p.mobile.starts_with("+9665") && p.mobile.len() == 13, "{}", p.mobile);
                assert_eq!(p.address.postal_code.len(), 5);
                assert_eq!(p.address.building_number.len(), 4);
                assert_eq!(p.address.additional_number.len(), 4);

                let events = &e.employment_events;
                assert!((5..=30).contains(&events.len()), "{} events (seed {seed})", events.len());
                assert_eq!(events[0].kind, EmploymentEventKind::Appointment);
                assert_eq!(p.appointment_date, events[0].date);
                assert!(events.windows(2).all(|w| w[0].date < w[1].date), "events in date order");
                assert!(
                    events
                        .iter()
                        .all(|ev| ev.date < as_of() || ev.kind == EmploymentEventKind::LeaveWithoutPay)
                );
                assert_eq!(
                    events.iter().filter(|ev| ev.kind == EmploymentEventKind::LeaveWithoutPay).count(),
                    1
                );
                let last = events.last().unwrap();
                assert_eq!((p.rank, p.step, p.entity.as_str()), (last.rank, last.step, last.entity.as_str()));

                assert!((2..=3).contains(&e.qualifications.len()));
                let states: HashSet<_> = e.qualifications.iter().map(|q| q.status).collect();
                assert!(states.len() >= 2, "qualifications in different states (seed {seed})");
                for q in &e.qualifications {
                    assert!(q.gpa > 0.0 && q.gpa <= f32::from(q.gpa_scale));
                    assert_eq!(q.rejection_reason.is_some(), q.status == QualificationStatus::Rejected);
                }
                assert!(!e.transactions.is_empty());
                assert!(
                    e.sick_leaves
                        .iter()
                        .all(|s| s.leave_number.starts_with("GSL") && s.end_date >= s.start_date)
                );
            }
            assert!(!data.employees[0].sick_leaves.is_empty());
            assert!(data.opportunities.len() >= 10);
            assert!(data.opportunities.iter().any(|o| o.kind == OpportunityKind::Scholarship));
            assert!(data.opportunities.iter().all(|o| o.application_deadline < o.start_date));
        }
    }

    #[test]
    fn all_three_review_states_appear() {
        let data = generate(1448);
        let states: HashSet<_> =
            data.employees.iter().flat_map(|e| e.qualifications.iter().map(|q| q.status)).collect();
        assert_eq!(states.len(), 3);
    }
}
