//! What every server node shares, in PostgreSQL: the sign-in rate limit per client address (the
//! address's row locked while its time is read and written) and the dev SMS outbox.

use deadpool_postgres::GenericClient;

use super::db::{exec, one, rows};
use masar_protocol::NationalId;
use masar_protocol::auth::DevSms;

use crate::storage::messages::mask_mobile;
use crate::storage::{RateRule, SmsMessage};

const KEPT: i64 = 500;
const SHOWN: i64 = 50;

pub async fn admit(
    tx: &impl GenericClient,
    key: &str,
    rule: RateRule,
    now_ms: i64,
) -> anyhow::Result<Result<(), u32>> {
    // An address whose time has passed is back to a full burst: the same as no row. Rows another
    // request holds are left for a later one: waiting on them while holding others deadlocks.
    exec(
        tx,
        "DELETE FROM rate_limits WHERE key IN
             (SELECT key FROM rate_limits WHERE tat_ms < $1 FOR UPDATE SKIP LOCKED)",
        &[&now_ms],
    )
    .await?;
    // One statement finds (or makes) the address's row and locks it: a row read, then locked
    // by a second statement, may have been deleted in between by another request's clean-up.
    let tat: i64 = one(
        tx,
        "INSERT INTO rate_limits (key, tat_ms) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET tat_ms = rate_limits.tat_ms RETURNING tat_ms",
        &[&key, &now_ms],
    )
    .await?
    .get(0);
    match rule.admit(Some(tat), now_ms) {
        Ok(next) => {
            exec(tx, "UPDATE rate_limits SET tat_ms = $2 WHERE key = $1", &[&key, &next]).await?;
            Ok(Ok(()))
        }
        Err(wait) => Ok(Err(wait)),
    }
}

pub async fn keep_sms(tx: &impl GenericClient, message: &SmsMessage) -> anyhow::Result<()> {
    exec(
        tx,
        "INSERT INTO dev_sms (national_id, mobile, text, sent_ms) VALUES ($1, $2, $3, $4)",
        &[&message.national_id.as_str(), &message.mobile, &message.text, &message.sent_at.timestamp_millis()],
    )
    .await?;
    exec(tx, "DELETE FROM dev_sms WHERE id <= (SELECT max(id) FROM dev_sms) - $1", &[&KEPT]).await?;
    Ok(())
}

pub async fn sms_for(tx: &impl GenericClient, employee: &NationalId) -> anyhow::Result<Vec<DevSms>> {
    let rows = rows(
        tx,
        "SELECT mobile, text, sent_ms FROM dev_sms WHERE national_id = $1 ORDER BY id DESC LIMIT $2",
        &[&employee.as_str(), &SHOWN],
    )
    .await?;
    let mut out: Vec<DevSms> = rows
        .iter()
        .map(|row| DevSms {
            national_id: employee.clone(),
            masked_mobile: mask_mobile(row.get(0)),
            text: row.get(1),
            sent_at: chrono::DateTime::from_timestamp_millis(row.get(2)).unwrap_or_default(),
        })
        .collect();
    out.reverse();
    Ok(out)
}
