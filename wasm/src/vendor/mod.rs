//! Vendor flows over core's `tokensmith::vendor`, driven with `fetch`: `TechnicalTokenManager`
//! (Siemens Insights Hub, [`ttm`]), `SdxClient` (HxGN SDx/TruView, [`sdx`]), `KeycloakClient`
//! and `keycloakTokenUrl` ([`keycloak`]).
//!
//! Core plans every call (which tenants are fresh, which chunks to request, what to store, when
//! to retry, which grant comes next); these files only send the requests and hand the answers
//! back. See `docs/vendors.md`.

pub mod keycloak;
pub mod sdx;
pub mod ttm;

use crate::convert::{property, string_option};
use crate::errors::{JsResult, Thrown};
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

/// Request timeout when `timeoutMs` is not given: 30 s, as for `TokenClient`.
pub(crate) const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;

/// How long to wait before looking a tenant up again when another call of this manager is
/// fetching it: 50 ms, short next to a round trip, long enough not to busy-loop.
pub(crate) const WAIT_POLL_MS: i64 = 50;

/// Look-ups of one tenant that found another call fetching it before giving up: 600 polls of
/// [`WAIT_POLL_MS`] = 30 s, the request timeout, after which that fetch has ended one way or
/// the other.
pub(crate) const MAX_WAIT_POLLS: u32 = 600;

/// The `fetch` option, else `globalThis.fetch`.
fn fetch_option(options: &JsValue) -> JsResult<Function> {
    let fetch = match property(options, "fetch") {
        Some(f) => f,
        None => Reflect::get(&js_sys::global(), &"fetch".into()).unwrap_or(JsValue::UNDEFINED),
    };
    fetch.dyn_into::<Function>().map_err(|_| {
        Thrown::invalid_input("option fetch must be a function (no global fetch found)")
    })
}

/// A required string option.
fn required(options: &JsValue, key: &str) -> JsResult<String> {
    string_option(options, key)?
        .ok_or_else(|| Thrown::invalid_input(format!("option {key} is required")))
}
