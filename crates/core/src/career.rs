//! السجل الوظيفي and مدة الخدمة: the employment record's decisions and the length of service,
//! read from the vault's copy of the record (so they show offline; the records capability keeps
//! the copy current when the server answers). The counting rule is the protocol's.

use std::sync::Arc;

use chrono::{DateTime, Local, NaiveDate, Utc};
use masar_protocol::record::{EmployeeRecord, EmploymentEvent};
use masar_protocol::service::{ServiceLength, length_of_service};
use masar_protocol::statement::{StatementCode, StatementFacts};
use serde::Serialize;

use crate::context::Context;
use crate::failure::SessionError;
use crate::vault::VaultError;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Career {
    /// Newest first, as the timeline shows them.
    pub events: Vec<EmploymentEvent>,
    pub length: ServiceLength,
    /// When the server gave this copy.
    pub fetched_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Careers {
    cx: Arc<Context>,
}

impl Careers {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    /// The record and the length of service counted to today (the workstation's day).
    pub async fn career(&self) -> Result<Career, SessionError> {
        self.career_on(Local::now().date_naive()).await
    }

    /// What a service statement certifies: the local copy, with the profile as the server last
    /// sent it (edits still waiting to sync are not the server's yet, so not printed), and the
    /// server's verification code: a fresh one when it answers, else the last one if the record
    /// has not changed since (a statement made offline after a change has none, and says so).
    pub async fn statement(&self) -> Result<(EmployeeRecord, Option<StatementCode>), SessionError> {
        let active = self.cx.active()?;
        let record = active
            .vault(|vault| {
                let (mut record, _) =
                    vault.db.load_record().map_err(VaultError::from)?.ok_or(SessionError::NotSignedIn)?;
                if let Some((profile, _)) = vault.db.server_profile().map_err(VaultError::from)? {
                    record.profile = profile;
                }
                Ok(record)
            })
            .await?;
        let client = self.cx.client();
        let fetch = &*client;
        let fresh = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            active.with_token(fetch, |token| async move { fetch.statement_code(&token).await }),
        )
        .await;
        let code = match fresh {
            Ok(Ok(code)) => {
                let json = serde_json::to_string(&code).map_err(|e| SessionError::Task(e.to_string()))?;
                active.vault(move |vault| Ok(vault.db.set_kept("statement_code", &json)?)).await?;
                Some(code)
            }
            _ => {
                let kept = active.vault(|vault| Ok(vault.db.kept("statement_code")?)).await?;
                kept.and_then(|json| serde_json::from_str::<StatementCode>(&json).ok())
                    .filter(|code| certifies(code, &record))
            }
        };
        Ok((record, code))
    }

    pub async fn career_on(&self, today: NaiveDate) -> Result<Career, SessionError> {
        let active = self.cx.active()?;
        let (record, fetched_at) = active
            .vault(|vault| Ok(vault.db.load_record().map_err(VaultError::from)?))
            .await?
            .ok_or(SessionError::NotSignedIn)?;
        let length = length_of_service(&record.employment_events, record.profile.appointment_date, today);
        let mut events = record.employment_events;
        events.sort_by_key(|e| std::cmp::Reverse(e.date));
        Ok(Career { events, length, fetched_at })
    }
}

/// Whether a code given earlier still certifies `record` (the same person, post and decisions;
/// the server's rule for "changed since") and still verifies.
fn certifies(code: &StatementCode, record: &EmployeeRecord) -> bool {
    let now = chrono::Utc::now();
    code.in_force(now) && StatementFacts::of(record, now.date_naive()).same_record(&code.facts)
}
