//! [`JwtError`]: why a JWT was not decoded, not verified, or not signed.
//!
//! Every variant has a stable [`JwtError::code`] that the bindings expose unchanged. No message
//! contains any part of the token, a key, or a claim value: only names and fixed explanations.

/// Why a JWT could not be decoded, verified or signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// Longer than [`crate::jwt::MAX_TOKEN_LEN`]; refused before any decoding.
    #[error("the JWT is longer than the size cap")]
    TooLarge,
    /// Five segments: a JWE (RFC 7516 §7.1), which tokensmith does not decrypt.
    #[error("this is an encrypted JWT (JWE, five segments); tokensmith only handles signed JWTs (JWS, three segments)")]
    Encrypted,
    /// Not a JWS Compact Serialization (RFC 7515 §7.1) or not a JWT (RFC 7519 §7.2).
    #[error("malformed JWT: {0}")]
    Malformed(&'static str),
    /// The same member name twice in the header or the claims (RFC 7515 §4, RFC 7519 §4).
    #[error("malformed JWT: the {0} contains a duplicate member name")]
    DuplicateMember(&'static str),
    /// `alg: none` in any spelling (RFC 7518 §3.6): an unsecured JWT is never accepted.
    #[error("the JWT is unsecured (alg \"none\"), which is never accepted")]
    AlgorithmNone,
    /// The header's `alg` is not in the validation's allowlist.
    #[error("the JWT's algorithm is not in the allowlist")]
    AlgorithmNotAllowed,
    /// An algorithm tokensmith does not know (or a name in the wrong case).
    #[error("unsupported JWT algorithm")]
    UnsupportedAlgorithm,
    /// The validation has no allowed algorithm: an allowlist is required.
    #[error("the validation has an empty algorithm allowlist; name the algorithms you accept")]
    EmptyAllowlist,
    /// The key's type cannot be used with the algorithm (an RSA key for HS256, an EC key for RS256…).
    #[error("the key's type does not match the algorithm")]
    KeyAlgorithmMismatch,
    /// No key in the set matches the token's `kid` (or the set has several keys and no `kid`).
    #[error("no key matches the JWT")]
    KeyNotFound,
    /// A key that cannot be parsed or used.
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),
    /// An RSA key under 2048 bits (NIST SP 800-131A).
    #[error("the RSA key is shorter than 2048 bits")]
    WeakKey,
    /// A `crit` entry the verifier does not understand (RFC 7515 §4.1.11).
    #[error("the JWT header lists a critical extension that is not supported")]
    UnsupportedCritical,
    /// The signature does not match.
    #[error("the JWT signature is invalid")]
    Signature,
    /// `exp` is in the past (beyond the leeway) (RFC 7519 §4.1.4).
    #[error("the JWT has expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway) (RFC 7519 §4.1.5).
    #[error("the JWT is not valid yet")]
    NotYetValid,
    /// A claim the validation requires is absent.
    #[error("the JWT has no {0} claim")]
    MissingClaim(&'static str),
    /// A registered claim of the wrong JSON type or out of range (RFC 7519 §4.1).
    #[error("the JWT's {0} claim has the wrong type or is out of range")]
    InvalidClaim(&'static str),
    /// `iss` is not exactly the expected issuer.
    #[error("the JWT's issuer is not the expected one")]
    Issuer,
    /// `aud` does not contain the expected audience.
    #[error("the JWT's audience is not the expected one")]
    Audience,
    /// The signing backend refused the key or the claims.
    #[error("the JWT could not be signed: {0}")]
    Signing(&'static str),
}

impl JwtError {
    /// A short, stable, snake_case identifier. Never changes once released.
    pub const fn code(&self) -> &'static str {
        match self {
            JwtError::TooLarge => "jwt_too_large",
            JwtError::Encrypted => "jwt_encrypted",
            JwtError::Malformed(_) => "jwt_malformed",
            JwtError::DuplicateMember(_) => "jwt_duplicate_member",
            JwtError::AlgorithmNone => "jwt_alg_none",
            JwtError::AlgorithmNotAllowed => "jwt_alg_not_allowed",
            JwtError::UnsupportedAlgorithm => "jwt_unsupported_alg",
            JwtError::EmptyAllowlist => "jwt_empty_allowlist",
            JwtError::KeyAlgorithmMismatch => "jwt_key_mismatch",
            JwtError::KeyNotFound => "jwt_key_not_found",
            JwtError::InvalidKey(_) => "jwt_invalid_key",
            JwtError::WeakKey => "jwt_weak_key",
            JwtError::UnsupportedCritical => "jwt_crit",
            JwtError::Signature => "jwt_signature",
            JwtError::Expired => "jwt_expired",
            JwtError::NotYetValid => "jwt_not_yet_valid",
            JwtError::MissingClaim(_) => "jwt_missing_claim",
            JwtError::InvalidClaim(_) => "jwt_invalid_claim",
            JwtError::Issuer => "jwt_issuer",
            JwtError::Audience => "jwt_audience",
            JwtError::Signing(_) => "jwt_sign",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_prefixed() {
        let all = [
            JwtError::TooLarge,
            JwtError::Encrypted,
            JwtError::Malformed("x"),
            JwtError::DuplicateMember("header"),
            JwtError::AlgorithmNone,
            JwtError::AlgorithmNotAllowed,
            JwtError::UnsupportedAlgorithm,
            JwtError::EmptyAllowlist,
            JwtError::KeyAlgorithmMismatch,
            JwtError::KeyNotFound,
            JwtError::InvalidKey("x"),
            JwtError::WeakKey,
            JwtError::UnsupportedCritical,
            JwtError::Signature,
            JwtError::Expired,
            JwtError::NotYetValid,
            JwtError::MissingClaim("exp"),
            JwtError::InvalidClaim("exp"),
            JwtError::Issuer,
            JwtError::Audience,
            JwtError::Signing("x"),
        ];
        let mut codes: Vec<_> = all.iter().map(JwtError::code).collect();
        assert!(codes.iter().all(|c| c.starts_with("jwt_")));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
