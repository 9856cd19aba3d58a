//! Signing in and staying signed in: online (password → SMS code → tokens) or offline (the
//! password opens this workstation's vault), locking and unlocking, signing out. Once in, it
//! hands out an [`ActiveSession`]; everything the employee then does is a capability working
//! through that handle, not a method here.
//!
//! The state is behind a plain mutex held only to read or swap it, never across the network,
//! Argon2 or the disk. Sign-in steps themselves run one at a time (`flow`), and a step commits
//! only if the state is still the one it started from (the employee may cancel meanwhile).

mod confirm;
pub mod listing;
pub mod types;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::Utc;
use masar_protocol::auth::{Challenge, Tokens};
use masar_protocol::digits::normalize_digits;
use masar_protocol::{EmployeeRecord, NationalId};

use crate::active::{ActiveSession, SessionError, SessionInfo, is_network};
use crate::client::MasarClient;
use crate::secret::{ExposeSecret, SecretString};
use crate::tokens::{RefreshHome, TokenSource, off_thread};
use crate::vault::{Vaults, profile_id};
pub use types::{AuthState, ProfileSummary, SignInError};

#[derive(Debug)]
struct Pending {
    national_id: NationalId,
    password: SecretString,
    challenge: Challenge,
}

/// A sign-in the server confirmed, waiting for a vault.
#[derive(Debug)]
struct Confirmed {
    national_id: NationalId,
    password: SecretString,
    tokens: Tokens,
    record: EmployeeRecord,
}

#[derive(Debug, Default)]
enum State {
    #[default]
    SignedOut,
    Pending(Arc<Pending>),
    /// Confirmed by the server; the vault asks for the previous password.
    CarryAcross(Arc<Confirmed>),
    Active(Arc<ActiveSession>),
    Locked(SessionInfo, NationalId),
}

/// The sign-in state machine. One per app.
#[derive(Debug)]
pub struct SignIn {
    vaults: Vaults,
    state: Mutex<State>,
    flow: tokio::sync::Mutex<()>,
}

