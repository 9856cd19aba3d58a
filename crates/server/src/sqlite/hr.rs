//! An HR officer's edit of an employee's data, in one immediate transaction (the write lock is
//! taken before the version is read).

use masar_protocol::NationalId;
use masar_protocol::sync::{MutationBody, MutationOutcome};
use rusqlite::Connection;

use super::apply::{Actor, apply};
use super::auth::audit;
use super::records;
use crate::storage::Caller;

pub fn update(
    conn: &mut Connection,
    officer: &NationalId,
    employee: &NationalId,
    base_version: u64,
    body: &MutationBody,
    caller: &Caller,
) -> anyhow::Result<Option<MutationOutcome>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if records::load_profile(&tx, employee)?.is_none() {
        return Ok(None);
    }
    let outcome = apply(&tx, employee, base_version, body, &[], Actor::Hr, caller.now_ms)?;
    // The audit row names the officer; the employee is in the change row.
    audit(&tx, caller.now_ms, "hr_update", outcome.label(), Some(officer), &caller.address)?;
    tx.commit()?;
    Ok(Some(outcome))
}
