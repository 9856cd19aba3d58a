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
    /// The BCP 47 tag (`ui_locales` of a sign-on).
    pub fn code(self) -> &'static str {
        match self {
            Self::Ar => "ar",
            Self::En => "en",
        }
    }
}
