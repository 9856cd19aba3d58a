//! Demo data that moves with the calendar. It is drawn once as of a fixed day, so a seed always
//! gives the same people, records and documents; then every date in it is moved by the days from
//! that day to the server's today. Each employee is as old and as long in service, each sick leave
//! as far back and each application deadline as far ahead as on the fixed day, whatever the date.

use chrono::{Datelike, Duration, NaiveDate};
use masar_protocol::{EmployeeRecord, Opportunity};

use super::generate::DemoData;

/// Moves every date of `data` by `days`.
pub(super) fn moved(mut data: DemoData, days: i64) -> DemoData {
    if days == 0 {
        return data;
    }
    let by = Duration::days(days);
    for record in data.employees.iter_mut().chain(std::iter::once(&mut data.hr_officer)) {
        move_record(record, by);
    }
    for opportunity in &mut data.opportunities {
        move_opportunity(opportunity, by);
    }
    data
}

fn shift(day: &mut NaiveDate, by: Duration) {
    *day = day.checked_add_signed(by).unwrap_or(*day);
}

/// A decision number (`1447/12345`) with the Hijri year of the date it now has.
fn renumber(number: &mut String, on: NaiveDate) {
    if let Some((_, serial)) = number.split_once('/') {
        *number = format!("{}/{serial}", on.year() - 579);
    }
}

fn move_record(record: &mut EmployeeRecord, by: Duration) {
    let profile = &mut record.profile;
    shift(&mut profile.birth_date, by);
    shift(&mut profile.appointment_date, by);
    for event in &mut record.employment_events {
        shift(&mut event.date, by);
        if let Some(end) = &mut event.end_date {
            shift(end, by);
        }
        renumber(&mut event.decision_number, event.date);
    }
    for qualification in &mut record.qualifications {
        shift(&mut qualification.start_date, by);
        shift(&mut qualification.graduation_date, by);
        if let Some(equivalency) = &mut qualification.equivalency {
            shift(&mut equivalency.date, by);
        }
    }
    for transaction in &mut record.transactions {
        shift(&mut transaction.date, by);
    }
    for leave in &mut record.sick_leaves {
        shift(&mut leave.start_date, by);
        shift(&mut leave.end_date, by);
        shift(&mut leave.issue_date, by);
    }
}

fn move_opportunity(opportunity: &mut Opportunity, by: Duration) {
    shift(&mut opportunity.start_date, by);
    shift(&mut opportunity.application_deadline, by);
}
