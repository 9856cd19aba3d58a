//! The statement's Arabic: dates in both calendars (Hijri by the official Umm al-Qura table),
//! counted words in the right plural form, the kinds of decisions. Written without tanween and
//! kasra, as the app's own text is.

use chrono::{Datelike, NaiveDate};
use masar_protocol::hijri::to_hijri;
use masar_protocol::record::EmploymentEventKind;
use masar_protocol::service::Span;

/// «14 سبتمبر 2006م — 21 شعبان 1427هـ» (the Hijri part only inside the table).
pub fn both_calendars(date: NaiveDate) -> String {
    masar_protocol::dates::both_calendars_ar(date)
}

/// `30/09/2024` and `27/03/1446` for table cells.
pub fn numeric_dates(date: NaiveDate) -> (String, Option<String>) {
    let gregorian = format!("{:02}/{:02}/{}", date.day(), date.month(), date.year());
    (gregorian, to_hijri(date).map(|h| format!("{:02}/{:02}/{}", h.day, h.month, h.year)))
}

/// The forms of a counted word: «سنة واحدة», «سنتان», «3 سنوات», «11 سنة», «100 سنة».
struct Forms {
    one: &'static str,
    two: &'static str,
    few: &'static str,
    many: &'static str,
    other: &'static str,
}

const YEARS: Forms =
    Forms { one: "سنة واحدة", two: "سنتان", few: "سنوات", many: "سنة", other: "سنة" };
const MONTHS: Forms =
    Forms { one: "شهر واحد", two: "شهران", few: "أشهر", many: "شهرا", other: "شهر" };
const DAYS: Forms =
    Forms { one: "يوم واحد", two: "يومان", few: "أيام", many: "يوما", other: "يوم" };

/// Arabic plural forms as CLDR chooses them (1, 2, n%100 in 3–10, n%100 in 11–99, the rest).
fn counted(n: u32, forms: &Forms) -> String {
    match (n, n % 100) {
        (1, _) => forms.one.to_owned(),
        (2, _) => forms.two.to_owned(),
        (_, 3..=10) => format!("{n} {}", forms.few),
        (_, 11..=99) => format!("{n} {}", forms.many),
        _ => format!("{n} {}", forms.other),
    }
}

/// «19 سنة و10 أشهر و14 يوما»: the parts that are not zero.
pub fn span(span: Span) -> String {
    let parts: Vec<String> = [
        (span.years > 0).then(|| counted(span.years, &YEARS)),
        (span.months > 0).then(|| counted(span.months, &MONTHS)),
        (span.days > 0).then(|| counted(span.days, &DAYS)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() { "0 يوم".to_owned() } else { parts.join(" و") }
}

pub fn days(n: u32) -> String {
    counted(n, &DAYS)
}

pub fn kind(kind: EmploymentEventKind) -> &'static str {
    match kind {
        EmploymentEventKind::Appointment => "تعيين",
        EmploymentEventKind::Promotion => "ترقية",
        EmploymentEventKind::Transfer => "نقل",
        EmploymentEventKind::Assignment => "تكليف",
        EmploymentEventKind::Secondment => "إعارة",
        EmploymentEventKind::LeaveWithoutPay => "إجازة بدون راتب",
        EmploymentEventKind::EndOfService => "انتهاء الخدمة",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_both_calendars_by_the_official_table() {
        let date = NaiveDate::from_ymd_opt(1984, 12, 26).unwrap();
        assert_eq!(both_calendars(date), "26 ديسمبر 1984م — 4 ربيع الآخر 1405هـ");
        assert_eq!(numeric_dates(date), ("26/12/1984".into(), Some("04/04/1405".into())));
        let before = NaiveDate::from_ymd_opt(1920, 1, 1).unwrap();
        assert_eq!(both_calendars(before), "1 يناير 1920م");
    }

    #[test]
    fn spans_use_the_arabic_plural_forms() {
        assert_eq!(span(Span { years: 19, months: 10, days: 14 }), "19 سنة و10 أشهر و14 يوما");
        assert_eq!(span(Span { years: 1, months: 2, days: 0 }), "سنة واحدة وشهران");
        assert_eq!(span(Span { years: 3, months: 0, days: 1 }), "3 سنوات ويوم واحد");
        assert_eq!(span(Span { years: 100, months: 0, days: 0 }), "100 سنة");
        assert_eq!(span(Span::default()), "0 يوم");
        assert_eq!(days(123), "123 يوما");
        assert_eq!(days(200), "200 يوم");
    }
}
