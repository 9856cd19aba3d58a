//! What a mutation does to a record in SQLite: the registry's checks and who may change what,
//! conflict detection by field, and the write (new version, field versions, a change row).

use std::collections::BTreeMap;

use anyhow::Context;
use masar_protocol::fields;
use masar_protocol::sync::{MutationBody, MutationOutcome};
use masar_protocol::validate::FieldError;
use masar_protocol::{EmployeeProfile, NationalId};
use rusqlite::{Connection, params};

use super::records as store;

/// Who asks: an employee (through one sync client, a workstation) may change their contact
/// data and the English spelling of their name; HR may change everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    Employee { client: &'a str },
    Hr,
}

/// The new value of every field the mutation sets, by wire name: checked by the field registry,
/// and refused whole if it sets a field only HR changes and the actor is an employee.
fn fields_of(body: &MutationBody, actor: Actor) -> Result<BTreeMap<&'static str, String>, Vec<FieldError>> {
    if matches!(actor, Actor::Employee { .. }) {
        masar_protocol::sync::check(body)?;
    }
    Ok(body.checked()?.into_iter().map(|(field, value)| (field.wire, value)).collect())
}

/// The current value of a field, by wire name.
fn current(profile: &EmployeeProfile, wire: &str) -> String {
    fields::field(wire).map(|field| (field.get)(profile).clone()).unwrap_or_default()
}

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
    let mut fields = match fields_of(body, actor) {
        Ok(fields) => fields,
        Err(errors) => return Ok(MutationOutcome::Rejected { errors }),
    };
    if !touched.is_empty() {
        fields.retain(|field, _| touched.iter().any(|t| t == field));
    }
    let (profile, version) =
        store::load_profile(conn, id)?.context("the signed-in employee has no record")?;
    let changed: Vec<(&str, &String)> = fields
        .iter()
        .filter(|(field, value)| current(&profile, field) != **value)
        .map(|(f, v)| (*f, v))
        .collect();
    // A conflict: someone else changed a field after the edit's base, to something else than the
    // edit. The same client's own earlier edit is the employee's history, never a conflict.
    let client = match actor {
        Actor::Employee { client } => Some(client),
        Actor::Hr => None,
    };
    let mut conflicts = Vec::new();
    for (field, _) in &changed {
        let (version, changed_by) = field_change(conn, id, field)?;
        let own = client.is_some() && changed_by.as_deref() == client;
        if version > base_version && !own {
            conflicts.push((*field).to_owned());
        }
    }
    if !conflicts.is_empty() {
        return Ok(MutationOutcome::Conflict { fields: conflicts, server: Box::new(profile), version });
    }
    if changed.is_empty() {
        return Ok(MutationOutcome::Applied { version });
    }
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
