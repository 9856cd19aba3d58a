//! What an edit does to an employee's profile, the same for every store: the registry's checks
//! and who may change what, then a conflict by field (someone else changed the field after the
//! edit's base, to another value), else the fields whose value changes. The store reads the
//! profile and each field's last change, and writes what this decides, in one transaction.

use std::collections::BTreeMap;

use masar_protocol::EmployeeProfile;
use masar_protocol::activity::ChangedValue;
use masar_protocol::fields;
use masar_protocol::sync::MutationBody;
use masar_protocol::validate::FieldError;

/// Who asks: an employee (through one sync client, a workstation) may change their contact
/// data and the English spelling of their name; HR may change everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    Employee { client: &'a str },
    Hr,
}

impl Actor<'_> {
    /// The sync client a field change is recorded against (none for HR).
    pub fn client(self) -> Option<String> {
        match self {
            Self::Employee { client } => Some(client.to_owned()),
            Self::Hr => None,
        }
    }
}

/// What to do with an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditPlan {
    /// Invalid or not allowed: the reason per field.
    Rejected(Vec<FieldError>),
    /// These fields changed on the server since the edit's base, by someone else.
    Conflict(Vec<String>),
    /// Every field already holds the edit's value.
    Unchanged,
    /// Write these values (wire name, value as stored) as the next version.
    Write(Vec<(&'static str, String)>),
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

/// The version that last changed a field of a profile, and the sync client that changed it
/// (none for HR). A field never changed since the record was made has no entry (version 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub version: u64,
    pub changed_by: Option<String>,
}

/// Decides what `body` does to `profile`. `touched` names the fields the user changed (empty:
/// all of them); `history` says which version last changed each field, and who.
pub fn plan(
    profile: &EmployeeProfile,
    base_version: u64,
    body: &MutationBody,
    touched: &[String],
    actor: Actor,
    history: &[FieldChange],
) -> EditPlan {
    let mut fields = match fields_of(body, actor) {
        Ok(fields) => fields,
        Err(errors) => return EditPlan::Rejected(errors),
    };
    if !touched.is_empty() {
        fields.retain(|field, _| touched.iter().any(|t| t == field));
    }
    let changed: Vec<(&'static str, String)> =
        fields.into_iter().filter(|(field, value)| current(profile, field) != *value).collect();
    // A conflict: someone else changed a field after the edit's base. The same client's own
    // earlier edit is the employee's history, never a conflict.
    let client = actor.client();
    let mut conflicts = Vec::new();
    for (field, _) in &changed {
        let Some(last) = history.iter().find(|change| change.field == *field) else { continue };
        let own = client.is_some() && last.changed_by == client;
        if last.version > base_version && !own {
            conflicts.push((*field).to_owned());
        }
    }
    if !conflicts.is_empty() {
        EditPlan::Conflict(conflicts)
    } else if changed.is_empty() {
        EditPlan::Unchanged
    } else {
        EditPlan::Write(changed)
    }
}

/// Each of `values` (wire name, value as stored) beside what `profile` held before.
pub fn before_and_after(profile: &EmployeeProfile, values: &[(&'static str, String)]) -> Vec<ChangedValue> {
    let mut before = profile.clone();
    values
        .iter()
        .filter_map(|(wire, after)| {
            let field = fields::field(wire)?;
            Some(ChangedValue {
                field: (*wire).to_owned(),
                before: (field.slot)(&mut before).clone(),
                after: after.clone(),
            })
        })
        .collect()
}

/// `profile` with `values` set (wire name, value as stored).
pub fn with_values(profile: &EmployeeProfile, values: &[(&'static str, String)]) -> EmployeeProfile {
    let mut next = profile.clone();
    for (wire, value) in values {
        if let Some(field) = fields::field(wire) {
            *(field.slot)(&mut next) = value.clone();
        }
    }
    next
}
