//! Hijri dates from the Umm al-Qura calendar, by the official table (1343–1500 AH, 1924–2077):
//! the one conversion the app's screens, the service statement and the server use. The runtime's
//! own Islamic calendars (ICU, the webview's `Intl`) follow an astronomical approximation that
//! agrees with the table only around 1420–1450 AH and is a day off on many older dates, which
//! appointment and birth dates are.

mod table;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use table::{FIRST_DAY, FIRST_YEAR, MONTHS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
pub struct HijriDate {
    pub year: i32,
    /// 1 = محرم … 12 = ذو الحجة.
    pub month: u32,
    pub day: u32,
}

/// The table as the UI receives it (the same data, so both sides convert alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UmmAlQuraTable {
    pub first_year: i32,
    /// 1 Muharram of the first year, `YYYY-MM-DD`.
    pub first_day: String,
    /// Per year, the length of each month.
    pub months: Vec<[u8; 12]>,
}

pub fn table() -> UmmAlQuraTable {
    let (y, m, d) = FIRST_DAY;
    UmmAlQuraTable {
        first_year: FIRST_YEAR,
        first_day: format!("{y:04}-{m:02}-{d:02}"),
        months: MONTHS.to_vec(),
    }
}

fn month_length(year_index: usize, month: u32) -> i64 {
    let month = usize::try_from(month).unwrap_or(0).saturating_sub(1).min(11);
    i64::from(MONTHS[year_index][month])
}

fn first_day() -> Option<NaiveDate> {
    let (y, m, d) = FIRST_DAY;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The Hijri date of a Gregorian one; `None` outside the table (before 1924-08-01 or after 2077).
pub fn to_hijri(date: NaiveDate) -> Option<HijriDate> {
    let mut days = date.signed_duration_since(first_day()?).num_days();
    if days < 0 {
        return None;
    }
    for (index, _) in MONTHS.iter().enumerate() {
        for month in 1..=12 {
            let length = month_length(index, month);
            if days < length {
                let year = FIRST_YEAR + i32::try_from(index).ok()?;
                return Some(HijriDate { year, month, day: u32::try_from(days).ok()? + 1 });
            }
            days -= length;
        }
    }
    None
}

/// The Gregorian date of a Hijri one; `None` for a date the table does not have.
pub fn to_gregorian(hijri: HijriDate) -> Option<NaiveDate> {
    let index = usize::try_from(hijri.year - FIRST_YEAR).ok().filter(|i| *i < MONTHS.len())?;
    if !(1..=12).contains(&hijri.month)
        || hijri.day == 0
        || i64::from(hijri.day) > month_length(index, hijri.month)
    {
        return None;
    }
    let mut days = i64::from(hijri.day) - 1;
    for year in 0..index {
        days += (1..=12).map(|m| month_length(year, m)).sum::<i64>();
    }
    days += (1..hijri.month).map(|m| month_length(index, m)).sum::<i64>();
    first_day()?.checked_add_signed(chrono::Duration::days(days))
}

/// `YYYY-MM-DD` in the Hijri calendar, as forms and exports write it.
impl std::fmt::Display for HijriDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(iso: &str) -> NaiveDate {
        NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
    }

    /// Values of the official table (read through `hijridate` 2.5.0), chosen where the runtime's
    /// calendars go wrong (before 1420 AH), at the table's ends, in its irregular early months, at
    /// a leap day and today.
    const OFFICIAL: &[(&str, i32, u32, u32)] = &[
        ("1924-08-01", 1343, 1, 1),
        // Months of 28 and 31 days in the table's early years.
        ("1925-04-23", 1343, 9, 28),
        ("1926-12-06", 1345, 5, 31),
        ("1945-08-07", 1364, 8, 28),
        ("1950-01-01", 1369, 3, 12),
        ("1955-07-20", 1374, 11, 30),
        ("1962-03-15", 1381, 10, 9),
        ("1975-03-01", 1395, 2, 18),
        ("1984-12-26", 1405, 4, 4),
        ("1990-08-02", 1411, 1, 11),
        ("1999-12-31", 1420, 9, 23),
        ("2000-02-29", 1420, 11, 23),
        ("2016-06-15", 1437, 9, 10),
        ("2026-11-28", 1448, 6, 18),
        ("2050-12-31", 1473, 4, 17),
        ("2077-11-16", 1500, 12, 30),
    ];

    #[test]
    fn dates_convert_as_the_official_table_says_both_ways() {
        for &(iso, year, month, day) in OFFICIAL {
            let hijri = HijriDate { year, month, day };
            assert_eq!(to_hijri(date(iso)), Some(hijri), "{iso}");
            assert_eq!(to_gregorian(hijri), Some(date(iso)), "{hijri}");
        }
    }

    #[test]
    fn every_day_of_the_table_goes_there_and_back() {
        let (first, last) = (date("1924-08-01"), date("2077-11-16"));
        let mut day = first;
        let mut previous: Option<HijriDate> = None;
        while day <= last {
            let hijri = to_hijri(day).unwrap();
            assert_eq!(to_gregorian(hijri), Some(day));
            if let Some(before) = previous {
                assert!(hijri > before, "{hijri} after {before}");
            }
            previous = Some(hijri);
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn dates_outside_the_table_have_no_hijri_date() {
        assert_eq!(to_hijri(date("1924-07-31")), None);
        assert_eq!(to_hijri(date("2077-11-17")), None);
        assert_eq!(to_gregorian(HijriDate { year: 1448, month: 13, day: 1 }), None);
        assert_eq!(to_gregorian(HijriDate { year: 1448, month: 6, day: 31 }), None);
        assert_eq!(to_gregorian(HijriDate { year: 1342, month: 1, day: 1 }), None);
    }
}
