//! Signing in and staying signed in: a single sign-on in the system browser (see [`crate::sso`])
//! opens the employee's vault with the escrow key the server keeps for it, or makes the first
//! one with a passphrase the employee chooses; offline, and after the idle lock, the passphrase
//! opens it. Signing out revokes the session and ends it at the provider. Once in, it hands out
//! an [`ActiveSession`]; everything the employee then does is a capability working through that
//! handle, not a method here.
//!
//! The state is behind a plain mutex held only to read or swap it, never across the network,
//! Argon2 or the disk. Steps run one at a time (`steps`); a sign-on under way is kept beside the
//! state (`flow`): it may renew the session of an open page without touching it.

pub mod device;
mod enter;
pub mod listing;
mod lock;
pub mod passphrase;
pub mod types;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::Utc;
use masar_protocol::NationalId;
use tokio::sync::Notify;

use crate::active::{ActiveSession, SessionError, SessionInfo};
use crate::client::MasarClient;
use crate::secret::SecretString;
use crate::sso::{Issuer, PendingSignOn, SIGN_ON_WAIT};
use crate::tokens::{RefreshHome, off_thread};
use crate::vault::Vaults;
use enter::{Next, SignedOn};
pub use types::{AuthState, PassphraseReason, ProfileSummary, SignInError, SignOnPurpose, SignOnStarted};

/// Opens an address in the system browser (RFC 8252: never a web view of the app's own).
pub trait Browser: Send + Sync + std::fmt::Debug {
    fn open(&self, url: &str) -> std::io::Result<()>;
}

/// No browser to open: the address is shown to copy.
#[derive(Debug)]
pub struct NoBrowser;

impl Browser for NoBrowser {
    fn open(&self, _url: &str) -> std::io::Result<()> {
        Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no browser is configured"))
    }
}

/// A sign-on under way.
#[derive(Debug)]
struct Flow {
    started: SignOnStarted,
    /// Taken by the one call that waits for the browser.
    pending: Mutex<Option<(Issuer, PendingSignOn)>>,
    cancelled: Notify,
}

#[derive(Debug, Default)]
enum State {
    #[default]
    SignedOut,
    /// Signed on; the employee chooses a passphrase.
    Passphrase(Arc<SignedOn>),
    Active(Arc<ActiveSession>),
    Locked(SessionInfo, NationalId),
}

/// The sign-in state machine. One per app.
#[derive(Debug)]
pub struct SignIn {
    vaults: Vaults,
    browser: Arc<dyn Browser>,
    state: Mutex<State>,
    flow: Mutex<Option<Arc<Flow>>>,
    steps: tokio::sync::Mutex<()>,
}

