//! Vendor flows over core's `tokensmith::vendor`: the synchronous engines behind the JS classes
//! `TechnicalTokenManager` (Siemens Insights Hub, [`ttm`]), `SdxClient` (HxGN SDx/TruView,
//! [`sdx`]) and `KeycloakClient` ([`keycloak`], with the `keycloakTokenUrl` export).
//!
//! Core plans every call (which tenants are fresh, which chunks to request, what to store, when
//! to retry, which grant comes next). Each public method of a JS class asks its engine for a
//! *call* object, and `drive` in `wasm/js/vendor-drive.js` runs it: `call.next(reply)` answers
//! with a [`step`] (send this request, sleep, start a background call, or done), JS does the I/O
//! and hands the answer to the next `next`. No Rust here awaits anything. See `docs/vendors.md`.

pub mod keycloak;
pub mod sdx;
pub mod ttm;

use crate::errors::JsResult;
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// Request timeout when `timeoutMs` is not given, for `TokenClient`, `RemoteJwks` and the vendor
/// clients: core's `DEFAULT_REQUEST_TIMEOUT_MS` (10 s, Python's `timeout=` default too). A rule
/// (how long a token endpoint may take before its silence is a transport error and core's retry
/// and backoff rules take over), so Rust applies it ([`timeout_or_default`]) and JS reads the
/// result.
pub(crate) const DEFAULT_TIMEOUT_MS: f64 = tokensmith::DEFAULT_REQUEST_TIMEOUT_MS as f64;

/// How long to wait before checking again whether the fetch another call of the same client
/// is making (for a TTM tenant, or the SDx token) has ended: 50 ms, short next to a round trip,
/// long enough not to busy-loop. JS has no way to block on core's `WaitHandle`, so a waiting
/// call polls its `try_result`; handed to JS as a [`SLEEP`] step. Not mere I/O pacing: with
/// [`MAX_WAIT_POLLS`] it decides when a waiting call gives up, which is a rule.
pub(crate) const WAIT_POLL_MS: f64 = 50.0;

/// Polls of another call's fetch before giving up: 600 of [`WAIT_POLL_MS`] = 30 s, the 3
/// attempts of a flight at the default request timeout ([`DEFAULT_TIMEOUT_MS`]), after which
/// that fetch has ended one way or the other (its retry delays aside).
pub(crate) const MAX_WAIT_POLLS: u32 = 600;

/// Step kinds, the first element of every step (`wasm/js/vendor-drive.js` has the same numbers):
/// send the request array (`exchange::request_to_js`) and pass what `exchange` resolved to into
/// the next `next`.
pub(crate) const SEND: u32 = 0;
/// Sleep the given milliseconds (a retry's backoff or a wait poll), then call `next` again.
pub(crate) const SLEEP: u32 = 1;
/// Start driving the given call on its own without awaiting it (a background refresh whose
/// failure concerns no caller), then call `next` again.
pub(crate) const SPAWN: u32 = 2;
/// The call is over: the value is its result.
pub(crate) const DONE: u32 = 3;

/// One call of an engine (a public method's run), as steps. One class for the three clients,
/// `TokenClient`'s flights ([`crate::client::Flight`]) and revocations, and `verifyJwt`'s
/// WebCrypto half ([`crate::jwt::JwtFinish`], one `next` with WebCrypto's verdict): each exported
/// class costs its own glue in the package's JS.
#[wasm_bindgen(js_name = "__VendorCall", skip_typescript)]
pub struct VendorCall(pub(crate) Call);

pub(crate) enum Call {
    Ttm(ttm::TtmCall),
    Sdx(sdx::SdxCall),
    Keycloak(keycloak::KeycloakCall),
    Flight(crate::client::Flight),
    Revocation(crate::client::Revocation),
    Jwt(crate::jwt::JwtFinish),
}

#[wasm_bindgen(js_class = "__VendorCall")]
impl VendorCall {
    /// The next step, given what the last sent request got (`undefined` after other steps).
    /// Dropping the call (the driver frees it when it ends, error or not) releases whatever it
    /// still holds: a tenant's or a token's single-flight ticket.
    pub fn next(&mut self, reply: JsValue) -> JsResult<Array> {
        match &mut self.0 {
            Call::Ttm(call) => call.next(reply),
            Call::Sdx(call) => call.next(reply),
            Call::Keycloak(call) => call.next(reply),
            Call::Flight(call) => call.next(reply),
            Call::Revocation(call) => call.next(reply),
            Call::Jwt(call) => call.next(reply),
        }
    }
}

/// `[kind, value]` (and an unused third place: `Array.of` of three is the one js-sys array
/// constructor the module imports, each arity being an import of its own).
pub(crate) fn step(kind: u32, value: &JsValue) -> Array {
    Array::of3(&kind.into(), value, &JsValue::UNDEFINED)
}

/// [`WAIT_POLL_MS`], for `TokenClient`'s callers told to wait for a flight that client does not
/// know (one of another client sharing the cache): they ask core again after this long.
#[wasm_bindgen(js_name = "__waitPollMs", skip_typescript)]
pub fn wait_poll_ms() -> f64 {
    WAIT_POLL_MS
}

/// The request timeout of a client: the caller's `timeoutMs`, else [`DEFAULT_TIMEOUT_MS`]. One
/// export for `TokenClient` and the three vendor classes (a getter on each engine was an export
/// each).
#[wasm_bindgen(js_name = "__requestTimeoutMs", skip_typescript)]
pub fn timeout_or_default(timeout_ms: Option<f64>) -> f64 {
    timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)
}
