//! An outside issuer's keys (`--oidc-issuer URL`): its discovery document (OpenID Connect
//! Discovery 1.0, whose `issuer` must be the configured one, §4.3) names its JWKS, read at start
//! and again every hour; a token signed by a key id not in the set reads it again at once, but
//! not more often than every 30 seconds (a stream of made-up key ids cannot make the server hammer
//! the issuer). Only signature keys of asymmetric types are taken.

use std::collections::HashMap;

use anyhow::Context;
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, PublicKeyUse};
use tokio::sync::Mutex;

use super::jwt::KeySource;

/// The set is read again after this long.
const REREAD_AFTER_MS: i64 = 60 * 60 * 1000;
/// An unknown key id reads the set again, at most this often.
const UNKNOWN_KID_AT_MOST_EVERY_MS: i64 = 30 * 1000;
/// How long a request to the issuer may take.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Default)]
struct Keys {
    jwks_uri: Option<String>,
    by_kid: HashMap<String, DecodingKey>,
    /// When the set was last asked for (answered or not).
    asked_at: Option<i64>,
}

/// The configured issuer's published keys.
pub struct RemoteIssuer {
    issuer: String,
    http: reqwest::Client,
    keys: Mutex<Keys>,
}

impl std::fmt::Debug for RemoteIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteIssuer").field("issuer", &self.issuer).finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

/// A JWKS as published: each key read on its own, so that one of a type this server does not
/// know (a newer algorithm, an encryption key) does not hide the others.
#[derive(serde::Deserialize)]
struct PublishedSet {
    keys: Vec<serde_json::Value>,
}

/// The keys of a set that can verify a signature: asymmetric, for signing, with a key id.
fn usable(set: PublishedSet) -> HashMap<String, DecodingKey> {
    set.keys
        .into_iter()
        .filter_map(|key| serde_json::from_value::<Jwk>(key).ok())
        .filter(|jwk| !matches!(jwk.algorithm, AlgorithmParameters::OctetKey(_)))
        .filter(|jwk| matches!(jwk.common.public_key_use, None | Some(PublicKeyUse::Signature)))
        .filter_map(|jwk| {
            let kid = jwk.common.key_id.clone()?;
            DecodingKey::from_jwk(&jwk).ok().map(|key| (kid, key))
        })
        .collect()
}

impl RemoteIssuer {
    pub fn new(issuer: &url::Url) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("cannot make the HTTP client for the issuer")?;
        Ok(Self {
            issuer: issuer.as_str().trim_end_matches('/').to_owned(),
            http,
            keys: Mutex::new(Keys::default()),
        })
    }

    /// The issuer identifier tokens must carry.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, url: &str) -> anyhow::Result<T> {
        let response = self.http.get(url).send().await.with_context(|| format!("cannot reach {url}"))?;
        let response = response.error_for_status().with_context(|| format!("{url} answered an error"))?;
        response.json().await.with_context(|| format!("{url} did not answer the expected JSON"))
    }

    /// Reads the discovery document (once) and the key set.
    async fn read(&self, keys: &mut Keys, now_ms: i64) -> anyhow::Result<()> {
        keys.asked_at = Some(now_ms);
        let jwks_uri = match &keys.jwks_uri {
            Some(uri) => uri.clone(),
            None => {
                let url = format!("{}/.well-known/openid-configuration", self.issuer);
                let discovery: Discovery = self.get(&url).await?;
                anyhow::ensure!(
                    discovery.issuer.trim_end_matches('/') == self.issuer,
                    "the discovery document at {url} names another issuer ({}): check --oidc-issuer",
                    discovery.issuer
                );
                keys.jwks_uri = Some(discovery.jwks_uri.clone());
                discovery.jwks_uri
            }
        };
        let set: PublishedSet = self.get(&jwks_uri).await?;
        keys.by_kid = usable(set);
        tracing::info!(issuer = %self.issuer, keys = keys.by_kid.len(), "the issuer's keys were read");
        Ok(())
    }

    /// Reads the issuer's keys now (at start: a wrong URL shows in the log at once).
    pub async fn load(&self, now_ms: i64) -> anyhow::Result<()> {
        let mut keys = self.keys.lock().await;
        self.read(&mut keys, now_ms).await
    }
}

#[async_trait::async_trait]
impl KeySource for RemoteIssuer {
    async fn verifying_key(&self, kid: &str, now_ms: i64) -> anyhow::Result<Option<DecodingKey>> {
        let mut keys = self.keys.lock().await;
        let since = keys.asked_at.map(|at| now_ms - at);
        let known = keys.by_kid.contains_key(kid);
        let stale = since.is_none_or(|since| since >= REREAD_AFTER_MS);
        let may_ask = since.is_none_or(|since| since >= UNKNOWN_KID_AT_MOST_EVERY_MS);
        if (stale || (!known && may_ask))
            && let Err(error) = self.read(&mut keys, now_ms).await
        {
            // Keys read before keep working while the issuer cannot be reached.
            if keys.by_kid.is_empty() {
                return Err(error);
            }
            tracing::warn!(error = %format!("{error:#}"), "the issuer's keys could not be read again");
        }
        Ok(keys.by_kid.get(kid).cloned())
    }
}
