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

use crate::client::{ClientError, MasarClient};
use crate::secret::Sensitive;
use crate::vault::{OpenVault, VaultError, Vaults, profile_id};

/// What the start screen lists: employees who signed in on this workstation before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    pub profile_id: String,
    pub national_id: String,
    pub masked_id: String,
    pub display_name: String,
    pub last_sign_in: DateTime<Utc>,
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
    /// Locked after idle time: the same employee unlocks with their password.
    Locked {
        session: SessionInfo,
    },
}

/// The employee's data as shown, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeView {
    pub profile: EmployeeProfile,
    /// When the server last gave this data; set when it is shown from the local copy.
    pub cached_at: Option<DateTime<Utc>>,
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

#[derive(Debug, Default)]
enum State {
    #[default]
    SignedOut,
    Pending(Pending),
    Active(Active),
    Locked(SessionInfo, NationalId),
}

/// The sign-in state machine. One per app.
#[derive(Debug)]
pub struct Sessions {
    vaults: Vaults,
    state: tokio::sync::Mutex<State>,
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
        Self { vaults, state: tokio::sync::Mutex::new(State::SignedOut) }
    }

    pub fn profiles(&self) -> Vec<ProfileSummary> {
        self.vaults
            .profiles()
            .list()
            .into_iter()
            .map(|meta| ProfileSummary {
                profile_id: meta.profile_id,
                national_id: meta.national_id,
                masked_id: meta.masked_id,
                display_name: meta.display_name,
                last_sign_in: meta.last_sign_in,
            })
            .collect()
    }

    pub async fn state(&self, demo: bool) -> AuthState {
        match &*self.state.lock().await {
            State::SignedOut => AuthState::SignedOut { profiles: self.profiles() },
            State::Pending(p) => code_sent(p, demo),
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
        if matches!(*state, State::Pending(_)) {
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
        let vault = self.open_or_create_vault(&pending, &record).await?;
        vault.db.save_record(&record, Utc::now()).map_err(VaultError::from)?;
        self.store_refresh(&vault.profile_id, &tokens)?;
        let active =
            self.activate(pending.national_id.clone(), vault, Some(access_with_expiry(&tokens)), true)?;
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

    async fn open_or_create_vault(
        &self,
        pending: &Pending,
        record: &EmployeeRecord,
    ) -> Result<OpenVault, SessionError> {
        let vaults = self.vaults.clone();
        let id = pending.national_id.clone();
        let password = pending.password.clone();
        let name = record.profile.name_ar.first.clone();
        blocking(move || {
            let profile = profile_id(&id);
            match vaults.unlock(&profile, &password, Utc::now()) {
                Ok(vault) => Ok(vault),
                // The server just confirmed who this is: a new vault replaces one the password no
                // longer opens (changed password, lost keychain secret) or that does not exist.
                Err(
                    VaultError::NoProfile
                    | VaultError::WrongPassword { .. }
                    | VaultError::Locked { .. }
                    | VaultError::SecretMissing
                    | VaultError::Db(_),
                ) => Ok(vaults.create(&id, &name, &password, Utc::now())?),
                Err(other) => Err(other.into()),
            }
        })
        .await
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
            },
            national_id,
            vault,
            access,
        })
    }

    /// The employee's profile: from the server when it answers (and cached), else the local copy.
    pub async fn employee(&self, client: &MasarClient) -> Result<EmployeeView, SessionError> {
        let mut state = self.state.lock().await;
        let State::Active(active) = &mut *state else { return Err(SessionError::NotSignedIn) };
        match self.fetch_record(client, active).await {
            Ok(record) => {
                active.vault.db.save_record(&record, Utc::now()).map_err(VaultError::from)?;
                active.info.online = true;
                Ok(EmployeeView { profile: record.profile, cached_at: None })
            }
            Err(SessionError::Client(error))
                if is_network(&error) || matches!(error, ClientError::Server { .. }) =>
            {
                active.info.online = false;
                let (record, fetched_at) = active
                    .vault
                    .db
                    .load_record()
                    .map_err(VaultError::from)?
                    .ok_or(SessionError::Client(error))?;
                Ok(EmployeeView { profile: record.profile, cached_at: Some(fetched_at) })
            }
            Err(error) => Err(error),
        }
    }

    /// `GET /v1/me/record` with a valid access token, refreshing it once if needed.
    async fn fetch_record(
        &self,
        client: &MasarClient,
        active: &mut Active,
    ) -> Result<EmployeeRecord, SessionError> {
        if let Some((token, expires)) = &active.access
            && Instant::now() < *expires
        {
            match client.my_record(token).await {
                Ok(record) => return Ok(record),
                Err(error)
                    if matches!(
                        error.code(),
                        crate::ErrorCode::SessionExpired | crate::ErrorCode::NotSignedIn
                    ) => {}
                Err(error) => return Err(error.into()),
            }
        }
        let tokens = self.refresh(client, &active.vault.profile_id).await?;
        let access = access_with_expiry(&tokens);
        let record = client.my_record(&access.0).await?;
        active.access = Some(access);
        Ok(record)
    }

    /// Rotates the refresh token from the keychain. A refusal means a new sign-in is needed.
    async fn refresh(&self, client: &MasarClient, profile: &str) -> Result<Tokens, SessionError> {
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
        } else if let State::Pending(_) = &*state {
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
