//! HR's review of qualifications (the `hr_officer` role): the queue with its filters, each
//! attached document opened in the app, verify or reject with the reason. Online only: a
//! decision is the server's (audited there with the officer's ID) and is never queued on a
//! workstation; the employee sees it on their next pull.

use std::sync::Arc;

use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{Decision, QualificationRecord};
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord};

use crate::active::SessionError;
use crate::client::Document;
use crate::context::Context;

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
