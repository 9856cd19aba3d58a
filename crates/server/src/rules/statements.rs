//! What a printed service statement's code says to whoever holds the paper: genuine (the record
//! is as it certified), genuine but the record changed since, expired, or not a code Masar gave.
//! Verification needs no sign-in, so it is limited per client address like signing in.

use chrono::{DateTime, Duration, Utc};
use masar_protocol::statement::StatementFacts;

use crate::storage::IssuedStatement;

/// How long a code verifies unless the server is told otherwise.
pub const DEFAULT_VALIDITY_DAYS: u32 = 90;

/// Verifications a client address may ask for per minute (a burst, then one every two seconds).
pub const DEFAULT_VERIFICATIONS_PER_MINUTE: u32 = 30;

/// The answer to a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Masar gave this code and the record is still what the statement certified.
    Genuine,
    /// Masar gave this code, but the record has changed since (another post, entity, decision):
    /// what the paper says was true on its day, not now.
    ChangedSince,
    /// Masar gave this code, but its period ended: the holder asks for a new statement.
    Expired,
    /// No statement has this code (mistyped, altered, or made up).
    Unknown,
}

/// The standing of `issued` at `now`, `current` being what a statement of the holder's record
/// would certify now (`None`: the record is gone).
pub fn standing(
    issued: Option<&IssuedStatement>,
    now: DateTime<Utc>,
    current: Option<&StatementFacts>,
) -> Standing {
    let Some(issued) = issued else { return Standing::Unknown };
    if now >= issued.expires_at {
        return Standing::Expired;
    }
    match current {
        Some(current) if current.same_record(&issued.facts) => Standing::Genuine,
        _ => Standing::ChangedSince,
    }
}

/// When a code given at `issued_at` stops verifying.
pub fn expiry(issued_at: DateTime<Utc>, validity_days: u32) -> DateTime<Utc> {
    issued_at + Duration::days(i64::from(validity_days.max(1)))
}

/// The key verifications from `address` are limited under (apart from signing in).
pub fn rate_key_of(address: &str) -> String {
    format!("verify:{}", super::signin::rate_key_of(address))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use masar_protocol::NationalId;
    use masar_protocol::record::PersonName;
    use masar_protocol::service::Span;

    use super::*;

    fn facts() -> StatementFacts {
        StatementFacts {
            masked_id: "1********8".to_owned(),
            name_ar: PersonName {
                first: "هند".to_owned(),
                father: "سعد".to_owned(),
                grandfather: "عبدالله".to_owned(),
                family: "الدوسري".to_owned(),
            },
            entity: "وزارة المالية".to_owned(),
            job_title: "محاسب".to_owned(),
            appointment_date: NaiveDate::from_ymd_opt(2012, 3, 4).unwrap_or_default(),
            service: Span { years: 14, months: 8, days: 2 },
            as_of: NaiveDate::from_ymd_opt(2026, 11, 6).unwrap_or_default(),
            decisions: 4,
        }
    }

    fn issued(at: DateTime<Utc>) -> IssuedStatement {
        IssuedStatement {
            holder: NationalId::parse("1000000008").unwrap_or_else(|_| unreachable!("a valid test ID")),
            code: "MSR-ACDE-2346-79XY".to_owned(),
            facts: facts(),
            issued_at: at,
            expires_at: expiry(at, 90),
        }
    }

    #[test]
    fn a_code_is_genuine_changed_expired_or_unknown() {
        let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
        let code = issued(at);
        let later = |days: i64| at + Duration::days(days);
        // The length of service grows and the day moves on: not a change.
        let grown = StatementFacts {
            service: Span { years: 15, months: 0, days: 0 },
            as_of: later(80).date_naive(),
            ..facts()
        };
        let promoted = StatementFacts { job_title: "رئيس قسم المحاسبة".to_owned(), ..facts() };
        let decided = StatementFacts { decisions: 5, ..facts() };
        let moved = StatementFacts { entity: "وزارة الصحة".to_owned(), ..facts() };
        let table = [
            (Some(&code), later(0), Some(&facts()), Standing::Genuine),
            (Some(&code), later(89), Some(&grown), Standing::Genuine),
            (Some(&code), later(10), Some(&promoted), Standing::ChangedSince),
            (Some(&code), later(10), Some(&decided), Standing::ChangedSince),
            (Some(&code), later(10), Some(&moved), Standing::ChangedSince),
            (Some(&code), later(10), None, Standing::ChangedSince),
            (Some(&code), later(90), Some(&facts()), Standing::Expired),
            (Some(&code), later(400), Some(&promoted), Standing::Expired),
            (None, later(0), Some(&facts()), Standing::Unknown),
        ];
        for (issued, now, current, expected) in table {
            assert_eq!(standing(issued, now, current), expected, "{now} {current:?}");
        }
    }

    #[test]
    fn a_code_lasts_the_days_the_server_sets_and_at_least_one() {
        let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
        assert_eq!(expiry(at, 90) - at, Duration::days(90));
        assert_eq!(expiry(at, 0) - at, Duration::days(1));
    }

    #[test]
    fn verifications_are_limited_apart_from_signing_in() {
        assert_eq!(rate_key_of("192.0.2.7"), "verify:192.0.2.7");
        assert_ne!(rate_key_of("192.0.2.7"), super::super::signin::rate_key_of("192.0.2.7"));
    }
}
