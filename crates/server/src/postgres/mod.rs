//! The PostgreSQL store, for deployments that outgrow one machine: several stateless server
//! nodes on one database. Every method is one transaction on a pooled connection; what two nodes
//! could do at once to the same rows is serialised by row locks (see each module).

mod auth;
mod db;
mod devices;
mod documents;
mod health;
mod records;
mod shared;
mod sync;
mod training;

use async_trait::async_trait;
use masar_protocol::attachments::AttachmentLimits;
use masar_protocol::auth::DevSms;
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{Decision, QualificationRecord};
use masar_protocol::statement::StatementCode;
use masar_protocol::sync::{Mutation, MutationBody, MutationOutcome, MutationResult, PullResponse};
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord};
use masar_protocol::{DemoAccount, EmployeeRecord, NationalId, Opportunity};

pub use db::PgDb;

use crate::demo::{DemoData, demo_password};
use crate::rules::signin_rows::SigninRows;
use crate::rules::{self, signin_rows};
use crate::storage::Collected;
use crate::storage::{
    Blob, Caller, Decided, Lease, PasswordCheck, PushError, RateRule, RefreshOutcome, Refusal, Resent,
    SmsMessage, Store, Upload, UploadUsage,
};
use sync::PgRows;

#[derive(Debug, Clone)]
pub struct PgStore {
    db: PgDb,
    limits: AttachmentLimits,
}

impl PgStore {
    pub fn new(db: PgDb) -> Self {
        Self { db, limits: AttachmentLimits::default() }
    }

    /// The store with the server's attachment limits (see `ServerConfig::attachment_limits`).
    #[must_use]
    pub fn with_limits(self, limits: AttachmentLimits) -> Self {
        Self { limits, ..self }
    }
}

/// Runs `$body` in one transaction named `$tx`, committed when it gives a value.
macro_rules! in_tx {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut client = $store.db.client().await?;
        let $tx = client.transaction().await?;
        let value = $body;
        $tx.commit().await?;
        value
    }};
}

/// Runs `$body` with a pooled connection `$client` and no transaction: for a read that is one
/// statement, or whose statements need no common snapshot (a pull brings a record at least as new
/// as its change row; the next pull repeats a newer one). Saves BEGIN and COMMIT round trips.
macro_rules! on_client {
    ($store:expr, |$client:ident| $body:expr) => {{
        let pooled = $store.db.client().await?;
        let $client = &pooled;
        $body
    }};
}

// After the macros: the provider's store calls use them.
mod oidc;

#[async_trait]
impl Store for PgStore {
    async fn seed_if_empty(&self, data: DemoData, seed: u64) -> anyhow::Result<bool> {
        // Hashing is slow on purpose: done before the transaction, not inside it.
        let mut hashes = Vec::new();
        for (record, _) in data.accounts() {
            hashes.push(crate::auth::password::hash(&demo_password(&record.profile.national_id))?);
        }
        Ok(in_tx!(self, |tx| records::seed(&tx, &data, &hashes, seed).await?))
    }

    async fn seed_requests(&self, requests: Vec<crate::demo::SeededRequest>) -> anyhow::Result<()> {
        in_tx!(self, |tx| rules::qualifications::seed_requests(&PgRows(&tx), &requests).await?);
        Ok(())
    }

    async fn demo_accounts(&self) -> anyhow::Result<Vec<DemoAccount>> {
        Ok(on_client!(self, |client| records::demo_accounts(client).await?))
    }

    async fn record(&self, employee: &NationalId) -> anyhow::Result<Option<EmployeeRecord>> {
        Ok(on_client!(self, |client| records::load_record(client, employee).await?))
    }

    async fn opportunities(&self) -> anyhow::Result<Vec<Opportunity>> {
        Ok(on_client!(self, |client| records::opportunities(client).await?))
    }

    async fn save_statement_code(&self, employee: &NationalId, code: &StatementCode) -> anyhow::Result<()> {
        in_tx!(self, |tx| records::save_statement(&tx, employee, code).await?);
        Ok(())
    }

    async fn statement_code(&self, code: &str) -> anyhow::Result<Option<crate::storage::IssuedStatement>> {
        Ok(on_client!(self, |client| records::statement(client, code).await?))
    }