impl SignIn {
    pub fn new(vaults: Vaults) -> Self {
        Self { vaults, state: Mutex::new(State::SignedOut), flow: tokio::sync::Mutex::new(()) }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts `next` in place and closes a session it replaces.
    async fn replace(&self, next: State) {
        let previous = std::mem::replace(&mut *self.state(), next);
        if let State::Active(active) = previous {
            active.close().await;
        }
    }

    /// The signed-in employee's session.
    pub fn active(&self) -> Result<Arc<ActiveSession>, SessionError> {
        match &*self.state() {
            State::Active(active) => Ok(Arc::clone(active)),
            _ => Err(SessionError::NotSignedIn),
        }
    }

    pub fn vaults(&self) -> &Vaults {
        &self.vaults
    }

    pub fn auth_state(&self, demo: bool) -> AuthState {
        let step = match &*self.state() {
            State::SignedOut => None,
            State::Pending(pending) => Some(code_sent(pending, demo)),
            State::CarryAcross(confirmed) => Some(confirm::carry_step(&self.vaults, confirmed)),
            State::Active(active) => Some(AuthState::SignedIn { session: active.info() }),
            State::Locked(info, _) => Some(AuthState::Locked { session: info.clone() }),
        };
        step.unwrap_or_else(|| AuthState::SignedOut { profiles: listing::profiles(&self.vaults) })
    }

    /// Step one. Online: sends the code. Server unreachable: opens the vault with the password.
    pub async fn start(
        &self,
        client: &MasarClient,
        national_id: &str,
        password: String,
        demo: bool,
    ) -> Result<AuthState, SignInError> {
        let national_id = NationalId::parse(national_id).map_err(SignInError::InvalidNationalId)?;
        let password = SecretString::from(password);
        if password.expose_secret().is_empty() {
            return Err(SignInError::PasswordRequired);
        }
        let _flow = self.flow.lock().await;
        match client.login(&national_id, &password).await {
            Ok(challenge) => {
                let pending = Arc::new(Pending { national_id, password, challenge });
                let step = code_sent(&pending, demo);
                self.replace(State::Pending(pending)).await;
                Ok(step)
            }
            Err(error) if is_network(&error) => {
                let profile = profile_id(&national_id);
                if self.vaults.profiles().load(&profile).ok().flatten().is_none() {
                    return Err(SignInError::FirstSignInNeedsNetwork);
                }
                let active = self.open_offline(national_id, &profile, password).await?;
                let session = active.info();
                self.replace(State::Active(active)).await;
                Ok(AuthState::SignedIn { session })
            }
            Err(error) => Err(error.into()),
        }
    }

    pub async fn resend(&self, client: &MasarClient, demo: bool) -> Result<AuthState, SignInError> {
        let _flow = self.flow.lock().await;
        let pending = self.pending()?;
        let challenge = client.resend(&pending.challenge.challenge_id).await?;
        let renewed = Arc::new(Pending {
            national_id: pending.national_id.clone(),
            password: pending.password.clone(),
            challenge,
        });
        let step = code_sent(&renewed, demo);
        let mut state = self.state();
        match &*state {
            State::Pending(now) if Arc::ptr_eq(now, &pending) => *state = State::Pending(renewed),
            _ => return Err(SignInError::NoSignInInProgress),
        }
        Ok(step)
    }

    pub fn cancel(&self) {
        let mut state = self.state();
        if matches!(*state, State::Pending(_) | State::CarryAcross(_)) {
            *state = State::SignedOut;
        }
    }

    /// Step two: the SMS code. Opens (or creates) the vault and caches the record.
    pub async fn verify(&self, client: &MasarClient, code: &str) -> Result<AuthState, SignInError> {
        let code = normalize_digits(code);
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(SignInError::CodeFormat);
        }
        let _flow = self.flow.lock().await;
        let pending = self.pending()?;
        let tokens = match client.verify(&pending.challenge.challenge_id, &code).await {
            Ok(tokens) => tokens,
            Err(error) => {
                // An attempt the server has ended cannot be continued: back to the first step.
                if matches!(
                    error.code(),
                    crate::ErrorCode::TooManyAttempts
                        | crate::ErrorCode::ChallengeInvalid
                        | crate::ErrorCode::AccountLocked
                ) {
                    self.commit_if(&pending, State::SignedOut);
                }
                return Err(error.into());
            }
        };
        let access = SecretString::from(tokens.access_token.expose().to_owned());
        let record = client.my_record(&access).await?;
        let confirmed = Arc::new(Confirmed {
            national_id: pending.national_id.clone(),
            password: pending.password.clone(),
            tokens,
            record,
        });
        let next = confirm::open_confirmed(&self.vaults, confirmed).await?;
        let step = self.state_step(&next);
        if !self.commit_if(&pending, next) {
            return Err(SignInError::NoSignInInProgress);
        }
        Ok(step)
    }

    /// Swaps in `next` if the sign-in attempt is still `pending`; false (and `next` dropped,
    /// closing its vault) if the employee cancelled or started again meanwhile.
    fn commit_if(&self, pending: &Arc<Pending>, next: State) -> bool {
        let mut state = self.state();
        match &*state {
            State::Pending(now) if Arc::ptr_eq(now, pending) => {
                *state = next;
                true
            }
            _ => false,
        }
    }

    fn state_step(&self, state: &State) -> AuthState {
        match state {
            State::Active(active) => AuthState::SignedIn { session: active.info() },
            State::CarryAcross(confirmed) => confirm::carry_step(&self.vaults, confirmed),
            _ => AuthState::SignedOut { profiles: listing::profiles(&self.vaults) },
        }
    }

    /// After a password change: the previous password opens the vault, which then takes the
    /// current one. Everything in it stays, and its queued edits keep their ids.
    pub async fn carry_across(&self, previous: String) -> Result<AuthState, SignInError> {
        let previous = SecretString::from(previous);
        if previous.expose_secret().is_empty() {
            return Err(SignInError::PasswordRequired);
        }
        let _flow = self.flow.lock().await;
        let confirmed = self.confirmed()?;
        let active = confirm::carry_across(&self.vaults, &confirmed, previous).await?;
        self.commit_confirmed(&confirmed, active)
    }

    /// The employee cannot give the previous password now: the old vault is set aside whole
    /// (listed with its unsent work, recoverable later) and a new one is made.
    pub async fn skip_carry_across(&self) -> Result<AuthState, SignInError> {
        let _flow = self.flow.lock().await;
        let confirmed = self.confirmed()?;
        let active = confirm::skip_carry_across(&self.vaults, &confirmed).await?;
        self.commit_confirmed(&confirmed, active)
    }

    fn pending(&self) -> Result<Arc<Pending>, SignInError> {
        match &*self.state() {
            State::Pending(pending) => Ok(Arc::clone(pending)),
            _ => Err(SignInError::NoSignInInProgress),
        }
    }

