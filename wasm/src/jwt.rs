//! `decodeJwt`, and the synchronous halves of `verifyJwt` (`wasm/js/jwt.js`): core decides,
//! WebCrypto computes.
//!
//! [`prepare_verify`] runs [`tokensmith::jwt::webcrypto::prepare`] (decode, header rules,
//! allowlist, key selection; HS256 verified right there in Rust). For RSA, ECDSA, EdDSA, HS384 and
//! HS512 (SHA-512 stays out of the wasm module) it hands `jwt.js` what `crypto.subtle.importKey` +
//! `verify` need and a [`JwtFinish`] (a `__VendorCall`), whose `next` applies
//! [`WebCryptoVerify::finish`] (claim rules of RFC 7519 §4.1) to WebCrypto's answer. The wasm
//! links no asymmetric crypto: browsers and Node ≥ 20 ship it in `crypto.subtle`.
//!
//! `jwt.js` keeps the imported public keys (`CryptoKey`s) in a `Map` by the identity given here
//! (at most [`KEY_CACHE_CAPACITY`]), so a repeated verify with the same key skips `importKey`
//! (about 50 µs for RSA, 120 µs for P-256 in Node 22).

use crate::errors::JsResult;
use crate::vendor::{step, Call, VendorCall, DONE};
use js_sys::{Array, Uint8Array, JSON};
use tokensmith::json::{self, Duplicates, Map};
use tokensmith::jwt::webcrypto::{prepare, Prepared, WebCryptoVerify};
use tokensmith::jwt::{
    decode_unverified, Algorithm, Jwk, JwtError, KeySet, Validation, DEFAULT_LEEWAY_SECS,
};
use tokensmith::UnixMillis;
use wasm_bindgen::prelude::*;

/// A JWT's `{ header, claims }` WITHOUT verifying anything: for display and debugging only.
///
/// Strict like the verifier (RFC 7515 §7.1 compact form, unpadded base64url, unique JSON member
/// names); throws `JwtError` otherwise.
#[wasm_bindgen(js_name = decodeJwt, unchecked_return_type = "DecodedJwt")]
pub fn decode_jwt(token: &str) -> JsResult<JsValue> {
    let jwt = decode_unverified(token)?;
    Ok(header_and_claims(&jwt.header, &jwt.claims))
}

/// At most this many imported keys per cache (`verifyJwt`'s, and one per `RemoteJwks`): a
/// service verifies with a handful of issuer keys; 64 covers several issuers' sets during
/// rotation while bounding what tokens with attacker-chosen keys (a caller passing arbitrary
/// JWKs) can make us hold. `jwt.js` drops the oldest entry beyond it (first in, first out: a hit
/// does not renew an entry, so a flood of new keys cannot keep one alive).
pub const KEY_CACHE_CAPACITY: usize = 64;

/// [`KEY_CACHE_CAPACITY`] for `jwt.js`.
#[wasm_bindgen(js_name = "__keyCacheCapacity", skip_typescript)]
pub fn key_cache_capacity() -> usize {
    KEY_CACHE_CAPACITY
}

/// Step 1 of `verifyJwt(token, keys, options)`: `keys` is the key set as text (a JWK Set or one
/// JWK as JSON, or a PEM public key), `options` the option bag as the plain values of
/// [`validation`] (`verifyArgs` of `jwt.js`, which checks their types).
///
/// Returns `{ header, claims }` when the token is verified already (HS256), else the array
/// `[finish, keyId, jwk, importAlgorithm, verifyAlgorithm, signingInput, signature]`: a
/// [`JwtFinish`], the imported key's cache identity (`undefined` for a shared secret, which is
/// never kept), the JWK, `importKey`'s and `verify`'s algorithm parameters (JSON text each), and
/// the signed bytes and the signature (`Uint8Array`s). Throws `JwtError` for a token or key set
/// core refuses.
#[wasm_bindgen(js_name = "__prepareVerify", skip_typescript)]
pub fn prepare_verify(token: &str, keys: &str, options: &Array) -> JsResult<JsValue> {
    let keys = key_set(keys)?;
    prepared(token, &keys, options)
}

/// [`prepare_verify`] with the key set and the validation options already built (`RemoteJwks`
/// passes its fetched set).
pub(crate) fn prepared(token: &str, keys: &KeySet, options: &Array) -> JsResult<JsValue> {
    let (validation, at) = validation(options)?;
    let pending = match prepare(token, keys, &validation, at)? {
        Prepared::Verified(jwt) => return Ok(header_and_claims(&jwt.header, &jwt.claims)),
        Prepared::NeedsWebCrypto(pending) => pending,
    };
    // The key's identity: the import algorithm and the public JWK (one JWK may be imported for
    // RSASSA-PKCS1-v1_5 and RSA-PSS, or with different hashes). The usage is always "verify".
    // HS384/HS512: no identity, the secret must not become a cache key; the key is the secret
    // JWK (core keeps it out of `jwk_json`).
    let (id, jwk) = match &pending.secret_jwk_json {
        Some(secret) => (JsValue::UNDEFINED, secret.expose_secret().into()),
        None => (
            format!("{}\n{}", pending.import_params_json, pending.jwk_json).into(),
            pending.jwk_json.as_str().into(),
        ),
    };
    let items = [
        id,
        jwk,
        pending.import_params_json.as_str().into(),
        pending.verify_params_json.as_str().into(),
        Uint8Array::from(pending.signing_input.as_slice()).into(),
        Uint8Array::from(pending.signature.as_slice()).into(),
    ];
    let finish = VendorCall(Call::Jwt(JwtFinish {
        pending: Some(pending),
        validation,
        at,
    }));
    let out = Array::new();
    out.push(&finish.into());
    for item in items {
        out.push(&item);
    }
    Ok(out.into())
}

