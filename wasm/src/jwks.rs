//! The synchronous half of `RemoteJwks` (`wasm/js/jwks.js`): an issuer's JWK Set fetched from its
//! URL and kept, refetched on an unknown `kid` only when core's [`JwksRefresh`] says so (at most
//! once per 30 s, never on a clock jump back).
//!
//! `jwks.js` asks [`Jwks::step`] what to do for a token and follows the answer: verify with the
//! set held here ([`Jwks::prepare`], then WebCrypto as `verifyJwt` does), send the request core
//! built and hand the answer to [`Jwks::receive`], or wait for the fetch in flight (one Promise
//! per fetch, shared by the calls core tells to wait). Every decision is core's.

use crate::convert::now;
use crate::errors::{JsResult, Thrown};
use crate::exchange::{request_to_js, response_from_js};
use crate::jwt::{prepared, validation, KeyIds};
use js_sys::Array;
use tokensmith::jwt::{
    decode_unverified, JwksFetch, JwksRefresh, JwksStep, JwtError, UnverifiedJwt,
    MAX_STEPS_PER_TOKEN,
};
use tokensmith::UnixMillis;
use wasm_bindgen::prelude::*;

/// One `RemoteJwks`'s key set, its refetch rule, and the fetch it has in flight.
#[wasm_bindgen(js_name = "__Jwks", skip_typescript)]
pub struct Jwks {
    url: String,
    timeout_ms: f64,
    refresh: JwksRefresh,
    /// The fetch `jwks.js` is running: core's handle, and when it was started (the time its
    /// answer is read at, e.g. for a `Retry-After` date).
    fetch: Option<(JwksFetch, UnixMillis)>,
    /// The token of the last `step` that answered "verify", decoded, for [`Jwks::prepare`].
    decoded: Option<UnverifiedJwt>,
    /// The identities of the held set's keys (`crate::jwt`); a new set starts without.
    ids: KeyIds,
}

#[wasm_bindgen(js_class = "__Jwks")]
impl Jwks {
    /// The JWK Set at `url`; its requests are aborted after `timeout_ms` (default: core's
    /// `DEFAULT_REQUEST_TIMEOUT_MS`, as every client of the package and of Python).
    #[wasm_bindgen(constructor)]
    pub fn new(url: String, timeout_ms: Option<f64>) -> Jwks {
        Jwks {
            url,
            timeout_ms: crate::vendor::timeout_or_default(timeout_ms),
            refresh: JwksRefresh::default(),
            fetch: None,
            decoded: None,
            ids: KeyIds::default(),
        }
    }

    /// What to do for `token`, asked for the `attempt`-th time (from 0), now:
    /// - `undefined`: verify with the set held here ([`Jwks::prepare`]);
    /// - a number: wait for that fetch (its Promise), then, unless it failed, ask again;
    /// - `[flightId, request, timeoutMs]`: send `request` (`exchange` of `js/http.js`), hand the
    ///   answer to [`Jwks::receive`], then wait like any waiter.
    ///
    /// Throws the token's `JwtError` if it cannot be decoded, and `jwt_key_not_found` for a
    /// `kid` the set lacks once no refetch is allowed, or after [`MAX_STEPS_PER_TOKEN`] steps.
    pub fn step(&mut self, token: &str, attempt: u32) -> JsResult<JsValue> {
        self.decoded = None;
        let jwt = decode_unverified(token)?;
        if attempt as usize >= MAX_STEPS_PER_TOKEN {
            return Err(JwtError::KeyNotFound.into());
        }
        let at = now();
        Ok(match self.refresh.step(jwt.kid(), at) {
            JwksStep::Use(_) => {
                self.decoded = Some(jwt);
                JsValue::UNDEFINED
            }
            // Flight ids count fetches from 1: far below 2^53, exact as a JS number.
            JwksStep::Wait(wait) => JsValue::from(wait.flight_id() as f64),
            JwksStep::Fetch(fetch) => {
                let id = JsValue::from(fetch.flight_id() as f64);
                // Core answers `Fetch` only with no fetch in flight: nothing is replaced here.
                self.fetch = Some((fetch, at));
                let request = request_to_js(&JwksRefresh::request(&self.url));
                Array::of3(&id, &request, &self.timeout_ms.into()).into()
            }
            JwksStep::Unknown => return Err(JwtError::KeyNotFound.into()),
        })
    }

    /// The answer to fetch `flight_id` (what `exchange` resolved to). Returns `undefined` when
    /// the set was stored (`jwks.js` then drops its imported keys), else the fetch's error, which
    /// the fetching call and every call waiting on it reject with.
    pub fn receive(&mut self, flight_id: f64, reply: JsValue) -> JsValue {
        let Some((fetch, at)) = self
            .fetch
            .take_if(|(fetch, _)| fetch.flight_id() as f64 == flight_id)
        else {
            return JsValue::UNDEFINED;
        };
        let stored = match response_from_js(&reply) {
            Ok(response) => self.refresh.receive(fetch, &response, at),
            Err(error) => Err(self.refresh.fetch_failed(fetch, error)),
        };
        match stored {
            Ok(()) => {
                self.ids = KeyIds::default();
                JsValue::UNDEFINED
            }
            Err(error) => Thrown::from(error).into(),
        }
    }

    /// [`crate::jwt::prepare_verify`] for the token `step` has just answered `undefined` for
    /// (decoded once, there), with the set held here.
    pub fn prepare(&mut self, options: &Array) -> JsResult<JsValue> {
        let (validation, at) = validation(options)?;
        match (self.decoded.take(), self.refresh.keys()) {
            (Some(jwt), Some(keys)) => prepared(jwt, keys, &mut self.ids, validation, at),
            // `step` answers `undefined` only with a set held, and `jwks.js` calls `prepare`
            // right after that answer.
            _ => Err(JwtError::KeyNotFound.into()),
        }
    }
}
