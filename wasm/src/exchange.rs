//! Core's requests to JS and the answers back, for `exchange` in `js/http.js` (the package's
//! I/O). The JS side sends and reads bytes; what an answer means is decided here and in core.

use crate::convert::property;
use js_sys::{Array, Uint8Array};
use tokensmith::error::TransportErrorKind;
use tokensmith::{Error, HttpRequest, HttpResponse};
use wasm_bindgen::{JsCast, JsValue};

/// `request` as `[method, url, headers, body]`: headers flat (`[name, value, …]`), body a
/// `Uint8Array`, or `undefined` when empty.
pub fn request_to_js(request: &HttpRequest) -> JsValue {
    let headers = Array::new();
    for (name, value) in &request.headers {
        headers.push(&name.into());
        headers.push(&value.into());
    }
    let body = if request.body.is_empty() {
        JsValue::UNDEFINED
    } else {
        Uint8Array::from(request.body.as_slice()).into()
    };
    let out = Array::of3(
        &request.method.as_str().into(),
        &request.url.as_str().into(),
        &headers,
    );
    out.push(&body);
    out.into()
}

/// What `exchange` resolved to, as core's response or transport error.
///
/// A manual redirect is an opaque response with status 0 in browsers and a 3xx in Node; it is
/// refused, not followed (RFC 6749 §3.2 gives a token endpoint no reason to redirect).
pub fn response_from_js(reply: &JsValue) -> Result<HttpResponse, Error> {
    let reply: &Array = reply.unchecked_ref();
    let status = reply.get(0).as_f64().unwrap_or(0.0);
    if status < 0.0 {
        let name = reply.get(1).as_string().unwrap_or_default();
        return Err(failure(&name, reply.get(2).is_truthy()));
    }
    if status == 0.0 || (300.0..400.0).contains(&status) {
        return Err(Error::Transport {
            kind: TransportErrorKind::Redirect,
            message: "the token endpoint answered with a redirect, which is not followed".into(),
        });
    }
    let flat: Array = reply.get(1).unchecked_into();
    let mut headers = Vec::with_capacity(flat.length() as usize / 2);
    let mut i = 0;
    while i + 1 < flat.length() {
        if let (Some(name), Some(value)) = (flat.get(i).as_string(), flat.get(i + 1).as_string()) {
            headers.push((name, value));
        }
        i += 2;
    }
    // `exchange` always answers a `Uint8Array` here: no `instanceof` check.
    let body = reply.get(2).unchecked_into::<Uint8Array>().to_vec();
    // A WHATWG Fetch status is 200..=599 here, so it fits u16.
    Ok(HttpResponse::new(status as u16, headers, body))
}

/// A request that did not complete, from the JS error's `name`: WHATWG Fetch rejects with a
/// `TypeError` for every network error and with `TimeoutError`/`AbortError` for an aborted
/// signal. Once the response had started, anything but a timeout is a broken connection.
pub fn failure(name: &str, during_body: bool) -> Error {
    let kind = match name {
        "TimeoutError" | "AbortError" => TransportErrorKind::Timeout,
        _ if during_body => TransportErrorKind::Reset,
        "TypeError" => TransportErrorKind::Connect,
        _ => TransportErrorKind::Other,
    };
    let message = match kind {
        TransportErrorKind::Reset => "the connection broke while the response was read".into(),
        _ => format!(
            "fetch failed ({})",
            if name.is_empty() { "?" } else { name }
        ),
    };
    Error::Transport { kind, message }
}

/// What a caller's `fetch` threw, as a core transport error (see [`failure`]).
pub fn thrown(error: &JsValue) -> Error {
    let name = property(error, "name")
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    failure(&name, false)
}
