//! `parseTokenResponse`: core's token-response rules (RFC 6749 §5.1, §5.2) for a response the
//! caller fetched itself. `TokenClient` uses the same rules through the core engine.

use crate::convert::{bytes, now, number_option, pairs, property, time_from_js};
use crate::errors::{JsResult, Thrown};
use crate::token::Token;
use tokensmith::http::status_code;
use tokensmith::{parse_token_response, HttpResponse, ParseOptions};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const PARSE_TS: &str = r#"
/** An HTTP response from a token endpoint. */
export interface TokenResponseLike {
  status: number;
  headers?: [string, string][] | Record<string, string>;
  body?: string | Uint8Array;
}

export interface ParseTokenResponseOptions {
  /** When the request was sent (the base of `expires_in`); default now. */
  sentAt?: Date | number;
  /** Seconds assumed when the response has neither `expires_in` nor a JWT `exp`. */
  defaultLifetime?: number;
  /** Upper bound of any lifetime, in seconds. */
  maxLifetime?: number;
  /** Largest body read, in bytes. */
  maxBodyBytes?: number;
}
"#;

/// Parses a token endpoint's response `{ status, headers, body }` (`headers`: `[name, value]`
/// pairs or an object; `body`: a string or a Uint8Array) into a `Token`. Throws `OAuthError` for
/// an OAuth error (RFC 6749 §5.2) and `ResponseError` for anything unusable.
///
/// `options`: `sentAt` (a `Date` or milliseconds: when the request was sent, the base of
/// `expires_in`; default now), `defaultLifetime` (seconds assumed when the response has neither
/// `expires_in` nor a JWT `exp`), `maxLifetime` (seconds, upper bound of any lifetime),
/// `maxBodyBytes` (largest body read).
#[wasm_bindgen(js_name = parseTokenResponse, unchecked_return_type = "Token")]
pub fn parse_token_response_js(
    #[wasm_bindgen(unchecked_param_type = "TokenResponseLike")] response: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ParseTokenResponseOptions")] options: JsValue,
) -> JsResult<JsValue> {
    let status = property(&response, "status")
        .and_then(|s| s.as_f64())
        .and_then(status_code)
        .ok_or_else(|| Thrown::invalid_input("response.status must be an HTTP status code"))?;
    let body = match property(&response, "body") {
        Some(body) => bytes(&body, "response.body")?,
        None => Vec::new(),
    };
    let headers = headers(property(&response, "headers"))?;
    let sent_at = match property(&options, "sentAt") {
        Some(value) => time_from_js(&value, "sentAt must be a Date or a number of milliseconds")?,
        None => now(),
    };
    let mut parse_options = ParseOptions::default();
    // Whole seconds and bytes (`as` truncates); ParseOptions::validate refuses 0.
    if let Some(secs) = number_option(&options, "defaultLifetime")? {
        parse_options.default_lifetime_secs = secs as i64;
    }
    if let Some(secs) = number_option(&options, "maxLifetime")? {
        parse_options.max_lifetime_secs = secs as i64;
    }
    if let Some(size) = number_option(&options, "maxBodyBytes")? {
        parse_options.max_body_bytes = size as usize;
    }
    let response = HttpResponse::new(status, headers, body);
    let token = parse_token_response(&response, sent_at, &parse_options)?;
    Ok(Token::into_js(token))
}

/// Headers as `[name, value]` pairs from an array of pairs or a plain object.
fn headers(value: Option<JsValue>) -> JsResult<Vec<(String, String)>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    pairs(&value, true).ok_or_else(|| {
        Thrown::invalid_input("response.headers must be [name, value] pairs or an object")
    })
}
