//! WebAssembly bindings of tokensmith: the npm package `tokensmith`.
//!
//! Every function is a thin wrapper over `tokensmith` core; errors become instances of the JS
//! `Error` subclasses of `js/errors.js` carrying core's stable `code` (see [`errors`]).
//! Modules: [`token`] (the `Token` class), [`jwt`] (`decodeJwt`, `verifyJwt` over WebCrypto),
//! [`pat`] (personal access tokens), [`response`] (`parseTokenResponse`), [`convert`] (JS ↔ core).
#![forbid(unsafe_code)]

pub mod client;
pub mod convert;
pub mod errors;
pub mod exchange;
pub mod jwks;
pub mod jwt;
pub mod pat;
pub mod redact;
pub mod response;
pub mod token;
pub mod vendor;

/// Talc instead of Rust's default wasm allocator (dlmalloc): smaller and faster in WebAssembly
/// (issue 6's size budget). No threads in this module, so no atomics.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use js_sys::JsString;
use tokensmith::BasicEncoding;
use wasm_bindgen::prelude::*;

use crate::errors::JsResult;

/// The `Authorization` header value `Basic base64(id:secret)` for a client.
///
/// `encoding` is `"form"` (RFC 6749 §2.3.1: id and secret each form-urlencoded first; the
/// default) or `"raw"` (as-is; an id containing `:` is refused, RFC 7617 §2).
#[wasm_bindgen(js_name = basicAuthorization)]
pub fn basic_authorization(
    #[wasm_bindgen(js_name = clientId)] client_id: &str,
    #[wasm_bindgen(js_name = clientSecret)] client_secret: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "\"form\" | \"raw\"")] encoding: Option<String>,
) -> JsResult<JsString> {
    let encoding = match encoding.as_deref() {
        None => BasicEncoding::Form,
        Some(name) => name.parse()?,
    };
    let value = tokensmith::basic_authorization(client_id, client_secret, encoding)?;
    // The header value is the function's output: handing it to the caller is its purpose. It is
    // copied straight into a JS string, so no unzeroized copy stays in wasm memory.
    Ok(JsString::from(value.expose_secret()))
}

/// The `X-SPACE-AUTH-KEY` header value (`Basic base64(id:secret)`, raw) that Siemens Insights
/// Hub's Technical Token Manager expects. An id containing `:` is refused.
#[wasm_bindgen(js_name = spaceAuthKey)]
pub fn space_auth_key(
    #[wasm_bindgen(js_name = clientId)] client_id: &str,
    #[wasm_bindgen(js_name = clientSecret)] client_secret: &str,
) -> JsResult<JsString> {
    let value = tokensmith::space_auth_key(client_id, client_secret)?;
    Ok(JsString::from(value.expose_secret()))
}
