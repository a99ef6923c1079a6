//! Verification split for the npm package, where signatures are checked by WebCrypto
//! (`crypto.subtle`) and the wasm build links no asymmetric crypto.
//!
//! 1. [`prepare`] decodes the token, applies every header rule, selects the key, and returns what
//!    `crypto.subtle.importKey("jwk", …)` and `crypto.subtle.verify(…)` need.
//!    HMAC tokens are verified right there in Rust (see `hs.rs`) and come back finished.
//! 2. The binding calls WebCrypto, then [`WebCryptoVerify::finish`] with the boolean result, which
//!    applies the claim rules of `validation.rs`: the same rules as the native [`verify`].
//!
//! [`check`] and [`SignatureCheck`] are the same two steps for a binding that keeps the keys it
//! imported: step 1 names the selected key by its position in the set instead of spelling it out,
//! and [`webcrypto_key_json`] gives a key's WebCrypto form, once, when the binding imports it.
//!
//! [`verify`]: https://docs.rs/tokensmith (native builds: `tokensmith::jwt::verify`)

use super::algorithm::Algorithm;
use super::decode::{decode_unverified, UnverifiedJwt};
use super::error::JwtError;
use super::hs;
use super::jwk::Jwk;
use super::validation::{check_header_and_select_key, validate_claims, Validation, VerifiedJwt};
use super::KeySet;
use crate::json::Map;
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
    /// `{"hash":"SHA-256","name":"RSASSA-PKCS1-v1_5"}`.
    pub import_params_json: String,
    /// The `algorithm` argument of `verify` (JSON text), e.g. `{"hash":"SHA-256","name":"ECDSA"}`.
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
    let check = match check(decode_unverified(token)?, keys, validation, now)? {
        Checked::Verified(jwt) => return Ok(Prepared::Verified(jwt)),
        Checked::NeedsWebCrypto(check) => check,
    };
    let key = &keys.keys()[check.key_index];
    let (import_params_json, verify_params_json) = webcrypto_params(check.alg);
    let jwk = key.to_public_json();
    let (jwk_json, secret_jwk_json) = match key.hmac_secret() {
        Some(_) => (r#"{"kty":"oct"}"#.to_owned(), Some(Secret::new(jwk))),
        None => (jwk, None),
    };
    Ok(Prepared::NeedsWebCrypto(WebCryptoVerify {
        alg: check.alg,
        jwk_json,
        secret_jwk_json,
        import_params_json: import_params_json.to_owned(),
        verify_params_json: verify_params_json.to_owned(),
        signing_input: check.signing_input,
        signature: check.signature,
        header: check.header,
        claims: check.claims,
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
        finish(signature_valid, self.header, self.claims, validation, now)
    }
}

/// The result of [`check`]: [`prepare`] without the key's WebCrypto form, for a binding that
/// keeps imported keys and asks for that form ([`webcrypto_key_json`]) only for a key it lacks.
#[derive(Debug)]
pub enum Checked {
    /// An HS256 token, verified and validated in Rust; nothing is left to do.
    Verified(VerifiedJwt),
    /// Any other algorithm: verify the signature with WebCrypto, then call `finish`.
    NeedsWebCrypto(SignatureCheck),
}

/// One token's signature for WebCrypto to check: the bytes, and which key of the set (with
/// [`SignatureCheck::alg`], the key's identity within that set).
#[derive(Debug)]
pub struct SignatureCheck {
    /// The token's algorithm, already checked against the allowlist and the key.
    pub alg: Algorithm,
    /// The selected key's position in [`KeySet::keys`].
    pub key_index: usize,
    /// The bytes that were signed (RFC 7515 §5.1).
    pub signing_input: Vec<u8>,
    /// The signature bytes (ECDSA in the `r || s` form of RFC 7518 §3.4, as WebCrypto wants).
    pub signature: Vec<u8>,
    header: Map,
    claims: Map,
}

impl SignatureCheck {
    /// Step 2: `signature_valid` is what `crypto.subtle.verify` returned. Applies the claim rules.
    pub fn finish(
        self,
        signature_valid: bool,
        validation: &Validation,
        now: UnixMillis,
    ) -> Result<VerifiedJwt, JwtError> {
        finish(signature_valid, self.header, self.claims, validation, now)
    }
}

/// Step 1 for a decoded token: header rules, key selection, HS256 verified here. See the module
/// docs.
pub fn check(
    jwt: UnverifiedJwt,
    keys: &KeySet,
    validation: &Validation,
    now: UnixMillis,
) -> Result<Checked, JwtError> {
    let (alg, key_index) = check_header_and_select_key(&jwt, keys, validation)?;
    let key = &keys.keys()[key_index];
    // HS256 is checked here, synchronously. HS384 and HS512 go to WebCrypto like the asymmetric
    // algorithms: verifying them in Rust would link SHA-512 (which SHA-384 is built on) into the
    // wasm module for these two alone.
    if let (Some(secret), Algorithm::HS256) = (key.hmac_secret(), alg) {
        if !hs::verify_hs256(secret, jwt.signing_input(), jwt.signature()) {
            return Err(JwtError::Signature);
        }
        validate_claims(&jwt.claims, validation, now)?;
        return Ok(Checked::Verified(VerifiedJwt {
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
    let (header, claims, signing_input, signature) = jwt.into_parts();
    Ok(Checked::NeedsWebCrypto(SignatureCheck {
        alg,
        key_index,
        signing_input,
        signature,
        header,
        claims,
    }))
}

/// The signature first (an invalid one is [`JwtError::Signature`] whatever the claims say),
/// then the claim rules.
fn finish(
    signature_valid: bool,
    header: Map,
    claims: Map,
    validation: &Validation,
    now: UnixMillis,
) -> Result<VerifiedJwt, JwtError> {
    if !signature_valid {
        return Err(JwtError::Signature);
    }
    validate_claims(&claims, validation, now)?;
    Ok(VerifiedJwt { header, claims })
}

/// A key the way WebCrypto takes it for verifying `alg` (which [`check`] has matched to the key's
/// type): the JSON text of `[jwk, importAlgorithm, verifyAlgorithm]`, the arguments of
/// `crypto.subtle.importKey("jwk", jwk, importAlgorithm, …)` and of `crypto.subtle.verify`. For
/// an HMAC key the JWK holds the secret (`{"k":…,"kty":"oct"}`): keep the text as secret as the
/// key.
pub fn webcrypto_key_json(key: &Jwk, alg: Algorithm) -> String {
    let (import, verify) = webcrypto_params(alg);
    format!("[{},{import},{verify}]", key.to_public_json())
}

/// WebCrypto's `importKey` and `verify` algorithm parameters for a JWS algorithm
/// (W3C Web Cryptography API §20 RSASSA-PKCS1-v1_5, §21 RSA-PSS, §23 ECDSA, Secure Curves Ed25519),
/// as JSON objects with their members in name order.
fn webcrypto_params(alg: Algorithm) -> (&'static str, &'static str) {
    match alg {
        Algorithm::RS256 => (
            r#"{"hash":"SHA-256","name":"RSASSA-PKCS1-v1_5"}"#,
            r#"{"name":"RSASSA-PKCS1-v1_5"}"#,
        ),
        Algorithm::RS384 => (
            r#"{"hash":"SHA-384","name":"RSASSA-PKCS1-v1_5"}"#,
            r#"{"name":"RSASSA-PKCS1-v1_5"}"#,
        ),
        Algorithm::RS512 => (
            r#"{"hash":"SHA-512","name":"RSASSA-PKCS1-v1_5"}"#,
            r#"{"name":"RSASSA-PKCS1-v1_5"}"#,
        ),
        // RFC 7518 §3.5: the salt is as long as the hash output.
        Algorithm::PS256 => (
            r#"{"hash":"SHA-256","name":"RSA-PSS"}"#,
            r#"{"name":"RSA-PSS","saltLength":32}"#,
        ),
        Algorithm::PS384 => (
            r#"{"hash":"SHA-384","name":"RSA-PSS"}"#,
            r#"{"name":"RSA-PSS","saltLength":48}"#,
        ),
        Algorithm::PS512 => (
            r#"{"hash":"SHA-512","name":"RSA-PSS"}"#,
            r#"{"name":"RSA-PSS","saltLength":64}"#,
        ),
        Algorithm::ES256 => (
            r#"{"name":"ECDSA","namedCurve":"P-256"}"#,
            r#"{"hash":"SHA-256","name":"ECDSA"}"#,
        ),
        Algorithm::ES384 => (
            r#"{"name":"ECDSA","namedCurve":"P-384"}"#,
            r#"{"hash":"SHA-384","name":"ECDSA"}"#,
        ),
        Algorithm::EdDSA => (r#"{"name":"Ed25519"}"#, r#"{"name":"Ed25519"}"#),
        // HS384 and HS512 (see `check`); HS256 never reaches WebCrypto.
        Algorithm::HS256 => (r#"{"hash":"SHA-256","name":"HMAC"}"#, r#"{"name":"HMAC"}"#),
        Algorithm::HS384 => (r#"{"hash":"SHA-384","name":"HMAC"}"#, r#"{"name":"HMAC"}"#),
        Algorithm::HS512 => (r#"{"hash":"SHA-512","name":"HMAC"}"#, r#"{"name":"HMAC"}"#),
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

    /// The parameters are JSON objects with their members in name order, one per algorithm.
    #[test]
    fn webcrypto_params_are_sorted_json() {
        let all = [
            (
                "HS384",
                r#"{"hash":"SHA-384","name":"HMAC"}"#,
                r#"{"name":"HMAC"}"#,
            ),
            (
                "RS256",
                r#"{"hash":"SHA-256","name":"RSASSA-PKCS1-v1_5"}"#,
                r#"{"name":"RSASSA-PKCS1-v1_5"}"#,
            ),
            (
                "PS512",
                r#"{"hash":"SHA-512","name":"RSA-PSS"}"#,
                r#"{"name":"RSA-PSS","saltLength":64}"#,
            ),
            (
                "ES384",
                r#"{"name":"ECDSA","namedCurve":"P-384"}"#,
                r#"{"hash":"SHA-384","name":"ECDSA"}"#,
            ),
            ("EdDSA", r#"{"name":"Ed25519"}"#, r#"{"name":"Ed25519"}"#),
        ];
        for (alg, import, verify) in all {
            let params = webcrypto_params(Algorithm::parse(alg).unwrap());
            assert_eq!(params, (import, verify), "{alg}");
        }
        for alg in [
            "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "EdDSA",
        ] {
            let (i, v) = webcrypto_params(Algorithm::parse(alg).unwrap());
            for text in [i, v] {
                let value = crate::json::parse_str(text, crate::json::Duplicates::Reject);
                assert_eq!(value.map(|v| v.to_json()).as_deref(), Ok(text), "{alg}");
            }
        }
    }

    /// `check` names the key `prepare` spells out, by its position in the set.
    #[test]
    fn check_names_the_key_prepare_spells_out() {
        let alg = Algorithm::HS512;
        let other = Jwk::from_hmac_secret(&[7u8; 64], Some("other")).unwrap();
        let set = KeySet::new(vec![other, Jwk::from_hmac_secret(SECRET, None).unwrap()]);
        let header = B64URL.encode(r#"{"alg":"HS512"}"#);
        let claims = B64URL.encode(r#"{"exp":1700000060,"sub":"s"}"#);
        let input = format!("{header}.{claims}");
        let tag = hs::sign(alg, SECRET, input.as_bytes()).unwrap();
        // Two HMAC keys and no `kid` to choose: refused. A set of that one key selects it.
        let v = Validation::new(&[alg]);
        let token = format!("{input}.{}", B64URL.encode(&tag));
        let jwt = || decode_unverified(&token).unwrap();
        assert_eq!(
            check(jwt(), &set, &v, NOW).unwrap_err(),
            JwtError::KeyNotFound
        );
        let set = KeySet::new(vec![set.keys()[1].clone()]);
        let Checked::NeedsWebCrypto(step) = check(jwt(), &set, &v, NOW).unwrap() else {
            panic!("HS512 verified in Rust");
        };
        assert_eq!((step.alg, step.key_index), (alg, 0));
        assert_eq!(step.signing_input, input.as_bytes());
        assert_eq!(step.signature, tag);
        let Prepared::NeedsWebCrypto(spelled) = prepare(&token, &set, &v, NOW).unwrap() else {
            panic!("HS512 verified in Rust");
        };
        let form = webcrypto_key_json(&set.keys()[step.key_index], step.alg);
        let secret = spelled.secret_jwk_json.as_ref().unwrap().expose_secret();
        let want = format!(
            "[{secret},{},{}]",
            spelled.import_params_json, spelled.verify_params_json
        );
        assert_eq!(form, want);
        // The signature decides first, then the claims.
        let late = NOW.as_millis() + 3_600_000;
        let check_again = || match check(jwt(), &set, &v, NOW).unwrap() {
            Checked::NeedsWebCrypto(step) => step,
            Checked::Verified(_) => panic!("HS512 verified in Rust"),
        };
        assert_eq!(
            check_again()
                .finish(false, &v, UnixMillis(late))
                .unwrap_err(),
            JwtError::Signature
        );
        assert_eq!(
            check_again()
                .finish(true, &v, UnixMillis(late))
                .unwrap_err(),
            JwtError::Expired
        );
        assert_eq!(
            check_again().finish(true, &v, NOW).unwrap().claims["sub"],
            "s"
        );
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
