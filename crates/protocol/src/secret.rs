//! A secret on the wire (password, code, token): serialisable because it must travel, but its
//! `Debug` never shows it and its memory is wiped when dropped.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct WireSecret(String);

/// A secret string (a password, a code, a token): `format: password`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for WireSecret {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, SchemaFormat, Type};
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for WireSecret {}

impl WireSecret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself: use it, never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WireSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::WireSecret;

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = WireSecret::new("Masar@123456");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(<redacted>)");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"Masar@123456\"");
    }
}
