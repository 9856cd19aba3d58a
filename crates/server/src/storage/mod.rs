//! The server's storage, behind one trait with a method per business transaction. Handlers hold
//! no SQL: they parse, call one of these, and answer. SQLite (`sqlite::SqliteStore`) is
//! the first implementation; every implementation passes the same story test
//! (`tests/store_story.rs`).
//!
//! What an implementation must guarantee, whatever the database:
//! - Each method is one transaction: all of it happens or none of it.
//! - `push` applies a client's mutations exactly once even when several server nodes receive the
//!   same resend at the same time: it takes an explicit lock on the client's row (SQLite: an
//!   immediate transaction; PostgreSQL: `SELECT … FOR UPDATE`) before reading its last id, and
//!   stores each result in the same transaction as its effect.
//! - `authorization_code_entered` and `refresh` lock the challenge / the refresh token's row the same way, so a
//!   code or a refresh token is accepted once, never twice in a race.
//! - Nothing relies on the process (no in-memory state): several nodes may share one store.

use async_trait::async_trait;

pub mod devices;
pub mod health;
mod hr;
pub mod messages;
pub mod oidc;
pub mod rate;
mod statements;
mod uploads;

pub use hr::{Decided, HrRead, Refusal};
pub use masar_protocol::auth::Role;
use masar_protocol::sync::{Mutation, MutationBody, MutationOutcome, MutationResult, PullResponse};
use masar_protocol::{DemoAccount, EmployeeRecord, NationalId, Opportunity, WireSecret};
pub use messages::SmsMessage;
pub use rate::RateRule;
pub use statements::IssuedStatement;
pub use uploads::{Upload, UploadPurpose, UploadUsage};

use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{Decision, QualificationRecord};
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord};

use crate::demo::DemoData;
use masar_protocol::auth::DevSms;

/// Who sent a request: the client's network address (through trusted proxies), for the audit
/// log and the rate limits.
#[derive(Debug, Clone)]
pub struct Caller {
    pub address: String,
    pub now_ms: i64,
}

/// What reserving a password check found.
pub enum PasswordCheck {
    /// Locked (or as many checks under way as failures are left): wait this many seconds.
    Refused { retry_after: u32 },
    /// Check the password: the stored hash and the mobile, when the ID has an account.
    Check { account: Option<(String, String)> },
}

/// The hash is a secret's fingerprint: never printed.
impl std::fmt::Debug for PasswordCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused { retry_after } => {
                f.debug_struct("Refused").field("retry_after", retry_after).finish()
            }
            Self::Check { account } => {
                f.debug_struct("Check").field("has_account", &account.is_some()).finish_non_exhaustive()
            }
        }
    }
}

/// A fresh refresh token of a session; the secret is returned, only its digest stored.
#[derive(Debug)]
pub struct IssuedTokens {
    pub refresh: WireSecret,
    /// The account's role, for the app to show the right screens.
    pub role: masar_protocol::auth::Role,
    /// Seconds until the refresh token (and the session) ends.
    pub refresh_expires_in: u32,
}

/// Why an SMS code was not accepted.
#[derive(Debug)]
pub enum Verified {
    Invalid,
    Expired,
    Wrong {
        remaining: u32,
    },
    Exhausted,
    /// Wrong codes and passwords locked the ID: this sign-in is over.
    Locked {
        retry_after: u32,
    },
}

#[derive(Debug)]
pub enum Resent {
    /// A new code is stored; send it to this mobile.
    Sent {
        national_id: NationalId,
        mobile: String,
    },
    Invalid,
    TooSoon {
        retry_after: u32,
    },
    /// Every new code of this sign-in was sent: the last one stays valid until it expires.
    Limit,
}

#[derive(Debug)]
pub enum RefreshOutcome {
    Rotated(NationalId, IssuedTokens),
    /// Unknown, expired, or of a revoked session.
    Invalid,
    /// Used before: the session (the token family) is now revoked.
    Reused(NationalId),
}

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("this client id belongs to another employee")]
    ForeignClient,
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

/// What the collector removed from the database: blobs whose bytes may now go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Collected {
    pub blobs: Vec<String>,
    pub history_rows: u64,
}

/// What taking an upload for one PATCH found.
#[derive(Debug)]
pub enum Lease {
    /// Taken until the PATCH ends (or the lease runs out).
    Taken(Upload),
    /// Another PATCH of the same upload is running.
    Busy,
    /// No such upload of this employee (or it expired and was removed).
    Missing,
    Expired,
}

