//! [`Secret`]: the one type for client secrets, passwords, access, refresh and ID tokens.

use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// Printed in place of a secret by `Debug`, `Display` and every binding's repr/toJSON.
pub const REDACTED: &str = "[redacted]";

/// Characters of a token its printed forms show ([`Secret::hint`]): 4, the house limit.
pub const HINT_CHARS: usize = 4;

/// Secrets shorter than this many characters show none of them in a hint: 16, so the 4 shown
/// are at most a quarter of the secret.
pub const MIN_LEN_FOR_HINT: usize = 16;

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

    /// What every printed form of a token shows of it (Python's `repr`, npm's `toString`,
    /// `toJSON` and `util.inspect`): its first [`HINT_CHARS`] characters and `…`, enough to tell
    /// two tokens apart; a secret shorter than [`MIN_LEN_FOR_HINT`] characters shows only `…`,
    /// as 4 characters would be a large share of it.
    pub fn hint(&self) -> String {
        let mut s = String::new();
        if self.0.chars().nth(MIN_LEN_FOR_HINT - 1).is_some() {
            s.extend(self.0.chars().take(HINT_CHARS));
        }
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
    fn hint_shows_four_characters_of_a_long_secret_only() {
        assert_eq!(Secret::new("abcdefghijklmnop").hint(), "abcd…");
        assert_eq!(Secret::new("éàüöabcdefghijkl").hint(), "éàüö…");
        assert_eq!(Secret::new("abcdefghijklmno").hint(), "…");
        assert_eq!(Secret::new("abc").hint(), "…");
        assert_eq!(Secret::new("").hint(), "…");
    }

    #[test]
    fn equality() {
        assert_eq!(Secret::new("a"), Secret::new("a"));
        assert_ne!(Secret::new("a"), Secret::new("b"));
        assert_ne!(Secret::new("a"), Secret::new("ab"));
    }
}
