//! The app's settings: which server, which language, which demo employee. Validated on the way
//! in, kept as JSON in the OS config directory, written atomically.

pub mod policy;
mod url;

use std::path::{Path, PathBuf};

use masar_protocol::NationalIdError;
use serde::{Deserialize, Serialize};

use crate::codes::{ErrorCode, ErrorDetail, ErrorParams, UiError};
use crate::i18n::Language;
pub use url::{DEFAULT_SERVER_URL, ServerUrl, UrlProblem};

/// Minutes without use before the app locks itself, unless set.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;
/// The range the settings screen accepts.
pub const IDLE_LOCK_MINUTES: std::ops::RangeInclusive<u32> = 1..=120;

fn default_idle_lock_minutes() -> u32 {
    DEFAULT_IDLE_LOCK_MINUTES
}

/// Text size in percent: 100 is the design size; up to 200 (WCAG 1.4.4), the layout reflows.
pub const TEXT_SIZES: std::ops::RangeInclusive<u32> = 100..=200;

fn default_text_size() -> u32 {
    100
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
    /// Text size in percent ([`TEXT_SIZES`]).
    #[serde(default = "default_text_size")]
    pub text_size: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            server_url: ServerUrl::default(),
            language: Language::default(),
            idle_lock_minutes: DEFAULT_IDLE_LOCK_MINUTES,
            text_size: default_text_size(),
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
    pub text_size: u32,
}

impl SettingsInput {
    pub fn validate(&self) -> Result<Settings, SettingsError> {
        let server_url = ServerUrl::parse(&self.server_url).map_err(SettingsError::InvalidServerUrl)?;
        if !IDLE_LOCK_MINUTES.contains(&self.idle_lock_minutes) {
            return Err(SettingsError::IdleLockOutOfRange);
        }
        if !TEXT_SIZES.contains(&self.text_size) {
            return Err(SettingsError::TextSizeOutOfRange);
        }
        Ok(Settings {
            server_url,
            language: self.language,
            idle_lock_minutes: self.idle_lock_minutes,
            text_size: self.text_size,
        })
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
    #[error("text size out of range")]
    TextSizeOutOfRange,
    /// The administrator's policy sets the server address.
    #[error("the server address is set by the administrator")]
    SetByAdministrator,
    #[error("cannot save settings to {path}: {source}")]
    Save { path: PathBuf, source: std::io::Error },
}

impl SettingsError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        let detail = |detail| {
            UiError::with(self.code_only(), ErrorParams { detail: Some(detail), ..ErrorParams::default() })
        };
        match self {
            Self::InvalidServerUrl(problem) => detail(match problem {
                UrlProblem::Empty => ErrorDetail::UrlEmpty,
                UrlProblem::Malformed => ErrorDetail::UrlMalformed,
                UrlProblem::Scheme => ErrorDetail::UrlScheme,
                UrlProblem::Credentials => ErrorDetail::UrlCredentials,
                UrlProblem::QueryOrFragment => ErrorDetail::UrlQueryOrFragment,
                UrlProblem::InsecureRemote => ErrorDetail::UrlInsecureRemote,
            }),
            Self::InvalidNationalId(problem) => detail(id_detail(*problem)),
            Self::IdleLockOutOfRange
            | Self::TextSizeOutOfRange
            | Self::SetByAdministrator
            | Self::Save { .. } => UiError::new(self.code_only()),
        }
    }

    fn code_only(&self) -> ErrorCode {
        match self {
            Self::InvalidServerUrl(_) => ErrorCode::InvalidServerUrl,
            Self::InvalidNationalId(_) => ErrorCode::InvalidNationalId,
            Self::IdleLockOutOfRange => ErrorCode::IdleLockOutOfRange,
            Self::TextSizeOutOfRange => ErrorCode::TextSizeOutOfRange,
            Self::SetByAdministrator => ErrorCode::SetByAdministrator,
            Self::Save { .. } => ErrorCode::SettingsNotSaved,
        }
    }
}

pub(crate) fn id_detail(problem: NationalIdError) -> ErrorDetail {
    match problem {
        NationalIdError::Empty => ErrorDetail::IdEmpty,
        NationalIdError::NotDigits | NationalIdError::WrongLength => ErrorDetail::IdDigits,
        NationalIdError::WrongPrefix => ErrorDetail::IdPrefix,
        NationalIdError::BadChecksum => ErrorDetail::IdChecksum,
    }
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

    /// Whether settings were ever saved here.
    pub fn exists(&self) -> bool {
        self.path.exists()
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
            text_size: 200,
        };
        let settings = input.validate().unwrap();
        assert_eq!(settings.idle_lock_minutes, 5);
        for minutes in [0, 121] {
            let bad = SettingsInput { idle_lock_minutes: minutes, ..input.clone() };
            assert_eq!(bad.validate().unwrap_err().code(), ErrorCode::IdleLockOutOfRange);
        }
        for size in [99, 201] {
            let bad = SettingsInput { text_size: size, ..input.clone() };
            assert_eq!(bad.validate().unwrap_err().code(), ErrorCode::TextSizeOutOfRange);
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
            text_size: 150,
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
        assert_eq!(settings.text_size, 100, "an older file reads at the design size");
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
