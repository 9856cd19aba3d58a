//! The sign-in capability: the [`SignIn`](crate::signin::SignIn) state machine with the app's
//! server client, waking the sync loop once someone is in (their queued edits may go).

use std::sync::Arc;

use masar_protocol::auth::DevSms;

use crate::context::Context;
use crate::failure::SessionError;
use crate::signin::{AuthState, SignInError};

#[derive(Debug, Clone)]
pub struct Auth {
    cx: Arc<Context>,
}

impl Auth {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    pub fn state(&self) -> AuthState {
        self.cx.signin.auth_state(self.cx.server_is_demo())
    }

    pub async fn start(&self, national_id: &str, password: String) -> Result<AuthState, SignInError> {
        let demo = self.cx.server_is_demo();
        let state = self.cx.signin.start(&self.cx.client(), national_id, password, demo).await?;
        // An offline sign-in is signed in at once: its queued edits may go when the network returns.
        self.cx.wake_sync.notify_one();
        Ok(state)
    }

    pub async fn verify(&self, code: &str) -> Result<AuthState, SignInError> {
        let state = self.cx.signin.verify(&self.cx.client(), code).await?;
        self.cx.recheck.notify_one();
        self.cx.wake_sync.notify_one();
        Ok(state)
    }

    pub async fn resend(&self) -> Result<AuthState, SignInError> {
        self.cx.signin.resend(&self.cx.client(), self.cx.server_is_demo()).await
    }

    pub fn cancel(&self) -> AuthState {
        self.cx.signin.cancel();
        self.state()
    }

    pub async fn lock(&self) -> AuthState {
        self.cx.signin.lock().await;
        self.state()
    }

    pub async fn unlock(&self, password: String) -> Result<AuthState, SignInError> {
        let state = self.cx.signin.unlock(password).await?;
        self.cx.wake_sync.notify_one();
        Ok(state)
    }

    /// After a password change: the previous password carries the vault (and its unsent work)
    /// across to the current one.
    pub async fn carry_across(&self, previous: String) -> Result<AuthState, SignInError> {
        let state = self.cx.signin.carry_across(previous).await?;
        self.cx.wake_sync.notify_one();
        Ok(state)
    }

    /// After a password change, without the previous password: the old vault is set aside
    /// whole and stays listed with its unsent work.
    pub async fn skip_carry_across(&self) -> Result<AuthState, SignInError> {
        let state = self.cx.signin.skip_carry_across().await?;
        self.cx.wake_sync.notify_one();
        Ok(state)
    }

    pub async fn sign_out(&self) -> AuthState {
        self.cx.signin.sign_out(&self.cx.client()).await;
        self.state()
    }

    /// The demo phone: SMS the dev outbox holds for the employee signing in.
    pub async fn demo_sms(&self) -> Result<Vec<DevSms>, SessionError> {
        let id = self.cx.signin.current_national_id().ok_or(SessionError::NotSignedIn)?;
        Ok(self.cx.client().dev_sms(&id).await?)
    }
}
