//! The server's settings file (`--settings FILE`, TOML): what does not fit a command-line flag,
//! such as the SMS provider and its credential. Unknown keys are errors, so a misspelt setting
//! is found at start, not when the first employee signs in.

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::auth::SmsSettings;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    /// The SMS provider that sends verification codes.
    pub sms: Option<SmsSettings>,
}

impl SettingsFile {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the settings file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("the settings file {} is not valid", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let settings: Self = toml::from_str(text)?;
        if let Some(sms) = &settings.sms {
            sms.check()?;
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_in_the_repository_is_valid() {
        let example = include_str!("../../../deploy/masar-server.example.toml");
        let settings = SettingsFile::parse(example).unwrap_or_else(|error| panic!("{error:#}"));
        let sms = settings.sms.unwrap_or_else(|| panic!("the example configures SMS"));
        assert_eq!(sms.url.as_str(), "https://sms.example.gov.sa/v1/messages");
        assert!(sms.template.contains("{code}"));
    }

    #[test]
    fn a_misspelt_section_is_an_error() {
        assert!(SettingsFile::parse("[smss]\nurl = \"https://x.example\"").is_err());
        assert!(SettingsFile::parse("").is_ok_and(|s| s.sms.is_none()));
    }
}
