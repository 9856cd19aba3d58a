//! The sign-in capability: the [`SignIn`](crate::signin::SignIn) state machine with the app's
//! server client, waking the sync loop once someone is in (their queued edits may go).

use std::sync::Arc;

use masar_protocol::auth::DevSms;

use crate::context::Context;
use crate::failure::SessionError;
use crate::signin::{AuthState, SignInError, SignOnPurpose, SignOnStarted};

#[derive(Debug, Clone)]
pub struct Auth {
    cx: Arc<Context>,
}

impl Auth {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    pub fn state(&self) -> AuthState {
        self.cx.signin.auth_state()
    }

    /// Opens the identity provider's page in the system browser (see [`Self::finish_sign_on`]).
    pub async fn begin_sign_on(&self, purpose: SignOnPurpose) -> Result<SignOnStarted, SignInError> {
        let language = self.cx.language().code();
        self.cx.signin.begin_sign_on(&self.cx.client(), purpose, language).await
    }

    /// Waits for the browser to come back and opens the employee's copy.
    pub async fn finish_sign_on(&self) -> Result<AuthState, SignInError> {
        let state = self.cx.signin.finish_sign_on(&self.cx.client()).await?;
        self.cx.recheck.notify_one();
        self.cx.wake_sync.notify_one();
        Ok(state)
    }

    pub async fn cancel(&self) -> AuthState {
        self.cx.signin.cancel(&self.cx.client()).await
    }

    /// The passphrase of a first sign-on here, or a new one after a forgotten one.
    pub async fn set_passphrase(
        &self,
        passphrase: String,
        confirmation: String,
    ) -> Result<AuthState, SignInError> {
        let state = self.cx.signin.set_passphrase(&self.cx.client(), passphrase, confirmation).await?;
        self.cx.wake_sync.notify_one();
        Ok(state)
    }

    /// A profile of the start screen opened with its passphrase (works offline).
    pub async fn open_offline(&self, profile_id: &str, passphrase: String) -> Result<AuthState, SignInError> {
        let state = self.cx.signin.open_offline(&self.cx.client(), profile_id, passphrase).await?;
        // Its queued edits may go when the network returns.
        self.cx.wake_sync.notify_one();
        Ok(state)
    }

    pub async fn lock(&self) -> AuthState {
        self.cx.signin.lock().await;
        self.state()
    }

    pub async fn unlock(&self, passphrase: String) -> Result<AuthState, SignInError> {
        let state = self.cx.signin.unlock(&self.cx.client(), passphrase).await?;
        self.cx.wake_sync.notify_one();
        Ok(state)
    }

    pub async fn sign_out(&self) -> AuthState {
        self.cx.signin.sign_out(&self.cx.client()).await;
        self.state()
    }

    /// The demo phone: SMS the dev outbox holds for the employee signed in.
    pub async fn demo_sms(&self) -> Result<Vec<DevSms>, SessionError> {
        let id = self.cx.signin.current_national_id().ok_or(SessionError::NotSignedIn)?;
        Ok(self.cx.client().dev_sms(&id).await?)
    }
}
