//! Statement codes: what each certified, for whom, until when.

use masar_protocol::NationalId;
use masar_protocol::statement::StatementCode;
use rusqlite::{Connection, OptionalExtension, params};

use crate::storage::IssuedStatement;

pub fn save(conn: &Connection, employee: &NationalId, code: &StatementCode) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO statement_codes (code, national_id, facts, issued_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            code.code,
            employee.as_str(),
            serde_json::to_string(&code.facts)?,
            code.issued_at.timestamp_millis(),
            code.expires_at.timestamp_millis()
        ],
    )?;
    Ok(())
}

pub fn find(conn: &Connection, code: &str) -> anyhow::Result<Option<IssuedStatement>> {
    let row: Option<(String, String, i64, i64)> = conn
        .query_row(
            "SELECT national_id, facts, issued_at, expires_at FROM statement_codes WHERE code = ?1",
            [code],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((holder, facts, issued_at, expires_at)) = row else { return Ok(None) };
    Ok(Some(IssuedStatement {
        holder: NationalId::parse(&holder)?,
        code: code.to_owned(),
        facts: serde_json::from_str(&facts)?,
        issued_at: chrono::DateTime::from_timestamp_millis(issued_at).unwrap_or_default(),
        expires_at: chrono::DateTime::from_timestamp_millis(expires_at).unwrap_or_default(),
    }))
}
