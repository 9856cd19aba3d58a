//! Builds the demo employees and opportunities from a seed and the server's today. Pure: no
//! database, no clock.

use chrono::{Datelike, Days, Months, NaiveDate};
use masar_protocol::{
    EmployeeProfile, EmployeeRecord, EmploymentEvent, EmploymentEventKind, Gender, NationalAddress,
    NationalId, Opportunity, PersonName,
};

use super::documents::{opportunities, qualifications, sick_leaves, transactions};
use super::rng::DemoRng;
use super::vocabulary::*;

/// How many employees `--demo` creates.
pub const DEMO_EMPLOYEES: usize = 6;

/// The day the demo data is drawn "as of", before it is moved to the server's today (see
/// `calendar`): fixed, so the same seed gives the same people on any day.
pub(super) fn as_of() -> NaiveDate {
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

/// The demo data of `seed` as of `today`: the same people, records and documents on any day,
/// their dates as far from `today` as they are from the fixed day they are drawn on.
pub fn generate(seed: u64, today: NaiveDate) -> DemoData {
    super::calendar::moved(drawn(seed), (today - as_of()).num_days())
}

/// The demo data of `seed` as of the fixed day.
fn drawn(seed: u64) -> DemoData {
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

pub(super) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

pub(super) fn add_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months)).unwrap_or(day)
}

pub(super) fn add_days(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_days(Days::new(u64::from(days))).unwrap_or(day)
}

pub(super) fn sub_days(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(days))).unwrap_or(day)
}

/// A plausible Hijri year for a decision number (the Hijri year runs about 579 years behind).
pub(super) fn decision_number(rng: &mut DemoRng, on: NaiveDate) -> String {
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

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;
