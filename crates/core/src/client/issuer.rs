//! The identity provider the client signs in with: discovered once from the address the
//! administrator's policy gives or the server names, then used for refreshes and revocations.

use super::{ClientError, MasarClient};
use crate::secret::SecretString;
use crate::sso::{DEFAULT_CLIENT_ID, Issuer, SsoTokens};

/// Where the app signs in: the issuer and the client id the administrator's policy sets, or
/// (without a policy) the issuer the server names in `/v1/health` and the app's own client id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignOnConfig {
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// Scopes to ask for besides `openid`.
    pub scopes: Vec<String>,
    /// The resource indicator of Masar's API at the issuer (RFC 8707).
    pub resource: Option<String>,
}

impl MasarClient {
    /// The identity provider to sign in with, discovered at the first need and kept.
    pub async fn issuer(&self) -> Result<Issuer, ClientError> {
        if let Some(issuer) = self.issuer.lock().await.as_ref() {
            return Ok(issuer.clone());
        }
        self.discover_issuer().await
    }

    /// The identity provider read again (its keys may have changed since): each sign-on starts
    /// from this.
    pub async fn discover_issuer(&self) -> Result<Issuer, ClientError> {
        let mut kept = self.issuer.lock().await;
        let url =
            match &self.sign_on.issuer {
                Some(url) => url.clone(),
                None => self.health().await?.issuer.ok_or_else(|| {
                    ClientError::BadResponse("the server names no identity provider".into())
                })?,
            };
        let client_id = self.sign_on.client_id.as_deref().unwrap_or(DEFAULT_CLIENT_ID);
        let issuer = Issuer::discover(&url, client_id)
            .await?
            .asking(&self.sign_on.scopes, self.sign_on.resource.as_deref());
        *kept = Some(issuer.clone());
        Ok(issuer)
    }

    /// New tokens for the refresh token, from the identity provider.
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<SsoTokens, ClientError> {
        Ok(self.issuer().await?.refresh(refresh_token).await?)
    }

    /// Signing out: the refresh token revoked at the identity provider (RFC 7009).
    pub async fn logout(&self, refresh_token: &SecretString) -> Result<(), ClientError> {
        Ok(self.issuer().await?.revoke(refresh_token).await?)
    }
}
