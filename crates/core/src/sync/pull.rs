//! Pulling: every page of changes after the vault's cursor, into the vault, one transaction per
//! page (with the new cursor), until the plan says done.

use super::plan::{RoundPlan, Step};
use crate::active::ActiveSession;
use crate::client::MasarClient;
use crate::failure::SessionError;
use crate::notices::QualificationDecided;
use crate::secret::SecretString;
use crate::vault::db::{VaultDb, VaultDbError};
use masar_protocol::qualification::{QualificationRecord, QualificationStatus};
use masar_protocol::sync::{Change, RecordKind};

/// Pulls every page after the vault's cursor into the vault; returns HR's decisions on
/// qualifications this vault knew as sent or under review (not those a first sync on a new
/// workstation brings: they are not news).
pub async fn pull_changes(
    active: &ActiveSession,
    client: &MasarClient,
    token: &SecretString,
) -> Result<Vec<QualificationDecided>, SessionError> {
    let mut plan = RoundPlan::pulling();
    let mut decided = Vec::new();
    loop {
        let cursor = active.vault(|vault| Ok(vault.db.cursor()?)).await?;
        tracing::debug!(target: "masar_sync", cursor, "pull");
        let page = client.pull(token, cursor).await?;
        active.set_online(true);
        let (has_more, next) = (page.has_more, page.cursor);
        let news = active
            .vault(move |vault| {
                let news = decisions_in(vault.db, &page.changes)?;
                vault.db.apply_pull(&page.changes, page.cursor)?;
                Ok(news)
            })
            .await?;
        decided.extend(news);
        if plan.after_pull(has_more, cursor, next) == Step::Done {
            return Ok(decided);
        }
    }
}

/// The decisions in `changes` that are news to this vault: the record was under review here, or
/// the employee sent it from here and it had not come back yet.
fn decisions_in(db: &VaultDb, changes: &[Change]) -> Result<Vec<QualificationDecided>, VaultDbError> {
    let mut news = Vec::new();
    let known: Vec<QualificationRecord> = db
        .server_records(RecordKind::Qualification)?
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect();
    let sent_here: Vec<String> = db.qualification_rows()?.into_iter().map(|row| row.id).collect();
    for change in changes {
        let Change::Qualification { qualification, .. } = change else { continue };
        if qualification.state == QualificationStatus::UnderReview {
            continue;
        }
        let before = known.iter().find(|k| k.id == qualification.id);
        let news_here = match before {
            Some(before) => before.state == QualificationStatus::UnderReview,
            None => sent_here.contains(&qualification.id),
        };
        if news_here {
            news.push(QualificationDecided {
                id: qualification.id.clone(),
                receipt: qualification.receipt.clone(),
                transaction_number: qualification.transaction_number.clone(),
                verified: qualification.state == QualificationStatus::Verified,
                reason: qualification.reason.clone(),
            });
        }
    }
    Ok(news)
}
