//! What is stored for a token: its hash and a display hint, never the token.
//!
//! `SHA-256(token)` in lowercase hex, or `HMAC-SHA-256(pepper, token)` when the server has a
//! pepper (a database leak alone then does not allow offline guessing; with 178 random bits
//! guessing is hopeless anyway, the pepper is defence in depth). No slow KDF: the input has
//! 178 bits of entropy, so bcrypt/argon2 would add latency and no security.

use crate::secret::Secret;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Length of a stored hash: 32 bytes of SHA-256 as hex.
pub const HASH_HEX_LEN: usize = 64;
/// Characters of the token shown in a hint after the prefix. The last 4 characters are checksum
/// characters: they reveal no random character, only ≤ 24 bits about the CRC of the random part,
/// leaving > 150 bits unknown.
pub const HINT_SUFFIX_LEN: usize = 4;

/// How token hashes are computed.
#[derive(Clone)]
pub enum TokenHasher {
    /// Plain SHA-256.
    Sha256,
    /// HMAC-SHA-256 keyed with a server-side pepper.
    HmacSha256(Zeroizing<Vec<u8>>),
}

impl std::fmt::Debug for TokenHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenHasher::Sha256 => f.write_str("Sha256"),
            TokenHasher::HmacSha256(_) => f.write_str("HmacSha256([redacted])"),
        }
    }
}

impl TokenHasher {
    pub fn with_pepper(pepper: &[u8]) -> Self {
        TokenHasher::HmacSha256(Zeroizing::new(pepper.to_vec()))
    }

    /// The 32-byte digest of `token`.
    pub fn digest(&self, token: &str) -> [u8; 32] {
        match self {
            TokenHasher::Sha256 => crate::sha256::sha256(token.as_bytes()),
            TokenHasher::HmacSha256(pepper) => crate::sha256::hmac_sha256(pepper, token.as_bytes()),
        }
    }

    /// The hash to store, as lowercase hex.
    pub fn hash_hex(&self, token: &Secret) -> String {
        to_hex(&self.digest(token.expose_secret()))
    }

    /// Whether `presented` hashes to `stored_hex`, compared in constant time. A malformed
    /// `stored_hex` never matches (and costs the same work).
    pub fn verify(&self, presented: &str, stored_hex: &str) -> bool {
        let digest = self.digest(presented);
        let stored = from_hex(stored_hex);
        let equal = digest.ct_eq(&stored.unwrap_or([0u8; 32]));
        bool::from(equal) & stored.is_some()
    }
}

/// `prefix_…` + the last four characters, for lists (`tsm_…Ab3x`).
pub fn display_hint(token: &Secret) -> String {
    let t = token.expose_secret();
    let prefix = t.split_once('_').map_or("", |(p, _)| p);
    let tail_start = t.len().saturating_sub(HINT_SUFFIX_LEN);
    let tail = t.get(tail_start..).unwrap_or("");
    format!("{prefix}_…{tail}")
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0F)]));
    }
    s
}

/// Lowercase or uppercase hex of exactly 32 bytes.
pub(crate) fn from_hex(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != HASH_HEX_LEN {
        return None;
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let hi = char::from(*pair.first()?).to_digit(16)?;
        let lo = char::from(*pair.get(1)?).to_digit(16)?;
        *slot = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_answer() {
        // FIPS 180-2 example: SHA-256("abc").
        let h = TokenHasher::Sha256.hash_hex(&Secret::new("abc"));
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(TokenHasher::Sha256.verify("abc", &h));
        assert!(TokenHasher::Sha256.verify("abc", &h.to_uppercase()));
        assert!(!TokenHasher::Sha256.verify("abd", &h));
        assert!(!TokenHasher::Sha256.verify("abc", &h[..62]));
        assert!(!TokenHasher::Sha256.verify("abc", &h.replace('b', "g")));
    }

    #[test]
    fn pepper_changes_the_hash() {
        // RFC 4231 §4.3 test case 2.
        let h = TokenHasher::with_pepper(b"Jefe")
            .hash_hex(&Secret::new("what do ya want for nothing?"));
        assert_eq!(
            h,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(!TokenHasher::Sha256.verify("what do ya want for nothing?", &h));
        assert!(!format!("{:?}", TokenHasher::with_pepper(b"Jefe")).contains("Jefe"));
    }

    #[test]
    fn hint_shows_prefix_and_last_four() {
        assert_eq!(display_hint(&Secret::new("tsm_abcdefWXYZ")), "tsm_…WXYZ");
        assert_eq!(display_hint(&Secret::new("ab")), "_…ab");
    }
}
