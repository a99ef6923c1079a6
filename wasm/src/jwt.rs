//! `decodeJwt` and `verifyJwt`: core decides, WebCrypto computes.
//!
//! `verifyJwt` runs [`tokensmith::jwt::webcrypto::prepare`] (decode, header rules, allowlist, key
//! selection; HS256 verified right there in Rust), then `crypto.subtle.importKey` + `verify` for
//! RSA, ECDSA, EdDSA, HS384 and HS512 signatures (SHA-512 stays out of the wasm module), then [`WebCryptoVerify::finish`] (claim rules of RFC 7519
//! §4.1). The wasm links no asymmetric crypto: browsers and Node ≥ 20 ship it in `crypto.subtle`.
//!
//! Imported public keys are kept in a [`KeyCache`] (the module's own for `verifyJwt`, one per
//! `RemoteJwks`), so a repeated verify with the same key skips `importKey` (about 50 µs for RSA,
//! 120 µs for P-256 in Node 22).

use crate::convert::{
    bool_option, now, number_option, object_to_js, property, string_option, stringify,
    strings_option, time_from_js,
};
use crate::errors::{JsResult, Thrown};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array, JSON};
use std::cell::RefCell;
use tokensmith::json::{self, Duplicates, Map};
use tokensmith::jwt::webcrypto::{prepare, Prepared, WebCryptoVerify};
use tokensmith::jwt::{
    decode_unverified, Algorithm, Jwk, JwtError, KeySet, Validation, DEFAULT_LEEWAY_SECS,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(typescript_custom_section)]
const DECODED_JWT_TS: &str = r#"
/** A JWT's JOSE header (RFC 7515 §4) and claims set (RFC 7519 §4). */
export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** A JWK Set, one JWK, either as JSON text, or a PEM public key. */
export type JwtKeys = { keys: object[] } | object | string;

