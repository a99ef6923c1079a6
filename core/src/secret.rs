//! [`Secret`]: the one type for client secrets, passwords, access, refresh and ID tokens.

use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// Printed in place of a secret by `Debug`, `Display` and every binding's repr/toJSON.
pub const REDACTED: &str = "[redacted]";

/// A string that must never reach a log, a repr or an error message.
///
/// `Debug` and `Display` print [`REDACTED`]; the memory is zeroized on drop; the value is read
/// only through the explicit [`Secret::expose_secret`]. Equality is constant-time.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The plain value. Call it only where the secret is sent or handed to its owner.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// At most the first `n` characters followed by `…`, for displays that help a user tell two
    /// tokens apart (reprs show at most 4). Never more than half of the secret is revealed.
    pub fn hint(&self, n: usize) -> String {
        let total = self.0.chars().count();
        let shown = n.min(total / 2);
        let mut s: String = self.0.chars().take(shown).collect();
        s.push('…');
        s
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(format!("{:?}", Some(&s)), format!("Some({REDACTED})"));
        assert_eq!(s.expose_secret(), "hunter2-very-secret");
    }

    #[test]
    fn hint_never_reveals_more_than_half() {
        assert_eq!(Secret::new("abcdefgh").hint(4), "abcd…");
        assert_eq!(Secret::new("abc").hint(4), "a…");
        assert_eq!(Secret::new("").hint(4), "…");
    }

    #[test]
    fn equality() {
        assert_eq!(Secret::new("a"), Secret::new("a"));
        assert_ne!(Secret::new("a"), Secret::new("b"));
        assert_ne!(Secret::new("a"), Secret::new("ab"));
    }
}
