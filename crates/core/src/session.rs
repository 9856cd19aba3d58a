//! Signing in and staying signed in: online (password → SMS code → tokens) or offline (the
//! password opens this workstation's vault), locking and unlocking, signing out.
//!
//! The access token lives in memory only; the refresh token in the OS keychain; the vault's key
//! only inside the open SQLCipher connection. Locking or signing out drops all three.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use masar_protocol::auth::{Challenge, Tokens};
use masar_protocol::digits::normalize_digits;
use masar_protocol::{EmployeeProfile, EmployeeRecord, NationalId, NationalIdError};
use serde::Serialize;

use std::collections::BTreeMap;

use masar_protocol::sync::{MutationBody, MutationOutcome, PushRequest};

use crate::edits::{Draft, Form};

use crate::client::{ClientError, MasarClient};
use crate::secret::Sensitive;
use crate::vault::{OpenVault, UnsentWork, VaultError, Vaults, profile_id};

/// What the start screen lists: employees who signed in on this workstation before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    pub profile_id: String,
    pub national_id: String,
    pub masked_id: String,
    pub display_name: String,
    pub last_sign_in: DateTime<Utc>,
    /// What the vault holds that the server has not taken (an upper bound; `None`: unknown).
    pub unsent: Option<UnsentWork>,
    /// Copies of this employee's vault set aside with work still in them.
    pub previous: Vec<PreviousCopy>,
}

/// A vault set aside by a sign-in (the password had changed and the previous one was not
/// given, or the keychain lost its secret) while it still held work: kept until recovered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviousCopy {
    pub id: String,
    pub last_sign_in: DateTime<Utc>,
    pub unsent: Option<UnsentWork>,
}

/// What recovering a previous copy did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Recovery {
    /// Edits sent to the server from the copy now (the server applies each once).
    pub sent: u32,
    /// Edits the server refused or found in conflict, now shown in their forms here.
    pub to_review: u32,
    /// Drafts taken over (a form that already has a draft here keeps its own).
    pub drafts: u32,
    /// True when the copy held nothing more and was removed.
    pub removed: bool,
}

/// Who is signed in, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub profile_id: String,
    /// For signing in again over the page when the session ends (shown masked elsewhere).
    pub national_id: String,
    pub masked_id: String,
    pub display_name: String,
    /// False after an offline sign-in or unlock, until the server answers again.
    pub online: bool,
    /// Copies of this employee's vault set aside with work still in them (recoverable here).
    pub previous: Vec<PreviousCopy>,
}

/// Where the sign-in flow stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "step", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AuthState {
    SignedOut {
        profiles: Vec<ProfileSummary>,
    },
    /// A code was sent; the verification step is showing.
    CodeSent {
        masked_mobile: String,
        expires_in_seconds: u32,
        resend_after_seconds: u32,
        demo_national_id: Option<String>,
    },
    SignedIn {
        session: SessionInfo,
    },
    /// The server confirmed the employee, but the password no longer opens this workstation's
    /// vault (it was changed elsewhere) and the vault may hold work the server lacks: the
    /// previous password carries it across, once.
    PreviousPasswordNeeded {
        display_name: String,
        unsent: Option<UnsentWork>,
    },
    /// Locked after idle time: the same employee unlocks with their password.
    Locked {
        session: SessionInfo,
    },
}

/// The employee's data as shown, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeView {
    /// As the server has it, with the queued edits applied on top.
    pub profile: EmployeeProfile,
    /// When the server last gave this data; set when it is shown from the local copy.
    pub cached_at: Option<DateTime<Utc>>,
    /// The last edit of each form and where it stands.
    pub forms: Vec<crate::edits::FormEdit>,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("invalid national ID: {0}")]
    InvalidNationalId(NationalIdError),
    #[error("no password")]
    PasswordRequired,
    #[error("the code has six digits")]
    CodeFormat,
    #[error("no sign-in in progress")]
    NoSignInInProgress,
    #[error("not signed in")]
    NotSignedIn,
    #[error("first sign-in on this workstation needs the network")]
    FirstSignInNeedsNetwork,
    #[error("the session needs a new sign-in")]
    SessionExpired,
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("background task failed: {0}")]
    Task(String),
    #[error("the edit is not valid")]
    Invalid(Vec<masar_protocol::validate::FieldError>),
    #[error("no such edit")]
    NoSuchEdit,
    #[error("no such previous copy")]
    NoSuchCopy,
    #[error("recovering a previous copy needs the network")]
    RecoveryNeedsNetwork,
}

/// A live session.
#[derive(Debug)]
struct Active {
    info: SessionInfo,
    national_id: NationalId,
    vault: OpenVault,
    access: Option<(Sensitive<String>, Instant)>,
}

