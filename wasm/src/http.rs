//! Sending core's [`HttpRequest`] with the caller's `fetch` (WHATWG Fetch), and reading the
//! answer back into an [`HttpResponse`]. Also the timer the client sleeps with.

use crate::convert::property;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use tokensmith::error::TransportErrorKind;
use tokensmith::{Error, HttpRequest, HttpResponse};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Sends `request` with `fetch`, aborting after `timeout_ms` (`AbortSignal.timeout`, browsers
/// and Node ≥ 17.3). Redirects are not followed (`redirect: "manual"`): a token request carries
/// credentials and RFC 6749 §3.2 gives no reason for a token endpoint to redirect. Ambient
/// credentials are not sent (`credentials: "omit"`): the request carries its own client
/// authentication (RFC 6749 §2.3), cookies have no business at a token endpoint, and a browser
/// that saw a 401 with `WWW-Authenticate: Basic` on a request that could carry its HTTP auth
/// would open its own sign-in prompt and leave the request pending.
pub async fn send(
    fetch: &Function,
    request: &HttpRequest,
    timeout_ms: Option<f64>,
) -> Result<HttpResponse, Error> {
    let init = Object::new();
    let set = |key: &str, value: &JsValue| {
        // Setting a fresh plain object's own property cannot fail.
        let _ = Reflect::set(&init, &JsValue::from_str(key), value);
    };
    set("method", &request.method.as_str().into());
    let headers: Array = request
        .headers
        .iter()
        .map(|(name, value)| JsValue::from(Array::of2(&name.into(), &value.into())))
        .collect();
    set("headers", &headers);
    if !request.body.is_empty() {
        set("body", &Uint8Array::from(request.body.as_slice()));
    }
    set("redirect", &"manual".into());
    set("credentials", &"omit".into());
    if let Some(ms) = timeout_ms {
        if let Some(signal) = timeout_signal(ms) {
            set("signal", &signal);
        }
    }
    let called = fetch
        .call2(&JsValue::UNDEFINED, &request.url.as_str().into(), &init)
        .map_err(transport_error)?;
    let response = JsFuture::from(Promise::resolve(&called))
        .await
        .map_err(transport_error)?;
    read_response(&response).await
}

async fn read_response(response: &JsValue) -> Result<HttpResponse, Error> {
    let status = property(response, "status")
        .and_then(|s| s.as_f64())
        .unwrap_or(0.0);
    // A manual redirect is an opaque response with status 0 in browsers, 3xx in Node.
    if status == 0.0 || (300.0..400.0).contains(&status) {
        return Err(Error::Transport {
            kind: TransportErrorKind::Redirect,
            message: "the token endpoint answered with a redirect, which is not followed".into(),
        });
    }
    let headers = match property(response, "headers") {
        Some(headers) => Array::from(&headers)
            .iter()
            .filter_map(|pair| {
                let pair = Array::from(&pair);
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect(),
        None => Vec::new(),
    };
    let body = call_method(response, "arrayBuffer")
        .ok_or_else(|| reset("the response has no body reader"))?;
    let body = JsFuture::from(Promise::resolve(&body))
        .await
        .map_err(|e| reset_from(&e))?;
    // The status is a WHATWG Fetch status, 200..=599 here, so it fits u16.
    Ok(HttpResponse::new(
        status as u16,
        headers,
        Uint8Array::new(&body).to_vec(),
    ))
}

/// `AbortSignal.timeout(ms)`, or `None` where it does not exist.
fn timeout_signal(ms: f64) -> Option<JsValue> {
    let abort_signal = Reflect::get(&js_sys::global(), &"AbortSignal".into()).ok()?;
    let timeout: Function = Reflect::get(&abort_signal, &"timeout".into())
        .ok()?
        .dyn_into()
        .ok()?;
    timeout.call1(&abort_signal, &JsValue::from_f64(ms)).ok()
}

fn call_method(target: &JsValue, name: &str) -> Option<JsValue> {
    let method: Function = Reflect::get(target, &name.into()).ok()?.dyn_into().ok()?;
    method.call0(target).ok()
}

/// What `fetch` rejected with, as a core transport error. Only the error's `name` is kept: a
/// message may quote the URL, whose query could hold a credential.
pub fn transport_error(thrown: JsValue) -> Error {
    let name = property(&thrown, "name")
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    let kind = match name.as_str() {
        "TimeoutError" | "AbortError" => TransportErrorKind::Timeout,
        // WHATWG Fetch rejects with a TypeError for every network error.
        "TypeError" => TransportErrorKind::Connect,
        _ => TransportErrorKind::Other,
    };
    Error::Transport {
        kind,
        message: format!(
            "fetch failed ({})",
            if name.is_empty() { "?" } else { &name }
        ),
    }
}

fn reset(message: &str) -> Error {
    Error::Transport {
        kind: TransportErrorKind::Reset,
        message: message.into(),
    }
}

fn reset_from(thrown: &JsValue) -> Error {
    match transport_error(thrown.clone()) {
        Error::Transport {
            kind: TransportErrorKind::Timeout,
            message,
        } => Error::Transport {
            kind: TransportErrorKind::Timeout,
            message,
        },
        _ => reset("the connection broke while the response was read"),
    }
}

/// Resolves after `ms` milliseconds (`setTimeout`).
pub async fn sleep_ms(ms: i64) {
    let promise = Promise::new(&mut |resolve, _reject| {
        let set_timeout: Option<Function> = Reflect::get(&js_sys::global(), &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into().ok());
        let delay = JsValue::from_f64(ms.max(0) as f64);
        let scheduled =
            set_timeout.and_then(|f| f.call2(&JsValue::UNDEFINED, &resolve, &delay).ok());
        if scheduled.is_none() {
            // No timer in this realm: resolve at once rather than hang.
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}