export interface VerifyJwtOptions {
  /** The accepted `alg` values, e.g. `["RS256"]`. Required. */
  algorithms: string[];
  /** The exact `iss` expected. */
  issuer?: string;
  /** The audience this service identifies as; without it a token with `aud` is refused. */
  audience?: string;
  /** Clock skew tolerated on `exp` and `nbf`, in seconds (default 30). */
  leeway?: number;
  /** The time to verify at (default now). */
  currentDate?: Date;
  /** Accept a token without `exp`. INSECURE: it never expires. */
  allowMissingExpInsecure?: boolean;
  /** `crit` header parameters the caller has processed itself. */
  understoodCrit?: string[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The W3C Web Cryptography API's `SubtleCrypto` (`globalThis.crypto.subtle`).
    type SubtleCrypto;

    #[wasm_bindgen(method, catch, js_name = importKey)]
    fn import_key(
        this: &SubtleCrypto,
        format: &str,
        key_data: &JsValue,
        algorithm: &JsValue,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn verify(
        this: &SubtleCrypto,
        algorithm: &JsValue,
        key: &JsValue,
        signature: &Uint8Array,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
}

/// A JWT's `{ header, claims }` WITHOUT verifying anything: for display and debugging only.
///
/// Strict like the verifier (RFC 7515 §7.1 compact form, unpadded base64url, unique JSON member
/// names); throws `JwtError` otherwise.
#[wasm_bindgen(js_name = decodeJwt, unchecked_return_type = "DecodedJwt")]
pub fn decode_jwt(token: &str) -> JsResult<JsValue> {
    let jwt = decode_unverified(token)?;
    Ok(header_and_claims(&jwt.header, &jwt.claims))
}

/// Verifies a JWT's signature against `jwks` and its claims against `options`; resolves to
/// `{ header, claims }` or rejects with a `JwtError`.
///
/// `jwks`: a JWK Set (`{ keys: [...] }`, RFC 7517 §5), a single JWK, either as JSON text, or a
/// PEM `PUBLIC KEY`. `options`: `algorithms` (required, e.g. `["RS256"]`), `issuer`, `audience`,
/// `leeway` (seconds, default 30), `currentDate` (a `Date`, default now),
/// `allowMissingExpInsecure`, `understoodCrit`.
#[wasm_bindgen(js_name = verifyJwt, unchecked_return_type = "DecodedJwt")]
pub async fn verify_jwt(
    token: String,
    #[wasm_bindgen(unchecked_param_type = "JwtKeys")] jwks: JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyJwtOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let cache: &'static KeyCache = MODULE_KEYS.with(|cache| *cache);
    verify_with(token, jwks, options, cache).await
}

thread_local! {
    /// `verifyJwt`'s imported keys. The wasm module is single-threaded: one cache per module.
    static MODULE_KEYS: &'static KeyCache = Box::leak(Box::default());
}

/// At most this many imported keys per cache: a service verifies with a handful of issuer keys;
/// 64 covers several issuers' sets during rotation while bounding what tokens with attacker-chosen
/// keys (a caller passing arbitrary JWKs) can make us hold.
pub(crate) const KEY_CACHE_CAPACITY: usize = 64;

/// WebCrypto `CryptoKey`s already imported, by identity (core's public JWK JSON and import
/// parameters); the oldest entry is dropped beyond [`KEY_CACHE_CAPACITY`]. Only public keys: an
/// HMAC secret is never a cache key and its `CryptoKey` is imported on each call.
#[derive(Default)]
pub(crate) struct KeyCache(RefCell<Vec<(String, JsValue)>>);

impl KeyCache {
    fn get(&self, id: &str) -> Option<JsValue> {
        let entries = self.0.borrow();
        entries
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, v)| v.clone())
    }

    fn insert(&self, id: String, key: JsValue) {
        let mut entries = self.0.borrow_mut();
        if entries.iter().any(|(k, _)| *k == id) {
            return;
        }
        if entries.len() >= KEY_CACHE_CAPACITY {
            entries.remove(0);
        }
        entries.push((id, key));
    }

    /// Forgets every key (a `RemoteJwks` whose set was refetched).
    pub(crate) fn clear(&self) {
        self.0.borrow_mut().clear();
    }
}

/// `verifyJwt` with the imported keys kept in `cache`.
pub(crate) async fn verify_with(
    token: String,
    jwks: JsValue,
    options: JsValue,
    cache: &KeyCache,
) -> Result<JsValue, JsValue> {
    let keys = key_set(&jwks)?;
    let validation = validation(&options)?;
    let at = match property(&options, "currentDate") {
        Some(value) => time_from_js(&value, "currentDate")?,
        None => now(),
    };
    let pending = match prepare(&token, &keys, &validation, at).map_err(Thrown::from)? {
        Prepared::Verified(jwt) => return Ok(header_and_claims(&jwt.header, &jwt.claims)),
        Prepared::NeedsWebCrypto(pending) => pending,
    };
    let valid = webcrypto_verify(&pending, cache).await?;
    let jwt = pending
        .finish(valid, &validation, at)
        .map_err(Thrown::from)?;
    Ok(header_and_claims(&jwt.header, &jwt.claims))
}

fn header_and_claims(header: &Map, claims: &Map) -> JsValue {
    let object = Object::new();
    // Setting a fresh plain object's own properties cannot fail.
    let _ = Reflect::set(&object, &"header".into(), &object_to_js(header));
    let _ = Reflect::set(&object, &"claims".into(), &object_to_js(claims));
    object.into()
}

/// The keys a token may be verified with. Only these: never `jku`, `x5u`, `jwk` or `x5c` from
/// the token's header (RFC 8725 §3.10).
fn key_set(jwks: &JsValue) -> JsResult<KeySet> {
    let text = match jwks.as_string() {
        Some(text) => text,
        None => stringify(jwks).ok_or_else(|| {
            Thrown::invalid_input("jwks must be a JWK Set, a JWK, JSON text or a PEM public key")
        })?,
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with("-----BEGIN") {
        return Ok(KeySet::new(vec![Jwk::from_pem(&text, None)?]));
    }
    let value = json::parse_str(&text, Duplicates::KeepLast)
        .map_err(|_| JwtError::InvalidKey("the key set is not valid JSON"))?;
    if value.get("keys").is_some() {
        Ok(KeySet::from_jwks_json(&text)?)
    } else {
        Ok(KeySet::new(vec![Jwk::from_json(&text)?]))
    }
}

fn validation(options: &JsValue) -> JsResult<Validation> {
    let names = strings_option(options, "algorithms")?.unwrap_or_default();
    let algorithms = names
        .iter()
        .map(|name| Algorithm::parse(name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut validation = Validation::new(&algorithms);
    validation.issuer = string_option(options, "issuer")?;
    validation.audience = string_option(options, "audience")?;
    validation.leeway_secs = match number_option(options, "leeway")? {
        // Whole seconds; saturating `as` keeps absurd values at u32::MAX (about 136 years).
        Some(secs) => secs as u32,
        None => DEFAULT_LEEWAY_SECS,
    };
    validation.allow_missing_exp_insecure =
        bool_option(options, "allowMissingExpInsecure")?.unwrap_or(false);
    validation.understood_crit = strings_option(options, "understoodCrit")?.unwrap_or_default();
    Ok(validation)
}

fn subtle() -> JsResult<SubtleCrypto> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok();
    crypto
        .and_then(|c| Reflect::get(&c, &"subtle".into()).ok())
        .filter(|s| s.is_object())
        .map(JsCast::unchecked_into)
        .ok_or_else(|| {
            Thrown::invalid_input(
                "crypto.subtle is unavailable (it needs a secure context: https or localhost)",
            )
        })
}

/// `importKey("jwk", …)` (or the `CryptoKey` in `cache`) then `verify(…)`. A key WebCrypto
/// refuses is `jwt_invalid_key` (for example Ed25519 in an engine without Secure Curves); a
/// signature it refuses is `false`.
async fn webcrypto_verify(pending: &WebCryptoVerify, cache: &KeyCache) -> JsResult<bool> {
    let subtle = subtle()?;
    let parse = |json: &str| JSON::parse(json).map_err(|_| JwtError::InvalidKey("key JSON"));
    // The key's identity: the public JWK and the import algorithm (one JWK may be imported for
    // RSASSA-PKCS1-v1_5 and RSA-PSS, or with different hashes). The usage is always "verify".
    // `None` for HS384/HS512, whose secret must not become a cache key.
    let id = pending.secret_jwk_json.is_none().then(|| {
        let mut id =
            String::with_capacity(pending.jwk_json.len() + pending.import_params_json.len() + 1);
        id.push_str(&pending.import_params_json);
        id.push('\n');
        id.push_str(&pending.jwk_json);
        id
    });
    let verify_params = parse(&pending.verify_params_json)?;
    let key = match id.as_deref().and_then(|id| cache.get(id)) {
        Some(key) => key,
        None => {
            // HS384/HS512: the shared secret (core keeps it out of `jwk_json`).
            let jwk = match &pending.secret_jwk_json {
                Some(secret) => parse(secret.expose_secret())?,
                None => parse(&pending.jwk_json)?,
            };
            let import_params = parse(&pending.import_params_json)?;
            let usages = Array::of1(&"verify".into());
            let refused = |_| Thrown::from(JwtError::InvalidKey("WebCrypto refused the key"));
            let imported = subtle
                .import_key("jwk", &jwk, &import_params, false, &usages)
                .map_err(refused)?;
            let key = JsFuture::from(imported).await.map_err(refused)?;
            if let Some(id) = id {
                cache.insert(id, key.clone());
            }
            key
        }
    };
    let signature = Uint8Array::from(pending.signature.as_slice());
    let data = Uint8Array::from(pending.signing_input.as_slice());
    let verified = match subtle.verify(&verify_params, &key, &signature, &data) {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    Ok(verified.and_then(|v| v.as_bool()).unwrap_or(false))
}
