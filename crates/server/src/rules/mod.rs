//! The server's business rules, written once for every store.
//!
//! Each decision is a pure function over what a store read (the lockout, a code check, a push's
//! replay, a qualification's or an application's decision, …), tested here as tables with
//! hand-written expected values. Each business transaction is one script over a store's rows: it
//! reads through a `*Rows` trait, asks the rule, and writes the outcome through the same trait.
//! The SQLite and PostgreSQL stores implement the traits with SQL and row mapping only, inside
//! the one transaction the store opened, so a rule changed here is changed for both.
//!
//! The traits' methods are `async` because PostgreSQL's driver is; SQLite's implementation
//! answers at once, and runs a script to its end on the thread that holds its connection.

use chrono::{DateTime, Datelike, Utc};
use masar_protocol::NationalId;

pub mod activity;
pub mod applications;
pub mod edits;
pub mod hr_authority;
pub mod oidc;
pub mod oidc_rows;
pub mod qualifications;
pub mod records;
pub mod signin;
pub mod signin_rows;
pub mod statements;
pub mod sync;
pub mod uploads;

pub use records::{Audit, RecordRows};

/// A record as stored: its value, its version, and its owner's national ID.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<T> {
    pub record: T,
    pub version: u64,
    pub owner: String,
}

/// An officer's decision as stored on a record: the new state and its reason, who decided and
/// when, and the record's next version.
#[derive(Debug, Clone, Copy)]
pub struct DecisionRow<'a> {
    pub state: &'a str,
    pub reason: Option<&'a str>,
    pub officer: &'a NationalId,
    pub at_ms: i64,
    pub version: u64,
}

/// A stored time (milliseconds since the epoch) as a date and time.
pub fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A transaction number as the employee sees it: the prefix, the year it was given in and the
/// sequence number, six digits (`2026-000042`, `TR-2026-000007`).
pub fn transaction_number(prefix: &str, now_ms: i64, seq: i64) -> String {
    format!("{prefix}{}-{seq:06}", utc(now_ms).year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_numbers_carry_the_year_and_six_digits() {
        // 2026-03-01T00:00:00Z and 2031-12-31T23:59:59Z, written out by hand.
        assert_eq!(transaction_number("", 1_772_323_200_000, 42), "2026-000042");
        assert_eq!(transaction_number("TR-", 1_956_527_999_000, 7), "TR-2031-000007");
        assert_eq!(transaction_number("", 1_772_323_200_000, 1_234_567), "2026-1234567");
    }
}
