//! The HR officer's calls: the review queue, an attached document, a decision; the applications
//! for training and the decision on each.

use std::time::Duration;

use masar_protocol::attachments::AttachmentKind;
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{Decision, QualificationRecord};
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord};

use super::{ClientError, MasarClient, error_from, send_json};
use crate::secret::{ExposeSecret, SecretString};

/// A document of 20 MiB on a slow office link.
const DOCUMENT_TIMEOUT: Duration = Duration::from_secs(120);
/// Larger than any limit a server is configured with: a larger answer is not a document.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024 * 1024;

/// An attached document as the server keeps it.
#[derive(Clone)]
pub struct Document {
    pub kind: AttachmentKind,
    pub bytes: bytes::Bytes,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the content: it is an employee's document.
        f.debug_struct("Document").field("kind", &self.kind).field("len", &self.bytes.len()).finish()
    }
}

impl MasarClient {
    pub async fn review_queue(
        &self,
        token: &SecretString,
        filter: &ReviewFilter,
    ) -> Result<Vec<ReviewItem>, ClientError> {
        let url = self.url("v1/hr/qualifications")?;
        let query = filter.query.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let filter = ReviewFilter { query, ..filter.clone() };
        send_json(self.http()?.get(url).query(&filter).bearer_auth(token.expose_secret())).await
    }

    pub async fn review_document(&self, token: &SecretString, sha256: &str) -> Result<Document, ClientError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ClientError::BadResponse("not a document's hash".into()));
        }
        let mut response = self
            .http()?
            .get(self.url(&format!("v1/hr/attachments/{sha256}"))?)
            .bearer_auth(token.expose_secret())
            .timeout(DOCUMENT_TIMEOUT)
            .send()
            .await
            .map_err(|e| ClientError::from_reqwest(&e))?;
        if !response.status().is_success() {
            return Err(error_from(response).await);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| ClientError::from_reqwest(&e))? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(ClientError::BadResponse("document too large".into()));
            }
            body.extend_from_slice(&chunk);
        }
        // The kind is decided by the content, as everywhere else, not by the header.
        let kind = masar_protocol::attachments::sniff(&body).ok_or_else(|| {
            ClientError::BadResponse("the server sent something that is not a document".into())
        })?;
        Ok(Document { kind, bytes: body.into() })
    }

    pub async fn applicants(
        &self,
        token: &SecretString,
        filter: &ApplicantFilter,
    ) -> Result<Vec<Applicant>, ClientError> {
        let url = self.url("v1/hr/applications")?;
        send_json(self.http()?.get(url).query(filter).bearer_auth(token.expose_secret())).await
    }

    pub async fn decide_application(
        &self,
        token: &SecretString,
        id: &str,
        decision: &ApplicationDecision,
    ) -> Result<ApplicationRecord, ClientError> {
        let mut url = self.url("v1/hr/applications")?;
        url.path_segments_mut()
            .map_err(|()| ClientError::BadResponse("server address".into()))?
            .push(id)
            .push("decision");
        send_json(self.http()?.post(url).bearer_auth(token.expose_secret()).json(decision)).await
    }

    pub async fn review_decide(
        &self,
        token: &SecretString,
        id: &str,
        decision: &Decision,
    ) -> Result<QualificationRecord, ClientError> {
        let mut url = self.url("v1/hr/qualifications")?;
        url.path_segments_mut()
            .map_err(|()| ClientError::BadResponse("server address".into()))?
            .push(id)
            .push("decision");
        send_json(self.http()?.post(url).bearer_auth(token.expose_secret()).json(decision)).await
    }
}
