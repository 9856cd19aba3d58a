//! Pulling: every page of changes after the vault's cursor, into the vault, one transaction per
//! page (with the new cursor), until the plan says done.

use super::plan::{RoundPlan, Step};
use crate::active::{ActiveSession, TokenLease};
use crate::client::MasarClient;
use crate::failure::SessionError;
use crate::notices::{DecisionNotice, Subject};
use crate::vault::db::{VaultDb, VaultDbError};
use masar_protocol::qualification::{QualificationRecord, QualificationStatus};
use masar_protocol::sync::{Change, MutationBody, RecordKind};
use masar_protocol::training::{ApplicationRecord, ApplicationStatus};

/// Pulls every page after the vault's cursor into the vault; returns the decisions that are news
/// to this vault (see [`decisions_in`]).
pub async fn pull_changes(
    active: &ActiveSession,
    client: &MasarClient,
    lease: &mut TokenLease<'_>,
) -> Result<Vec<DecisionNotice>, SessionError> {
    let mut plan = RoundPlan::pulling();
    let mut decided = Vec::new();
    loop {
        let cursor = active.vault(|vault| Ok(vault.db.cursor()?)).await?;
        tracing::debug!(target: "masar_sync", cursor, "pull");
        let page = lease.call(|token| async move { client.pull(&token, cursor).await }).await?;
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

/// The decisions in `changes` that are news to this vault: the record was waiting for one here
/// (under review, received), or the employee sent it from here and it had not come back yet.
/// History a first sync on a new workstation brings is not news.
fn decisions_in(db: &VaultDb, changes: &[Change]) -> Result<Vec<DecisionNotice>, VaultDbError> {
    let mut news = Vec::new();
    let known_qualifications: Vec<QualificationRecord> = records(db, RecordKind::Qualification)?;
    let known_applications: Vec<ApplicationRecord> = records(db, RecordKind::Application)?;
    let sent_here: Vec<String> = db.qualification_rows()?.into_iter().map(|row| row.id).collect();
    let applied_here: Vec<String> = db
        .outbox()?
        .into_iter()
        .filter_map(|row| match row.body {
            MutationBody::ApplyForOpportunity(request) => Some(request.id),
            _ => None,
        })
        .collect();
    let titles = crate::applications::kept_opportunities(db)?;
    for change in changes {
        match change {
            Change::Qualification { qualification: q, .. } if q.state != QualificationStatus::UnderReview => {
                let news_here = match known_qualifications.iter().find(|k| k.id == q.id) {
                    Some(before) => before.state == QualificationStatus::UnderReview,
                    None => sent_here.contains(&q.id),
                };
                if news_here {
                    news.push(DecisionNotice {
                        subject: Subject::Qualification,
                        id: q.id.clone(),
                        receipt: q.receipt.clone(),
                        transaction_number: q.transaction_number.clone(),
                        granted: q.state == QualificationStatus::Verified,
                        reason: q.reason.clone(),
                    });
                }
            }
            Change::Application { application: a, .. } if a.state != ApplicationStatus::Received => {
                let news_here = match known_applications.iter().find(|k| k.id == a.id) {
                    Some(before) => before.state == ApplicationStatus::Received,
                    None => applied_here.contains(&a.id),
                };
                if news_here {
                    let title = titles.iter().find(|o| o.id == a.opportunity_id).map(|o| o.title.clone());
                    news.push(DecisionNotice {
                        subject: Subject::Application { title: title.unwrap_or_default() },
                        id: a.id.clone(),
                        receipt: a.receipt.clone(),
                        transaction_number: a.transaction_number.clone(),
                        granted: a.state == ApplicationStatus::Accepted,
                        reason: a.reason.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(news)
}

/// Every record of `kind` this vault holds, as the server sent it.
fn records<T: serde::de::DeserializeOwned>(db: &VaultDb, kind: RecordKind) -> Result<Vec<T>, VaultDbError> {
    Ok(db.server_records(kind)?.iter().filter_map(|json| serde_json::from_str(json).ok()).collect())
}
