//! HR's review of qualifications (the `hr_officer` role): the queue with its filters, each
//! attached document opened in the app, verify or reject with the reason. Online only: a
//! decision is the server's (audited there with the officer's ID) and is never queued on a
//! workstation; the employee sees it on their next pull.

use std::sync::Arc;

use masar_protocol::activity::ActivityEntry;
use masar_protocol::hr::{EmploymentChange, ReviewFilter, ReviewItem};
use masar_protocol::qualification::{Decision, QualificationRecord};
use masar_protocol::sync::MutationOutcome;
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord};
use masar_protocol::validate::FieldError;
use masar_protocol::{EmployeeRecord, NationalId};
use serde::Serialize;

use crate::active::SessionError;
use crate::client::Document;
use crate::context::Context;

/// An employee as HR opens them: the record, and the version an edit is made on.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HrEmployee {
    pub record: EmployeeRecord,
    #[specta(type = f64)]
    pub version: u64,
}

/// What HR's change of employment data came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "outcome", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum EmploymentSaved {
    Applied {
        #[specta(type = f64)]
        version: u64,
    },
    /// A value is not accepted (per field).
    Rejected { errors: Vec<FieldError> },
    /// Someone changed the same data since the officer opened it: what it is now.
    Conflict {
        fields: Vec<String>,
        entity: String,
        job_title: String,
        #[specta(type = f64)]
        version: u64,
    },
}

#[derive(Debug, Clone)]
pub struct Review {
    cx: Arc<Context>,
}

impl Review {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    /// The qualifications the filter asks for (by default those under review), oldest first.
    pub async fn queue(&self, filter: ReviewFilter) -> Result<Vec<ReviewItem>, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let (client, filter) = (&*client, &filter);
        active.with_token(client, |token| async move { client.review_queue(&token, filter).await }).await
    }

    /// An attached document, held in memory only (never written to this workstation's disk).
    pub async fn document(&self, sha256: String) -> Result<Document, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let (client, sha256) = (&*client, sha256.as_str());
        active.with_token(client, |token| async move { client.review_document(&token, sha256).await }).await
    }

    /// Verify, or reject with the reason (the server refuses an empty one, and a second decision).
    pub async fn decide(&self, id: String, decision: Decision) -> Result<QualificationRecord, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let (client, id, decision) = (&*client, id.as_str(), &decision);
        let record = active
            .with_token(client, |token| async move { client.review_decide(&token, id, decision).await })
            .await?;
        // The officer's own record may list this qualification too; it comes with the next pull.
        self.cx.wake_sync.notify_one();
        Ok(record)
    }

    /// An employee of the officer's entity: their record as the server holds it (the read is
    /// audited there), to change their employment data on its current version.
    pub async fn employee(&self, id: NationalId) -> Result<HrEmployee, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let (client, id) = (&*client, &id);
        let (record, version) = active
            .with_token(client, |token| async move { client.employee_record(&token, id).await })
            .await?;
        Ok(HrEmployee { record, version })
    }

    /// HR changes an employee's entity and job title, with the reason (in the employee's trail).
    pub async fn update_employment(
        &self,
        id: NationalId,
        change: EmploymentChange,
    ) -> Result<EmploymentSaved, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let (client, id, change) = (&*client, &id, &change);
        let outcome = active
            .with_token(client, |token| async move { client.update_employment(&token, id, change).await })
            .await?;
        Ok(match outcome {
            MutationOutcome::Applied { version } => EmploymentSaved::Applied { version },
            MutationOutcome::Rejected { errors } => EmploymentSaved::Rejected { errors },
            MutationOutcome::Conflict { fields, server, version } => EmploymentSaved::Conflict {
                fields,
                entity: server.entity,
                job_title: server.job_title,
                version,
            },
            MutationOutcome::IdReused => {
                return Err(SessionError::Task("an HR change has no mutation id to reuse".into()));
            }
        })
    }

    /// An employee's trail, as HR reads it.
    pub async fn employee_activity(&self, id: NationalId) -> Result<Vec<ActivityEntry>, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let (client, id) = (&*client, &id);
        active.with_token(client, |token| async move { client.employee_activity(&token, id).await }).await
    }

    /// The signed-in employee's own trail (سجل النشاط): the server's, so online only.
    pub async fn my_activity(&self) -> Result<Vec<ActivityEntry>, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let client = &*client;
        active.with_token(client, |token| async move { client.my_activity(&token).await }).await
    }

    /// Applications for training and scholarships (the training administration's list).
    pub async fn applicants(&self, filter: ApplicantFilter) -> Result<Vec<Applicant>, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let (client, filter) = (&*client, &filter);
        active.with_token(client, |token| async move { client.applicants(&token, filter).await }).await
    }

    /// Accept (within the seats) or decline with the reason; online only, as for qualifications.
    pub async fn decide_application(
        &self,
        id: String,
        decision: ApplicationDecision,
    ) -> Result<ApplicationRecord, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let (client, id, decision) = (&*client, id.as_str(), &decision);
        let record = active
            .with_token(client, |token| async move { client.decide_application(&token, id, decision).await })
            .await?;
        self.cx.wake_sync.notify_one();
        Ok(record)
    }
}
