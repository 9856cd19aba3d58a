//! What a mutation does to a record: validation, who may change what, conflict detection by
//! field, and the write (new version, field versions, a change row).

use std::collections::BTreeMap;

use anyhow::Context;
use masar_protocol::sync::{ContactUpdate, MutationBody, MutationOutcome, PersonalUpdate};
use masar_protocol::validate::{self, FieldError};
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

/// The new value of every field the mutation sets, by wire name.
type Fields = BTreeMap<&'static str, String>;

fn contact_fields(update: &ContactUpdate) -> Result<Fields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mobile = validate::mobile(&update.mobile).map_err(|e| errors.push(e)).ok();
    let email = validate::email(&update.email).map_err(|e| errors.push(e)).ok();
    let address = validate::address(&update.address).map_err(|mut e| errors.append(&mut e)).ok();
    let (Some(mobile), Some(email), Some(a)) = (mobile, email, address) else { return Err(errors) };
    Ok(Fields::from([
        ("mobile", mobile),
        ("email", email),
        ("address.buildingNumber", a.building_number),
        ("address.street", a.street),
        ("address.district", a.district),
        ("address.city", a.city),
        ("address.postalCode", a.postal_code),
        ("address.additionalNumber", a.additional_number),
    ]))
}

fn personal_fields(update: &PersonalUpdate) -> Result<Fields, Vec<FieldError>> {
    let name = validate::latin_name(&update.name_en)?;
    Ok(Fields::from([
        ("nameEn.first", name.first),
        ("nameEn.father", name.father),
        ("nameEn.grandfather", name.grandfather),
        ("nameEn.family", name.family),
    ]))
}

fn fields_of(body: &MutationBody, actor: Actor) -> Result<Fields, Vec<FieldError>> {
    match body {
        MutationBody::UpdateContact(update) => contact_fields(update),
        MutationBody::UpdatePersonal(update) => personal_fields(update),
        MutationBody::UpdateEmployment(update) => {
            if matches!(actor, Actor::Employee { .. }) {
                return Err(masar_protocol::sync::hr_only());
            }
            let entity = validate::text("entity", &update.entity).map_err(|e| vec![e])?;
            let job_title = validate::text("jobTitle", &update.job_title).map_err(|e| vec![e])?;
            Ok(Fields::from([("entity", entity), ("jobTitle", job_title)]))
        }
    }
}

/// The current value of a field, by wire name.
fn current(profile: &EmployeeProfile, field: &str) -> String {
    let a = &profile.address;
    let n = &profile.name_en;
    match field {
        "mobile" => profile.mobile.clone(),
        "email" => profile.email.clone(),
        "address.buildingNumber" => a.building_number.clone(),
        "address.street" => a.street.clone(),
        "address.district" => a.district.clone(),
        "address.city" => a.city.clone(),
        "address.postalCode" => a.postal_code.clone(),
        "address.additionalNumber" => a.additional_number.clone(),
        "nameEn.first" => n.first.clone(),
        "nameEn.father" => n.father.clone(),
        "nameEn.grandfather" => n.grandfather.clone(),
        "nameEn.family" => n.family.clone(),
        "entity" => profile.entity.clone(),
        "jobTitle" => profile.job_title.clone(),
        _ => String::new(),
    }
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
