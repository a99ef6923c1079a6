//! `RemoteJwks`: an issuer's JWK Set fetched from its URL and kept, refetched on an unknown `kid`
//! only when core's [`JwksRefresh`] says so (at most once per 30 s, never on a clock jump back).
//! Verification is `verifyJwt`'s (core's rules, WebCrypto's signatures) over the set last
//! fetched; this file only sends the request core builds.

use crate::convert::{now, number_option, property, string_option};
use crate::errors::{JsResult, Thrown};
use crate::http::send;
use crate::jwt::verify_jwt;
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use tokensmith::jwt::{decode_unverified, JwksRefresh, JwksStep, JwtError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

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
}

/// Verifies JWTs with the key set published at `jwksUrl` (RFC 7517 §5), fetched on first use and
/// again when a token names a `kid` the cached set lacks (key rotation, OpenID Connect Core
/// §10.1.1), at most once per 30 s: tokens with made-up `kid`s cause no request storm. While one
/// call fetches, a concurrent call with an unknown `kid` is refused (`jwt_key_not_found`).
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
            }),
        })
    }

    /// `verifyJwt(token, <the issuer's keys>, options)`: resolves to `{ header, claims }`, or
    /// rejects with a `JwtError` (`jwt_key_not_found` for a `kid` the set lacks after the
    /// refetch allowed now) or the fetch's own error (`TransportError`, `ResponseError`).
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
            // At most one fetch per call: after it, core answers Use or Unknown for this `kid`.
            for _ in 0..2 {
                let at = now();
                let fetch = match inner.refresh.borrow_mut().step(kid.as_deref(), at) {
                    JwksStep::Use(_) => false,
                    JwksStep::Fetch => true,
                    JwksStep::Unknown => break,
                };
                if !fetch {
                    let keys = JsValue::from_str(&inner.text.borrow());
                    return verify_jwt(token, keys, options).await;
                }
                let request = JwksRefresh::request(&inner.url);
                match send(&inner.fetch, &request, Some(inner.timeout_ms)).await {
                    Ok(response) => {
                        inner
                            .refresh
                            .borrow_mut()
                            .receive(&response, at)
                            .map_err(Thrown::from)?;
                        // `receive` accepted it, so it is UTF-8.
                        *inner.text.borrow_mut() = std::str::from_utf8(&response.body)
                            .unwrap_or_default()
                            .to_owned();
                    }
                    Err(error) => {
                        inner.refresh.borrow_mut().fetch_failed();
                        return Err(Thrown::from(error).into());
                    }
                }
            }
            Err(Thrown::from(JwtError::KeyNotFound).into())
        })
    }
}