    async fn vault_key(
        &self,
        employee: &NationalId,
        vault_id: &str,
        fresh: &[u8; 32],
        now_ms: i64,
    ) -> anyhow::Result<Vec<u8>> {
        Ok(on_client!(self, |client| records::vault_key(client, employee, vault_id, fresh, now_ms).await?))
    }

    async fn existing_vault_key(
        &self,
        employee: &NationalId,
        vault_id: &str,
    ) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(on_client!(self, |client| records::existing_vault_key(client, employee, vault_id).await?))
    }

    async fn reserve_password_check(
        &self,
        id: &NationalId,
        caller: &Caller,
    ) -> anyhow::Result<PasswordCheck> {
        Ok(in_tx!(self, |tx| signin_rows::reserve_password_check(&PgRows(&tx), id, caller).await?))
    }

    async fn password_wrong(&self, id: &NationalId, caller: &Caller) -> anyhow::Result<Option<u32>> {
        Ok(in_tx!(self, |tx| signin_rows::password_wrong(&PgRows(&tx), id, caller).await?))
    }

    async fn abandon_challenge(
        &self,
        challenge_id: &str,
        id: &NationalId,
        caller: &Caller,
    ) -> anyhow::Result<()> {
        in_tx!(self, |tx| signin_rows::abandon_challenge(&PgRows(&tx), challenge_id, id, caller).await?);
        Ok(())
    }

    async fn resend_code(&self, challenge_id: &str, code: &str, caller: &Caller) -> anyhow::Result<Resent> {
        Ok(in_tx!(self, |tx| signin_rows::resend(&PgRows(&tx), challenge_id, code, caller).await?))
    }

    async fn refresh(&self, refresh_token: &str, caller: &Caller) -> anyhow::Result<RefreshOutcome> {
        Ok(in_tx!(self, |tx| signin_rows::refresh(&PgRows(&tx), refresh_token, caller).await?))
    }

    async fn logout(&self, refresh_token: &str, caller: &Caller) -> anyhow::Result<()> {
        in_tx!(self, |tx| signin_rows::logout(&PgRows(&tx), refresh_token, caller).await?);
        Ok(())
    }

    async fn push(
        &self,
        employee: &NationalId,
        client_id: &str,
        mutations: Vec<Mutation>,
        caller: &Caller,
    ) -> Result<Vec<MutationResult>, PushError> {
        let pushed: anyhow::Result<Option<Vec<MutationResult>>> = async {
            Ok(in_tx!(self, |tx| {
                rules::sync::push(&PgRows(&tx), employee, client_id, &mutations, &self.limits, caller).await?
            }))
        }
        .await;
        pushed?.ok_or(PushError::ForeignClient)
    }

    async fn pull(&self, employee: &NationalId, cursor: u64, limit: u32) -> anyhow::Result<PullResponse> {
        Ok(on_client!(self, |client| rules::sync::pull(&PgRows(client), employee, cursor, limit).await?))
    }

    async fn create_upload(&self, upload: &Upload, caller: &Caller) -> anyhow::Result<()> {
        in_tx!(self, |tx| documents::create_upload(&tx, upload, caller).await?);
        Ok(())
    }

    async fn upload(&self, id: &str, owner: &NationalId) -> anyhow::Result<Option<Upload>> {
        Ok(on_client!(self, |client| documents::find_upload(client, id, owner).await?))
    }

    async fn lease_upload(
        &self,
        id: &str,
        owner: &NationalId,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> anyhow::Result<Lease> {
        Ok(in_tx!(self, |tx| documents::lease(&tx, id, owner, now_ms, lease_until_ms).await?))
    }

    async fn advance_upload(&self, id: &str, offset: u64, expires_ms: i64) -> anyhow::Result<()> {
        in_tx!(self, |tx| documents::advance(&tx, id, offset, expires_ms).await?);
        Ok(())
    }

    async fn complete_upload(&self, id: &str, blob: &Blob, caller: &Caller) -> anyhow::Result<()> {
        in_tx!(self, |tx| documents::complete(&tx, id, blob, caller).await?);
        Ok(())
    }

    async fn remove_upload(&self, id: &str) -> anyhow::Result<bool> {
        Ok(in_tx!(self, |tx| documents::remove_upload(&tx, id).await?))
    }

    async fn expired_uploads(&self, now_ms: i64) -> anyhow::Result<Vec<String>> {
        Ok(on_client!(self, |client| documents::expired_uploads(client, now_ms).await?))
    }

    async fn upload_usage(
        &self,
        owner: &NationalId,
        now_ms: i64,
        since_ms: i64,
    ) -> anyhow::Result<UploadUsage> {
        Ok(on_client!(self, |client| documents::upload_usage(client, owner, now_ms, since_ms).await?))
    }

    async fn collect_unused(
        &self,
        history_before_ms: i64,
        blobs_before_ms: i64,
    ) -> anyhow::Result<Collected> {
        Ok(in_tx!(self, |tx| documents::collect_unused(&tx, history_before_ms, blobs_before_ms).await?))
    }

    async fn owned_blob(&self, sha256: &str, owner: &NationalId) -> anyhow::Result<Option<Blob>> {
        Ok(on_client!(self, |client| documents::owned_blob(client, sha256, owner).await?))
    }

    async fn qualifications_for_review(&self, filter: &ReviewFilter) -> anyhow::Result<Vec<ReviewItem>> {
        Ok(on_client!(self, |client| documents::for_review(client, filter).await?))
    }

    async fn decide_qualification(
        &self,
        officer: &NationalId,
        id: &str,
        decision: &Decision,
        caller: &Caller,
    ) -> anyhow::Result<Decided<QualificationRecord>> {
        Ok(in_tx!(self, |tx| rules::qualifications::decide(&PgRows(&tx), officer, id, decision, caller)
            .await?))
    }

    async fn applicants(&self, filter: &ApplicantFilter) -> anyhow::Result<Vec<Applicant>> {
        Ok(on_client!(self, |client| training::applicants(client, filter).await?))
    }

    async fn decide_application(
        &self,
        officer: &NationalId,
        id: &str,
        decision: &ApplicationDecision,
        caller: &Caller,
    ) -> anyhow::Result<Decided<ApplicationRecord>> {
        Ok(in_tx!(self, |tx| rules::applications::decide(&PgRows(&tx), officer, id, decision, caller)
            .await?))
    }

    async fn admit_request(&self, key: &str, rule: RateRule, now_ms: i64) -> anyhow::Result<Result<(), u32>> {
        Ok(in_tx!(self, |tx| shared::admit(&tx, key, rule, now_ms).await?))
    }

    async fn keep_dev_sms(&self, message: &SmsMessage) -> anyhow::Result<()> {
        in_tx!(self, |tx| shared::keep_sms(&tx, message).await?);
        Ok(())
    }

    async fn dev_sms(&self, employee: &NationalId) -> anyhow::Result<Vec<DevSms>> {
        Ok(on_client!(self, |client| shared::sms_for(client, employee).await?))
    }

    async fn attached_blob(&self, sha256: &str) -> anyhow::Result<Option<(Blob, Vec<NationalId>)>> {
        Ok(on_client!(self, |client| documents::attached_blob(client, sha256).await?))
    }

    async fn hr_update(
        &self,
        officer: &NationalId,
        employee: &NationalId,
        base_version: u64,
        body: MutationBody,
        reason: &str,
        caller: &Caller,
    ) -> anyhow::Result<Result<Option<MutationOutcome>, Refusal>> {
        Ok(in_tx!(self, |tx| {
            rules::records::hr_update(&PgRows(&tx), officer, employee, base_version, &body, reason, caller)
                .await?
        }))
    }

    async fn activity(
        &self,
        employee: &NationalId,
        limit: u32,
    ) -> anyhow::Result<Vec<masar_protocol::activity::ActivityEntry>> {
        Ok(on_client!(self, |client| sync::activity(client, employee, limit).await?))
    }

    async fn hr_open_record(
        &self,
        officer: &NationalId,
        employee: &NationalId,
        read: crate::storage::HrRead,
        caller: &Caller,
    ) -> anyhow::Result<Result<u64, Refusal>> {
        Ok(in_tx!(self, |tx| rules::hr_authority::open_record(&PgRows(&tx), officer, employee, read, caller)
            .await?))
    }

    async fn role_of(&self, id: &NationalId) -> anyhow::Result<Option<crate::storage::Role>> {
        Ok(on_client!(self, |client| PgRows(client).account(id).await?.map(|account| account.role)))
    }
}