/// A verified document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub sha256: String,
    pub size: u64,
    pub kind: masar_protocol::attachments::AttachmentKind,
}

#[async_trait]
pub trait Store:
    oidc::ProviderStore + devices::DeviceStore + health::Health + Send + Sync + std::fmt::Debug
{
    /// Seeds demo data unless the store already has employees; true when it seeded.
    async fn seed_if_empty(&self, data: DemoData, seed: u64) -> anyhow::Result<bool>;

    /// After seeding: the demo's requests under review, in HR's queue.
    async fn seed_requests(&self, requests: Vec<crate::demo::SeededRequest>) -> anyhow::Result<()>;

    /// Every account with its demo password and role (demo servers only).
    async fn demo_accounts(&self) -> anyhow::Result<Vec<DemoAccount>>;

    async fn record(&self, employee: &NationalId) -> anyhow::Result<Option<EmployeeRecord>>;

    async fn opportunities(&self) -> anyhow::Result<Vec<Opportunity>>;

    /// Keeps a statement code with what it certifies (codes are unique: a clash is an error).
    async fn save_statement_code(
        &self,
        employee: &NationalId,
        code: &masar_protocol::statement::StatementCode,
    ) -> anyhow::Result<()>;

    /// What a code certified, for whom and until when, if it was given.
    async fn statement_code(&self, code: &str) -> anyhow::Result<Option<IssuedStatement>>;

    /// The escrow key of `employee`'s vault `vault_id`: `fresh` is kept if the vault has none
    /// yet; the key kept is returned (the same one every time after the first).
    async fn vault_key(
        &self,
        employee: &NationalId,
        vault_id: &str,
        fresh: &[u8; 32],
        now_ms: i64,
    ) -> anyhow::Result<Vec<u8>>;

    /// The escrow key of `employee`'s vault `vault_id`, if it has one.
    async fn existing_vault_key(
        &self,
        employee: &NationalId,
        vault_id: &str,
    ) -> anyhow::Result<Option<Vec<u8>>>;

    // Sign-in.

    /// Step one, before the password is checked: the check reserved (counted as a failure), or
    /// refused while the ID is locked (audited).
    async fn reserve_password_check(&self, id: &NationalId, caller: &Caller)
    -> anyhow::Result<PasswordCheck>;

    /// The reserved check found the password wrong (audited): the seconds the ID is now locked
    /// for, when it is.
    async fn password_wrong(&self, id: &NationalId, caller: &Caller) -> anyhow::Result<Option<u32>>;

    /// The code could not be sent: the attempt is closed so it cannot be used blind.
    async fn abandon_challenge(
        &self,
        challenge_id: &str,
        id: &NationalId,
        caller: &Caller,
    ) -> anyhow::Result<()>;

    /// A new code for an open attempt, once the cooldown has passed.
    async fn resend_code(&self, challenge_id: &str, code: &str, caller: &Caller) -> anyhow::Result<Resent>;

    /// Rotates a refresh token; a second use of one revokes its whole session.
    async fn refresh(&self, refresh_token: &str, caller: &Caller) -> anyhow::Result<RefreshOutcome>;

    /// Ends the session of a refresh token.
    async fn logout(&self, refresh_token: &str, caller: &Caller) -> anyhow::Result<()>;

    // Sync.

    /// Applies a client's mutations in order, exactly once each (see the module's notes).
    async fn push(
        &self,
        employee: &NationalId,
        client_id: &str,
        mutations: Vec<Mutation>,
        caller: &Caller,
    ) -> Result<Vec<MutationResult>, PushError>;

    /// Changes after `cursor`, in server order, at most one per record.
    async fn pull(&self, employee: &NationalId, cursor: u64, limit: u32) -> anyhow::Result<PullResponse>;

    // Uploads (tus) and blobs.

    async fn create_upload(&self, upload: &Upload, caller: &Caller) -> anyhow::Result<()>;

    /// An upload of this employee's (expired ones too, so the caller can say so).
    async fn upload(&self, id: &str, owner: &NationalId) -> anyhow::Result<Option<Upload>>;

    /// Takes an upload for one PATCH until `lease_until_ms` (see [`Lease`]).
    async fn lease_upload(
        &self,
        id: &str,
        owner: &NationalId,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> anyhow::Result<Lease>;

    /// A PATCH ended with the bytes up to `offset` on disk (fsynced): the offset moves, the
    /// expiry is pushed back, the lease is released.
    async fn advance_upload(&self, id: &str, offset: u64, expires_ms: i64) -> anyhow::Result<()>;

    /// The bytes are whole and verified: the upload is done and the blob is recorded (once) as
    /// sent by its owner; one transaction.
    async fn complete_upload(&self, id: &str, blob: &Blob, caller: &Caller) -> anyhow::Result<()>;

    /// Removes an upload (terminated, refused or expired); true when there was one.
    async fn remove_upload(&self, id: &str) -> anyhow::Result<bool>;

    /// Uploads whose expiry has passed (to be removed with their bytes).
    async fn expired_uploads(&self, now_ms: i64) -> anyhow::Result<Vec<String>>;

    /// What this employee's uploads take now: unfinished ones, and those started since
    /// `since_ms` (creating an upload records it).
    async fn upload_usage(
        &self,
        owner: &NationalId,
        now_ms: i64,
        since_ms: i64,
    ) -> anyhow::Result<UploadUsage>;

    /// One transaction: forgets upload history older than `history_before_ms`, and removes the
    /// rows of blobs no qualification attaches and nobody sent since `blobs_before_ms`.
    async fn collect_unused(&self, history_before_ms: i64, blobs_before_ms: i64)
    -> anyhow::Result<Collected>;

    /// A verified blob this employee has sent.
    async fn owned_blob(&self, sha256: &str, owner: &NationalId) -> anyhow::Result<Option<Blob>>;

    // HR.

    /// The qualifications HR reviews, filtered (by default those under review).
    async fn qualifications_for_review(&self, filter: &ReviewFilter) -> anyhow::Result<Vec<ReviewItem>>;

    /// Verifies or rejects a qualification under review; audited; the owner pulls the outcome.
    async fn decide_qualification(
        &self,
        officer: &NationalId,
        id: &str,
        decision: &Decision,
        caller: &Caller,
    ) -> anyhow::Result<Decided<QualificationRecord>>;

    /// Applications for training and scholarships, oldest first, with each applicant.
    async fn applicants(&self, filter: &ApplicantFilter) -> anyhow::Result<Vec<Applicant>>;

    /// Accepts (within the seats) or declines a received application; audited; the applicant
    /// pulls the outcome.
    async fn decide_application(
        &self,
        officer: &NationalId,
        id: &str,
        decision: &ApplicationDecision,
        caller: &Caller,
    ) -> anyhow::Result<Decided<ApplicationRecord>>;

    // Shared by every node (nothing of this lives in a process).

    /// Admits one sign-in request from `key` (a client address) under `rule`, or says how many
    /// seconds to wait.
    async fn admit_request(&self, key: &str, rule: RateRule, now_ms: i64) -> anyhow::Result<Result<(), u32>>;

    /// Keeps a message in the dev outbox (demo and `--dev-sms` servers).
    async fn keep_dev_sms(&self, message: &SmsMessage) -> anyhow::Result<()>;

    /// The dev outbox's last messages to `employee`, newest last.
    async fn dev_sms(&self, employee: &NationalId) -> anyhow::Result<Vec<DevSms>>;

    /// A verified blob attached to some qualification, and whose qualifications attach it (HR
    /// opens it for an employee of the officer's entity).
    async fn attached_blob(&self, sha256: &str) -> anyhow::Result<Option<(Blob, Vec<NationalId>)>>;

    /// An HR officer's edit of an employee's data (employment data included); conflicts with a
    /// change after `base_version` as an employee's edit does. `None` when there is no such
    /// employee.
    async fn hr_update(
        &self,
        officer: &NationalId,
        employee: &NationalId,
        base_version: u64,
        body: MutationBody,
        reason: &str,
        caller: &Caller,
    ) -> anyhow::Result<Result<Option<MutationOutcome>, Refusal>>;

    /// The trail of `employee`'s record, newest first, at most `limit` entries.
    async fn activity(
        &self,
        employee: &NationalId,
        limit: u32,
    ) -> anyhow::Result<Vec<masar_protocol::activity::ActivityEntry>>;

    /// An HR officer opens an employee's record: whether their authority allows it (audited
    /// either way).
    async fn hr_open_record(
        &self,
        officer: &NationalId,
        employee: &NationalId,
        read: HrRead,
        caller: &Caller,
    ) -> anyhow::Result<Result<u64, Refusal>>;

    /// An account's role (for a token that names the employee), `None` without an account.
    async fn role_of(&self, id: &NationalId) -> anyhow::Result<Option<Role>>;
}
