//! What every server node shares, in SQLite (migration 0010): the sign-in rate limit per client
//! address and the dev SMS outbox.

use masar_protocol::NationalId;
use masar_protocol::auth::DevSms;
use rusqlite::{Connection, OptionalExtension, params};

use crate::storage::messages::mask_mobile;
use crate::storage::{RateRule, SmsMessage};

/// How many messages the dev outbox keeps in all, and shows per employee.
const KEPT: i64 = 500;
const SHOWN: i64 = 50;

/// Admits one request from `key` under `rule` (inside the caller's transaction), or says how
/// many seconds to wait.
pub fn admit(conn: &Connection, key: &str, rule: RateRule, now_ms: i64) -> anyhow::Result<Result<(), u32>> {
    // An address whose time has passed is back to a full burst: the same as no row.
    conn.execute("DELETE FROM rate_limits WHERE tat_ms < ?1", [now_ms])?;
    let tat: Option<i64> = conn
        .query_row("SELECT tat_ms FROM rate_limits WHERE key = ?1", [key], |row| row.get(0))
        .optional()?;
    match rule.admit(tat, now_ms) {
        Ok(next) => {
            conn.execute(
                "INSERT INTO rate_limits (key, tat_ms) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET tat_ms = excluded.tat_ms",
                params![key, next],
            )?;
            Ok(Ok(()))
        }
        Err(wait) => Ok(Err(wait)),
    }
}

pub fn keep_sms(conn: &Connection, message: &SmsMessage) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO dev_sms (national_id, mobile, text, sent_ms) VALUES (?1, ?2, ?3, ?4)",
        params![
            message.national_id.as_str(),
            message.mobile,
            message.text,
            message.sent_at.timestamp_millis()
        ],
    )?;
    conn.execute("DELETE FROM dev_sms WHERE id <= (SELECT max(id) FROM dev_sms) - ?1", [KEPT])?;
    Ok(())
}

/// The last messages to `employee`, newest last.
pub fn sms_for(conn: &Connection, employee: &NationalId) -> anyhow::Result<Vec<DevSms>> {
    let mut rows: Vec<DevSms> = conn
        .prepare(
            "SELECT mobile, text, sent_ms FROM dev_sms WHERE national_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?
        .query_map(params![employee.as_str(), SHOWN], |row| {
            let mobile: String = row.get(0)?;
            Ok(DevSms {
                national_id: employee.clone(),
                masked_mobile: mask_mobile(&mobile),
                text: row.get(1)?,
                sent_at: chrono::DateTime::from_timestamp_millis(row.get(2)?).unwrap_or_default(),
            })
        })?
        .collect::<Result<_, _>>()?;
    rows.reverse();
    Ok(rows)
}
