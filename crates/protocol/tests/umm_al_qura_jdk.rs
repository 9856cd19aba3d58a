//! The Umm al-Qura table checked against a second source that shares nothing with the one it was
//! generated from: the `islamic-umalqura` calendar OpenJDK ships (`HijrahChronology`, read by
//! `xtask/scripts/UmmAlQuraMonths.java` through the JDK's own API). The two agree on every month
//! of 1420–1450 AH; outside it they differ, and the product keeps the published table (README,
//! "Hijri dates: which table"). The counts below were measured when this check was written; a
//! change in either source fails here and has to be looked at.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use chrono::NaiveDate;
use masar_protocol::hijri::{FIRST_YEAR, HijriDate, MONTHS, to_gregorian};

/// (year, month) → (1st of the month in the Gregorian calendar, days in the month).
type Months = BTreeMap<(i32, u32), (NaiveDate, u8)>;

fn jdk() -> Months {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../xtask/scripts/UmmAlQuraMonths.java");
    let output = Command::new("java").arg(&script).output().expect(
        "this check runs OpenJDK's Umm al-Qura calendar: install a JDK (cargo xtask setup installs \
         openjdk-17-jdk-headless)",
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let mut months = Months::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let parts: Vec<&str> = line.split(' ').collect();
        let (year, month) = (parts[0].parse().unwrap(), parts[1].parse().unwrap());
        months.insert((year, month), (parts[2].parse().unwrap(), parts[3].parse().unwrap()));
    }
    months
}

fn ours() -> Months {
    let mut months = Months::new();
    for (index, lengths) in MONTHS.iter().enumerate() {
        let year = FIRST_YEAR + i32::try_from(index).unwrap();
        for (month, length) in (1..=12).zip(lengths) {
            let first = to_gregorian(HijriDate { year, month, day: 1 }).unwrap();
            months.insert((year, month), (first, *length));
        }
    }
    months
}

/// In `years`: the months whose first day differs, and those whose length differs.
fn differences(ours: &Months, jdk: &Months, years: std::ops::RangeInclusive<i32>) -> (usize, usize) {
    let mut starts = 0;
    let mut lengths = 0;
    for ((year, month), (first, length)) in ours {
        if !years.contains(year) {
            continue;
        }
        let (jdk_first, jdk_length) = jdk[&(*year, *month)];
        starts += usize::from(*first != jdk_first);
        lengths += usize::from(*length != jdk_length);
    }
    (starts, lengths)
}

#[test]
fn the_table_agrees_with_openjdk_from_1420_to_1450_and_differs_where_measured() {
    let (ours, jdk) = (ours(), jdk());
    assert_eq!(ours.len(), 158 * 12, "1343–1500 AH");
    assert!(jdk.contains_key(&(1343, 1)) && jdk.contains_key(&(1500, 12)), "the JDK covers the table");
    // 1 Muharram 1420 = 17 April 1999 and 1 Muharram 1446 = 7 July 2024, in both.
    for ((year, month), date) in [((1420, 1), (1999, 4, 17)), ((1446, 1), (2024, 7, 7))] {
        let expected = NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
        assert_eq!(ours[&(year, month)].0, expected);
        assert_eq!(jdk[&(year, month)].0, expected);
    }
    assert_eq!(differences(&ours, &jdk, 1420..=1450), (0, 0), "372 months, every one the same");
    // Before 1420 the published table and the JDK's computed one part: 529 of 924 months begin
    // on another day (at most 2 days apart) and 438 differ in length; after 1450, 211 and 388 of
    // 600.
    assert_eq!(differences(&ours, &jdk, 1343..=1419), (529, 438));
    assert_eq!(differences(&ours, &jdk, 1451..=1500), (211, 388));
}

#[test]
fn only_eight_published_months_of_the_early_years_have_28_or_31_days() {
    let (ours, jdk) = (ours(), jdk());
    let odd: Vec<((i32, u32), u8)> = ours
        .iter()
        .filter(|(_, (_, length))| !(29..=30).contains(length))
        .map(|(key, (_, length))| (*key, *length))
        .collect();
    assert_eq!(
        odd,
        [
            ((1343, 9), 28),
            ((1345, 5), 31),
            ((1345, 8), 28),
            ((1348, 11), 31),
            ((1348, 12), 28),
            ((1349, 10), 28),
            ((1349, 11), 31),
            ((1364, 8), 28),
        ]
    );
    assert!(jdk.values().all(|(_, length)| (29..=30).contains(length)), "the JDK computes 29 or 30");
}
