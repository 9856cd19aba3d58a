//! Qualifications as a record kind of sync: before each push, a submission an earlier version
//! left waiting outside the outbox goes into it (sync uploads its files like any held
//! mutation's); a pull that brings HR's decision on one sent here, or one under review here, is
//! news.

use super::Sent;
use crate::active::ActiveSession;
use crate::failure::SessionError;
use crate::kinds::{RecordKind, kept_records};
use crate::notices::{DecisionNotice, Subject};
use crate::vault::db::{DraftState, VaultDb, VaultDbError};
use masar_protocol::qualification::{QualificationRecord, QualificationStatus};
use masar_protocol::sync::{Change, RecordKind as Kind};

#[derive(Debug, Clone, Copy, Default)]
pub struct QualificationKind;

#[async_trait::async_trait]
impl RecordKind for QualificationKind {
    async fn before_push(&self, active: &ActiveSession) -> Result<(), SessionError> {
        active
            .vault(|vault| {
                for row in vault.db.qualification_rows()? {
                    if row.state != DraftState::Waiting {
                        continue;
                    }
                    let sent: Sent =
                        serde_json::from_str(&row.json).map_err(|e| SessionError::Task(e.to_string()))?;
                    let (body, blobs) = super::submission(&row.id, sent)?;
                    vault.db.queue_waiting_qualification(&row.id, &body, &blobs, chrono::Utc::now())?;
                }
                Ok(())
            })
            .await
    }

    fn decisions(&self, db: &VaultDb, changes: &[Change]) -> Result<Vec<DecisionNotice>, VaultDbError> {
        let known: Vec<QualificationRecord> = kept_records(db, Kind::Qualification)?;
        let sent_here: Vec<String> = db.qualification_rows()?.into_iter().map(|row| row.id).collect();
        let mut news = Vec::new();
        for change in changes {
            let Change::Qualification { qualification: q, .. } = change else { continue };
            if q.state == QualificationStatus::UnderReview {
                continue;
            }
            // News here: it was waiting for a decision here, or was sent from here and had not
            // come back yet. History a first sync on a new workstation brings is not news.
            let news_here = match known.iter().find(|k| k.id == q.id) {
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
        Ok(news)
    }
}
