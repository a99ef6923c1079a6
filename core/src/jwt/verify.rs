//! [`verify`]: a JWT's signature and claims, on native targets (feature `native-crypto`).
//!
//! Signatures of RSA, ECDSA and EdDSA tokens are checked by `jsonwebtoken`'s low-level
//! `crypto::verify` on aws-lc-rs; HMAC by our own `hs` module. jsonwebtoken's own claim
//! validation is never used: the claim rules live in `validation.rs`, shared with the wasm build.

use super::algorithm::Algorithm;
use super::decode::decode_unverified;
use super::error::JwtError;
use super::hs;
use super::jwk::KeySet;
use super::spki::PublicComponents;
use super::validation::{check_header_and_select_key, validate_claims, Validation, VerifiedJwt};
use crate::time::UnixMillis;
use jsonwebtoken::DecodingKey;

/// Verifies `token`'s signature with a key of `keys`, then its claims at time `now`.
///
/// The header's `alg` must be in `validation.algorithms` and fit the selected key's type; the
/// key comes from `keys` only (never from `jku`, `x5u`, `jwk` or `x5c`).
pub fn verify(
    token: &str,
    keys: &KeySet,
    validation: &Validation,
    now: UnixMillis,
) -> Result<VerifiedJwt, JwtError> {
    let jwt = decode_unverified(token)?;
    let (alg, index) = check_header_and_select_key(&jwt, keys, validation)?;
    let key = &keys.keys()[index];
    let valid = match (key.hmac_secret(), key.public_components()) {
        (Some(secret), _) => hs::verify(alg, secret, jwt.signing_input(), jwt.signature()),
        (None, Some(public)) => {
            // The third segment as sent; `decode_unverified` has checked it is canonical base64url.
            let signature_b64 = token.rsplit('.').next().unwrap_or_default();
            jsonwebtoken::crypto::verify(
                signature_b64,
                jwt.signing_input(),
                &decoding_key(public),
                backend_alg(alg),
            )
            .unwrap_or(false)
        }
        (None, None) => false,
    };
    if !valid {
        return Err(JwtError::Signature);
    }
    validate_claims(&jwt.claims, validation, now)?;
    Ok(VerifiedJwt {
        header: jwt.header,
        claims: jwt.claims,
    })
}

fn decoding_key(public: &PublicComponents) -> DecodingKey {
    match public {
        PublicComponents::Rsa { n, e } => DecodingKey::from_rsa_raw_components(n, e),
        // aws-lc-rs takes the SEC 1 uncompressed point 0x04 || X || Y.
        PublicComponents::EcP256 { x, y } | PublicComponents::EcP384 { x, y } => {
            let mut point = Vec::with_capacity(1 + x.len() + y.len());
            point.push(0x04);
            point.extend_from_slice(x);
            point.extend_from_slice(y);
            DecodingKey::from_ec_der(&point)
        }
        PublicComponents::Ed25519 { x } => DecodingKey::from_ed_der(x),
    }
}

pub(crate) fn backend_alg(alg: Algorithm) -> jsonwebtoken::Algorithm {
    use jsonwebtoken::Algorithm as J;
    match alg {
        Algorithm::HS256 => J::HS256,
        Algorithm::HS384 => J::HS384,
        Algorithm::HS512 => J::HS512,
        Algorithm::RS256 => J::RS256,
        Algorithm::RS384 => J::RS384,
        Algorithm::RS512 => J::RS512,
        Algorithm::PS256 => J::PS256,
        Algorithm::PS384 => J::PS384,
        Algorithm::PS512 => J::PS512,
        Algorithm::ES256 => J::ES256,
        Algorithm::ES384 => J::ES384,
        Algorithm::EdDSA => J::EdDSA,
    }
}
