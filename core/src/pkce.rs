//! Proof Key for Code Exchange (RFC 7636) with the `S256` method.

use crate::b64::URL_SAFE_NO_PAD;
use crate::error::{Error, Result};
use crate::secret::Secret;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// Random bytes in a generated verifier: 32, as RFC 7636 §4.1 recommends, which base64url-encode
/// to 43 characters (the shortest verifier the RFC allows) carrying 256 bits of entropy.
const VERIFIER_BYTES: usize = 32;

/// RFC 7636 §4.1: `code-verifier = 43*128unreserved`.
const MIN_VERIFIER_LEN: usize = 43;
const MAX_VERIFIER_LEN: usize = 128;

/// The `code_challenge_method` this module produces (RFC 7636 §4.2).
pub const CHALLENGE_METHOD: &str = "S256";

/// A PKCE `code_verifier`: kept secret until the token request (RFC 7636 §4.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkceVerifier(Secret);

impl PkceVerifier {
    /// A fresh verifier from the operating system's random source (`getrandom`).
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; VERIFIER_BYTES];
        getrandom::fill(&mut bytes).map_err(|_| Error::RandomUnavailable)?;
        let verifier = Secret::new(URL_SAFE_NO_PAD.encode(bytes));
        bytes.zeroize();
        Ok(PkceVerifier(verifier))
    }

    /// A verifier chosen elsewhere, checked against RFC 7636 §4.1: 43 to 128 characters from
    /// `A-Z a-z 0-9 - . _ ~`.
    pub fn from_secret(verifier: Secret) -> Result<Self> {
        let v = verifier.expose_secret();
        if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&v.len()) {
            return Err(Error::InvalidInput(format!(
                "a PKCE code_verifier must be {MIN_VERIFIER_LEN} to {MAX_VERIFIER_LEN} characters \
                 (RFC 7636 §4.1); this one has {}",
                v.chars().count()
            )));
        }
        if !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        {
            return Err(Error::InvalidInput(
                "a PKCE code_verifier may contain only A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)".into(),
            ));
        }
        Ok(PkceVerifier(verifier))
    }

    /// `code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
    pub fn challenge_s256(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.expose_secret().as_bytes()))
    }

    /// The verifier, to send as `code_verifier` (RFC 7636 §4.5).
    pub fn secret(&self) -> &Secret {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        let v = PkceVerifier::from_secret("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into())
            .unwrap();
        assert_eq!(
            v.challenge_s256(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn generated_verifiers_are_valid_and_distinct() {
        let a = PkceVerifier::generate().unwrap();
        let b = PkceVerifier::generate().unwrap();
        assert_eq!(a.secret().len(), 43);
        assert_ne!(a, b);
        // Round-trips through the validator.
        assert!(PkceVerifier::from_secret(a.secret().clone()).is_ok());
        assert_eq!(a.challenge_s256().len(), 43);
        assert!(!format!("{a:?}").contains(a.secret().expose_secret()));
    }

    #[test]
    fn invalid_verifiers_are_refused() {
        for bad in [
            "a".repeat(42),
            "a".repeat(129),
            format!("{}+", "a".repeat(42)),
            format!("{}é", "a".repeat(42)),
            format!("{} ", "a".repeat(43)),
        ] {
            let err = PkceVerifier::from_secret(Secret::new(bad.clone())).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{bad:?}");
            assert!(!err.to_string().contains(&bad));
        }
        assert!(PkceVerifier::from_secret(Secret::new("~.-_".repeat(32))).is_ok());
    }
}
