//! An employee's trail read back from the audit log: each row about their record as an entry
//! (what, when, by themself or which officer, the values changed, the reason).

use masar_protocol::NationalId;
use masar_protocol::activity::{ActivityDetail, ActivityEntry, activity_of};

use super::utc;

/// The longest trail one request returns.
pub const MAX_ENTRIES: u32 = 500;

/// One audit row as the store read it.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at_ms: i64,
    pub event: String,
    pub outcome: String,
    /// The account that acted.
    pub actor: Option<String>,
    pub detail: Option<String>,
}

/// `row`, about `employee`, as a trail entry; `None` for a row that is not about the record.
pub fn entry_of(employee: &NationalId, row: &AuditRow) -> Option<ActivityEntry> {
    let activity = activity_of(&row.event, &row.outcome)?;
    let detail: ActivityDetail =
        row.detail.as_deref().and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default();
    let by_self = row.actor.as_deref() == Some(employee.as_str());
    let officer = if by_self {
        None
    } else {
        row.actor.as_deref().and_then(|actor| NationalId::parse(actor).ok()).map(|id| id.masked())
    };
    Some(ActivityEntry {
        at: utc(row.at_ms),
        activity,
        by_self,
        officer,
        changes: detail.changes,
        reason: detail.reason,
    })
}

#[cfg(test)]
mod tests {
    use masar_protocol::activity::{Activity, ChangedValue};

    use super::*;

    fn id(text: &str) -> NationalId {
        NationalId::parse(text).unwrap_or_else(|_| unreachable!("a valid test ID"))
    }

    fn row(event: &str, outcome: &str, actor: &str, detail: Option<&str>) -> AuditRow {
        AuditRow {
            at_ms: 1_800_000_000_000,
            event: event.to_owned(),
            outcome: outcome.to_owned(),
            actor: Some(actor.to_owned()),
            detail: detail.map(str::to_owned),
        }
    }

    #[test]
    fn a_row_says_who_did_what_with_the_values_and_the_reason() {
        let employee = id("1000000008");
        let officer = "1000000016";
        let detail =
            r#"{"changes":[{"field":"jobTitle","before":"محاسب","after":"رئيس قسم"}],"reason":"قرار ترقية"}"#;
        let changed = entry_of(&employee, &row("profile_changed", "applied", officer, Some(detail)))
            .unwrap_or_else(|| unreachable!("in the trail"));
        assert_eq!((changed.activity, changed.by_self), (Activity::RecordChanged, false));
        assert_eq!(changed.officer.as_deref(), Some(id(officer).masked().as_str()));
        assert_eq!(
            changed.changes,
            [ChangedValue {
                field: "jobTitle".into(), before: "محاسب".into(), after: "رئيس قسم".into()
            }]
        );
        assert_eq!(changed.reason.as_deref(), Some("قرار ترقية"));
        let own = entry_of(&employee, &row("profile_changed", "applied", "1000000008", None))
            .unwrap_or_else(|| unreachable!("in the trail"));
        assert_eq!((own.by_self, own.officer, own.changes.len()), (true, None, 0));
        assert!(entry_of(&employee, &row("sync_push", "applied", "1000000008", None)).is_none());
    }
}
