//! The app's settings: which server, which language, which demo employee. Validated on the way
//! in, kept as JSON in the OS config directory, written atomically.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use masar_protocol::NationalIdError;
use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::i18n::Language;

/// Where the app looks for a server when nothing was set: a `masar-server` on this workstation.
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8787/";

/// A server base URL that passed validation: `https://…`, or `http://…` on this machine only,
/// with no credentials, query or fragment, always ending in `/` so endpoint paths join under it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(try_from = "String", into = "String")]
#[specta(transparent)]
pub struct ServerUrl(String);

/// What is wrong with a server URL the user typed. (Latin text inside the Arabic messages is
/// wrapped in LRI…PDI so `https://` keeps its slashes on the right side.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("empty")]
    Empty,
    #[error("not a URL")]
    Malformed,
    #[error("scheme is not http or https")]
    Scheme,
    #[error("contains a user name or password")]
    Credentials,
    #[error("contains a query or fragment")]
    QueryOrFragment,
    #[error("plain http to another machine")]
    InsecureRemote,
}

impl ServerUrl {
    pub fn parse(input: &str) -> Result<Self, UrlProblem> {
        let text = input.trim();
        if text.is_empty() {
            return Err(UrlProblem::Empty);
        }
        let mut url = Url::parse(text).map_err(|_| UrlProblem::Malformed)?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(UrlProblem::Scheme),
        };
        let loopback = match url.host() {
            None => return Err(UrlProblem::Malformed),
            Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlProblem::Credentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(UrlProblem::QueryOrFragment);
        }
        if !https && !loopback {
            return Err(UrlProblem::InsecureRemote);
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(Self(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `path` (no leading slash) under this base.
    pub fn join(&self, path: &str) -> Result<Url, url::ParseError> {
        Url::parse(&self.0)?.join(path)
    }
}

impl Default for ServerUrl {
    fn default() -> Self {
        Self(DEFAULT_SERVER_URL.into())
    }
}

impl TryFrom<String> for ServerUrl {
    type Error = UrlProblem;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ServerUrl> for String {
    fn from(value: ServerUrl) -> Self {
        value.0
    }
}

impl fmt::Debug for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerUrl({})", self.0)
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Minutes without use before the app locks itself, unless set.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;
/// The range the settings screen accepts.
pub const IDLE_LOCK_MINUTES: std::ops::RangeInclusive<u32> = 1..=120;

fn default_idle_lock_minutes() -> u32 {
    DEFAULT_IDLE_LOCK_MINUTES
}

/// The settings as stored and as shown in the settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    #[serde(default)]
    pub server_url: ServerUrl,
    #[serde(default)]
    pub language: Language,
    /// Lock after this many minutes without use.
    #[serde(default = "default_idle_lock_minutes")]
    pub idle_lock_minutes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            server_url: ServerUrl::default(),
            language: Language::default(),
            idle_lock_minutes: DEFAULT_IDLE_LOCK_MINUTES,
        }
    }
}

/// The settings screen's form, as typed: validated into [`Settings`] by [`SettingsInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsInput {
    pub server_url: String,
    pub language: Language,
    pub idle_lock_minutes: u32,
}

impl SettingsInput {
    pub fn validate(&self) -> Result<Settings, SettingsError> {
        let server_url = ServerUrl::parse(&self.server_url).map_err(SettingsError::InvalidServerUrl)?;
        if !IDLE_LOCK_MINUTES.contains(&self.idle_lock_minutes) {
            return Err(SettingsError::IdleLockOutOfRange);
        }
        Ok(Settings { server_url, language: self.language, idle_lock_minutes: self.idle_lock_minutes })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("invalid server URL: {0}")]
    InvalidServerUrl(UrlProblem),
    #[error("invalid national ID: {0}")]
    InvalidNationalId(NationalIdError),
    #[error("idle lock minutes out of range")]
    IdleLockOutOfRange,
    #[error("cannot save settings to {path}: {source}")]
    Save { path: PathBuf, source: std::io::Error },
}

/// Reads and writes `settings.json` in one directory.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    path: PathBuf,
}

impl SettingsStore {
    pub fn new(config_dir: &Path) -> Self {
        Self { path: config_dir.join("settings.json") }
    }