    fn confirmed(&self) -> Result<Arc<Confirmed>, SignInError> {
        match &*self.state() {
            State::CarryAcross(confirmed) => Ok(Arc::clone(confirmed)),
            _ => Err(SignInError::NoSignInInProgress),
        }
    }

    fn commit_confirmed(
        &self,
        confirmed: &Arc<Confirmed>,
        active: Arc<ActiveSession>,
    ) -> Result<AuthState, SignInError> {
        let session = active.info();
        let mut state = self.state();
        match &*state {
            State::CarryAcross(now) if Arc::ptr_eq(now, confirmed) => *state = State::Active(active),
            _ => return Err(SignInError::NoSignInInProgress),
        }
        Ok(AuthState::SignedIn { session })
    }

    /// Opens the vault with the password alone (no server): an offline sign-in or an unlock.
    async fn open_offline(
        &self,
        national_id: NationalId,
        profile: &str,
        password: SecretString,
    ) -> Result<Arc<ActiveSession>, SignInError> {
        let (vaults, profile) = (self.vaults.clone(), profile.to_owned());
        let vault = off_thread(move || Ok(vaults.unlock(&profile, &password, Utc::now())?)).await?;
        Ok(confirm::activate(&self.vaults, national_id, vault, None, None).await?)
    }

    /// Idle lock: closes the vault and forgets the access token; the employee stays chosen.
    pub async fn lock(&self) {
        let previous = std::mem::take(&mut *self.state());
        let next = match previous {
            State::Active(active) => {
                let mut info = active.info();
                info.online = false;
                let national_id = active.national_id().clone();
                active.close().await;
                State::Locked(info, national_id)
            }
            State::Locked(info, id) => State::Locked(info, id),
            State::SignedOut | State::Pending(_) | State::CarryAcross(_) => State::SignedOut,
        };
        *self.state() = next;
    }

    /// Unlocks after an idle lock with the password (works offline).
    pub async fn unlock(&self, password: String) -> Result<AuthState, SignInError> {
        let _flow = self.flow.lock().await;
        let (profile, national_id) = match &*self.state() {
            State::Locked(info, national_id) => (info.profile_id.clone(), national_id.clone()),
            _ => return Err(SessionError::NotSignedIn.into()),
        };
        let active = self.open_offline(national_id, &profile, SecretString::from(password)).await?;
        let session = active.info();
        let mut state = self.state();
        match &*state {
            State::Locked(info, _) if info.profile_id == profile => *state = State::Active(active),
            _ => return Err(SessionError::NotSignedIn.into()),
        }
        Ok(AuthState::SignedIn { session })
    }

    /// Ends the session here and on the server (when reachable); forgets the refresh token.
    pub async fn sign_out(&self, client: &MasarClient) {
        let previous = std::mem::take(&mut *self.state());
        match previous {
            State::Active(active) => {
                active.close().await;
                active.revoke(client).await;
            }
            // The vault is locked: a sealed token can only be removed (the server keeps that
            // session until it expires); one in the keychain is revoked on the server too.
            State::Locked(info, _) => {
                let home = RefreshHome::of(&self.vaults, &info.profile_id, info.key_protection, None);
                TokenSource::new(info.profile_id, home, None).revoke(client).await;
            }
            _ => {}
        }
    }

    /// The national ID of the signed-in (or signing-in) employee, for the demo phone.
    pub fn current_national_id(&self) -> Option<NationalId> {
        match &*self.state() {
            State::Pending(p) => Some(p.national_id.clone()),
            State::CarryAcross(c) => Some(c.national_id.clone()),
            State::Active(a) => Some(a.national_id().clone()),
            State::Locked(_, id) => Some(id.clone()),
            State::SignedOut => None,
        }
    }

    /// The profile of the signed-in or locked employee (its unsent count answers when locked).
    pub fn locked_profile(&self) -> Option<String> {
        match &*self.state() {
            State::Locked(info, _) => Some(info.profile_id.clone()),
            _ => None,
        }
    }
}

fn code_sent(pending: &Pending, demo: bool) -> AuthState {
    AuthState::CodeSent {
        masked_mobile: pending.challenge.masked_mobile.clone(),
        expires_in_seconds: pending.challenge.expires_in_seconds,
        resend_after_seconds: pending.challenge.resend_after_seconds,
        demo_national_id: demo.then(|| pending.national_id.to_string()),
    }
}
