//! Tokens of the active session: the access token in memory only; the refresh token sealed in
//! a file of the profile's folder under a key that only the open vault gives (see
//! [`RefreshHome`]), so it is readable only while the vault is open — never in the keychain or
//! any file in clear. A refresh rotates the refresh token at the identity provider; a second use
//! of the same one is taken for theft and ends the session, so refreshes are single-flight.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::client::{ClientError, MasarClient};
use crate::failure::{SessionError, is_network};
use crate::secret::{ExposeSecret, Key, SecretString};
use crate::sso::{SsoError, SsoTokens};
use crate::vault::crypto::{self, WrappedKey};
use crate::vault::{VaultError, Vaults};

/// The sealing context of a profile's refresh token: the profile and the server it was issued
/// for, so a token is never sent to another server (it does not open for another).
fn refresh_context(profile_id: &str, origin: &str) -> String {
    format!("refresh-token:{profile_id}:{origin}")
}

/// Where a profile keeps its refresh token: `refresh-token.sealed` in its folder, sealed with
/// a key derived from the vault's data key. Without the key (the vault is locked or closed)
/// the file can only be removed, which is all signing out from the lock screen needs.
#[derive(Debug, Clone)]
pub struct RefreshHome {
    path: PathBuf,
    key: Option<Arc<Key>>,
    /// The server the token belongs to.
    origin: String,
}

impl RefreshHome {
    /// The home of `profile_id`'s token for the server `client` talks to; `key` from the open
    /// vault.
    pub fn of(vaults: &Vaults, profile_id: &str, client: &MasarClient, key: Option<Arc<Key>>) -> Self {
        Self { path: sealed_path(vaults, profile_id), key, origin: client.base().as_str().to_owned() }
    }

    pub async fn get(&self, profile_id: &str) -> Result<Option<SecretString>, SessionError> {
        let (path, key, context) =
            (self.path.clone(), self.key.clone(), refresh_context(profile_id, &self.origin));
        off_thread(move || Ok(key.and_then(|key| open_sealed(&path, &key, &context)))).await
    }

    pub async fn set(&self, profile_id: &str, token: &SecretString) -> Result<(), SessionError> {
        let key = self.key.clone().ok_or(SessionError::NotSignedIn)?;
        let (path, context, token) =
            (self.path.clone(), refresh_context(profile_id, &self.origin), token.clone());
        off_thread(move || {
            let sealed =
                crypto::seal(&key, token.expose_secret().as_bytes(), &context).map_err(VaultError::from)?;
            let json = serde_json::to_vec(&sealed).map_err(|e| SessionError::Task(e.to_string()))?;
            crate::files::write_durably(&path, &json, true).map_err(VaultError::from)?;
            Ok(())
        })
        .await
    }

    pub async fn delete(&self) -> Result<(), SessionError> {
        let path = self.path.clone();
        off_thread(move || match std::fs::remove_file(&path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(VaultError::from(error).into()),
            _ => Ok(()),
        })
        .await
    }
}

/// The sealed token's file in a profile's folder.
pub fn sealed_path(vaults: &Vaults, profile_id: &str) -> PathBuf {
    vaults.profiles().dir(profile_id).join(crate::vault::profile::SEALED_SESSION_FILE)
}

/// The token sealed in `path`; `None` when there is none, or it does not open (a file from
/// another vault): a new sign-in then gives a new one.
pub fn open_sealed(path: &std::path::Path, key: &Key, context: &str) -> Option<SecretString> {
    let bytes = std::fs::read(path).ok()?;
    let sealed: WrappedKey = serde_json::from_slice(&bytes).ok()?;
    let plain = crypto::open(key, &sealed, context).ok()?;
    String::from_utf8(plain).ok().map(SecretString::from)
}

/// An access token and when to stop using it.
pub type Access = (SecretString, Instant);

/// When the provider does not say how long its access token lasts: a minute, then refresh.
const UNSAID_LIFETIME: Duration = Duration::from_secs(60);

