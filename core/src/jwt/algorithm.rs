//! [`Algorithm`]: the JWS algorithms tokensmith verifies (RFC 7518 §3, RFC 8037 §3.1).
//!
//! Our own enum (not jsonwebtoken's) because the wasm build has no jsonwebtoken.

use super::error::JwtError;
use std::fmt;

/// A JWS `alg` value tokensmith can verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    EdDSA,
}

/// Which kind of key an algorithm needs. The key's type decides; bytes never do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFamily {
    /// A shared secret (`kty: oct`, RFC 7518 §6.4).
    Hmac,
    /// `kty: RSA` (RFC 7518 §6.3).
    Rsa,
    /// `kty: EC` on P-256 (RFC 7518 §6.2).
    EcP256,
    /// `kty: EC` on P-384.
    EcP384,
    /// `kty: OKP`, `crv: Ed25519` (RFC 8037 §2).
    Ed25519,
}

impl Algorithm {
    const ALL: [(&'static str, Algorithm); 12] = [
        ("HS256", Algorithm::HS256),
        ("HS384", Algorithm::HS384),
        ("HS512", Algorithm::HS512),
        ("RS256", Algorithm::RS256),
        ("RS384", Algorithm::RS384),
        ("RS512", Algorithm::RS512),
        ("PS256", Algorithm::PS256),
        ("PS384", Algorithm::PS384),
        ("PS512", Algorithm::PS512),
        ("ES256", Algorithm::ES256),
        ("ES384", Algorithm::ES384),
        ("EdDSA", Algorithm::EdDSA),
    ];

    /// Parses an `alg` value. Names are case-sensitive (RFC 7515 §4.1.1); `none` in any case is
    /// [`JwtError::AlgorithmNone`] (RFC 7518 §3.6: never accepted here).
    pub fn parse(name: &str) -> Result<Self, JwtError> {
        if name.eq_ignore_ascii_case("none") {
            return Err(JwtError::AlgorithmNone);
        }
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
            .ok_or(JwtError::UnsupportedAlgorithm)
    }

    /// The registered name (RFC 7518 §7.1.2).
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("", |(n, _)| n)
    }

    /// The key family this algorithm needs.
    pub const fn family(self) -> KeyFamily {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyFamily::Hmac,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeyFamily::Rsa,
            Algorithm::ES256 => KeyFamily::EcP256,
            Algorithm::ES384 => KeyFamily::EcP384,
            Algorithm::EdDSA => KeyFamily::Ed25519,
        }
    }

    /// The hash name WebCrypto uses for this algorithm (`None` for Ed25519, which has none).
    pub const fn webcrypto_hash(self) -> Option<&'static str> {
        match self {
            Algorithm::HS256 | Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 => {
                Some("SHA-256")
            }
            Algorithm::HS384 | Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384 => {
                Some("SHA-384")
            }
            Algorithm::HS512 | Algorithm::RS512 | Algorithm::PS512 => Some("SHA-512"),
            Algorithm::EdDSA => None,
        }
    }

    /// Smallest HMAC key in bytes: RFC 7518 §3.2 requires a key at least as long as the hash
    /// output (32, 48, 64 bytes). `0` for non-HMAC algorithms.
    pub const fn min_hmac_key_len(self) -> usize {
        match self {
            Algorithm::HS256 => 32,
            Algorithm::HS384 => 48,
            Algorithm::HS512 => 64,
            _ => 0,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_and_is_case_sensitive() {
        for (name, alg) in Algorithm::ALL {
            assert_eq!(Algorithm::parse(name), Ok(alg));
            assert_eq!(alg.as_str(), name);
        }
        assert_eq!(
            Algorithm::parse("hs256"),
            Err(JwtError::UnsupportedAlgorithm)
        );
        assert_eq!(
            Algorithm::parse("EDDSA"),
            Err(JwtError::UnsupportedAlgorithm)
        );
    }

    #[test]
    fn none_in_any_case_is_refused() {
        for n in ["none", "None", "NONE", "nOnE"] {
            assert_eq!(Algorithm::parse(n), Err(JwtError::AlgorithmNone));
        }
    }
}
