//! `decodeJwt`, and the synchronous halves of `verifyJwt` (`wasm/js/jwt.js`): core decides,
//! WebCrypto computes.
//!
//! [`prepare_verify`] runs [`tokensmith::jwt::webcrypto::check`] (decode, header rules,
//! allowlist, key selection; HS256 verified right there in Rust). For RSA, ECDSA, EdDSA, HS384 and
//! HS512 (SHA-512 stays out of the wasm module) it hands `jwt.js` the signed bytes, the signature,
//! the key's identity and a [`JwtFinish`] (a `__VendorCall`), whose `next` gives the key's
//! WebCrypto form when `jwt.js` has to import it, then applies [`SignatureCheck::finish`] (claim
//! rules of RFC 7519 §4.1) to WebCrypto's answer. The wasm links no asymmetric crypto: browsers
//! and Node ≥ 20 ship it in `crypto.subtle`.
//!
//! `jwt.js` keeps the imported public keys (`CryptoKey`s) in a `Map` by the identity given here
//! (at most [`KEY_CACHE_CAPACITY`]), so a repeated verify with the same key skips `importKey`
//! (about 50 µs for RSA, 120 µs for P-256 in Node 22); the key sets and identities kept here
//! ([`keys`]) spare it the parse of the set and the making of the key's WebCrypto form.

mod keys;

use crate::errors::JsResult;
use crate::vendor::{step, Call, VendorCall, DONE};
use js_sys::{Array, Uint8Array, JSON};
pub(crate) use keys::KeyIds;
use keys::KEY_SETS;
use std::rc::Rc;
use tokensmith::json::{self, Duplicates, Map};
use tokensmith::jwt::webcrypto::{check, webcrypto_key_json, Checked, SignatureCheck};
use tokensmith::jwt::{
    decode_unverified, Algorithm, Jwk, JwtError, KeyFamily, KeySet, UnverifiedJwt, Validation,
    DEFAULT_LEEWAY_SECS,
};
use tokensmith::secret::Secret;
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
/// `[finish, keyId, signingInput, signature]`: a [`JwtFinish`], the key's identity (`undefined`
/// for a shared secret, which is never kept), and the signed bytes and the signature
/// (`Uint8Array`s). Throws `JwtError` for a key set, options or a token core refuses (in that
/// order).
#[wasm_bindgen(js_name = "__prepareVerify", skip_typescript)]
pub fn prepare_verify(token: &str, keys: &str, options: &Array) -> JsResult<JsValue> {
    KEY_SETS.with_borrow_mut(|sets| {
        let (keys, ids) = sets.get(keys, key_set)?;
        let (validation, at) = validation(options)?;
        prepared(decode_unverified(token)?, keys, ids, validation, at)
    })
}

/// [`prepare_verify`] with the token decoded, the key set and its identities, and the
/// validation options built (`RemoteJwks` passes its fetched set).
pub(crate) fn prepared(
    jwt: UnverifiedJwt,
    keys: &KeySet,
    ids: &mut KeyIds,
    validation: Validation,
    at: UnixMillis,
) -> JsResult<JsValue> {
    let pending = match check(jwt, keys, &validation, at)? {
        Checked::Verified(jwt) => return Ok(header_and_claims(&jwt.header, &jwt.claims)),
        Checked::NeedsWebCrypto(pending) => pending,
    };
    // HS384/HS512: no identity, the secret must not become a cache key.
    let (id, form) = match pending.alg.family() {
        KeyFamily::Hmac => {
            let form = webcrypto_key_json(&keys.keys()[pending.key_index], pending.alg);
            (JsValue::UNDEFINED, Form::Secret(Secret::new(form)))
        }
        _ => {
            let (id, form) = ids.get(keys, pending.key_index, pending.alg);
            (id.into(), Form::Public(form))
        }
    };
    let data = Uint8Array::from(pending.signing_input.as_slice());
    let signature = Uint8Array::from(pending.signature.as_slice());
    let finish = VendorCall(Call::Jwt(JwtFinish {
        pending: Some(pending),
        form,
        validation,
        at,
    }));
    let out = Array::of3(&finish.into(), &id, &data);
    out.push(&signature);
    Ok(out.into())
}

/// A key's WebCrypto form ([`webcrypto_key_json`]); a shared secret's stays a [`Secret`].
enum Form {
    Public(Rc<String>),
    Secret(Secret),
}

/// Step 2 of `verifyJwt`: what remains of one token once WebCrypto has answered. Handed to JS
/// as a [`VendorCall`] (one class for every call JS drives in steps: a class of its own would
/// cost its own glue).
pub(crate) struct JwtFinish {
    /// `None` once answered.
    pending: Option<SignatureCheck>,
    form: Form,
    validation: Validation,
    at: UnixMillis,
}

impl JwtFinish {
    /// `verdict`: `null` asks for the key's WebCrypto form, `[jwk, importAlgorithm,
    /// verifyAlgorithm]` (`jwt.js` asks only for a key it has not imported); otherwise what
    /// `crypto.subtle.verify` resolved to (`false` also when it threw), or `undefined` when
    /// `importKey` refused the key (for example Ed25519 in an engine without Secure Curves:
    /// `jwt_invalid_key`), answered with `[DONE, { header, claims }]` or thrown `JwtError`.
    pub(crate) fn next(&mut self, verdict: JsValue) -> JsResult<Array> {
        if verdict.is_null() {
            let form = match &self.form {
                Form::Public(form) => form,
                Form::Secret(secret) => secret.expose_secret(),
            };
            // Core writes valid JSON.
            return Ok(JSON::parse(form).unwrap_or_default().unchecked_into());
        }
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
pub(crate) fn validation(options: &Array) -> JsResult<(Validation, UnixMillis)> {
    let strings = |i| {
        // An array of strings: `verifyArgs` makes it one. Read by index: `Array::iter` would
        // link one more js-sys import.
        let list = options.get(i).unchecked_into::<Array>();
        (0..list.length())
            .filter_map(|j| list.get(j).as_string())
            .collect::<Vec<_>>()
    };
    let mut validation = Validation::new(&[]);
    for name in strings(0) {
        validation.algorithms.push(Algorithm::parse(&name)?);
    }
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
