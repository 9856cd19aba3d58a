//! Escrow keys of the employees' vaults.

use masar_protocol::NationalId;
use rusqlite::{Connection, OptionalExtension, params};

/// Keeps `fresh` as the vault's escrow key unless it has one; returns the one kept.
pub fn keep(
    conn: &Connection,
    employee: &NationalId,
    vault_id: &str,
    fresh: &[u8; 32],
    now_ms: i64,
) -> anyhow::Result<Vec<u8>> {
    conn.execute(
        "INSERT INTO vault_keys (national_id, vault_id, key, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (national_id, vault_id) DO NOTHING",
        params![employee.as_str(), vault_id, fresh.as_slice(), now_ms],
    )?;
    Ok(conn.query_row(
        "SELECT key FROM vault_keys WHERE national_id = ?1 AND vault_id = ?2",
        params![employee.as_str(), vault_id],
        |row| row.get(0),
    )?)
}

/// The vault's escrow key, if it has one.
pub fn find(conn: &Connection, employee: &NationalId, vault_id: &str) -> anyhow::Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT key FROM vault_keys WHERE national_id = ?1 AND vault_id = ?2",
            params![employee.as_str(), vault_id],
            |row| row.get(0),
        )
        .optional()?)
}
