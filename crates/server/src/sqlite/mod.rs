//! The SQLite store: the embedded default, one file. Every method is one transaction on the one
//! connection, run on the blocking pool.

pub mod applications;
pub mod auth;
pub mod db;
mod devices;
mod health;
mod oidc;
mod qualifications;
mod record_qualifications;
pub mod records;
pub mod rows;
pub mod shared;
mod statements;
mod sync;
mod uploads;
mod vault_keys;

use async_trait::async_trait;
use masar_protocol::sync::{Mutation, MutationBody, MutationOutcome, MutationResult, PullResponse};
use masar_protocol::{DemoAccount, EmployeeRecord, NationalId, Opportunity};

pub use db::Db;
pub use rows::{SqliteRows, apply_edit, finish};

use crate::demo::{DemoData, demo_password};
use crate::rules::{self, signin_rows};
use masar_protocol::attachments::AttachmentLimits;
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{Decision, QualificationRecord};
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord};

use crate::storage::{
    Blob, Caller, Collected, Decided, Lease, PasswordCheck, PushError, RateRule, RefreshOutcome, Refusal,
    Resent, Role, SmsMessage, Store, Upload, UploadUsage,
};
use masar_protocol::auth::DevSms;

#[derive(Debug, Clone)]
pub struct SqliteStore {
    db: Db,
    /// What a submission may attach (checked again when it is pushed).
    limits: AttachmentLimits,
}

impl SqliteStore {
    pub fn new(db: Db) -> Self {
        Self { db, limits: AttachmentLimits::default() }
    }

    /// The store with the server's attachment limits (see `ServerConfig::attachment_limits`).
    #[must_use]
    pub fn with_limits(self, limits: AttachmentLimits) -> Self {
        Self { limits, ..self }
    }

