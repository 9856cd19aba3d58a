//! «الصادر»: everything the employee sent from this workstation, in one model whatever its kind
//! (an edit of the profile, a qualification with its files, an application). Each item goes
//! saved on this device → sending (its files) → reached Masar → decided, or stops at a conflict
//! or a refusal. Every screen shows an item's stage from here, so they never disagree.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use masar_protocol::Opportunity;
use masar_protocol::qualification::QualificationRecord;
use masar_protocol::sync::{MutationBody, RecordKind};
use masar_protocol::training::ApplicationRecord;
use serde::Serialize;

use crate::active::SessionError;
use crate::applications::{self, ApplicationView};
use crate::edits::{Form, form_of};
use crate::qualifications::QualificationItem;
use crate::stage::Stage;
use crate::vault::VaultError;
use crate::vault::db::{OutboxRow, VaultDb};

/// One thing the employee sent.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingItem {
    /// Unique over every kind: `edit:<id>`, `qualification:<id>`, `application:<id>`.
    pub key: String,
    pub kind: Form,
    /// What it is about: the qualification's major, the opportunity's title; none for an edit.
    pub subject: Option<String>,
    /// For an edit, the fields it changes (wire names).
    pub fields: Vec<String>,
    pub stage: Stage,
    /// رقم الإيصال, given here when it was sent.
    pub receipt: Option<String>,
    /// رقم المعاملة, given by Masar when it took the item.
    pub transaction_number: Option<String>,
    pub saved_at: DateTime<Utc>,
    /// When Masar took it (none before).
    pub reached_at: Option<DateTime<Utc>>,
    /// When it was decided (verified, rejected, accepted, declined).
    pub decided_at: Option<DateTime<Utc>>,
}

/// The key an edit of the profile has in «الصادر».
pub fn edit_key(id: u64) -> String {
    format!("edit:{id}")
}

/// Every item, the newest first.
pub fn list(db: &VaultDb, qualifications: Vec<QualificationItem>) -> Result<Vec<OutgoingItem>, SessionError> {
    let outbox = db.outbox().map_err(VaultError::from)?;
    let mut items: Vec<OutgoingItem> = outbox.iter().filter_map(edit_item).collect();
    let records: HashMap<String, QualificationRecord> = server_records(db, RecordKind::Qualification)?
        .into_iter()
        .map(|record: QualificationRecord| (record.id.clone(), record))
        .collect();
    items.extend(qualifications.into_iter().filter_map(|item| qualification_item(item, &records)));
    let titles: HashMap<String, String> = applications::kept_opportunities(db)
        .map_err(VaultError::from)?
        .into_iter()
        .map(|o: Opportunity| (o.id, o.title))
        .collect();
    let answered: HashMap<String, DateTime<Utc>> = outbox
        .iter()
        .filter_map(|row| match &row.body {
            MutationBody::ApplyForOpportunity(request) => Some((request.id.clone(), row.answered_at?)),
            _ => None,
        })
        .collect();
    let taken: HashMap<String, ApplicationRecord> = server_records(db, RecordKind::Application)?
        .into_iter()
        .map(|record: ApplicationRecord| (record.id.clone(), record))
        .collect();
    let known = applications::known(db).map_err(VaultError::from)?;
    items.extend(known.into_iter().map(|(opportunity, view)| {
        let record = taken.get(&view.id);
        let times = Times {
            reached: record.map(|r| r.submitted_at).or_else(|| answered.get(&view.id).copied()),
            decided: record.and_then(|r| r.decided_at),
        };
        application_item(view, titles.get(&opportunity).cloned(), times)
    }));
    items.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then_with(|| b.key.cmp(&a.key)));
    Ok(items)
}

fn server_records<T: serde::de::DeserializeOwned>(
    db: &VaultDb,
    kind: RecordKind,
) -> Result<Vec<T>, SessionError> {
    Ok(db
        .server_records(kind)
        .map_err(VaultError::from)?
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect())
}

fn edit_item(row: &OutboxRow) -> Option<OutgoingItem> {
    if row.body.kind() != RecordKind::Profile {
        return None;
    }
    let stage = crate::edits::stage_of(&row.state);
    Some(OutgoingItem {
        key: edit_key(row.id),
        kind: form_of(&row.body),
        subject: None,
        fields: row.fields.clone(),
        stage,
        receipt: None,
        transaction_number: None,
        saved_at: row.created_at,
        reached_at: row.answered_at,
        decided_at: None,
    })
}

fn qualification_item(
    item: QualificationItem,
    records: &HashMap<String, QualificationRecord>,
) -> Option<OutgoingItem> {
    let stage = item.stage?;
    let record = records.get(&item.id).filter(|_| !stage.waits());
    Some(OutgoingItem {
        key: format!("qualification:{}", item.id),
        kind: Form::Qualification,
        subject: Some(item.form.major.clone()).filter(|major| !major.is_empty()),
        fields: Vec::new(),
        stage,
        receipt: item.receipt,
        transaction_number: item.transaction_number,
        saved_at: record.map_or(item.updated_at, |r| r.submitted_at.min(item.updated_at)),
        reached_at: record.map(|r| r.submitted_at),
        decided_at: record.and_then(|r| r.decided_at),
    })
}

/// When Masar took an item and when it was decided, as known here.
struct Times {
    reached: Option<DateTime<Utc>>,
    decided: Option<DateTime<Utc>>,
}

fn application_item(view: ApplicationView, title: Option<String>, times: Times) -> OutgoingItem {
    let stage = view.stage;
    let waits = stage.waits();
    OutgoingItem {
        key: format!("application:{}", view.id),
        kind: Form::Application,
        subject: title,
        fields: Vec::new(),
        stage,
        receipt: Some(view.receipt),
        transaction_number: view.transaction_number,
        saved_at: view.applied_at,
        reached_at: if waits { None } else { times.reached },
        decided_at: if waits { None } else { times.decided },
    }
}

#[cfg(test)]
mod tests;