    /// The OS config directory of the app (`~/.config/masar-desktop` on Linux).
    pub fn default_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("sa", "Masar", "masar-desktop")
            .map(|dirs| dirs.config_dir().to_owned())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved settings; defaults when there are none. A file that cannot be read as settings
    /// is set aside as `settings.json.unreadable` (never silently deleted) and defaults are used.
    pub fn load(&self) -> Settings {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Settings::default();
            }
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "cannot read settings; using defaults");
                return Settings::default();
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(settings) => settings,
            Err(error) => {
                let aside = self.path.with_extension("json.unreadable");
                tracing::warn!(path = %self.path.display(), %error, "settings unreadable; set aside, using defaults");
                if let Err(error) = std::fs::rename(&self.path, &aside) {
                    tracing::warn!(%error, "cannot set the unreadable settings aside");
                }
                Settings::default()
            }
        }
    }

    /// Writes the settings durably (see [`crate::files`]): a crash or a full disk leaves either
    /// the old or the new settings, never half of them.
    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        let fail = |source| SettingsError::Save { path: self.path.clone(), source };
        let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(dir).map_err(fail)?;
        let json = serde_json::to_vec_pretty(settings).map_err(|e| fail(std::io::Error::other(e)))?;
        crate::files::write_durably(&self.path, &json, false).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn good_server_urls_are_normalised() {
        let cases = [
            ("https://masar.example.sa", "https://masar.example.sa/"),
            ("  https://masar.example.sa/api  ", "https://masar.example.sa/api/"),
            ("http://127.0.0.1:8787", "http://127.0.0.1:8787/"),
            ("http://localhost:3000/", "http://localhost:3000/"),
            ("http://[::1]:9000", "http://[::1]:9000/"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                ServerUrl::parse(input).map(|u| u.as_str().to_owned()),
                Ok(expected.into()),
                "{input}"
            );
        }
    }

    #[test]
    fn bad_server_urls_are_refused_with_the_reason() {
        let cases = [
            ("", UrlProblem::Empty),
            ("masar.example.sa", UrlProblem::Malformed),
            ("https://", UrlProblem::Malformed),
            ("ftp://masar.example.sa", UrlProblem::Scheme),
            ("javascript:alert(1)", UrlProblem::Scheme),
            ("https://user:pw@masar.example.sa", UrlProblem::Credentials),
            ("https://masar.example.sa/?x=1", UrlProblem::QueryOrFragment),
            ("https://masar.example.sa/#top", UrlProblem::QueryOrFragment),
            ("http://masar.example.sa", UrlProblem::InsecureRemote),
            ("http://192.168.1.10:8787", UrlProblem::InsecureRemote),
        ];
        for (input, expected) in cases {
            assert_eq!(ServerUrl::parse(input), Err(expected), "{input}");
        }
    }

    #[test]
    fn each_settings_error_says_which_rule_failed() {
        use crate::error::{ErrorCode, ErrorDetail};
        let cases = [
            (
                SettingsError::InvalidServerUrl(UrlProblem::InsecureRemote),
                Some(ErrorDetail::UrlInsecureRemote),
            ),
            (SettingsError::InvalidNationalId(NationalIdError::BadChecksum), Some(ErrorDetail::IdChecksum)),
            (SettingsError::Save { path: "x".into(), source: std::io::Error::other("disk full") }, None),
        ];
        for (error, detail) in cases {
            assert_eq!(error.to_ui().params.detail, detail, "{error}");
        }
        assert_eq!(SettingsError::IdleLockOutOfRange.code(), ErrorCode::IdleLockOutOfRange);
    }

    #[test]
    fn the_form_is_validated_field_by_field() {
        let input = SettingsInput {
            server_url: "http://127.0.0.1:1".into(),
            language: Language::En,
            idle_lock_minutes: 5,
        };
        let settings = input.validate().unwrap();
        assert_eq!(settings.idle_lock_minutes, 5);
        for minutes in [0, 121] {
            let bad = SettingsInput { idle_lock_minutes: minutes, ..input.clone() };
            assert_eq!(bad.validate().unwrap_err().code(), ErrorCode::IdleLockOutOfRange);
        }
        let bad_url = SettingsInput { server_url: "http://example.com".into(), ..input };
        assert_eq!(bad_url.validate().unwrap_err().code(), ErrorCode::InvalidServerUrl);
    }

    #[test]
    fn settings_survive_a_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        assert_eq!(store.load(), Settings::default());
        let settings = Settings {
            server_url: ServerUrl::parse("https://masar.example.sa").unwrap(),
            language: Language::En,
            idle_lock_minutes: 3,
        };
        store.save(&settings).unwrap();
        assert_eq!(store.load(), settings);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["settings.json"], "no temporary file left");
    }

    #[test]
    fn an_unreadable_settings_file_is_set_aside_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        std::fs::write(store.path(), b"{ not json").unwrap();
        assert_eq!(store.load(), Settings::default());
        assert_eq!(std::fs::read(dir.path().join("settings.json.unreadable")).unwrap(), b"{ not json");
    }

    #[test]
    fn an_older_settings_file_gets_defaults_for_new_fields() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        std::fs::write(store.path(), br#"{"serverUrl":"https://masar.example.sa/","language":"en"}"#)
            .unwrap();
        let settings = store.load();
        assert_eq!(settings.language, Language::En);
        assert_eq!(settings.idle_lock_minutes, DEFAULT_IDLE_LOCK_MINUTES);
    }

    #[test]
    fn a_tampered_file_cannot_smuggle_in_an_invalid_url() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        std::fs::write(store.path(), br#"{"serverUrl":"http://evil.example.com","language":"ar"}"#).unwrap();
        assert_eq!(store.load().server_url, ServerUrl::default());
    }

    #[test]
    fn saving_into_an_unwritable_place_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"").unwrap();
        let store = SettingsStore::new(&blocker.join("sub"));
        let error = store.save(&Settings::default()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::SettingsNotSaved);
    }
}