#[derive(Debug)]
struct Pending {
    national_id: NationalId,
    password: Sensitive<String>,
    challenge: Challenge,
}

/// A sign-in the server confirmed, waiting for a vault.
#[derive(Debug)]
struct Confirmed {
    pending: Pending,
    tokens: Tokens,
    record: EmployeeRecord,
}

#[derive(Debug, Default)]
enum State {
    #[default]
    SignedOut,
    Pending(Pending),
    /// Confirmed by the server; the vault asks for the previous password.
    CarryAcross(Box<Confirmed>),
    Active(Active),
    Locked(SessionInfo, NationalId),
}

impl Active {
    /// Sets the profile's unsent count to what the vault holds now.
    fn note_unsent(&self, vaults: &Vaults) -> Result<(), SessionError> {
        let work = self.vault.db.unsent_work().map_err(VaultError::from)?;
        Ok(vaults.note_unsent(&self.info.profile_id, work)?)
    }

    /// Raises the profile's unsent count before a change that may add `edits` and `drafts`,
    /// so a crash before [`Active::note_unsent`] leaves it too high, never too low.
    fn expect_more(&self, vaults: &Vaults, edits: u32, drafts: u32) -> Result<(), SessionError> {
        let now = self.vault.db.unsent_work().map_err(VaultError::from)?;
        Ok(vaults.note_unsent(&self.info.profile_id, now.plus(edits, drafts))?)
    }
}

/// The sign-in state machine. One per app.
#[derive(Debug)]
pub struct Sessions {
    vaults: Vaults,
    state: tokio::sync::Mutex<State>,
    /// One refresh at a time: two at once would send the same refresh token twice, which the
    /// server rightly takes for a stolen token and ends the session.
    refreshing: tokio::sync::Mutex<()>,
}

fn refresh_account(profile_id: &str) -> String {
    format!("refresh-token:{profile_id}")
}

fn is_network(error: &ClientError) -> bool {
    matches!(error, ClientError::Unreachable(_) | ClientError::Timeout)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SessionError> + Send + 'static,
) -> Result<T, SessionError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| SessionError::Task(e.to_string()))?
}

