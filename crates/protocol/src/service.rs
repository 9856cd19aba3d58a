//! مدة الخدمة: the length of service from the employment record, counted in the Gregorian
//! calendar (the rule for official durations since 2023 unless a rule says Hijri), leave without
//! pay excluded. Shared by the app's screen and the service statement.
//!
//! How it counts: service runs from the appointment to the end of service (that day not counted)
//! or to today; each stretch between leaves is measured in calendar years, months and days (a
//! month from the 31st ends on the last day of a shorter month); the stretches are added and 30
//! days carry into a month, 12 months into a year.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::record::{EmploymentEvent, EmploymentEventKind};

/// A stretch of days, `from` included, `until` not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Stretch {
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// Years, months and days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    pub years: u32,
    pub months: u32,
    pub days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ServiceLength {
    pub total: Span,
    /// The appointment.
    pub from: NaiveDate,
    /// The end of service, or the day it was counted on.
    pub until: NaiveDate,
    pub in_service: bool,
    /// Leave without pay inside the service, as counted out.
    pub excluded: Vec<Stretch>,
    pub excluded_days: u32,
}

/// Calendar years, months and days from `from` to `until` (`until` not counted).
pub fn span_between(from: NaiveDate, until: NaiveDate) -> Span {
    if until <= from {
        return Span::default();
    }
    let months_apart =
        |a: NaiveDate, b: NaiveDate| (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32;
    let mut months = months_apart(from, until);
    let mut reached = from.checked_add_months(Months::new(u32::try_from(months).unwrap_or(0)));
    if reached.is_none_or(|r| r > until) {
        months -= 1;
        reached = from.checked_add_months(Months::new(u32::try_from(months).unwrap_or(0)));
    }
    let days = reached.map_or(0, |r| (until - r).num_days());
    let months = u32::try_from(months).unwrap_or(0);
    Span { years: months / 12, months: months % 12, days: u32::try_from(days).unwrap_or(0) }
}

/// The length of service on `today`, from the record's decisions (oldest first) and the
/// profile's appointment date (used when the record has no appointment decision).
pub fn length_of_service(
    events: &[EmploymentEvent],
    appointment: NaiveDate,
    today: NaiveDate,
) -> ServiceLength {
    let from = events
        .iter()
        .filter(|e| e.kind == EmploymentEventKind::Appointment)
        .map(|e| e.date)
        .min()
        .unwrap_or(appointment);
    let ended = events.iter().filter(|e| e.kind == EmploymentEventKind::EndOfService).map(|e| e.date).min();
    let until = ended.unwrap_or(today).max(from);
    let mut excluded: Vec<Stretch> = events
        .iter()
        .filter(|e| e.kind == EmploymentEventKind::LeaveWithoutPay)
        .filter_map(|e| {
            // The leave's end date is its last day.
            let end = e.end_date.and_then(|d| d.succ_opt()).unwrap_or(until);
            let stretch = Stretch { from: e.date.max(from), until: end.min(until) };
            (stretch.from < stretch.until).then_some(stretch)
        })
        .collect();
    excluded.sort_by_key(|s| s.from);
    let excluded = merge(excluded);

    let mut total = Span::default();
    let mut start = from;
    for leave in &excluded {
        add(&mut total, span_between(start, leave.from));
        start = leave.until;
    }
    add(&mut total, span_between(start, until));
    let excluded_days = excluded.iter().map(|s| (s.until - s.from).num_days()).sum::<i64>();
    ServiceLength {
        total,
        from,
        until,
        in_service: ended.is_none(),
        excluded,
        excluded_days: u32::try_from(excluded_days).unwrap_or(0),
    }
}

/// Overlapping leaves counted once.
fn merge(sorted: Vec<Stretch>) -> Vec<Stretch> {
    let mut merged: Vec<Stretch> = Vec::new();
    for stretch in sorted {
        match merged.last_mut() {
            Some(last) if stretch.from <= last.until => last.until = last.until.max(stretch.until),
            _ => merged.push(stretch),
        }
    }
    merged
}

fn add(total: &mut Span, more: Span) {
    let days = total.days + more.days;
    let months = total.months + more.months + days / 30;
    *total = Span { years: total.years + more.years + months / 12, months: months % 12, days: days % 30 };
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(iso: &str) -> NaiveDate {
        NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
    }

    fn span(years: u32, months: u32, days: u32) -> Span {
        Span { years, months, days }
    }

    fn event(kind: EmploymentEventKind, date: &str, end: Option<&str>) -> EmploymentEvent {
        EmploymentEvent {
            kind,
            decision_number: "1".into(),
            date: d(date),
            end_date: end.map(d),
            job_title: "محاسب".into(),
            job_number: "1".into(),
            rank: 6,
            step: 1,
            entity: "وزارة المالية".into(),
        }
    }

    #[test]
    fn calendar_spans_handle_month_ends_and_leap_days() {
        assert_eq!(span_between(d("2010-01-01"), d("2011-01-01")), span(1, 0, 0));
        // From the 31st: a month ends on the shorter month's last day.
        assert_eq!(span_between(d("2020-01-31"), d("2020-02-29")), span(0, 1, 0));
        assert_eq!(span_between(d("2020-01-31"), d("2020-02-28")), span(0, 0, 28));
        assert_eq!(span_between(d("2021-01-31"), d("2021-03-01")), span(0, 1, 1));
        // From a leap day: a year ends on 28 February.
        assert_eq!(span_between(d("2020-02-29"), d("2021-02-28")), span(1, 0, 0));
        assert_eq!(span_between(d("2020-02-29"), d("2024-02-29")), span(4, 0, 0));
        assert_eq!(span_between(d("2019-03-01"), d("2020-03-01")), span(1, 0, 0));
        assert_eq!(span_between(d("2020-05-10"), d("2020-05-10")), span(0, 0, 0));
    }

    #[test]
    fn a_leave_without_pay_across_a_new_year_is_counted_out() {
        use EmploymentEventKind::*;
        let events = [
            event(Appointment, "2000-01-01", None),
            // 1 Dec 2004 to 28 Feb 2005 inclusive: three months.
            event(LeaveWithoutPay, "2004-12-01", Some("2005-02-28")),
            event(Promotion, "2006-07-01", None),
        ];
        let length = length_of_service(&events, d("2000-01-01"), d("2010-01-01"));
        assert_eq!(length.total, span(9, 9, 0));
        assert_eq!(length.excluded, vec![Stretch { from: d("2004-12-01"), until: d("2005-03-01") }]);
        assert_eq!(length.excluded_days, 90);
        assert!(length.in_service);
    }

    #[test]
    fn still_in_service_counts_to_today_and_the_end_of_service_stops_the_count() {
        use EmploymentEventKind::*;
        let serving = [event(Appointment, "2012-09-15", None)];
        let today = length_of_service(&serving, d("2012-09-15"), d("2026-11-29"));
        assert_eq!((today.total, today.until, today.in_service), (span(14, 2, 14), d("2026-11-29"), true));

        let retired = [event(Appointment, "1985-06-15", None), event(EndOfService, "2020-06-15", None)];
        let length = length_of_service(&retired, d("1985-06-15"), d("2026-11-29"));
        assert_eq!((length.total, length.in_service), (span(35, 0, 0), false));
    }

    #[test]
    fn an_open_leave_runs_to_today_and_leaves_outside_the_service_do_not_count() {
        use EmploymentEventKind::*;
        let events = [
            event(LeaveWithoutPay, "1999-01-01", Some("1999-12-31")),
            event(Appointment, "2000-01-01", None),
            event(LeaveWithoutPay, "2026-10-01", None),
        ];
        let length = length_of_service(&events, d("2000-01-01"), d("2026-11-01"));
        assert_eq!(length.total, span(26, 9, 0));
        assert_eq!(length.excluded_days, 31);
    }

    #[test]
    fn overlapping_leaves_count_once_and_without_an_appointment_the_profile_date_is_used() {
        use EmploymentEventKind::*;
        let events = [
            event(LeaveWithoutPay, "2010-01-01", Some("2010-03-31")),
            event(LeaveWithoutPay, "2010-03-01", Some("2010-06-30")),
        ];
        let length = length_of_service(&events, d("2008-01-01"), d("2012-01-01"));
        assert_eq!(length.from, d("2008-01-01"));
        assert_eq!(length.excluded, vec![Stretch { from: d("2010-01-01"), until: d("2010-07-01") }]);
        assert_eq!(length.total, span(3, 6, 0));
    }
}
