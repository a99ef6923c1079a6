//! Cache keys of grants that carry a secret: a token obtained with a password or a refresh
//! token is served only to callers that present the same password or refresh token.
//!
//! The cache key of a password grant names the user, not the password (RFC 6749 §4.3), so
//! without this a caller with a wrong password would get the token cached for the right one; the
//! key of a refresh-token grant (RFC 6749 §6) names no one at all, so without this two users'
//! refresh tokens at one client would share one entry and the second user would get the first
//! user's access token.
//! The key's discriminator is HMAC-SHA-256(process key, secret), truncated: the process key
//! is random and never leaves memory, so the discriminator (which appears in `Debug` and in cache
//! exports) reveals nothing that could be tested offline against guesses. The price: password
//! and refresh-token entries of a cache file saved by another process never match (they expire;
//! client-credentials entries are unaffected).

use crate::secret::Secret;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// 32 bytes: the HMAC-SHA-256 block-size-safe key length recommended by RFC 2104 §3 (≥ L = 32).
const PROCESS_KEY_LEN: usize = 32;
/// 16 bytes of the MAC (32 hex digits): collisions between two passwords of one user are
/// negligible (2^-128), and the key stays short.
const DISCRIMINATOR_BYTES: usize = 16;

/// `None` when the operating system's random source failed.
fn process_key() -> Option<&'static [u8; PROCESS_KEY_LEN]> {
    static KEY: OnceLock<Option<[u8; PROCESS_KEY_LEN]>> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut key = [0u8; PROCESS_KEY_LEN];
        getrandom::fill(&mut key).ok().map(|()| key)
    })
    .as_ref()
}

/// The discriminator of the key of a grant that carries `secret` (a password or a refresh token).
pub(crate) fn secret_discriminator(secret: &Secret) -> String {
    let mac =
        process_key().map(|key| crate::sha256::hmac_sha256(key, secret.expose_secret().as_bytes()));
    match mac {
        // Lowercase hex, two digits a byte, written out instead of `format!("{b:02x}")` per
        // byte (the formatting machinery for hex is WebAssembly bytes, issue 6).
        Some(bytes) => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let mut out = String::with_capacity(2 * DISCRIMINATOR_BYTES);
            for b in bytes.iter().take(DISCRIMINATOR_BYTES) {
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
            out
        }
        // No random source: a key no other source shares. Nothing is reused, nothing leaks.
        None => {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            format!("unshared-{}", NEXT.fetch_add(1, Ordering::Relaxed))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    #[test]
    fn same_password_same_discriminator_and_no_password_in_it() {
        let a = secret_discriminator(&Secret::new("hunter2-pw"));
        assert_eq!(a, secret_discriminator(&Secret::new("hunter2-pw")));
        assert_ne!(a, secret_discriminator(&Secret::new("hunter3-pw")));
        assert_eq!(a.len(), 2 * DISCRIMINATOR_BYTES);
        assert!(!a.contains("hunter"));
        // The MAC's first bytes as `{:02x}` writes them.
        let key = process_key().expect("the test host has a random source");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
        mac.update(b"hunter2-pw");
        let want: String = mac.finalize().into_bytes()[..DISCRIMINATOR_BYTES]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(a, want);
    }
}
