//! `Sensitive<T>`: a secret held by the app. `Debug` prints `<redacted>`, it cannot be
//! serialised (no `Serialize`), and its memory is wiped when dropped.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself: use it, never log it.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// For filling a secret in place (a derived key), so no copy is left behind.
    pub fn expose_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Sensitive<String> {
    fn from(value: String) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::Sensitive;

    #[test]
    fn debug_is_redacted() {
        let secret = Sensitive::new(String::from("Masar@4101"));
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(secret.expose(), "Masar@4101");
    }
}
