//! HS256/HS384/HS512 (RFC 7518 §3.2) in pure Rust with `hmac` + `sha2`, in every build.
//!
//! Why not jsonwebtoken or WebCrypto for HMAC: the wasm build has neither jsonwebtoken nor a
//! synchronous WebCrypto, and HMAC-SHA-2 is small, so one implementation (with a constant-time
//! tag comparison) serves native and wasm alike.

use super::algorithm::Algorithm;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};

/// The HMAC tag of `message` under `key` for an HS* algorithm (`None` for any other algorithm).
/// Used by `sign.rs` (native only) and the tests.
#[cfg_attr(not(feature = "native-crypto"), allow(dead_code))]
pub(crate) fn sign(alg: Algorithm, key: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    fn tag<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Option<Vec<u8>> {
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).ok()?;
        mac.update(message);
        Some(mac.finalize().into_bytes().to_vec())
    }
    match alg {
        Algorithm::HS256 => tag::<Hmac<Sha256>>(key, message),
        Algorithm::HS384 => tag::<Hmac<Sha384>>(key, message),
        Algorithm::HS512 => tag::<Hmac<Sha512>>(key, message),
        _ => None,
    }
}

/// HS256 only: what [`verify`] does for it, without the SHA-384/SHA-512 code. The wasm build
/// verifies HS384/HS512 with WebCrypto (see `webcrypto.rs`), so SHA-512 is not linked into it.
/// With core's own HMAC-SHA-256 (`crate::sha256`), so the wasm build links neither `sha2` nor
/// `hmac`; compared in constant time (a signature of another length never matches, as with
/// `Mac::verify_slice`).
pub(crate) fn verify_hs256(key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    let tag = crate::sha256::hmac_sha256(key, message);
    bool::from(tag[..].ct_eq(signature))
}

/// True when `signature` is the HMAC tag of `message`; compared in constant time.
#[cfg_attr(not(feature = "native-crypto"), allow(dead_code))]
pub(crate) fn verify(alg: Algorithm, key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    fn check<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8], sig: &[u8]) -> bool {
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
            return false;
        };
        mac.update(message);
        // `verify_slice` compares with `subtle` in constant time and refuses a wrong length.
        mac.verify_slice(sig).is_ok()
    }
    match alg {
        Algorithm::HS256 => check::<Hmac<Sha256>>(key, message, signature),
        Algorithm::HS384 => check::<Hmac<Sha384>>(key, message, signature),
        Algorithm::HS512 => check::<Hmac<Sha512>>(key, message, signature),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_test_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        let tag = sign(Algorithm::HS256, b"Jefe", b"what do ya want for nothing?").unwrap();
        let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(verify(
            Algorithm::HS256,
            b"Jefe",
            b"what do ya want for nothing?",
            &tag
        ));
        assert!(!verify(
            Algorithm::HS256,
            b"Jefe",
            b"what do ya want for nothing!",
            &tag
        ));
        assert!(!verify(
            Algorithm::HS256,
            b"Jefe",
            b"what do ya want for nothing?",
            &tag[..31]
        ));
        assert!(!verify(Algorithm::RS256, b"Jefe", b"x", &tag));
        assert!(verify_hs256(b"Jefe", b"what do ya want for nothing?", &tag));
        assert!(!verify_hs256(
            b"Jefe",
            b"what do ya want for nothing!",
            &tag
        ));
        assert!(!verify_hs256(
            b"Jefe",
            b"what do ya want for nothing?",
            &tag[..31]
        ));
    }
}
