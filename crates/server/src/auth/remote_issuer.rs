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

/// Whether to read the key set again, `since_ms` after it was last asked for (`None`: never),
/// for a token whose key id the set `knows` or not.
fn read_again(since_ms: Option<i64>, knows: bool) -> bool {
    since_ms.is_none_or(|since| since >= REREAD_AFTER_MS || (!knows && since >= UNKNOWN_KID_AT_MOST_EVERY_MS))
}

#[async_trait::async_trait]
impl KeySource for RemoteIssuer {
    async fn verifying_key(&self, kid: &str, now_ms: i64) -> anyhow::Result<Option<DecodingKey>> {
        let mut keys = self.keys.lock().await;
        let since = keys.asked_at.map(|at| now_ms - at);
        if read_again(since, keys.by_kid.contains_key(kid))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_is_read_hourly_and_for_an_unknown_key_at_most_every_thirty_seconds() {
        let table = [
            (None, true, true),
            (None, false, true),
            (Some(0), false, false),
            (Some(29_999), false, false),
            (Some(30_000), false, true),
            (Some(30_000), true, false),
            (Some(3_599_999), true, false),
            (Some(3_600_000), true, true),
        ];
        for (since, knows, expected) in table {
            assert_eq!(read_again(since, knows), expected, "{since:?} {knows}");
        }
    }

    #[test]
    fn only_asymmetric_signing_keys_with_an_id_are_taken() {
        let set: PublishedSet = serde_json::from_value(serde_json::json!({ "keys": [
            { "kty": "EC", "crv": "P-256", "kid": "ec", "use": "sig",
              "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM" },
            { "kty": "EC", "crv": "P-256", "kid": "enc", "use": "enc",
              "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM" },
            { "kty": "EC", "crv": "P-256",
              "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM" },
            { "kty": "oct", "kid": "secret", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" },
            { "kty": "a-type-from-the-future", "kid": "new" }
        ]}))
        .unwrap_or_else(|e| panic!("{e}"));
        let taken: Vec<String> = usable(set).into_keys().collect();
        assert_eq!(taken, ["ec"]);
    }

    /// An issuer on a loopback port that counts how often its key set is read.
    async fn counting_issuer() -> (url::Url, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let base = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
        let reads = std::sync::Arc::new(AtomicUsize::new(0));
        let discovery = serde_json::json!({ "issuer": base, "jwks_uri": format!("{base}/jwks") });
        let counted = std::sync::Arc::clone(&reads);
        let app = axum::Router::new()
            .route(
                "/.well-known/openid-configuration",
                axum::routing::get(move || {
                    let discovery = discovery.clone();
                    async move { axum::Json(discovery) }
                }),
            )
            .route(
                "/jwks",
                axum::routing::get(move || {
                    counted.fetch_add(1, Ordering::SeqCst);
                    async { axum::Json(serde_json::json!({ "keys": [] })) }
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url::Url::parse(&base).unwrap_or_else(|e| panic!("{e}")), reads)
    }

    #[tokio::test]
    async fn made_up_key_ids_read_the_set_at_most_every_thirty_seconds() {
        use std::sync::atomic::Ordering;
        let (url, reads) = counting_issuer().await;
        let issuer = RemoteIssuer::new(&url).unwrap_or_else(|e| panic!("{e}"));
        let at = 1_800_000_000_000;
        issuer.load(at).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        for (n, now) in [at + 1, at + 10_000, at + 29_999].into_iter().enumerate() {
            let key =
                issuer.verifying_key(&format!("made-up-{n}"), now).await.unwrap_or_else(|e| panic!("{e}"));
            assert!(key.is_none());
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1, "within 30 s of the last read: not again");
        assert!(
            issuer.verifying_key("made-up-3", at + 30_000).await.unwrap_or_else(|e| panic!("{e}")).is_none()
        );
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_discovery_document_naming_another_issuer_is_refused() {
        let (url, _) = counting_issuer().await;
        // The same server by another name: its document names the issuer it serves as.
        let mut other = url.clone();
        other.set_host(Some("localhost")).unwrap_or_else(|e| panic!("{e}"));
        let issuer = RemoteIssuer::new(&other).unwrap_or_else(|e| panic!("{e}"));
        let refused = issuer.load(0).await.err().map(|e| format!("{e:#}")).unwrap_or_default();
        assert!(refused.contains("names another issuer"), "{refused}");
        let issuer = RemoteIssuer::new(&url).unwrap_or_else(|e| panic!("{e}"));
        assert!(issuer.load(0).await.is_ok());
        assert_eq!(
            format!("{issuer:?}"),
            format!("RemoteIssuer {{ issuer: {:?}, .. }}", url.as_str().trim_end_matches('/'))
        );
    }
}
