//! The workstation administrator's policy: a machine-wide file (`/etc/masar-desktop/policy.json`
//! on Linux; the registry under `HKLM\Software\Policies\Masar\Desktop` on Windows, not read by
//! this build) that sets the server, the identity provider and the client id, and whether the
//! employees may change them. A policy that cannot be read stops the app (it fails closed: a
//! workstation meant to be locked to one server never starts unlocked).

use std::path::Path;

use serde::Deserialize;

use super::ServerUrl;

/// Where the policy is on Linux.
pub const POLICY_PATH: &str = "/etc/masar-desktop/policy.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Policy {
    /// The Masar server every employee of this workstation uses.
    pub server_url: Option<ServerUrl>,
    /// The OpenID Connect issuer to sign in at (else: the one the server names).
    pub issuer: Option<ServerUrl>,
    /// The app's client id at the issuer (else `masar-desktop`).
    pub client_id: Option<String>,
    /// Scopes the issuer needs asked for besides `openid` (Masar's API scope, `offline_access`).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The resource indicator of Masar's API at the issuer (RFC 8707), if it uses them.
    pub resource: Option<String>,
    /// Whether an employee may change what the policy sets (default: no).
    #[serde(default)]
    pub user_may_change: bool,
    /// A note for the administrator (JSON has no comments).
    #[serde(rename = "$comment", default)]
    comment: Option<serde_json::Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("the administrator's policy {path} cannot be read: {source}")]
    Unreadable { path: String, source: std::io::Error },
    #[error("the administrator's policy {path} is not valid: {source}")]
    Invalid { path: String, source: serde_json::Error },
}

impl Policy {
    /// The policy at `path`; `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<Self>, PolicyError> {
        let text = match std::fs::read(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(PolicyError::Unreadable { path: path.display().to_string(), source }),
        };
        let policy = serde_json::from_slice(&text)
            .map_err(|source| PolicyError::Invalid { path: path.display().to_string(), source })?;
        Ok(Some(policy))
    }

    /// Whether the server address is the administrator's alone.
    pub fn locks_server(&self) -> bool {
        self.server_url.is_some() && !self.user_may_change
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Option<Policy>, PolicyError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        std::fs::write(&path, text).unwrap();
        Policy::load(&path)
    }

    #[test]
    fn a_policy_sets_the_server_and_the_issuer_and_locks_them_unless_it_says_otherwise() {
        let policy = load(
            r#"{ "$comment": "set by IT", "serverUrl": "https://masar.example.sa", "issuer": "https://sso.example.sa",
                 "clientId": "masar-desktop-moh" }"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(policy.server_url.as_ref().map(ServerUrl::as_str), Some("https://masar.example.sa/"));
        assert_eq!(policy.client_id.as_deref(), Some("masar-desktop-moh"));
        assert!(policy.locks_server());
        let open =
            load(r#"{ "serverUrl": "https://masar.example.sa", "userMayChange": true }"#).unwrap().unwrap();
        assert!(!open.locks_server());
    }

    #[test]
    fn the_example_the_packages_install_reads_as_a_policy() {
        let example = include_str!("../../../../deploy/policy.example.json");
        let policy = load(example).unwrap().unwrap();
        assert!(policy.locks_server());
        assert_eq!(policy.issuer.as_ref().map(ServerUrl::as_str), Some("https://sso.example.sa/"));
    }

    #[test]
    fn no_file_is_no_policy_and_a_broken_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Policy::load(&dir.path().join("none.json")).unwrap(), None);
        for broken in [
            "{",
            r#"{ "serverURL": "https://masar.example.sa" }"#,
            r#"{ "serverUrl": "http://masar.example.sa" }"#,
            r#"{ "issuer": "ftp://sso.example.sa" }"#,
        ] {
            assert!(matches!(load(broken), Err(PolicyError::Invalid { .. })), "{broken}");
        }
    }
}
