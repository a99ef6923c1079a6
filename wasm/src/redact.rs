//! `redactRequest`: core's text of a request with every credential masked
//! ([`HttpRequest::redacted`]), for showing or logging what was sent, e.g. a page's "request as
//! sent" view fed by a recording `fetch`. The masking rules (which headers, which body fields,
//! URL userinfo and credential query parameters) are core's; nothing is decided here.

use crate::convert::{bytes, pairs, property};
use crate::errors::{JsResult, Thrown};
use tokensmith::{HttpRequest, Method};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const REDACT_TS: &str = r#"
export interface RequestToRedact {
  /** `GET`, `POST` or `DELETE` (default `POST`). */
  method?: string;
  url: string;
  /** As `fetch` got them: `[name, value]` pairs, a `Headers`, or any iterable of pairs. */
  headers?: Iterable<[string, string]>;
  body?: string | Uint8Array;
}
"#;

/// The request as an integrator would write it by hand (request line, headers, blank line,
/// body), with every credential replaced by `[redacted]`.
#[wasm_bindgen(js_name = redactRequest)]
pub fn redact_request(
    #[wasm_bindgen(unchecked_param_type = "RequestToRedact")] request: JsValue,
) -> JsResult<String> {
    let method = match property(&request, "method").and_then(|m| m.as_string()) {
        None => Method::Post,
        Some(name) => Method::from_name(&name)
            .ok_or_else(|| Thrown::invalid_input("method must be GET, POST or DELETE"))?,
    };
    let url = property(&request, "url")
        .and_then(|u| u.as_string())
        .ok_or_else(|| Thrown::invalid_input("url must be a string"))?;
    let headers = match property(&request, "headers") {
        None => Vec::new(),
        Some(value) => header_pairs(&value)?,
    };
    let body = match property(&request, "body") {
        None => Vec::new(),
        Some(value) => bytes(&value, "body")?,
    };
    Ok(HttpRequest {
        method,
        url,
        headers,
        body,
    }
    .redacted())
}

fn header_pairs(value: &JsValue) -> JsResult<Vec<(String, String)>> {
    pairs(value, false)
        .ok_or_else(|| Thrown::invalid_input("headers must be an iterable of [name, value] pairs"))
}
