//! `RemoteJwks`: an issuer's JWK Set fetched from its URL and kept, refetched on an unknown `kid`
//! only when core's [`JwksRefresh`] says so (at most once per 30 s, never on a clock jump back).
//! Verification is `verifyJwt`'s (core's rules, WebCrypto's signatures) over the set last
//! fetched; this file only sends the request core builds and shares one Promise per fetch in
//! flight among the calls core tells to wait.

use crate::convert::{now, number_option, property, string_option};
use crate::errors::{JsResult, Thrown};
use crate::http::send;
use crate::jwt::{verify_with, KeyCache};
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use tokensmith::jwt::{
    decode_unverified, JwksFetch, JwksRefresh, JwksSettled, JwksStep, JwksWait, JwtError,
    MAX_STEPS_PER_TOKEN,
};
use tokensmith::UnixMillis;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// Request timeout when `timeoutMs` is not given: 10 s, as the Python `JwksClient`.
const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;

#[wasm_bindgen(typescript_custom_section)]
const REMOTE_JWKS_TS: &str = r#"
export interface RemoteJwksOptions {
  /** The issuer's JWK Set URL (`jwks_uri`). */
  jwksUrl: string;
  /** The fetch to use (default: the global `fetch`). */
  fetch?: typeof fetch;
  /** Abort a JWK Set request after this many milliseconds (default 10000). */
  timeoutMs?: number;
}
"#;

struct Inner {
    url: String,
    fetch: Function,
    timeout_ms: f64,
    refresh: RefCell<JwksRefresh>,
    /// The JWK Set text last stored in `refresh`, handed to `verifyJwt`.
    text: RefCell<String>,
    /// The fetch in flight: core's flight id and the Promise its waiters await.
    flight: RefCell<Option<(u64, Promise)>>,
    /// The `CryptoKey`s imported from `text`'s keys; emptied when a new set is stored.
    keys: KeyCache,
}

/// Verifies JWTs with the key set published at `jwksUrl` (RFC 7517 §5), fetched on first use and
/// again when a token names a `kid` the cached set lacks (key rotation, OpenID Connect Core
/// §10.1.1), at most once per 30 s: tokens with made-up `kid`s cause no request storm. Single
/// flight (core's rule): while one call fetches, concurrent calls that need the keys await that
/// fetch, then verify with its set or reject with its error; a cold start sends one request.
#[wasm_bindgen]
pub struct RemoteJwks {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl RemoteJwks {
    /// See `RemoteJwksOptions`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RemoteJwksOptions")] options: JsValue,
    ) -> JsResult<RemoteJwks> {
        let url = string_option(&options, "jwksUrl")?
            .ok_or_else(|| Thrown::invalid_input("option jwksUrl is required"))?;
        let fetch = property(&options, "fetch")
            .or_else(|| Reflect::get(&js_sys::global(), &"fetch".into()).ok())
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| Thrown::invalid_input("option fetch must be a function"))?;
        Ok(RemoteJwks {
            inner: Rc::new(Inner {
                url,
                fetch,
                timeout_ms: number_option(&options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
                refresh: RefCell::new(JwksRefresh::default()),
                text: RefCell::new(String::new()),
                flight: RefCell::new(None),
                keys: KeyCache::default(),
            }),
        })
    }

    /// `verifyJwt(token, <the issuer's keys>, options)`: resolves to `{ header, claims }`, or
    /// rejects with a `JwtError` (`jwt_key_not_found` for a `kid` the set lacks after the
    /// refetch allowed now) or the fetch's own error (`TransportError`, `ResponseError`), which
    /// every call waiting on that fetch gets too.
    #[wasm_bindgen(unchecked_return_type = "Promise<DecodedJwt>")]
    pub fn verify(
        &self,
        token: String,
        #[wasm_bindgen(unchecked_param_type = "VerifyJwtOptions")] options: JsValue,
    ) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let kid = decode_unverified(&token)
                .map_err(Thrown::from)?
                .kid()
                .map(str::to_owned);
            // Core decides: use the keys, fetch them (one call alone), wait for that fetch, or
            // refuse the `kid`. The fetching call awaits its own fetch like any waiter.
            for _ in 0..MAX_STEPS_PER_TOKEN {
                let at = now();
                let wait = match inner.refresh.borrow_mut().step(kid.as_deref(), at) {
                    JwksStep::Use(_) => None,
                    JwksStep::Fetch(fetch) => Some(start_fetch(&inner, fetch, at)),
                    JwksStep::Wait(wait) => Some(wait),
                    JwksStep::Unknown => break,
                };
                let Some(wait) = wait else {
                    let keys = JsValue::from_str(&inner.text.borrow());
                    return verify_with(token, keys, options, &inner.keys).await;
                };
                let flight = inner
                    .flight
                    .borrow()
                    .as_ref()
                    .filter(|(id, _)| *id == wait.flight_id())
                    .map(|(_, promise)| promise.clone());
                if let Some(flight) = flight {
                    // Never rejects: the outcome is read from core below.
                    JsFuture::from(flight).await?;
                }
                if let Some(JwksSettled::Failed(error)) = wait.try_result() {
                    return Err(Thrown::from(error).into());
                }
                // Stored (or abandoned): ask core again.
            }
            Err(Thrown::from(JwtError::KeyNotFound).into())
        })
    }
}

/// Sends the request for core's `fetch` in the background and registers its Promise for the
/// calls that wait on it; it resolves, never rejects, once core has the answer (which settles
/// the waiters' handles). Returns the fetching call's own handle.
fn start_fetch(inner: &Rc<Inner>, fetch: JwksFetch, at: UnixMillis) -> JwksWait {
    let wait = fetch.wait_handle();
    let id = fetch.flight_id();
    let runner = Rc::clone(inner);
    // future_to_promise starts the future in a microtask, so the Promise is registered below
    // before the fetch can end and remove it.
    let promise = future_to_promise(async move {
        let request = JwksRefresh::request(&runner.url);
        match send(&runner.fetch, &request, Some(runner.timeout_ms)).await {
            Ok(response) => {
                if runner
                    .refresh
                    .borrow_mut()
                    .receive(fetch, &response, at)
                    .is_ok()
                {
                    // `receive` accepted it, so it is UTF-8.
                    *runner.text.borrow_mut() = std::str::from_utf8(&response.body)
                        .unwrap_or_default()
                        .to_owned();
                    runner.keys.clear();
                }
            }
            Err(error) => drop(runner.refresh.borrow_mut().fetch_failed(fetch, error)),
        }
        let mut flight = runner.flight.borrow_mut();
        if flight.as_ref().is_some_and(|(current, _)| *current == id) {
            *flight = None;
        }
        Ok(JsValue::UNDEFINED)
    });
    *inner.flight.borrow_mut() = Some((id, promise));
    wait
}
