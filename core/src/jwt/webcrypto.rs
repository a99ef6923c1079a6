//! Verification split for the npm package, where signatures are checked by WebCrypto
//! (`crypto.subtle`) and the wasm build links no asymmetric crypto.
//!
//! 1. [`prepare`] decodes the token, applies every header rule, selects the key, and returns what
//!    `crypto.subtle.importKey("jwk", …)` and `crypto.subtle.verify(…)` need.
//!    HMAC tokens are verified right there in Rust (see `hs.rs`) and come back finished.
//! 2. The binding calls WebCrypto, then [`WebCryptoVerify::finish`] with the boolean result, which
//!    applies the claim rules of `validation.rs`: the same rules as the native [`verify`].
//!
//! [`verify`]: https://docs.rs/tokensmith (native builds: `tokensmith::jwt::verify`)

use super::algorithm::Algorithm;
use super::decode::decode_unverified;
use super::error::JwtError;
use super::hs;
use super::validation::{check_header_and_select_key, validate_claims, Validation, VerifiedJwt};
use super::KeySet;
use crate::json::{object, Map, Value};
use crate::time::UnixMillis;

/// The result of [`prepare`].
#[derive(Debug)]
pub enum Prepared {
    /// An HMAC token, verified and validated in Rust; nothing is left to do.
    Verified(VerifiedJwt),
    /// An asymmetric token: verify the signature with WebCrypto, then call `finish`.
    NeedsWebCrypto(WebCryptoVerify),
}

/// What a binding passes to WebCrypto for one token.
#[derive(Debug)]
pub struct WebCryptoVerify {
    /// The token's algorithm, already checked against the allowlist and the key.
    pub alg: Algorithm,
    /// The selected public key as a JWK (JSON text) for `importKey("jwk", …)`.
    pub jwk_json: String,
    /// The `algorithm` argument of `importKey` (JSON text), e.g.
    /// `{"name":"RSASSA-PKCS1-v1_5","hash":"SHA-256"}`.
    pub import_params_json: String,
    /// The `algorithm` argument of `verify` (JSON text), e.g. `{"name":"ECDSA","hash":"SHA-256"}`.
    pub verify_params_json: String,
    /// The bytes that were signed (RFC 7515 §5.1).
    pub signing_input: Vec<u8>,
    /// The signature bytes; for ECDSA already in the `r || s` form WebCrypto expects
    /// (RFC 7518 §3.4 and WebCrypto both use IEEE P1363 encoding).
    pub signature: Vec<u8>,
    header: Map,
    claims: Map,
}

/// Step 1: header rules, key selection, and the WebCrypto parameters. See the module docs.
pub fn prepare(
    token: &str,
    keys: &KeySet,
    validation: &Validation,
    now: UnixMillis,
) -> Result<Prepared, JwtError> {
    let jwt = decode_unverified(token)?;
    let (alg, key) = check_header_and_select_key(&jwt, keys, validation)?;
    if let Some(secret) = key.hmac_secret() {
        if !hs::verify(alg, secret, jwt.signing_input(), jwt.signature()) {
            return Err(JwtError::Signature);
        }
        validate_claims(&jwt.claims, validation, now)?;
        return Ok(Prepared::Verified(VerifiedJwt {
            header: jwt.header,
            claims: jwt.claims,
        }));
    }
    // RFC 7518 §3.4: an ES256 signature is exactly 64 bytes, ES384 96. WebCrypto would just say
    // "false"; saying why is kinder.
    let expected_len = match alg {
        Algorithm::ES256 => Some(64),
        Algorithm::ES384 => Some(96),
        Algorithm::EdDSA => Some(64),
        _ => None,
    };
    if expected_len.is_some_and(|n| jwt.signature().len() != n) {
        return Err(JwtError::Signature);
    }
    let (import, verify) = webcrypto_params(alg);
    Ok(Prepared::NeedsWebCrypto(WebCryptoVerify {
        alg,
        jwk_json: key.to_public_json(),
        import_params_json: import.to_json(),
        verify_params_json: verify.to_json(),
        signing_input: jwt.signing_input().to_vec(),
        signature: jwt.signature().to_vec(),
        header: jwt.header,
        claims: jwt.claims,
    }))
}

impl WebCryptoVerify {
    /// Step 2: `signature_valid` is what `crypto.subtle.verify` returned. Applies the claim rules.
    pub fn finish(
        self,
        signature_valid: bool,
        validation: &Validation,
        now: UnixMillis,
    ) -> Result<VerifiedJwt, JwtError> {
        if !signature_valid {
            return Err(JwtError::Signature);
        }
        validate_claims(&self.claims, validation, now)?;
        Ok(VerifiedJwt {
            header: self.header,
            claims: self.claims,
        })
    }
}

/// WebCrypto's `importKey` and `verify` algorithm parameters for a JWS algorithm
/// (W3C Web Cryptography API §20 RSASSA-PKCS1-v1_5, §21 RSA-PSS, §23 ECDSA, Secure Curves Ed25519).
fn webcrypto_params(alg: Algorithm) -> (Value, Value) {
    let hash = alg.webcrypto_hash().unwrap_or("SHA-256");
    match alg {
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => (
            object([("name", "RSASSA-PKCS1-v1_5".into()), ("hash", hash.into())]),
            object([("name", "RSASSA-PKCS1-v1_5".into())]),
        ),
        // RFC 7518 §3.5: the salt is as long as the hash output.
        Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => {
            let salt = match alg {
                Algorithm::PS384 => 48,
                Algorithm::PS512 => 64,
                _ => 32,
            };
            (
                object([("name", "RSA-PSS".into()), ("hash", hash.into())]),
                object([("name", "RSA-PSS".into()), ("saltLength", salt.into())]),
            )
        }
        Algorithm::ES256 | Algorithm::ES384 => {
            let curve = if alg == Algorithm::ES384 {
                "P-384"
            } else {
                "P-256"
            };
            (
                object([("name", "ECDSA".into()), ("namedCurve", curve.into())]),
                object([("name", "ECDSA".into()), ("hash", hash.into())]),
            )
        }
        Algorithm::EdDSA => (
            object([("name", "Ed25519".into())]),
            object([("name", "Ed25519".into())]),
        ),
        // HMAC never reaches WebCrypto (see `prepare`), but the mapping is total.
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => (
            object([("name", "HMAC".into()), ("hash", hash.into())]),
            object([("name", "HMAC".into())]),
        ),
    }
}
