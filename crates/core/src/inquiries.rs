//! الاستعلامات: the sick-leave reports and the administrative transactions of the record, from
//! the vault's copy (so they answer offline). A transaction is looked up by its incoming number
//! (رقم الوارد), or by its registration number and date.

use std::sync::Arc;

use chrono::NaiveDate;
use masar_protocol::record::{AdminTransaction, SickLeave};
use serde::Deserialize;

use crate::context::Context;
use crate::failure::SessionError;
use crate::vault::VaultError;

/// How the employee looks a transaction up.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(tag = "by", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum TransactionQuery {
    /// رقم الوارد.
    Incoming { number: String },
    /// رقم القيد and its date.
    Registration { number: String, date: NaiveDate },
}

/// The transactions `query` finds (numbers compared as typed, Eastern digits accepted, spaces
/// ignored); all of them, newest first, without a query.
pub fn find(transactions: &[AdminTransaction], query: Option<&TransactionQuery>) -> Vec<AdminTransaction> {
    let plain = |text: &str| -> String {
        masar_protocol::digits::normalize_digits(text).chars().filter(|c| !c.is_whitespace()).collect()
    };
    let mut found: Vec<AdminTransaction> = transactions
        .iter()
        .filter(|t| match query {
            None => true,
            Some(TransactionQuery::Incoming { number }) => plain(&t.incoming_number) == plain(number),
            Some(TransactionQuery::Registration { number, date }) => {
                plain(&t.registration_number) == plain(number) && t.date == *date
            }
        })
        .cloned()
        .collect();
    found.sort_by_key(|t| std::cmp::Reverse(t.date));
    found
}

#[derive(Debug, Clone)]
pub struct Inquiries {
    cx: Arc<Context>,
}

impl Inquiries {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    async fn record(&self) -> Result<masar_protocol::record::EmployeeRecord, SessionError> {
        let active = self.cx.active()?;
        let (record, _) = active
            .vault(|vault| Ok(vault.db.load_record().map_err(VaultError::from)?))
            .await?
            .ok_or(SessionError::NotSignedIn)?;
        Ok(record)
    }

    /// Sick-leave reports, newest first.
    pub async fn sick_leaves(&self) -> Result<Vec<SickLeave>, SessionError> {
        let mut leaves = self.record().await?.sick_leaves;
        leaves.sort_by_key(|l| std::cmp::Reverse(l.start_date));
        Ok(leaves)
    }

    pub async fn transactions(
        &self,
        query: Option<TransactionQuery>,
    ) -> Result<Vec<AdminTransaction>, SessionError> {
        Ok(find(&self.record().await?.transactions, query.as_ref()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use masar_protocol::record::TransactionStatus;

    fn transaction(incoming: &str, registration: &str, date: &str) -> AdminTransaction {
        AdminTransaction {
            incoming_number: incoming.into(),
            registration_number: registration.into(),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            entity: "وزارة المالية".into(),
            subject: "طلب إجازة".into(),
            current_step: "إدارة الموارد البشرية".into(),
            status: TransactionStatus::InProgress,
        }
    }

    #[test]
    fn a_transaction_is_found_by_incoming_number_or_by_registration_number_and_date() {
        let all = [
            transaction("4471023", "R-118", "2025-03-02"),
            transaction("4471990", "R-204", "2026-01-15"),
            transaction("4472001", "R-204", "2026-02-01"),
        ];
        let by_incoming = TransactionQuery::Incoming { number: "٤٤٧١٠٢٣ ".into() };
        assert_eq!(find(&all, Some(&by_incoming)), vec![all[0].clone()], "Eastern digits, a stray space");
        let date = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        let by_registration = TransactionQuery::Registration { number: "R-204".into(), date };
        assert_eq!(find(&all, Some(&by_registration)), vec![all[2].clone()], "the date tells the two apart");
        let wrong_date =
            TransactionQuery::Registration { number: "R-204".into(), date: date.pred_opt().unwrap() };
        assert!(find(&all, Some(&wrong_date)).is_empty());
        let newest_first: Vec<String> = find(&all, None).into_iter().map(|t| t.incoming_number).collect();
        assert_eq!(newest_first, ["4472001", "4471990", "4471023"]);
    }
}
