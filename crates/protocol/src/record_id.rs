//! The id of a record the app creates (a qualification, an application): 16 random bytes as 32
//! lowercase or uppercase hex characters, chosen by the app so that a resend names the same
//! record. One check, for the app and the server alike.

use std::fmt;

/// A checked record id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(String);

impl RecordId {
    /// Its length in characters.
    pub const LEN: usize = 32;

    /// `None` unless `text` is 32 hex characters.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == Self::LEN && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(text.to_owned()))
    }

    /// A record id from 16 bytes (the app draws them at random).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let text = bytes
            .iter()
            .flat_map(|byte| [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)]])
            .map(char::from)
            .collect();
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::RecordId;

    #[test]
    fn only_32_hex_characters_are_a_record_id() {
        let table = [
            ("0123456789abcdef0123456789abcdef", true),
            ("0123456789ABCDEF0123456789ABCDEF", true),
            ("0123456789abcdef0123456789abcde", false),
            ("0123456789abcdef0123456789abcdef0", false),
            ("0123456789abcdef0123456789abcdeg", false),
            ("", false),
            ("٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠١", false),
        ];
        for (text, valid) in table {
            assert_eq!(RecordId::parse(text).is_some(), valid, "{text}");
        }
    }

    #[test]
    fn bytes_are_written_as_lowercase_hex() {
        let id = RecordId::from_bytes([0xab; 16]);
        assert_eq!(id.as_str(), "abababababababababababababababab");
        let counting = RecordId::from_bytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xff]);
        assert_eq!(counting.as_str(), "000102030405060708090a0b0c0d0eff");
        assert_eq!(RecordId::parse(id.as_str()), Some(id));
    }
}