impl Sessions {
    pub fn new(vaults: Vaults) -> Self {
        Self {
            vaults,
            state: tokio::sync::Mutex::new(State::SignedOut),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn profiles(&self) -> Vec<ProfileSummary> {
        self.vaults
            .profiles()
            .list()
            .into_iter()
            .map(|meta| ProfileSummary {
                previous: self.previous_copies(&meta.profile_id),
                profile_id: meta.profile_id,
                national_id: meta.national_id,
                masked_id: meta.masked_id,
                display_name: meta.display_name,
                last_sign_in: meta.last_sign_in,
                unsent: meta.unsent,
            })
            .collect()
    }

    /// The set-aside copies of `profile` that may still hold work.
    fn previous_copies(&self, profile: &str) -> Vec<PreviousCopy> {
        self.vaults
            .profiles()
            .set_aside()
            .into_iter()
            .filter(|(_, meta)| meta.profile_id == profile)
            .filter(|(_, meta)| !meta.unsent.is_some_and(UnsentWork::is_empty))
            .map(|(id, meta)| PreviousCopy { id, last_sign_in: meta.last_sign_in, unsent: meta.unsent })
            .collect()
    }

    pub async fn state(&self, demo: bool) -> AuthState {
        match &*self.state.lock().await {
            State::SignedOut => AuthState::SignedOut { profiles: self.profiles() },
            State::Pending(p) => code_sent(p, demo),
            State::CarryAcross(confirmed) => self.carry_step(confirmed),
            State::Active(active) => AuthState::SignedIn { session: active.info.clone() },
            State::Locked(info, _) => AuthState::Locked { session: info.clone() },
        }
    }

    /// Step one. Online: sends the code. Server unreachable: opens the vault with the password.
    pub async fn start(
        &self,
        client: &MasarClient,
        national_id: &str,
        password: String,
        demo: bool,
    ) -> Result<AuthState, SessionError> {
        let national_id = NationalId::parse(national_id).map_err(SessionError::InvalidNationalId)?;
        let password = Sensitive::new(password);
        if password.expose().is_empty() {
            return Err(SessionError::PasswordRequired);
        }
        let mut state = self.state.lock().await;
        match client.login(&national_id, &password).await {
            Ok(challenge) => {
                let pending = Pending { national_id, password, challenge };
                let step = code_sent(&pending, demo);
                *state = State::Pending(pending);
                Ok(step)
            }
            Err(error) if is_network(&error) => {
                let profile = profile_id(&national_id);
                if self.vaults.profiles().load(&profile).ok().flatten().is_none() {
                    return Err(SessionError::FirstSignInNeedsNetwork);
                }
                let vault = self.open_vault(&profile, password).await?;
                let active = self.activate(national_id, vault, None, false)?;
                let info = active.info.clone();
                *state = State::Active(active);
                Ok(AuthState::SignedIn { session: info })
            }
            Err(error) => Err(error.into()),
        }
    }

    pub async fn resend(&self, client: &MasarClient, demo: bool) -> Result<AuthState, SessionError> {
        let mut state = self.state.lock().await;
        let State::Pending(pending) = &mut *state else { return Err(SessionError::NoSignInInProgress) };
        pending.challenge = client.resend(&pending.challenge.challenge_id).await?;
        Ok(code_sent(pending, demo))
    }

    pub async fn cancel(&self) {
        let mut state = self.state.lock().await;
        if matches!(*state, State::Pending(_) | State::CarryAcross(_)) {
            *state = State::SignedOut;
        }
    }

    /// Step two: the SMS code. Opens (or creates) the vault and caches the record.
    pub async fn verify(&self, client: &MasarClient, code: &str) -> Result<AuthState, SessionError> {
        let code = normalize_digits(code);
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(SessionError::CodeFormat);
        }
        let mut state = self.state.lock().await;
        let State::Pending(pending) = &*state else { return Err(SessionError::NoSignInInProgress) };
        let tokens = match client.verify(&pending.challenge.challenge_id, &code).await {
            Ok(tokens) => tokens,
            Err(error) => {
                // An attempt the server has ended cannot be continued: back to the first step.
                if matches!(
                    error.code(),
                    crate::ErrorCode::TooManyAttempts | crate::ErrorCode::ChallengeInvalid
                ) {
                    *state = State::SignedOut;
                }
                return Err(error.into());
            }
        };
        let State::Pending(pending) = std::mem::take(&mut *state) else {
            return Err(SessionError::NoSignInInProgress);
        };
        let access = Sensitive::new(tokens.access_token.expose().to_owned());
        let record = client.my_record(&access).await?;
        let confirmed = Confirmed { pending, tokens, record };
        let profile = profile_id(&confirmed.pending.national_id);
        let (vaults, password) = (self.vaults.clone(), confirmed.pending.password.clone());
        let opened = blocking(move || Ok(vaults.unlock_confirmed(&profile, &password, Utc::now())?)).await;
        let vault = match opened {
            Ok(vault) => vault,
            Err(SessionError::Vault(VaultError::NoProfile)) => self.replace_vault(&confirmed).await?,
            Err(SessionError::Vault(VaultError::PasswordChanged)) => {
                if self.known_empty(&confirmed) {
                    self.replace_vault(&confirmed).await?
                } else {
                    let step = self.carry_step(&confirmed);
                    *state = State::CarryAcross(Box::new(confirmed));
                    return Ok(step);
                }
            }
            // Without its keychain secret the vault cannot open with any password: a new one
            // takes its place, and the old one (if it holds work) is set aside, listed, in case
            // the secret comes back.
            Err(SessionError::Vault(VaultError::SecretMissing)) => self.replace_vault(&confirmed).await?,
            // Anything else (a busy or failing disk, the keychain not answering) is an error to
            // report and retry, never a reason to replace the vault.
            Err(other) => return Err(other),
        };
        self.enter(&mut state, confirmed, vault)
    }

    /// After a password change: the previous password opens the vault, which then takes the
    /// current one. Everything in it stays, and its queued edits keep their ids.
    pub async fn carry_across(&self, previous: String) -> Result<AuthState, SessionError> {
        let previous = Sensitive::new(previous);
        if previous.expose().is_empty() {
            return Err(SessionError::PasswordRequired);
        }
        let mut state = self.state.lock().await;
        let State::CarryAcross(confirmed) = &*state else { return Err(SessionError::NoSignInInProgress) };
        let profile = profile_id(&confirmed.pending.national_id);
        let (vaults, current) = (self.vaults.clone(), confirmed.pending.password.clone());
        let vault = blocking(move || Ok(vaults.rewrap(&profile, &previous, &current, Utc::now())?)).await?;
        let State::CarryAcross(confirmed) = std::mem::take(&mut *state) else {
            return Err(SessionError::NoSignInInProgress);
        };
        self.enter(&mut state, *confirmed, vault)
    }

    /// The employee cannot give the previous password now: the old vault is set aside whole
    /// (listed with its unsent work, recoverable later) and a new one is made.
    pub async fn skip_carry_across(&self) -> Result<AuthState, SessionError> {
        let mut state = self.state.lock().await;
        let State::CarryAcross(confirmed) = std::mem::take(&mut *state) else {
            return Err(SessionError::NoSignInInProgress);
        };
        let vault = self.replace_vault(&confirmed).await?;
        self.enter(&mut state, *confirmed, vault)
    }

    fn carry_step(&self, confirmed: &Confirmed) -> AuthState {
        let meta = self.vaults.profiles().load(&profile_id(&confirmed.pending.national_id)).ok().flatten();
        AuthState::PreviousPasswordNeeded {
            display_name: confirmed.record.profile.name_ar.first.clone(),
            unsent: meta.and_then(|meta| meta.unsent),
        }
    }

    /// True when the profile's vault is known to hold nothing the server lacks.
    fn known_empty(&self, confirmed: &Confirmed) -> bool {
        let profile = profile_id(&confirmed.pending.national_id);
        let meta = self.vaults.profiles().load(&profile).ok().flatten();
        meta.and_then(|meta| meta.unsent).is_some_and(UnsentWork::is_empty)
    }

    /// A new vault for a confirmed employee. An old one known to hold nothing unsent is removed;
    /// any other is set aside whole (never deleted).
    async fn replace_vault(&self, confirmed: &Confirmed) -> Result<OpenVault, SessionError> {
        let empty = self.known_empty(confirmed);
        let vaults = self.vaults.clone();
        let id = confirmed.pending.national_id.clone();
        let password = confirmed.pending.password.clone();
        let name = confirmed.record.profile.name_ar.first.clone();
        blocking(move || {
            let profile = profile_id(&id);
            if empty && vaults.profiles().dir(&profile).exists() {
                vaults.remove(&profile)?;
            }
            Ok(vaults.create(&id, &name, &password, Utc::now())?)
        })
        .await
    }

    /// Caches the record, keeps the refresh token and makes the session active.
    fn enter(
        &self,
        state: &mut State,
        confirmed: Confirmed,
        vault: OpenVault,
    ) -> Result<AuthState, SessionError> {
        vault.db.save_record(&confirmed.record, Utc::now()).map_err(VaultError::from)?;
        self.store_refresh(&vault.profile_id, &confirmed.tokens)?;
        let access = access_with_expiry(&confirmed.tokens);
        let active = self.activate(confirmed.pending.national_id, vault, Some(access), true)?;
        active.note_unsent(&self.vaults)?;
        let info = active.info.clone();
        *state = State::Active(active);
        Ok(AuthState::SignedIn { session: info })
    }

    async fn open_vault(
        &self,
        profile: &str,
        password: Sensitive<String>,
    ) -> Result<OpenVault, SessionError> {
        let (vaults, profile) = (self.vaults.clone(), profile.to_owned());
        blocking(move || Ok(vaults.unlock(&profile, &password, Utc::now())?)).await
    }

    fn store_refresh(&self, profile: &str, tokens: &Tokens) -> Result<(), SessionError> {
        self.vaults
            .keychain()
            .set(&refresh_account(profile), tokens.refresh_token.expose().as_bytes())
            .map_err(VaultError::from)?;
        Ok(())
    }

    fn activate(
        &self,
        national_id: NationalId,
        vault: OpenVault,
        access: Option<(Sensitive<String>, Instant)>,
        online: bool,
    ) -> Result<Active, SessionError> {
        let meta = self
            .vaults
            .profiles()
            .load(&vault.profile_id)
            .map_err(VaultError::from)?
            .ok_or(VaultError::NoProfile)?;
        Ok(Active {
            info: SessionInfo {
                profile_id: vault.profile_id.clone(),
                national_id: national_id.to_string(),
                masked_id: meta.masked_id,
                display_name: meta.display_name,
                online,
                previous: self.previous_copies(&vault.profile_id),
            },
            national_id,
            vault,
            access,
        })
    }

    /// The employee's profile: from the server when it answers (and cached), else the local copy;
    /// with the edits still queued shown on top, and where each form's last edit stands. The
    /// network is never awaited while the session is held, so a slow server does not hold up an
    /// edit the employee is saving meanwhile.
    pub async fn employee(&self, client: &MasarClient) -> Result<EmployeeView, SessionError> {
        match self.fetch_record(client).await {
            Ok((record, token, profile)) => {
                self.with_active(Some(&profile), |active| {
                    active.vault.db.save_record(&record, Utc::now()).map_err(VaultError::from)?;
                    active.info.online = true;
                    Ok(())
                })
                .await?;
                self.pull_changes(client, &token, &profile).await?;
            }
            Err(SessionError::Client(error))
                if is_network(&error) || matches!(error, ClientError::Server { .. }) =>
            {
                let has_copy = self
                    .with_active(None, |active| {
                        active.info.online = false;
                        Ok(active.vault.db.load_record().map_err(VaultError::from)?.is_some())
                    })
                    .await?;
                if !has_copy {
                    return Err(SessionError::Client(error));
                }
            }
            Err(error) => return Err(error),
        }
        self.local_view().await
    }

    /// `GET /v1/me/record` with a valid access token, refreshing it once if the server says so.
    async fn fetch_record(
        &self,
        client: &MasarClient,
    ) -> Result<(EmployeeRecord, Sensitive<String>, String), SessionError> {
        let (token, profile) = self.access_token(client, false).await?;
        match client.my_record(&token).await {
            Ok(record) => Ok((record, token, profile)),
            Err(error) if is_session_error(&error) => {
                let (token, profile) = self.access_token(client, true).await?;
                Ok((client.my_record(&token).await?, token, profile))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Pulls every page after the vault's cursor into the vault.
    async fn pull_changes(
        &self,
        client: &MasarClient,
        token: &Sensitive<String>,
        profile: &str,
    ) -> Result<(), SessionError> {
        loop {
            let cursor = self
                .with_active(Some(profile), |active| {
                    Ok(active.vault.db.cursor().map_err(VaultError::from)?)
                })
                .await?;
            tracing::debug!(target: "masar_sync", cursor, "pull");
            let page = client.pull(token, cursor).await?;
            self.with_active(Some(profile), |active| {
                active.info.online = true;
                Ok(active.vault.db.apply_pull(&page.changes, page.cursor).map_err(VaultError::from)?)
            })
            .await?;
            if !crate::sync::pull_again(page.has_more, cursor, page.cursor) {
                return Ok(());
            }
        }
    }

    /// Rotates the refresh token from the keychain. A refusal means a new sign-in is needed.
    async fn refresh(&self, client: &MasarClient, profile: &str) -> Result<Tokens, SessionError> {
        let _one_at_a_time = self.refreshing.lock().await;
        let keychain = self.vaults.keychain();
        let stored = keychain
            .get(&refresh_account(profile))
            .map_err(VaultError::from)?
            .ok_or(SessionError::SessionExpired)?;
        let token = Sensitive::new(String::from_utf8_lossy(stored.expose()).into_owned());
        match client.refresh(&token).await {
            Ok(tokens) => {
                self.store_refresh(profile, &tokens)?;
                Ok(tokens)
            }
            Err(error) if is_network(&error) => Err(error.into()),
            Err(ClientError::Api { .. }) => {
                let _ = keychain.delete(&refresh_account(profile));
                Err(SessionError::SessionExpired)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Idle lock: closes the vault and forgets the access token; the employee stays chosen.
    pub async fn lock(&self) {
        let mut state = self.state.lock().await;
        if let State::Active(active) = std::mem::take(&mut *state) {
            let mut info = active.info.clone();
            info.online = false;
            *state = State::Locked(info, active.national_id.clone());
            drop(active);
        } else if let State::Pending(_) | State::CarryAcross(_) = &*state {
            *state = State::SignedOut;
        }
    }

    /// Unlocks after an idle lock with the password (works offline).
    pub async fn unlock(&self, password: String) -> Result<AuthState, SessionError> {
        let mut state = self.state.lock().await;
        let State::Locked(info, national_id) = &*state else { return Err(SessionError::NotSignedIn) };
        let (profile, national_id) = (info.profile_id.clone(), national_id.clone());
        let vault = self.open_vault(&profile, Sensitive::new(password)).await?;
        let active = self.activate(national_id, vault, None, false)?;
        let info = active.info.clone();
        *state = State::Active(active);
        Ok(AuthState::SignedIn { session: info })
    }

    /// Ends the session here and on the server (when reachable); forgets the refresh token.
    pub async fn sign_out(&self, client: &MasarClient) {
        let mut state = self.state.lock().await;
        let profile = match &*state {
            State::Active(active) => Some(active.info.profile_id.clone()),
            State::Locked(info, _) => Some(info.profile_id.clone()),
            _ => None,
        };
        *state = State::SignedOut;
        let Some(profile) = profile else { return };
        let keychain = self.vaults.keychain();
        if let Ok(Some(stored)) = keychain.get(&refresh_account(&profile)) {
            let token = Sensitive::new(String::from_utf8_lossy(stored.expose()).into_owned());
            if let Err(error) = client.logout(&token).await {
                tracing::info!(%error, "the server was not told about the sign-out");
            }
        }
        if let Err(error) = keychain.delete(&refresh_account(&profile)) {
            tracing::warn!(%error, "cannot remove the refresh token from the keychain");
        }
    }

    /// The national ID of the signed-in (or signing-in) employee, for the demo phone.
    pub async fn current_national_id(&self) -> Option<NationalId> {
        match &*self.state.lock().await {
            State::Pending(p) => Some(p.national_id.clone()),
            State::CarryAcross(c) => Some(c.pending.national_id.clone()),
            State::Active(a) => Some(a.national_id.clone()),
            State::Locked(_, id) => Some(id.clone()),
            State::SignedOut => None,
        }
    }
}

fn access_with_expiry(tokens: &Tokens) -> (Sensitive<String>, Instant) {
    // Renew a little early so a request never leaves with a token about to expire.
    let lifetime = Duration::from_secs(u64::from(tokens.access_expires_in_seconds).saturating_sub(30));
    (Sensitive::new(tokens.access_token.expose().to_owned()), Instant::now() + lifetime)
}

fn code_sent(pending: &Pending, demo: bool) -> AuthState {
    AuthState::CodeSent {
        masked_mobile: pending.challenge.masked_mobile.clone(),
        expires_in_seconds: pending.challenge.expires_in_seconds,
        resend_after_seconds: pending.challenge.resend_after_seconds,
        demo_national_id: demo.then(|| pending.national_id.to_string()),
    }
}

/// What one sync round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Edits still waiting after the round (queued while it ran).
    pub pending: u64,
}

impl Sessions {
    /// Runs `work` on the active session, if it is still the one of `profile` (the employee may
    /// have locked or signed out while the network was busy).
    async fn with_active<T>(
        &self,
        profile: Option<&str>,
        work: impl FnOnce(&mut Active) -> Result<T, SessionError>,
    ) -> Result<T, SessionError> {
        let mut state = self.state.lock().await;
        match &mut *state {
            State::Active(active) if profile.is_none_or(|p| p == active.info.profile_id) => work(active),
            _ => Err(SessionError::NotSignedIn),
        }
    }

    /// Queues an edit after checking it as the server will; nothing is queued if it is invalid.
    pub async fn queue_edit(&self, body: MutationBody, fields: Vec<String>) -> Result<u64, SessionError> {
        if let Err(errors) = masar_protocol::sync::check(&body) {
            return Err(SessionError::Invalid(errors));
        }
        self.with_active(None, |active| {
            let base = active.vault.db.server_profile().map_err(VaultError::from)?.map_or(0, |(_, v)| v);
            active.expect_more(&self.vaults, 1, 0)?;
            let id = active.vault.db.queue(&body, &fields, base, Utc::now()).map_err(VaultError::from)?;
            active.note_unsent(&self.vaults)?;
            Ok(id)
        })
        .await
    }

    /// After a conflict: keep the server's values (drop my edit) or mine (queue it again on top
    /// of the server's version).
    pub async fn resolve_conflict(&self, id: u64, keep_mine: bool) -> Result<(), SessionError> {
        self.with_active(None, |active| {
            let rows = active.vault.db.outbox().map_err(VaultError::from)?;
            let row = rows.iter().find(|r| r.id == id).ok_or(SessionError::NoSuchEdit)?;
            let crate::vault::db::EditState::Conflict(MutationOutcome::Conflict { version, .. }) = &row.state
            else {
                return Err(SessionError::NoSuchEdit);
            };
            if keep_mine {
                let (body, fields, version) = (row.body.clone(), row.fields.clone(), *version);
                active.expect_more(&self.vaults, 1, 0)?;
                active.vault.db.queue(&body, &fields, version, Utc::now()).map_err(VaultError::from)?;
            }
            active.vault.db.clear(id).map_err(VaultError::from)?;
            active.note_unsent(&self.vaults)
        })
        .await
    }

    /// Dismisses a rejected edit's message.
    pub async fn dismiss_edit(&self, id: u64) -> Result<(), SessionError> {
        self.with_active(None, |active| {
            active.vault.db.clear(id).map_err(VaultError::from)?;
            active.note_unsent(&self.vaults)
        })
        .await
    }

    /// What the signed-in (or locked) employee's vault holds that the server has not taken:
    /// asked before signing out, so the employee is warned first. Locked, the vault is shut and
    /// the profile's count answers; `None` when it is not known (a profile from before it was
    /// kept), which the UI warns about as "may hold".
    pub async fn unsent_work(&self) -> Result<Option<UnsentWork>, SessionError> {
        let state = self.state.lock().await;
        match &*state {
            State::Active(active) => Ok(Some(active.vault.db.unsent_work().map_err(VaultError::from)?)),
            State::Locked(info, _) => {
                let meta = self.vaults.profiles().load(&info.profile_id).map_err(VaultError::from)?;
                Ok(meta.and_then(|meta| meta.unsent))
            }
            _ => Err(SessionError::NotSignedIn),
        }
    }

    /// The last edit id this vault ever handed out (the crash test numbers its edits from it).
    pub async fn last_mutation_id(&self) -> Result<u64, SessionError> {
        self.with_active(None, |active| Ok(active.vault.db.last_mutation_id().map_err(VaultError::from)?))
            .await
    }

    pub async fn pending_count(&self) -> Option<u64> {
        self.with_active(None, |active| Ok(active.vault.db.pending_count().map_err(VaultError::from)?))
            .await
            .ok()
    }

    /// A valid access token, refreshed from the keychain if needed (without holding the session
    /// while the network answers).
    async fn access_token(
        &self,
        client: &MasarClient,
        force_refresh: bool,
    ) -> Result<(Sensitive<String>, String), SessionError> {
        let (current, profile) = self
            .with_active(None, |active| {
                let current = active
                    .access
                    .as_ref()
                    .filter(|(_, expires)| Instant::now() < *expires && !force_refresh)
                    .map(|(token, _)| token.clone());
                Ok((current, active.info.profile_id.clone()))
            })
            .await?;
        if let Some(token) = current {
            return Ok((token, profile));
        }
        let tokens = self.refresh(client, &profile).await?;
        let access = access_with_expiry(&tokens);
        let token = access.0.clone();
        self.with_active(Some(&profile), |active| {
            active.access = Some(access);
            active.info.online = true;
            Ok(())
        })
        .await?;
        Ok((token, profile))
    }

    /// One round: push the queued edits (in order, in batches), store the answers, pull changes.
    pub async fn sync_once(&self, client: &MasarClient) -> Result<SyncReport, SessionError> {
        let (mut token, profile) = self.access_token(client, false).await?;
        let mut report = SyncReport::default();
        loop {
            let (client_id, batch) = self
                .with_active(Some(&profile), |active| {
                    let db = &active.vault.db;
                    Ok((
                        db.client_id().map_err(VaultError::from)?,
                        db.pending(PUSH_BATCH).map_err(VaultError::from)?,
                    ))
                })
                .await?;
            if batch.is_empty() {
                break;
            }
            let request =
                PushRequest { client_id, mutations: batch.iter().map(|row| row.as_mutation()).collect() };
            tracing::debug!(target: "masar_sync", batch = batch.len(), "push");
            let response = match client.push(&token, &request).await {
                Err(error) if is_session_error(&error) => {
                    token = self.access_token(client, true).await?.0;
                    client.push(&token, &request).await?
                }
                other => other?,
            };
            self.with_active(Some(&profile), |active| {
                active.vault.db.record_results(&response.results).map_err(VaultError::from)?;
                active.note_unsent(&self.vaults)
            })
            .await?;
            if batch.len() < PUSH_BATCH as usize {
                break;
            }
        }
        self.pull_changes(client, &token, &profile).await?;
        report.pending = self.pending_count().await.unwrap_or(0);
        Ok(report)
    }

    /// The employee as the vault has it, without the network.
    pub async fn local_view(&self) -> Result<EmployeeView, SessionError> {
        let state = self.state.lock().await;
        let State::Active(active) = &*state else { return Err(SessionError::NotSignedIn) };
        let (profile, forms) = crate::edits::view(&active.vault.db)?;
        let cached_at = if active.info.online {
            None
        } else {
            active.vault.db.load_record().map_err(VaultError::from)?.map(|(_, fetched_at)| fetched_at)
        };
        Ok(EmployeeView { profile, cached_at, forms })
    }

    /// Marks the session offline (the sync loop could not reach the server).
    pub async fn mark_offline(&self) {
        let _ = self
            .with_active(None, |active| {
                active.info.online = false;
                Ok(())
            })
            .await;
    }
}

/// Mutations per push request.
const PUSH_BATCH: u32 = 500;

fn is_session_error(error: &ClientError) -> bool {
    matches!(error.code(), crate::ErrorCode::SessionExpired | crate::ErrorCode::NotSignedIn)
}

impl Sessions {
    /// Keeps what is typed in a form, so a crash or a restart loses nothing.
    pub async fn save_draft(&self, form: Form, values: BTreeMap<String, String>) -> Result<(), SessionError> {
        let json = serde_json::to_string(&values).map_err(|e| SessionError::Task(e.to_string()))?;
        self.with_active(None, |active| {
            let db = &active.vault.db;
            if !db.has_draft(form.as_str()).map_err(VaultError::from)? {
                active.expect_more(&self.vaults, 0, 1)?;
            }
            active.vault.db.save_draft(form.as_str(), &json, Utc::now()).map_err(VaultError::from)?;
            active.note_unsent(&self.vaults)
        })
        .await
    }

    pub async fn draft(&self, form: Form) -> Result<Option<Draft>, SessionError> {
        self.with_active(None, |active| {
            let Some((json, saved_at)) = active.vault.db.draft(form.as_str()).map_err(VaultError::from)?
            else {
                return Ok(None);
            };
            // A draft that no longer reads (an older form) is not worth an error: start afresh.
            Ok(serde_json::from_str(&json).ok().map(|values| Draft { values, saved_at }))
        })
        .await
    }

    pub async fn discard_draft(&self, form: Form) -> Result<(), SessionError> {
        self.with_active(None, |active| {
            active.vault.db.discard_draft(form.as_str()).map_err(VaultError::from)?;
            active.note_unsent(&self.vaults)
        })
        .await
    }
}

impl Sessions {
    /// Recovers a copy of the signed-in employee's vault that a sign-in set aside: opens it with
    /// the password it had, sends its waiting edits under its own client id (so the server
    /// applies each exactly once, also one it already took before the answer was lost), then
    /// brings its drafts and the edits the server refused or found in conflict here. A copy
    /// left with nothing is removed; otherwise it stays listed.
    pub async fn recover_previous(
        &self,
        client: &MasarClient,
        copy: &str,
        previous: String,
    ) -> Result<Recovery, SessionError> {
        let profile = self.with_active(None, |active| Ok(active.info.profile_id.clone())).await?;
        let copy = copy.to_owned();
        if !self.previous_copies(&profile).iter().any(|known| known.id == copy) {
            return Err(SessionError::NoSuchCopy);
        }
        let (vaults, folder, previous) = (self.vaults.clone(), copy.clone(), Sensitive::new(previous));
        let mut old = blocking(move || Ok(vaults.unlock_set_aside(&folder, &previous)?)).await?;
        let network = |error: SessionError| match error {
            SessionError::Client(error) if is_network(&error) => SessionError::RecoveryNeedsNetwork,
            other => other,
        };
        let mut recovery = Recovery { sent: 0, to_review: 0, drafts: 0, removed: false };
        let (token, _) = self.access_token(client, false).await.map_err(network)?;
        loop {
            let client_id = old.db.client_id().map_err(VaultError::from)?;
            let batch = old.db.pending(PUSH_BATCH).map_err(VaultError::from)?;
            if batch.is_empty() {
                break;
            }
            let request =
                PushRequest { client_id, mutations: batch.iter().map(|row| row.as_mutation()).collect() };
            let response = client.push(&token, &request).await.map_err(|e| network(e.into()))?;
            old.db.record_results(&response.results).map_err(VaultError::from)?;
            recovery.sent += u32::try_from(response.results.len()).unwrap_or(u32::MAX);
        }
        let answered: Vec<_> = old
            .db
            .outbox()
            .map_err(VaultError::from)?
            .into_iter()
            .filter(|row| {
                matches!(
                    row.state,
                    crate::vault::db::EditState::Conflict(_) | crate::vault::db::EditState::Rejected(_)
                )
            })
            .collect();
        let drafts = old.db.drafts().map_err(VaultError::from)?;
        self.with_active(Some(&profile), |active| {
            let db = &mut active.vault.db;
            for row in &answered {
                db.adopt_answered(row).map_err(VaultError::from)?;
                recovery.to_review += 1;
            }
            for (form, json, saved_at) in &drafts {
                if !db.has_draft(form).map_err(VaultError::from)? {
                    db.save_draft(form, json, *saved_at).map_err(VaultError::from)?;
                    recovery.drafts += 1;
                }
            }
            active.note_unsent(&self.vaults)
        })
        .await?;
        // Taken over: out of the copy, so a second recovery does not bring them twice.
        for row in &answered {
            old.db.clear(row.id).map_err(VaultError::from)?;
        }
        for (form, _, _) in &drafts {
            old.db.discard_draft(form).map_err(VaultError::from)?;
        }
        let left = old.db.unsent_work().map_err(VaultError::from)?;
        drop(old);
        let vaults = self.vaults.clone();
        recovery.removed = left.is_empty();
        blocking(move || {
            if left.is_empty() {
                vaults.remove(&copy)?;
            } else {
                vaults.note_unsent(&copy, left)?;
            }
            Ok(())
        })
        .await?;
        self.with_active(Some(&profile), |active| {
            active.info.previous = self.previous_copies(&profile);
            Ok(())
        })
        .await?;
        Ok(recovery)
    }
}
