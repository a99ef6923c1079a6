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
use crate::secret::Secret;
use crate::time::UnixMillis;

/// The result of [`prepare`].
#[derive(Debug)]
pub enum Prepared {
    /// An HS256 token, verified and validated in Rust; nothing is left to do.
    Verified(VerifiedJwt),
    /// Any other algorithm (asymmetric, HS384, HS512): verify the signature with WebCrypto, then
    /// call `finish`.
    NeedsWebCrypto(WebCryptoVerify),
}

/// What a binding passes to WebCrypto for one token.
#[derive(Debug)]
pub struct WebCryptoVerify {
    /// The token's algorithm, already checked against the allowlist and the key.
    pub alg: Algorithm,
    /// The selected public key as a JWK (JSON text) for `importKey("jwk", …)`. For an HMAC key
    /// only `{"kty":"oct"}`: the key itself is in [`Self::secret_jwk_json`].
    pub jwk_json: String,
    /// For HS384/HS512: the shared secret as a JWK (`{"k":…,"kty":"oct"}`) for
    /// `importKey("jwk", …)`, used instead of `jwk_json`. `None` for public keys.
    pub secret_jwk_json: Option<Secret>,
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
    // HS256 is checked here, synchronously. HS384 and HS512 go to WebCrypto like the asymmetric
    // algorithms: verifying them in Rust would link SHA-512 (which SHA-384 is built on) into the
    // wasm module for these two alone.
    if let (Some(secret), Algorithm::HS256) = (key.hmac_secret(), alg) {
        if !hs::verify_hs256(secret, jwt.signing_input(), jwt.signature()) {
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
        jwk_json: if key.hmac_secret().is_some() {
            r#"{"kty":"oct"}"#.to_owned()
        } else {
            key.to_public_json()
        },
        secret_jwk_json: key.hmac_secret().map(|_| Secret::new(key.to_public_json())),
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
            object(vec![
                ("name", "RSASSA-PKCS1-v1_5".into()),
                ("hash", hash.into()),
            ]),
            object(vec![("name", "RSASSA-PKCS1-v1_5".into())]),
        ),
        // RFC 7518 §3.5: the salt is as long as the hash output.
        Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => {
            let salt = match alg {
                Algorithm::PS384 => 48,
                Algorithm::PS512 => 64,
                _ => 32,
            };
            (
                object(vec![("name", "RSA-PSS".into()), ("hash", hash.into())]),
                object(vec![
                    ("name", "RSA-PSS".into()),
                    ("saltLength", salt.into()),
                ]),
            )
        }
        Algorithm::ES256 | Algorithm::ES384 => {
            let curve = if alg == Algorithm::ES384 {
                "P-384"
            } else {
                "P-256"
            };
            (
                object(vec![("name", "ECDSA".into()), ("namedCurve", curve.into())]),
                object(vec![("name", "ECDSA".into()), ("hash", hash.into())]),
            )
        }
        Algorithm::EdDSA => (
            object(vec![("name", "Ed25519".into())]),
            object(vec![("name", "Ed25519".into())]),
        ),
        // HS384 and HS512 (see `prepare`); HS256 never reaches WebCrypto.
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => (
            object(vec![("name", "HMAC".into()), ("hash", hash.into())]),
            object(vec![("name", "HMAC".into())]),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::Jwk;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
    use base64::Engine as _;

    const NOW: UnixMillis = UnixMillis(1_700_000_000_000);
    const SECRET: &[u8] = b"a 64-byte shared secret, long enough for HS512 (RFC 7518 3.2)....";

    fn hs_token(alg: Algorithm) -> String {
        let header = B64URL.encode(format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.as_str()));
        let claims = B64URL.encode(r#"{"exp":1700000060,"sub":"s"}"#);
        let input = format!("{header}.{claims}");
        let tag = hs::sign(alg, SECRET, input.as_bytes()).unwrap();
        format!("{input}.{}", B64URL.encode(tag))
    }

    fn keys() -> KeySet {
        KeySet::new(vec![Jwk::from_hmac_secret(SECRET, None).unwrap()])
    }

    #[test]
    fn hs256_is_verified_here() {
        let v = Validation::new(&[Algorithm::HS256]);
        let got = prepare(&hs_token(Algorithm::HS256), &keys(), &v, NOW).unwrap();
        assert!(matches!(got, Prepared::Verified(jwt) if jwt.claims["sub"] == "s"));
        let mut bad = hs_token(Algorithm::HS256);
        bad.pop();
        bad.push('A');
        assert_eq!(
            prepare(&bad, &keys(), &v, NOW).unwrap_err(),
            JwtError::Signature
        );
    }

    #[test]
    fn hs384_and_hs512_go_to_webcrypto_with_the_secret_kept_secret() {
        for (alg, hash) in [(Algorithm::HS384, "SHA-384"), (Algorithm::HS512, "SHA-512")] {
            let v = Validation::new(&[alg]);
            let Prepared::NeedsWebCrypto(step) = prepare(&hs_token(alg), &keys(), &v, NOW).unwrap()
            else {
                panic!("{alg}: verified in Rust");
            };
            let k = B64URL.encode(SECRET);
            assert_eq!(step.jwk_json, r#"{"kty":"oct"}"#);
            let jwk = step.secret_jwk_json.as_ref().unwrap().expose_secret();
            assert_eq!(jwk, format!(r#"{{"k":"{k}","kty":"oct"}}"#));
            assert_eq!(
                step.import_params_json,
                format!(r#"{{"hash":"{hash}","name":"HMAC"}}"#)
            );
            assert_eq!(step.verify_params_json, r#"{"name":"HMAC"}"#);
            assert!(!format!("{step:?}").contains(&k), "{alg}: secret in Debug");
            // The tag WebCrypto is given is the one in the token.
            let tag = hs::sign(alg, SECRET, &step.signing_input).unwrap();
            assert_eq!(step.signature, tag);
            let jwt = step.finish(true, &v, NOW).unwrap();
            assert_eq!(jwt.claims["sub"], "s");
        }
    }
}
