//! التقديم على فرص التدريب والابتعاث on the workstation: an application checked as the server
//! will check it (deadline, rank, once per opportunity), given its receipt number at once and
//! queued through sync (so it works offline), and where each one stands: waiting to sync,
//! received (with the server's transaction number), accepted, declined with the reason, or
//! refused by the server's rules.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Local, Utc};
use masar_protocol::record::Opportunity;
use masar_protocol::sync::{MutationBody, RecordKind};
use masar_protocol::training::{self, ApplicationRecord, ApplicationRequest, ApplicationStatus};
use masar_protocol::validate::FieldError;
use serde::Serialize;

use crate::codes::{ErrorCode, UiError};
use crate::context::Context;
use crate::failure::SessionError;
use crate::notices::{DecisionNotice, Subject};
use crate::stage::Stage;
use crate::vault::VaultError;
use crate::vault::db::{EditState, OutboxRow, VaultDb, VaultDbError};

/// Where an application stands, as the opportunity shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ApplicationState {
    /// بانتظار المزامنة: queued here, not yet taken by the server.
    Waiting,
    /// تم الاستلام.
    Received,
    /// مقبول.
    Accepted,
    /// معتذر, with the administration's reason.
    Declined { reason: String },
    /// Not accepted by the server's rules (closed on its date, say); nothing was stored there.
    Refused { errors: Vec<FieldError> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    pub id: String,
    pub receipt: String,
    /// The server's transaction number, once it received the application.
    pub transaction_number: Option<String>,
    pub state: ApplicationState,
    /// Where it stands in the model every screen shares.
    pub stage: Stage,
    pub applied_at: DateTime<Utc>,
}

impl ApplicationState {
    /// Saved here while queued; reached Masar once received; then accepted or declined.
    pub fn stage(&self) -> Stage {
        match self {
            Self::Waiting => Stage::Saved,
            Self::Received => Stage::Reached,
            Self::Accepted => Stage::Accepted,
            Self::Declined { reason } => Stage::Declined { reason: reason.clone() },
            Self::Refused { errors } => Stage::Refused { reasons: errors.clone() },
        }
    }
}

impl ApplicationView {
    /// Whether this application still counts as the one for its opportunity (a refused one
    /// does not: the employee may apply again).
    pub fn holds(&self) -> bool {
        !matches!(self.state, ApplicationState::Refused { .. })
    }
}

/// Each opportunity's latest application: what the server holds, else what the outbox has.
pub fn views(server: &[ApplicationRecord], outbox: &[OutboxRow]) -> HashMap<String, ApplicationView> {
    let mut out: HashMap<String, ApplicationView> = HashMap::new();
    for row in outbox {
        let MutationBody::ApplyForOpportunity(request) = &row.body else { continue };
        let state = match &row.state {
            EditState::Pending => ApplicationState::Waiting,
            EditState::Applied { .. } => ApplicationState::Received,
            EditState::Rejected { errors } => ApplicationState::Refused { errors: errors.clone() },
            EditState::Conflict { .. } | EditState::Refused => {
                ApplicationState::Refused { errors: Vec::new() }
            }
        };
        let view = ApplicationView {
            id: request.id.clone(),
            receipt: request.receipt.clone(),
            transaction_number: None,
            stage: state.stage(),
            state,
            applied_at: row.created_at,
        };
        // Later rows come later in the outbox: an application again after a refusal wins.
        out.insert(request.opportunity_id.clone(), view);
    }
    for record in server {
        let state = match record.state {
            ApplicationStatus::Received => ApplicationState::Received,
            ApplicationStatus::Accepted => ApplicationState::Accepted,
            ApplicationStatus::Declined => {
                ApplicationState::Declined { reason: record.reason.clone().unwrap_or_default() }
            }
        };
        let applied_at = out
            .get(&record.opportunity_id)
            .filter(|v| v.id == record.id)
            .map_or(record.submitted_at, |v| v.applied_at);
        out.insert(
            record.opportunity_id.clone(),
            ApplicationView {
                id: record.id.clone(),
                receipt: record.receipt.clone(),
                transaction_number: Some(record.transaction_number.clone()),
                stage: state.stage(),
                state,
                applied_at,
            },
        );
    }
    out
}

