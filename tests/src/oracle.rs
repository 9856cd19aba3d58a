//! What the career page must say, worked out here apart from the product's code: the length of
//! service in calendar years, months and days, leave without pay counted out, and its Arabic
//! words. The rule is the one the product documents (service from the appointment to the end of
//! service or today, that day not counted; each stretch between leaves measured in calendar
//! months, a month from the 31st ending on a shorter month's last day; 30 days carry into a
//! month and 12 months into a year); the counting and the words are written again here, so a
//! mistake in the product's version shows as a difference.

use chrono::{Datelike, NaiveDate};
use masar_protocol::{EmploymentEvent, EmploymentEventKind};

/// Years, months, days.
pub type Span = (u32, u32, u32);

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// `from` moved on by `months` calendar months, on the month's last day when it is shorter.
fn months_on(from: NaiveDate, months: u32) -> Option<NaiveDate> {
    let index = from.year() * 12 + from.month0() as i32 + months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    NaiveDate::from_ymd_opt(year, month, from.day().min(days_in(year, month)))
}

/// Whole calendar months from `from`, then the days left, up to `until` (not counted).
fn stretch(from: NaiveDate, until: NaiveDate) -> Span {
    let (mut months, mut reached) = (0, from);
    while let Some(next) = months_on(from, months + 1).filter(|next| *next <= until) {
        months += 1;
        reached = next;
    }
    let days = if until > reached { (until - reached).num_days() as u32 } else { 0 };
    (months / 12, months % 12, days)
}

/// The length of service on `today` from the record's decisions and the profile's appointment.
pub fn length_of_service(events: &[EmploymentEvent], appointment: NaiveDate, today: NaiveDate) -> Span {
    let of = |kind| events.iter().filter(move |e: &&EmploymentEvent| e.kind == kind);
    let from = of(EmploymentEventKind::Appointment).map(|e| e.date).min().unwrap_or(appointment);
    let until = of(EmploymentEventKind::EndOfService).map(|e| e.date).min().unwrap_or(today).max(from);
    // Leaves (their end date is their last day), inside the service, overlapping ones joined.
    let mut leaves: Vec<(NaiveDate, NaiveDate)> = of(EmploymentEventKind::LeaveWithoutPay)
        .map(|e| (e.date.max(from), e.end_date.and_then(|d| d.succ_opt()).unwrap_or(until).min(until)))
        .filter(|(start, end)| start < end)
        .collect();
    leaves.sort();
    let mut joined: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for (start, end) in leaves {
        match joined.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => joined.push((start, end)),
        }
    }
    let (mut total_months, mut total_days) = (0, 0);
    let mut start = from;
    for (leave_from, leave_until) in joined.iter().copied().chain([(until, until)]) {
        let (y, m, d) = stretch(start, leave_from);
        total_months += y * 12 + m;
        total_days += d;
        start = leave_until;
    }
    total_months += total_days / 30;
    (total_months / 12, total_months % 12, total_days % 30)
}

/// `count` in Arabic with its counted noun, by the Arabic plural categories (1, 2, 3–10, 11–99,
/// and the rest): `forms` is one, two, few (with the number), many (with the number), other.
fn arabic(count: u32, forms: [&str; 5]) -> String {
    let [one, two, few, many, other] = forms;
    match (count, count % 100) {
        (1, _) => one.to_owned(),
        (2, _) => two.to_owned(),
        (_, 3..=10) => format!("{count} {few}"),
        (_, 11..=99) => format!("{count} {many}"),
        _ => format!("{count} {other}"),
    }
}

/// The span as the Arabic page says it: «19 سنة و10 أشهر و21 يوما», the parts that are not zero.
pub fn arabic_words((years, months, days): Span) -> String {
    let parts: Vec<String> = [
        (years, ["سنة واحدة", "سنتان", "سنوات", "سنة", "سنة"]),
        (months, ["شهر واحد", "شهران", "أشهر", "شهرا", "شهر"]),
        (days, ["يوم واحد", "يومان", "أيام", "يوما", "يوم"]),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, forms)| arabic(count, forms))
    .collect();
    if parts.is_empty() { "0 يوم".to_owned() } else { parts.join(" و") }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(iso: &str) -> NaiveDate {
        NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
    }

    fn leave(from: &str, last_day: &str) -> EmploymentEvent {
        EmploymentEvent {
            kind: EmploymentEventKind::LeaveWithoutPay,
            decision_number: "1/1".into(),
            date: d(from),
            end_date: Some(d(last_day)),
            job_title: String::new(),
            job_number: String::new(),
            rank: 0,
            step: 0,
            entity: String::new(),
        }
    }

    // Worked out by hand on a calendar.
    #[test]
    fn stretches_are_counted_in_calendar_months_then_days() {
        assert_eq!(stretch(d("2006-09-14"), d("2026-12-06")), (20, 2, 22));
        assert_eq!(stretch(d("2020-01-31"), d("2020-02-29")), (0, 1, 0), "the 31st to February's end");
        assert_eq!(stretch(d("2020-01-31"), d("2020-02-28")), (0, 0, 28));
        assert_eq!(stretch(d("2024-03-01"), d("2024-03-01")), (0, 0, 0));
    }

    #[test]
    fn leave_without_pay_is_counted_out_and_days_carry_at_thirty() {
        // 2010-01-01 → 2010-03-01 with a leave on 2010-01-11..=2010-01-20: 10 days (Jan 1–10),
        // then Jan 21 → Feb 21 a month and Feb 21 → Mar 1 eight days (February 2010 has 28).
        let events = [leave("2010-01-11", "2010-01-20")];
        assert_eq!(length_of_service(&events, d("2010-01-01"), d("2010-03-01")), (0, 1, 18));
        // Two overlapping leaves are one (Jan 11–25): 10 days, then Jan 26 → Mar 1 a month and 3.
        let events = [leave("2010-01-11", "2010-01-20"), leave("2010-01-15", "2010-01-25")];
        assert_eq!(length_of_service(&events, d("2010-01-01"), d("2010-03-01")), (0, 1, 13));
        // 25 days and 10 days carry: 35 days are a month and 5.
        let events = [leave("2010-01-26", "2010-02-25")];
        assert_eq!(length_of_service(&events, d("2010-01-01"), d("2010-03-08")), (0, 1, 5));
    }

    #[test]
    fn the_arabic_words_follow_the_plural_categories() {
        assert_eq!(arabic_words((19, 10, 21)), "19 سنة و10 أشهر و21 يوما");
        assert_eq!(arabic_words((1, 2, 0)), "سنة واحدة وشهران");
        assert_eq!(arabic_words((2, 0, 1)), "سنتان ويوم واحد");
        assert_eq!(arabic_words((0, 0, 0)), "0 يوم");
    }
}