pub fn access_with_expiry(tokens: &SsoTokens) -> Access {
    // Renew a little early so a request never leaves with a token about to expire.
    let lifetime =
        tokens.access_expires_in.unwrap_or(UNSAID_LIFETIME).saturating_sub(Duration::from_secs(30));
    (tokens.access_token.clone(), Instant::now() + lifetime)
}

#[derive(Debug)]
pub struct TokenSource {
    profile_id: String,
    home: RefreshHome,
    access: Mutex<Option<Access>>,
    /// Single flight: the one refresh under way; others wait for it and use its token.
    refreshing: tokio::sync::Mutex<()>,
}

impl TokenSource {
    pub fn new(profile_id: String, home: RefreshHome, access: Option<Access>) -> Self {
        Self { profile_id, home, access: Mutex::new(access), refreshing: tokio::sync::Mutex::new(()) }
    }

    /// Keeps the refresh token of a sign-on's or a refresh's `tokens` (an issuer that does not
    /// rotate gives none at a refresh: the kept one stays).
    pub async fn keep(&self, tokens: &SsoTokens) -> Result<(), SessionError> {
        match &tokens.refresh_token {
            Some(token) => self.home.set(&self.profile_id, token).await,
            None => Ok(()),
        }
    }

    fn current(&self) -> Option<SecretString> {
        let access = self.access.lock().unwrap_or_else(PoisonError::into_inner);
        access.as_ref().filter(|(_, expires)| Instant::now() < *expires).map(|(token, _)| token.clone())
    }

    /// The current token unless it is the refused one.
    fn usable(&self, refused: Option<&SecretString>) -> Option<SecretString> {
        self.current().filter(|token| refused.is_none_or(|r| r.expose_secret() != token.expose_secret()))
    }

    pub fn set_access(&self, access: Access) {
        *self.access.lock().unwrap_or_else(PoisonError::into_inner) = Some(access);
    }

    pub fn forget_access(&self) {
        *self.access.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// A valid access token and whether it was just refreshed. `refused` is the token the
    /// server has just refused: a current token that differs from it (another caller refreshed,
    /// or the employee signed on again meanwhile) is used as it is; only the refused one is
    /// renewed, so a late refusal of an old token never spends the new session's refresh token.
    pub async fn token(
        &self,
        client: &MasarClient,
        refused: Option<&SecretString>,
    ) -> Result<(SecretString, bool), SessionError> {
        if let Some(token) = self.usable(refused) {
            return Ok((token, refused.is_some()));
        }
        let _single_flight = self.refreshing.lock().await;
        if let Some(token) = self.usable(refused) {
            return Ok((token, true));
        }
        let tokens = self.refresh(client).await?;
        let access = access_with_expiry(&tokens);
        let token = access.0.clone();
        *self.access.lock().unwrap_or_else(PoisonError::into_inner) = Some(access);
        Ok((token, true))
    }

    /// Rotates the kept refresh token. A refusal means a new sign-in is needed.
    async fn refresh(&self, client: &MasarClient) -> Result<SsoTokens, SessionError> {
        let Some(stored) = self.home.get(&self.profile_id).await? else {
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
                self.keep(&tokens).await?;
                Ok(tokens)
            }
            Err(error) if is_network(&error) => Err(error.into()),
            Err(ClientError::Api { .. } | ClientError::SignOn(SsoError::SessionEnded)) => {
                let _ = self.home.delete().await;
                Err(SessionError::SessionExpired)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Sign-out: revokes the refresh token at the identity provider (when it answers) and
    /// forgets it here.
    pub async fn revoke(&self, client: &MasarClient) {
        self.forget_access();
        if let Ok(Some(token)) = self.home.get(&self.profile_id).await
            && let Err(error) = client.logout(&token).await
        {
            tracing::info!(%error, "the server was not told about the sign-out");
        }
        if let Err(error) = self.home.delete().await {
            tracing::warn!(%error, "cannot remove the refresh token");
        }
    }
}

/// Runs blocking work on the blocking pool.
pub async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SessionError> + Send + 'static,
) -> Result<T, SessionError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| SessionError::Task(e.to_string()))?
}