/// Every application this vault knows of, by opportunity.
pub fn known(db: &VaultDb) -> Result<HashMap<String, ApplicationView>, VaultDbError> {
    let server: Vec<ApplicationRecord> = db
        .server_records(RecordKind::Application)?
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect();
    Ok(views(&server, &db.outbox()?))
}

/// The opportunities as last fetched (kept in the vault for offline).
pub fn kept_opportunities(db: &VaultDb) -> Result<Vec<Opportunity>, VaultDbError> {
    Ok(db.kept("opportunities")?.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
}

#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    #[error(transparent)]
    Session(#[from] SessionError),
    /// What the server would refuse; nothing was queued.
    #[error("the application is not accepted")]
    Invalid(Vec<FieldError>),
}

impl ApplicationError {
    pub fn to_ui(&self) -> UiError {
        match self {
            Self::Session(error) => error.to_ui(),
            Self::Invalid(errors) => {
                UiError { fields: errors.clone(), ..UiError::new(ErrorCode::InvalidInput) }
            }
        }
    }
}

impl From<VaultError> for ApplicationError {
    fn from(error: VaultError) -> Self {
        Self::Session(error.into())
    }
}

/// A new random id (32 hex characters), as the server expects.
fn new_id() -> Result<String, SessionError> {
    crate::ids::new_record_id().map_err(|e| SessionError::Task(e.to_string()))
}

#[derive(Debug, Clone)]
pub struct Applications {
    cx: Arc<Context>,
}

impl Applications {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    /// تقديم: checked against the opportunity as last fetched and the employee's rank on this
    /// workstation's date, then queued with its receipt number (the server checks again on its
    /// own date). Works offline: sync sends it when the server answers.
    pub async fn apply(&self, opportunity_id: String) -> Result<ApplicationView, ApplicationError> {
        let active = self.cx.active()?;
        let id = new_id()?;
        let today = Local::now().date_naive();
        let queued = active
            .vault(move |vault| {
                let opportunities = kept_opportunities(vault.db)?;
                let opportunity = opportunities.iter().find(|o| o.id == opportunity_id);
                let rank = vault.db.load_record()?.map_or(0, |(record, _)| record.profile.rank);
                let applied = known(vault.db)?.get(&opportunity_id).is_some_and(ApplicationView::holds);
                let now = Utc::now();
                let receipt = vault.db.next_receipt(now)?;
                let request = ApplicationRequest { id, opportunity_id, receipt };
                if let Err(errors) = training::check(&request, opportunity, rank, today, applied) {
                    return Ok(Err(errors));
                }
                vault.expect_more(1, 0)?;
                vault.db.queue_record(&MutationBody::ApplyForOpportunity(request.clone()), now)?;
                vault.note_unsent()?;
                Ok(Ok(ApplicationView {
                    id: request.id,
                    receipt: request.receipt,
                    transaction_number: None,
                    state: ApplicationState::Waiting,
                    stage: Stage::Saved,
                    applied_at: now,
                }))
            })
            .await?
            .map_err(ApplicationError::Invalid)?;
        self.cx.wake_sync.notify_one();
        Ok(queued)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use masar_protocol::sync::MutationOutcome;
    use masar_protocol::validate::FieldProblem;

    fn request(id: &str, opportunity: &str, receipt: &str) -> MutationBody {
        MutationBody::ApplyForOpportunity(ApplicationRequest {
            id: id.into(),
            opportunity_id: opportunity.into(),
            receipt: receipt.into(),
        })
    }

    fn row(id: u64, body: MutationBody, state: EditState) -> OutboxRow {
        OutboxRow {
            id,
            base_version: 0,
            fields: vec![],
            body,
            state,
            created_at: Utc::now(),
            answered_at: None,
        }
    }

    fn record(id: &str, opportunity: &str, state: ApplicationStatus) -> ApplicationRecord {
        ApplicationRecord {
            id: id.into(),
            opportunity_id: opportunity.into(),
            receipt: "20261129-0001".into(),
            transaction_number: "TR-2026-000007".into(),
            state,
            reason: (state == ApplicationStatus::Declined).then(|| "اكتملت المقاعد".into()),
            submitted_at: Utc::now(),
            decided_at: None,
        }
    }

    #[test]
    fn each_opportunity_shows_its_latest_application_the_servers_word_first() {
        let refused = FieldError::new("opportunity", FieldProblem::ApplicationsClosed);
        let outbox = [
            row(1, request("a1", "OPP-1", "20261129-0001"), EditState::Pending),
            row(
                2,
                request("b1", "OPP-2", "20261129-0002"),
                EditState::Rejected { errors: vec![refused.clone()] },
            ),
            row(3, request("c1", "OPP-3", "20261129-0003"), EditState::Applied { version: 1 }),
            row(
                4,
                request("d1", "OPP-4", "20261129-0004"),
                EditState::Rejected { errors: vec![refused.clone()] },
            ),
            row(5, request("d2", "OPP-4", "20261129-0005"), EditState::Pending),
        ];
        let server = [
            record("c1", "OPP-3", ApplicationStatus::Declined),
            record("e1", "OPP-5", ApplicationStatus::Accepted),
        ];
        let views = views(&server, &outbox);
        let state = |o: &str| views[o].state.clone();
        assert_eq!(state("OPP-1"), ApplicationState::Waiting);
        assert_eq!(state("OPP-2"), ApplicationState::Refused { errors: vec![refused] });
        assert!(!views["OPP-2"].holds(), "a refused application lets the employee apply again");
        assert_eq!(state("OPP-3"), ApplicationState::Declined { reason: "اكتملت المقاعد".into() });
        assert_eq!(views["OPP-3"].transaction_number.as_deref(), Some("TR-2026-000007"));
        assert_eq!((views["OPP-4"].id.as_str(), state("OPP-4")), ("d2", ApplicationState::Waiting));
        assert_eq!(state("OPP-5"), ApplicationState::Accepted, "from another workstation");
        assert_eq!(views.len(), 5);
        // The server refused the id itself: shown as refused, never as waiting.
        let other = [row(
            6,
            MutationBody::ApplyForOpportunity(ApplicationRequest {
                id: "x".into(),
                opportunity_id: "OPP-6".into(),
                receipt: "r".into(),
            }),
            EditState::from(MutationOutcome::IdReused),
        )];
        assert_eq!(super::views(&[], &other)["OPP-6"].state, ApplicationState::Refused { errors: vec![] });
    }
}

/// Applications as a record kind of sync: a pull that brings the administration's decision on
/// one received here, or applied for from here, is news.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplicationKind;

#[async_trait::async_trait]
impl crate::kinds::RecordKind for ApplicationKind {
    fn decisions(
        &self,
        db: &VaultDb,
        changes: &[masar_protocol::sync::Change],
    ) -> Result<Vec<DecisionNotice>, VaultDbError> {
        use masar_protocol::sync::Change;
        let known: Vec<ApplicationRecord> = crate::kinds::kept_records(db, RecordKind::Application)?;
        let applied_here: Vec<String> = db
            .outbox()?
            .into_iter()
            .filter_map(|row| match row.body {
                MutationBody::ApplyForOpportunity(request) => Some(request.id),
                _ => None,
            })
            .collect();
        let titles = kept_opportunities(db)?;
        let mut news = Vec::new();
        for change in changes {
            let Change::Application { application: a, .. } = change else { continue };
            if a.state == ApplicationStatus::Received {
                continue;
            }
            let news_here = match known.iter().find(|k| k.id == a.id) {
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
        Ok(news)
    }
}
