//! Personal access tokens (docs/pat-format.md): generate, check offline, hash for storage.

use crate::convert::{bytes, object_to_js};
use crate::errors::JsResult;
use tokensmith::pat::{self, TokenHasher};
use tokensmith::{json, Secret};
use wasm_bindgen::prelude::*;

/// A new token `prefix_` + 30 random base62 characters + a 6-character CRC-32 checksum.
///
/// `prefix` is 2 to 10 lowercase ASCII letters (`PatError` `pat_invalid_prefix` otherwise).
/// Randomness comes from `crypto.getRandomValues`.
#[wasm_bindgen(js_name = generatePat)]
pub fn generate_pat(prefix: &str) -> JsResult<String> {
    let token = pat::generate(prefix)?;
    // The new token is the function's output: handing it to the caller is its purpose.
    Ok(token.expose_secret().to_owned())
}

/// Whether the token's checksum matches (a typo or truncation fails), with no lookup.
#[wasm_bindgen(js_name = patChecksumOk)]
pub fn pat_checksum_ok(token: &str) -> bool {
    pat::checksum_ok(token)
}

/// Parses a token and throws `PatError` with the reason when it is malformed (non-ASCII,
/// whitespace, prefix, length, alphabet, checksum). `expectedPrefix` also refuses other issuers'
/// tokens. Returns `{ prefix }`.
#[wasm_bindgen(js_name = patParse, unchecked_return_type = "{ prefix: string }")]
pub fn pat_parse(
    token: &str,
    #[wasm_bindgen(js_name = expectedPrefix)] expected_prefix: Option<String>,
) -> JsResult<JsValue> {
    let parsed = pat::parse(token, expected_prefix.as_deref())?;
    // Through JSON like the crate's other objects: that code is linked anyway, where setting
    // the property from Rust would link a `Reflect.set` import for this one call.
    let mut object = json::Map::new();
    object.insert("prefix".into(), json::Value::String(parsed.prefix.into()));
    Ok(object_to_js(&object))
}

/// The hash to store for a token: SHA-256, or HMAC-SHA-256 keyed with `pepper` (a string, as
/// UTF-8, or a Uint8Array), as 64 lowercase hex digits.
#[wasm_bindgen(js_name = patHash)]
pub fn pat_hash(
    token: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "string | Uint8Array")] pepper: JsValue,
) -> JsResult<String> {
    Ok(hasher(&pepper)?.hash_hex(&Secret::new(token)))
}

/// Whether `token` hashes to `storedHash` (from `patHash` with the same `pepper`), compared in
/// constant time.
#[wasm_bindgen(js_name = patVerify)]
pub fn pat_verify(
    token: &str,
    #[wasm_bindgen(js_name = storedHash)] stored_hash: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "string | Uint8Array")] pepper: JsValue,
) -> JsResult<bool> {
    Ok(pat::verify(&hasher(&pepper)?, token, stored_hash))
}

/// `prefix_…` and the last four characters (checksum characters only), for lists.
#[wasm_bindgen(js_name = patHint)]
pub fn pat_hint(token: &str) -> String {
    pat::display_hint(&Secret::new(token))
}

fn hasher(pepper: &JsValue) -> JsResult<TokenHasher> {
    if pepper.is_undefined() || pepper.is_null() {
        return Ok(TokenHasher::Sha256);
    }
    Ok(TokenHasher::with_pepper(&bytes(pepper, "pepper")?))
}