    /// The connection itself, for tests that look at the tables.
    pub fn db(&self) -> &Db {
        &self.db
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn seed_if_empty(&self, data: DemoData, seed: u64) -> anyhow::Result<bool> {
        // Hashing is slow on purpose: done before the transaction, not inside it.
        let mut hashed = Vec::new();
        for (record, role) in data.accounts() {
            let hash = crate::auth::password::hash(&demo_password(&record.profile.national_id))?;
            hashed.push((record.clone(), role, hash));
        }
        self.db
            .call_tx(move |tx| {
                if records::count_employees(tx)? > 0 {
                    return Ok(false);
                }
                for (record, role, hash) in &hashed {
                    records::insert_record(tx, record)?;
                    let profile = &record.profile;
                    auth::insert_account(tx, &profile.national_id, hash, &profile.mobile, *role)?;
                }
                for opportunity in &data.opportunities {
                    records::insert_opportunity(tx, opportunity)?;
                }
                tx.execute(
                    "INSERT INTO server_meta (key, value) VALUES ('demo_seed', ?1)",
                    [seed.to_string()],
                )?;
                Ok(true)
            })
            .await
    }

    async fn seed_requests(&self, requests: Vec<crate::demo::SeededRequest>) -> anyhow::Result<()> {
        self.db
            .call_tx(move |tx| finish(rules::qualifications::seed_requests(&SqliteRows(tx), &requests)))
            .await
    }

    async fn demo_accounts(&self) -> anyhow::Result<Vec<DemoAccount>> {
        self.db.call(|conn| records::demo_accounts(conn)).await
    }

    async fn record(&self, employee: &NationalId) -> anyhow::Result<Option<EmployeeRecord>> {
        let id = employee.clone();
        self.db.call(move |conn| records::load_record(conn, &id)).await
    }

    async fn opportunities(&self) -> anyhow::Result<Vec<Opportunity>> {
        self.db.call(|conn| records::list_opportunities(conn)).await
    }

    async fn save_statement_code(
        &self,
        employee: &NationalId,
        code: &masar_protocol::statement::StatementCode,
    ) -> anyhow::Result<()> {
        let (employee, code) = (employee.clone(), code.clone());
        self.db.call(move |conn| statements::save(conn, &employee, &code)).await
    }

    async fn statement_code(&self, code: &str) -> anyhow::Result<Option<crate::storage::IssuedStatement>> {
        let code = code.to_owned();
        self.db.call(move |conn| statements::find(conn, &code)).await
    }

    async fn vault_key(
        &self,
        employee: &NationalId,
        vault_id: &str,
        fresh: &[u8; 32],
        now_ms: i64,
    ) -> anyhow::Result<Vec<u8>> {
        let (employee, vault_id, fresh) = (employee.clone(), vault_id.to_owned(), *fresh);
        self.db.call(move |conn| vault_keys::keep(conn, &employee, &vault_id, &fresh, now_ms)).await
    }

    async fn existing_vault_key(
        &self,
        employee: &NationalId,
        vault_id: &str,
    ) -> anyhow::Result<Option<Vec<u8>>> {
        let (employee, vault_id) = (employee.clone(), vault_id.to_owned());
        self.db.call(move |conn| vault_keys::find(conn, &employee, &vault_id)).await
    }

    async fn reserve_password_check(
        &self,
        id: &NationalId,
        caller: &Caller,
    ) -> anyhow::Result<PasswordCheck> {
        let (id, caller) = (id.clone(), caller.clone());
        self.db
            .call_tx(move |tx| finish(signin_rows::reserve_password_check(&SqliteRows(tx), &id, &caller)))
            .await
    }

    async fn password_wrong(&self, id: &NationalId, caller: &Caller) -> anyhow::Result<Option<u32>> {
        let (id, caller) = (id.clone(), caller.clone());
        self.db.call_tx(move |tx| finish(signin_rows::password_wrong(&SqliteRows(tx), &id, &caller))).await
    }

    async fn abandon_challenge(
        &self,
        challenge_id: &str,
        id: &NationalId,
        caller: &Caller,
    ) -> anyhow::Result<()> {
        let (challenge, id, caller) = (challenge_id.to_owned(), id.clone(), caller.clone());
        self.db
            .call_tx(move |tx| {
                finish(signin_rows::abandon_challenge(&SqliteRows(tx), &challenge, &id, &caller))
            })
            .await
    }

    async fn resend_code(&self, challenge_id: &str, code: &str, caller: &Caller) -> anyhow::Result<Resent> {
        let (challenge, code, caller) = (challenge_id.to_owned(), code.to_owned(), caller.clone());
        self.db
            .call_tx(move |tx| finish(signin_rows::resend(&SqliteRows(tx), &challenge, &code, &caller)))
            .await
    }

    async fn refresh(&self, refresh_token: &str, caller: &Caller) -> anyhow::Result<RefreshOutcome> {
        let (token, caller) = (refresh_token.to_owned(), caller.clone());
        self.db.call_tx(move |tx| finish(signin_rows::refresh(&SqliteRows(tx), &token, &caller))).await
    }

    async fn logout(&self, refresh_token: &str, caller: &Caller) -> anyhow::Result<()> {
        let (token, caller) = (refresh_token.to_owned(), caller.clone());
        self.db.call_tx(move |tx| finish(signin_rows::logout(&SqliteRows(tx), &token, &caller))).await
    }

    async fn push(
        &self,
        employee: &NationalId,
        client_id: &str,
        mutations: Vec<Mutation>,
        caller: &Caller,
    ) -> Result<Vec<MutationResult>, PushError> {
        let (employee, client_id, caller) = (employee.clone(), client_id.to_owned(), caller.clone());
        let limits = self.limits.clone();
        self.db
            .call_tx(move |tx| {
                finish(rules::sync::push(
                    &SqliteRows(tx),
                    &employee,
                    &client_id,
                    &mutations,
                    &limits,
                    &caller,
                ))
            })
            .await?
            .ok_or(PushError::ForeignClient)
    }

    async fn pull(&self, employee: &NationalId, cursor: u64, limit: u32) -> anyhow::Result<PullResponse> {
        let employee = employee.clone();
        self.db.call(move |conn| finish(rules::sync::pull(&SqliteRows(conn), &employee, cursor, limit))).await
    }

    async fn create_upload(&self, upload: &Upload, caller: &Caller) -> anyhow::Result<()> {
        let (upload, caller) = (upload.clone(), caller.clone());
        self.db.call_tx(move |tx| uploads::create(tx, &upload, &caller)).await
    }

    async fn upload(&self, id: &str, owner: &NationalId) -> anyhow::Result<Option<Upload>> {
        let (id, owner) = (id.to_owned(), owner.clone());
        self.db.call(move |conn| uploads::find(conn, &id, &owner)).await
    }

    async fn lease_upload(
        &self,
        id: &str,
        owner: &NationalId,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> anyhow::Result<Lease> {
        let (id, owner) = (id.to_owned(), owner.clone());
        self.db.call_tx(move |tx| uploads::lease(tx, &id, &owner, now_ms, lease_until_ms)).await
    }

    async fn advance_upload(&self, id: &str, offset: u64, expires_ms: i64) -> anyhow::Result<()> {
        let id = id.to_owned();
        self.db.call(move |conn| uploads::advance(conn, &id, offset, expires_ms)).await
    }

    async fn complete_upload(&self, id: &str, blob: &Blob, caller: &Caller) -> anyhow::Result<()> {
        let (id, blob, caller) = (id.to_owned(), blob.clone(), caller.clone());
        self.db.call_tx(move |tx| uploads::complete(tx, &id, &blob, &caller)).await
    }

    async fn remove_upload(&self, id: &str) -> anyhow::Result<bool> {
        let id = id.to_owned();
        self.db.call(move |conn| uploads::remove(conn, &id)).await
    }

    async fn expired_uploads(&self, now_ms: i64) -> anyhow::Result<Vec<String>> {
        self.db.call(move |conn| uploads::expired(conn, now_ms)).await
    }

    async fn upload_usage(&self, owner: &NationalId, now: i64, since: i64) -> anyhow::Result<UploadUsage> {
        let owner = owner.clone();
        self.db.call(move |conn| uploads::usage(conn, &owner, now, since)).await
    }

    async fn collect_unused(&self, history_before: i64, blobs_before: i64) -> anyhow::Result<Collected> {
        self.db.call_tx(move |tx| uploads::collect(tx, history_before, blobs_before)).await
    }

    async fn owned_blob(&self, sha256: &str, owner: &NationalId) -> anyhow::Result<Option<Blob>> {
        let (sha256, owner) = (sha256.to_owned(), owner.clone());
        self.db.call(move |conn| uploads::owned_blob(conn, &sha256, &owner)).await
    }

    async fn qualifications_for_review(&self, filter: &ReviewFilter) -> anyhow::Result<Vec<ReviewItem>> {
        let filter = filter.clone();
        self.db.call(move |conn| qualifications::for_review(conn, &filter)).await
    }

    async fn decide_qualification(
        &self,
        officer: &NationalId,
        id: &str,
        decision: &Decision,
        caller: &Caller,
    ) -> anyhow::Result<Decided<QualificationRecord>> {
        let (officer, id, decision, caller) =
            (officer.clone(), id.to_owned(), decision.clone(), caller.clone());
        self.db
            .call_tx(move |tx| {
                finish(rules::qualifications::decide(&SqliteRows(tx), &officer, &id, &decision, &caller))
            })
            .await
    }

    async fn applicants(&self, filter: &ApplicantFilter) -> anyhow::Result<Vec<Applicant>> {
        let filter = filter.clone();
        self.db.call(move |conn| applications::applicants(conn, &filter)).await
    }

    async fn decide_application(
        &self,
        officer: &NationalId,
        id: &str,
        decision: &ApplicationDecision,
        caller: &Caller,
    ) -> anyhow::Result<Decided<ApplicationRecord>> {
        let (officer, id, decision, caller) =
            (officer.clone(), id.to_owned(), decision.clone(), caller.clone());
        self.db
            .call_tx(move |tx| {
                finish(rules::applications::decide(&SqliteRows(tx), &officer, &id, &decision, &caller))
            })
            .await
    }

    async fn admit_request(&self, key: &str, rule: RateRule, now_ms: i64) -> anyhow::Result<Result<(), u32>> {
        let key = key.to_owned();
        self.db.call_tx(move |tx| shared::admit(tx, &key, rule, now_ms)).await
    }

    async fn keep_dev_sms(&self, message: &SmsMessage) -> anyhow::Result<()> {
        let message = message.clone();
        self.db.call_tx(move |tx| shared::keep_sms(tx, &message)).await
    }

    async fn dev_sms(&self, employee: &NationalId) -> anyhow::Result<Vec<DevSms>> {
        let employee = employee.clone();
        self.db.call(move |conn| shared::sms_for(conn, &employee)).await
    }

    async fn attached_blob(&self, sha256: &str) -> anyhow::Result<Option<(Blob, Vec<NationalId>)>> {
        let sha256 = sha256.to_owned();
        self.db.call(move |conn| uploads::attached(conn, &sha256)).await
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
        let (officer, employee, reason, caller) =
            (officer.clone(), employee.clone(), reason.to_owned(), caller.clone());
        self.db
            .call_tx(move |tx| {
                let rows = SqliteRows(tx);
                finish(rules::records::hr_update(
                    &rows,
                    &officer,
                    &employee,
                    base_version,
                    &body,
                    &reason,
                    &caller,
                ))
            })
            .await
    }

    async fn activity(
        &self,
        employee: &NationalId,
        limit: u32,
    ) -> anyhow::Result<Vec<masar_protocol::activity::ActivityEntry>> {
        let employee = employee.clone();
        self.db.call(move |conn| rows::activity(conn, &employee, limit)).await
    }

    async fn hr_open_record(
        &self,
        officer: &NationalId,
        employee: &NationalId,
        read: crate::storage::HrRead,
        caller: &Caller,
    ) -> anyhow::Result<Result<u64, Refusal>> {
        let (officer, employee, caller) = (officer.clone(), employee.clone(), caller.clone());
        self.db
            .call_tx(move |tx| {
                finish(rules::hr_authority::open_record(&SqliteRows(tx), &officer, &employee, read, &caller))
            })
            .await
    }

    async fn role_of(&self, id: &NationalId) -> anyhow::Result<Option<Role>> {
        let id = id.clone();
        self.db.call(move |conn| Ok(auth::account(conn, &id)?.map(|account| account.role))).await
    }
}
