//! What a mutation does to a record in SQLite: the plan of `storage::edits` (checks, who may
//! change what, conflicts by field), then the write (new version, field versions, a change row).

use anyhow::Context;
use masar_protocol::NationalId;
use masar_protocol::sync::{MutationBody, MutationOutcome};
use rusqlite::{Connection, params};

use super::records as store;
pub use crate::storage::edits::Actor;
use crate::storage::edits::{self, EditPlan};

/// The `employees` column of a field.
fn column(field: &str) -> Option<&'static str> {
    Some(match field {
        "mobile" => "mobile",
        "email" => "email",
        "address.buildingNumber" => "building_number",
        "address.street" => "street",
        "address.district" => "district",
        "address.city" => "city",
        "address.postalCode" => "postal_code",
        "address.additionalNumber" => "additional_number",
        "nameEn.first" => "name_en_first",
        "nameEn.father" => "name_en_father",
        "nameEn.grandfather" => "name_en_grandfather",
        "nameEn.family" => "name_en_family",
        "entity" => "entity",
        "jobTitle" => "job_title",
        _ => return None,
    })
}

/// The version that last changed a field, and the sync client that changed it (none for HR).
fn field_change(conn: &Connection, id: &NationalId, field: &str) -> anyhow::Result<(u64, Option<String>)> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT version, changed_by FROM field_versions WHERE national_id = ?1 AND field = ?2",
            params![id.as_str(), field],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, None)))
}

/// Applies `body` to the employee's record inside the caller's transaction.
/// `touched` names the fields the user changed; empty means all of them.
pub fn apply(
    conn: &Connection,
    id: &NationalId,
    base_version: u64,
    body: &MutationBody,
    touched: &[String],
    actor: Actor,
    now_ms: i64,
) -> anyhow::Result<MutationOutcome> {
    let (profile, version) =
        store::load_profile(conn, id)?.context("the signed-in employee has no record")?;
    let plan =
        edits::plan(&profile, base_version, body, touched, actor, |field| field_change(conn, id, field))?;
    let changed = match plan {
        EditPlan::Rejected(errors) => return Ok(MutationOutcome::Rejected { errors }),
        EditPlan::Conflict(fields) => {
            return Ok(MutationOutcome::Conflict { fields, server: Box::new(profile), version });
        }
        EditPlan::Unchanged => return Ok(MutationOutcome::Applied { version }),
        EditPlan::Write(changed) => changed,
    };
    let client = actor.client();
    let next = version + 1;
    for (field, value) in &changed {
        let column = column(field).context("unknown field")?;
        conn.execute(
            &format!("UPDATE employees SET {column} = ?2 WHERE national_id = ?1"),
            params![id.as_str(), value],
        )?;
        conn.execute(
            "INSERT INTO field_versions (national_id, field, version, changed_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (national_id, field)
             DO UPDATE SET version = excluded.version, changed_by = excluded.changed_by",
            params![id.as_str(), field, next, client],
        )?;
    }
    conn.execute("UPDATE employees SET version = ?2 WHERE national_id = ?1", params![id.as_str(), next])?;
    conn.execute(
        "INSERT INTO changes (national_id, kind, version, at) VALUES (?1, 'profile', ?2, ?3)",
        params![id.as_str(), next, now_ms],
    )?;
    Ok(MutationOutcome::Applied { version: next })
}