/// Step 2 of `verifyJwt`: what remains of one token once WebCrypto has answered. Handed to JS
/// as a [`VendorCall`] (one class for every call JS drives in steps: a class of its own would
/// cost its own glue).
pub(crate) struct JwtFinish {
    /// `None` once answered.
    pending: Option<WebCryptoVerify>,
    validation: Validation,
    at: UnixMillis,
}

impl JwtFinish {
    /// `verdict`: what `crypto.subtle.verify` resolved to (`false` also when it threw), or
    /// `undefined` when `importKey` refused the key (for example Ed25519 in an engine without
    /// Secure Curves: `jwt_invalid_key`). Returns `[DONE, { header, claims }]` or throws
    /// `JwtError`.
    pub(crate) fn next(&mut self, verdict: JsValue) -> JsResult<Array> {
        let pending = self.pending.take().ok_or(JwtError::InvalidKey(
            "this verification has already answered",
        ))?;
        if verdict.is_undefined() {
            return Err(JwtError::InvalidKey("WebCrypto refused the key").into());
        }
        // A boolean (`verifyPrepared` in `jwt.js`).
        let jwt = pending.finish(verdict.is_truthy(), &self.validation, self.at)?;
        Ok(step(DONE, &header_and_claims(&jwt.header, &jwt.claims)))
    }
}

/// `{ header, claims }`, parsed by `JSON.parse` from one text (core writes valid JSON; numbers
/// keep the text they were parsed from).
fn header_and_claims(header: &Map, claims: &Map) -> JsValue {
    let mut text = String::from("{\"header\":");
    text.push_str(&header.to_json());
    text.push_str(",\"claims\":");
    text.push_str(&claims.to_json());
    text.push('}');
    JSON::parse(&text).unwrap_or_default()
}

/// The keys a token may be verified with. Only these: never `jku`, `x5u`, `jwk` or `x5c` from
/// the token's header (RFC 8725 §3.10).
fn key_set(text: &str) -> JsResult<KeySet> {
    if text.trim_start().starts_with("-----BEGIN") {
        return Ok(KeySet::new(vec![Jwk::from_pem(text, None)?]));
    }
    let value = json::parse_str(text, Duplicates::KeepLast)
        .map_err(|_| JwtError::InvalidKey("the key set is not valid JSON"))?;
    if value.get("keys").is_some() {
        Ok(KeySet::from_jwks_json(text)?)
    } else {
        Ok(KeySet::new(vec![Jwk::from_json(text)?]))
    }
}

/// `VerifyJwtOptions` as core's [`Validation`] and the time to verify at, from the array
/// `[algorithms, issuer, audience, leeway, allowMissingExpInsecure, understoodCrit, atMs]` of
/// `verifyArgs` in `jwt.js`: one positional argument instead of nine keeps the export's glue
/// small; the types are checked there (absent values are `undefined`, the lists arrays). The
/// algorithm names are parsed here (RFC 7518 §3.1 names; `none` is refused).
fn validation(options: &Array) -> JsResult<(Validation, UnixMillis)> {
    let strings = |i| {
        // An array of strings: `verifyArgs` makes it one. Read by index: `Array::iter` would
        // link one more js-sys import.
        let list = options.get(i).unchecked_into::<Array>();
        (0..list.length())
            .filter_map(|j| list.get(j).as_string())
            .collect::<Vec<_>>()
    };
    let algorithms = strings(0)
        .iter()
        .map(|name| Algorithm::parse(name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut validation = Validation::new(&algorithms);
    validation.issuer = options.get(1).as_string();
    validation.audience = options.get(2).as_string();
    validation.leeway_secs = match options.get(3).as_f64() {
        // Whole seconds; saturating `as` keeps absurd values at u32::MAX (about 136 years).
        Some(secs) => secs as u32,
        None => DEFAULT_LEEWAY_SECS,
    };
    // A boolean (`verifyArgs`); truthiness reads it with an import the module has anyway.
    validation.allow_missing_exp_insecure = options.get(4).is_truthy();
    validation.understood_crit = strings(5);
    // Milliseconds since the epoch, rounded toward zero: sub-millisecond precision has no
    // meaning to core.
    let at = UnixMillis(options.get(6).as_f64().unwrap_or_default() as i64);
    Ok((validation, at))
}
