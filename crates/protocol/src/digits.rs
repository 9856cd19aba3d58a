//! Digit normalisation: people type Eastern Arabic (٠-٩) or Persian (۰-۹) digits as often as ASCII.

/// Maps Eastern Arabic and Persian digits to ASCII digits and trims surrounding white space.
/// Every other character is kept as it is, so validation can still say what was wrong.
pub fn normalize_digits(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => ascii_digit(c as u32 - 0x0660),
            '\u{06F0}'..='\u{06F9}' => ascii_digit(c as u32 - 0x06F0),
            other => other,
        })
        .collect()
}

fn ascii_digit(value: u32) -> char {
    char::from_digit(value, 10).unwrap_or('?')
}

#[cfg(test)]
mod tests {
    use super::normalize_digits;

    #[test]
    fn eastern_arabic_and_persian_digits_become_ascii() {
        assert_eq!(normalize_digits("١٠٠٠٠٠٠٠٠٨"), "1000000008");
        assert_eq!(normalize_digits("۱۲۳۴۵۶۷۸۹۰"), "1234567890");
        assert_eq!(normalize_digits("  ٠5٥ "), "055");
    }

    #[test]
    fn other_characters_are_kept() {
        assert_eq!(normalize_digits("abc-١"), "abc-1");
        assert_eq!(normalize_digits(""), "");
    }
}
