//! Tokens of the active session: the access token in memory only, the refresh token in the OS
//! keychain. A refresh rotates the refresh token; the server takes a second use of the same one
//! for theft and ends the session, so refreshes are single-flight.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use masar_protocol::auth::Tokens;

use crate::client::{ClientError, MasarClient};
use crate::failure::{SessionError, is_network};
use crate::keychain::Keychain;
use crate::secret::{ExposeSecret, SecretSlice, SecretString};
use crate::vault::VaultError;

/// The keychain account of a profile's refresh token.
pub fn refresh_account(profile_id: &str) -> String {
    format!("refresh-token:{profile_id}")
}

/// An access token and when to stop using it.
pub type Access = (SecretString, Instant);

pub fn access_with_expiry(tokens: &Tokens) -> Access {
    // Renew a little early so a request never leaves with a token about to expire.
    let lifetime = Duration::from_secs(u64::from(tokens.access_expires_in_seconds).saturating_sub(30));
    (SecretString::from(tokens.access_token.expose().to_owned()), Instant::now() + lifetime)
}

#[derive(Debug)]
pub struct TokenSource {
    profile_id: String,
    keychain: Keychain,
    access: Mutex<Option<Access>>,
    /// Single flight: the one refresh under way; others wait for it and use its token.
    refreshing: tokio::sync::Mutex<()>,
}

impl TokenSource {
    pub fn new(profile_id: String, keychain: Keychain, access: Option<Access>) -> Self {
        Self { profile_id, keychain, access: Mutex::new(access), refreshing: tokio::sync::Mutex::new(()) }
    }

    fn current(&self) -> Option<SecretString> {
        let access = self.access.lock().unwrap_or_else(PoisonError::into_inner);
        access.as_ref().filter(|(_, expires)| Instant::now() < *expires).map(|(token, _)| token.clone())
    }

    pub fn forget_access(&self) {
        *self.access.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// A valid access token and whether it was just refreshed.
    pub async fn token(
        &self,
        client: &MasarClient,
        force_refresh: bool,
    ) -> Result<(SecretString, bool), SessionError> {
        if !force_refresh && let Some(token) = self.current() {
            return Ok((token, false));
        }
        let stale = self.current();
        let _single_flight = self.refreshing.lock().await;
        // Another caller refreshed while this one waited: use its token.
        if let Some(token) = self.current()
            && stale.as_ref().map(|s| s.expose_secret()) != Some(token.expose_secret())
        {
            return Ok((token, true));
        }
        let tokens = self.refresh(client).await?;
        let access = access_with_expiry(&tokens);
        let token = access.0.clone();
        *self.access.lock().unwrap_or_else(PoisonError::into_inner) = Some(access);
        Ok((token, true))
    }

    /// Rotates the refresh token from the keychain. A refusal means a new sign-in is needed.
    async fn refresh(&self, client: &MasarClient) -> Result<Tokens, SessionError> {
        let account = refresh_account(&self.profile_id);
        let Some(stored) = keychain_get(&self.keychain, &account).await? else {
            // Signed in offline after a sign-out: no session on the server yet. While the server
            // cannot be reached that is being offline (work goes on locally); once it answers,
            // a new sign-in is needed.
            return Err(match client.health().await {
                Err(error) if is_network(&error) => error.into(),
                _ => SessionError::SessionExpired,
            });
        };
        match client.refresh(&stored).await {
            Ok(tokens) => {
                store_refresh(&self.keychain, &self.profile_id, &tokens).await?;
                Ok(tokens)
            }
            Err(error) if is_network(&error) => Err(error.into()),
            Err(ClientError::Api { .. }) => {
                let _ = keychain_delete(&self.keychain, &account).await;
                Err(SessionError::SessionExpired)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Sign-out: tells the server (when it answers) and forgets the refresh token here.
    pub async fn revoke(&self, client: &MasarClient) {
        self.forget_access();
        let account = refresh_account(&self.profile_id);
        if let Ok(Some(token)) = keychain_get(&self.keychain, &account).await
            && let Err(error) = client.logout(&token).await
        {
            tracing::info!(%error, "the server was not told about the sign-out");
        }
        if let Err(error) = keychain_delete(&self.keychain, &account).await {
            tracing::warn!(%error, "cannot remove the refresh token from the keychain");
        }
    }
}

/// Keeps the refresh token of `tokens` in the keychain (off the async threads: the keychain may
/// be a D-Bus service or a file).
pub async fn store_refresh(
    keychain: &Keychain,
    profile_id: &str,
    tokens: &Tokens,
) -> Result<(), SessionError> {
    let (keychain, account) = (keychain.clone(), refresh_account(profile_id));
    let secret = SecretSlice::from(tokens.refresh_token.expose().as_bytes().to_vec());
    off_thread(move || keychain.set(&account, secret.expose_secret()).map_err(|e| VaultError::from(e).into()))
        .await
}

async fn keychain_get(keychain: &Keychain, account: &str) -> Result<Option<SecretString>, SessionError> {
    let (keychain, account) = (keychain.clone(), account.to_owned());
    off_thread(move || {
        let stored = keychain.get(&account).map_err(VaultError::from)?;
        Ok(stored
            .map(|bytes| SecretString::from(String::from_utf8_lossy(bytes.expose_secret()).into_owned())))
    })
    .await
}

async fn keychain_delete(keychain: &Keychain, account: &str) -> Result<(), SessionError> {
    let (keychain, account) = (keychain.clone(), account.to_owned());
    off_thread(move || Ok(keychain.delete(&account).map_err(VaultError::from)?)).await
}

/// Runs blocking work on the blocking pool.
pub async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SessionError> + Send + 'static,
) -> Result<T, SessionError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| SessionError::Task(e.to_string()))?
}