impl SignIn {
    pub fn new(vaults: Vaults, browser: Arc<dyn Browser>) -> Self {
        Self {
            vaults,
            browser,
            state: Mutex::new(State::SignedOut),
            flow: Mutex::new(None),
            steps: tokio::sync::Mutex::new(()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn flow(&self) -> MutexGuard<'_, Option<Arc<Flow>>> {
        self.flow.lock().unwrap_or_else(PoisonError::into_inner)
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

    pub fn auth_state(&self) -> AuthState {
        let waiting = self.flow().as_ref().map(|flow| flow.started.clone());
        let state = self.state();
        match &*state {
            State::Active(active) => return AuthState::SignedIn { session: active.info() },
            State::Passphrase(signed_on) => return passphrase_step(&self.vaults, signed_on),
            State::Locked(..) | State::SignedOut => {}
        }
        if let Some(sign_on) = waiting.filter(|w| w.purpose != SignOnPurpose::Renew) {
            return AuthState::SigningOn { sign_on };
        }
        match &*state {
            State::Locked(info, _) => AuthState::Locked {
                needs_sign_on: listing::needs_sign_on(&self.vaults, &info.profile_id),
                session: info.clone(),
            },
            _ => AuthState::SignedOut { profiles: listing::profiles(&self.vaults) },
        }
    }

    /// Opens the identity provider's sign-in page in the system browser. A sign-on already under
    /// way is answered as it stands (a second click starts nothing).
    pub async fn begin_sign_on(
        &self,
        client: &MasarClient,
        purpose: SignOnPurpose,
        language: &str,
    ) -> Result<SignOnStarted, SignInError> {
        let _step = self.steps.lock().await;
        if let Some(flow) = self.flow().as_ref() {
            return Ok(flow.started.clone());
        }
        if purpose == SignOnPurpose::Renew {
            self.active()?;
        }
        let issuer = match client.discover_issuer().await {
            Ok(issuer) => issuer,
            Err(error) if crate::failure::is_network(&error) && self.vaults.profiles().list().is_empty() => {
                return Err(SignInError::FirstSignInNeedsNetwork);
            }
            Err(error) => return Err(error.into()),
        };
        let pending = issuer.begin(language).await.map_err(crate::client::ClientError::from)?;
        let url = pending.url.to_string();
        let browser_opened = match self.browser.open(&url) {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "the system browser could not be opened: the address is shown to copy");
                false
            }
        };
        let started = SignOnStarted { url, browser_opened, purpose };
        *self.flow() = Some(Arc::new(Flow {
            started: started.clone(),
            pending: Mutex::new(Some((issuer, pending))),
            cancelled: Notify::new(),
        }));
        Ok(started)
    }

    /// Waits for the browser to come back, then opens the employee's vault (or asks for a
    /// passphrase). Ends with the sign-on: done, cancelled, timed out or refused.
    pub async fn finish_sign_on(&self, client: &MasarClient) -> Result<AuthState, SignInError> {
        let flow = self.flow().clone().ok_or(SignInError::NoSignInInProgress)?;
        let taken = flow.pending.lock().unwrap_or_else(PoisonError::into_inner).take();
        let (issuer, pending) = taken.ok_or(SignInError::NoSignInInProgress)?;
        let outcome = tokio::select! {
            outcome = issuer.finish(pending, SIGN_ON_WAIT) => outcome.map_err(|e| SignInError::from(crate::client::ClientError::from(e))),
            () = flow.cancelled.notified() => Err(SignInError::Cancelled),
        };
        {
            let mut current = self.flow();
            if current.as_ref().is_some_and(|now| Arc::ptr_eq(now, &flow)) {
                *current = None;
            }
        }
        let tokens = outcome?.tokens;
        let _step = self.steps.lock().await;
        let me = client.me(&tokens.access_token).await?;
        if flow.started.purpose == SignOnPurpose::Renew {
            let active = self.active()?;
            if *active.national_id() != me.national_id {
                enter::abandon(client, &tokens).await;
                return Err(SignInError::AnotherEmployee);
            }
            active.renewed(&tokens).await?;
            active.set_online(true);
            return Ok(AuthState::SignedIn { session: active.info() });
        }
        match enter::after_sign_on(&self.vaults, client, tokens, me, flow.started.purpose).await? {
            Next::Active(active) => {
                let session = active.info();
                self.replace(State::Active(active)).await;
                Ok(AuthState::SignedIn { session })
            }
            Next::Passphrase(signed_on) => {
                let step = passphrase_step(&self.vaults, &signed_on);
                self.replace(State::Passphrase(signed_on)).await;
                Ok(step)
            }
        }
    }

    /// Stops a sign-on under way (its port closes), or leaves the passphrase step (the session
    /// the provider gave is revoked).
    pub async fn cancel(&self, client: &MasarClient) -> AuthState {
        if let Some(flow) = self.flow().take() {
            flow.cancelled.notify_one();
        }
        let left = {
            let mut state = self.state();
            match &*state {
                State::Passphrase(signed_on) => {
                    let signed_on = Arc::clone(signed_on);
                    *state = State::SignedOut;
                    Some(signed_on)
                }
                _ => None,
            }
        };
        if let Some(signed_on) = left {
            enter::abandon(client, &signed_on.tokens).await;
        }
        self.auth_state()
    }

    /// The passphrase chosen at the first sign-on here, or after a forgotten one.
    pub async fn set_passphrase(
        &self,
        client: &MasarClient,
        passphrase: String,
        confirmation: String,
    ) -> Result<AuthState, SignInError> {
        let (passphrase, confirmation) = (SecretString::from(passphrase), SecretString::from(confirmation));
        passphrase::check(&passphrase, &confirmation)?;
        let _step = self.steps.lock().await;
        let signed_on = match &*self.state() {
            State::Passphrase(signed_on) => Arc::clone(signed_on),
            _ => return Err(SignInError::NoSignInInProgress),
        };
        let active = enter::with_passphrase(&self.vaults, client, &signed_on, passphrase).await?;
        let session = active.info();
        let mut state = self.state();
        match &*state {
            State::Passphrase(now) if Arc::ptr_eq(now, &signed_on) => *state = State::Active(active),
            _ => return Err(SignInError::NoSignInInProgress),
        }
        Ok(AuthState::SignedIn { session })
    }

    /// Opens a profile of the start screen with its passphrase (works offline).
    pub async fn open_offline(
        &self,
        client: &MasarClient,
        profile_id: &str,
        passphrase: String,
    ) -> Result<AuthState, SignInError> {
        let passphrase = SecretString::from(passphrase);
        if secrecy::ExposeSecret::expose_secret(&passphrase).is_empty() {
            return Err(SignInError::PasswordRequired);
        }
        let _step = self.steps.lock().await;
        let active = self.unlock_vault(client, profile_id, passphrase).await?;
        let session = active.info();
        self.replace(State::Active(active)).await;
        Ok(AuthState::SignedIn { session })
    }

    /// Opens the vault with the passphrase alone (no server).
    async fn unlock_vault(
        &self,
        client: &MasarClient,
        profile_id: &str,
        passphrase: SecretString,
    ) -> Result<Arc<ActiveSession>, SignInError> {
        let (vaults, profile) = (self.vaults.clone(), profile_id.to_owned());
        let vault = off_thread(move || Ok(vaults.unlock(&profile, &passphrase, Utc::now())?)).await?;
        Ok(enter::activate(&self.vaults, client, vault, None, None).await?)
    }

    /// Ends the session here and at the provider: the refresh token revoked (when reachable)
    /// and the provider's end-session page opened in the browser with the ID token as hint.
    pub async fn sign_out(&self, client: &MasarClient) {
        if let Some(flow) = self.flow().take() {
            flow.cancelled.notify_one();
        }
        let previous = std::mem::take(&mut *self.state());
        match previous {
            State::Active(active) => {
                active.close().await;
                let id_token = active.revoke(client).await;
                if let Some(id_token) = id_token
                    && let Ok(issuer) = client.issuer().await
                    && let Some(url) = issuer.end_session_url(&id_token, None)
                    && let Err(error) = self.browser.open(url.as_str())
                {
                    tracing::info!(%error, "the provider's end-session page could not be opened");
                }
            }
            // The vault is locked: the sealed token can only be removed (the provider ends that
            // session at its absolute lifetime).
            State::Locked(info, _) => {
                if let Err(error) =
                    RefreshHome::of(&self.vaults, &info.profile_id, client, None).delete().await
                {
                    tracing::warn!(%error, "cannot remove the refresh token");
                }
            }
            State::Passphrase(signed_on) => enter::abandon(client, &signed_on.tokens).await,
            State::SignedOut => {}
        }
    }

    /// The national ID of the signed-in (or locked) employee, for the demo phone.
    pub fn current_national_id(&self) -> Option<NationalId> {
        match &*self.state() {
            State::Passphrase(signed_on) => Some(signed_on.me.national_id.clone()),
            State::Active(a) => Some(a.national_id().clone()),
            State::Locked(_, id) => Some(id.clone()),
            State::SignedOut => None,
        }
    }

    /// The profile of the locked employee (its unsent count answers when locked).
    pub fn locked_profile(&self) -> Option<String> {
        match &*self.state() {
            State::Locked(info, _) => Some(info.profile_id.clone()),
            _ => None,
        }
    }
}

fn passphrase_step(vaults: &Vaults, signed_on: &SignedOn) -> AuthState {
    let unsent = signed_on
        .existing
        .as_ref()
        .and_then(|(profile, _)| vaults.profiles().load(profile).ok().flatten())
        .and_then(|meta| meta.unsent);
    AuthState::PassphraseNeeded {
        display_name: signed_on.record.profile.name_ar.first.clone(),
        reason: signed_on.reason,
        unsent,
    }
}
