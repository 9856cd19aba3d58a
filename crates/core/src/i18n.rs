//! The user's language. Arabic is the default; English flips the layout to left-to-right.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ar,
    En,
}

impl Language {
    /// Picks the text in this language.
    pub fn pick<'a>(self, arabic: &'a str, english: &'a str) -> &'a str {
        match self {
            Self::Ar => arabic,
            Self::En => english,
        }
    }
}

/// Something that can explain itself to the user in either language.
pub trait Localize {
    fn localize(&self, language: Language) -> String;
}
