//! Dates written out for people, in both calendars (the Hijri one by the official Umm al-Qura
//! table): the printed statement's and the verification page's. Arabic without tanween and
//! kasra, as the app's own text is.

use chrono::{Datelike, NaiveDate};

use crate::hijri::to_hijri;

const GREGORIAN_MONTHS_AR: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];
const HIJRI_MONTHS_AR: [&str; 12] = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
];

fn month_name(names: &[&'static str; 12], month: u32) -> &'static str {
    names[usize::try_from(month).unwrap_or(1).clamp(1, 12) - 1]
}

const GREGORIAN_MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const HIJRI_MONTHS_EN: [&str; 12] = [
    "Muharram",
    "Safar",
    "Rabi al-Awwal",
    "Rabi al-Akhir",
    "Jumada al-Ula",
    "Jumada al-Akhirah",
    "Rajab",
    "Shaban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qadah",
    "Dhu al-Hijjah",
];

/// «14 سبتمبر 2006م — 21 شعبان 1427هـ».
pub fn both_calendars_ar(date: NaiveDate) -> String {
    let gregorian =
        format!("{} {} {}م", date.day(), month_name(&GREGORIAN_MONTHS_AR, date.month()), date.year());
    match to_hijri(date) {
        Some(h) => format!("{gregorian} — {} {} {}هـ", h.day, month_name(&HIJRI_MONTHS_AR, h.month), h.year),
        None => gregorian,
    }
}

/// «14 September 2006 (21 Shaban 1427 AH)».
pub fn both_calendars_en(date: NaiveDate) -> String {
    let gregorian =
        format!("{} {} {}", date.day(), month_name(&GREGORIAN_MONTHS_EN, date.month()), date.year());
    match to_hijri(date) {
        Some(h) => format!("{gregorian} ({} {} {} AH)", h.day, month_name(&HIJRI_MONTHS_EN, h.month), h.year),
        None => gregorian,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_reads_in_both_calendars_in_both_languages() {
        let day = NaiveDate::from_ymd_opt(2006, 9, 14).unwrap_or_default();
        assert_eq!(both_calendars_ar(day), "14 سبتمبر 2006م — 21 شعبان 1427هـ");
        assert_eq!(both_calendars_en(day), "14 September 2006 (21 Shaban 1427 AH)");
    }
}
