//! The engine under `TokenClient` (`js/client.js`): core's sans-IO [`TokenSource`] steps as
//! synchronous exports.
//!
//! Every rule (which grant to send, when a token is fresh, stale or expired, single flight,
//! retries and backoff, parsing, what a revocation answer means, how long `token()` may answer
//! from its memo, what a 401 challenge says) is core's and is applied here. The JS class sends
//! the requests built here with `exchange` (`js/http.js`), hands the replies back, sleeps the
//! delays core asks for and shares each flight's Promise between concurrent callers. Nothing
//! here is public API: the classes and functions are `skip_typescript` and named `__…`.
//!
//! The lookup loop (`core/src/client/mod.rs`), as `js/client.js` runs it:
//! 1. [`Source::begin`] → `[token, flight, flightId]`: a token to use (with a flight to run in
//!    the background when it is stale), a flight to run and await, or only the id of another
//!    caller's flight to wait for; once it is over, [`Source::waited`] gives its outcome (or
//!    nothing when it was abandoned: `begin` again). Core's `Step::Fail` is thrown.
//! 2. A flight ([`Flight`], a `__VendorCall`): `drive` of `js/vendor-drive.js` sends its
//!    requests and sleeps its retry delays until it ends with the token or a thrown error.

use crate::convert::{now, string_list};
use crate::errors::{JsResult, Thrown};
use crate::exchange::{request_to_js, response_from_js, thrown};
use crate::token::Token;
use crate::vendor::{step, Call, VendorCall, DONE, SEND, SLEEP};
use js_sys::Array;
use std::rc::Rc;
use tokensmith::cache::{
    surely_fresh_until, CacheConfig, ExportOptions, Settled, TokenCache, WaitHandle,
};
use tokensmith::client::{Fetch, FinishStep, Step, TokenSource};
use tokensmith::www_authenticate::is_invalid_token_response;
use tokensmith::{
    check_revocation_response, ClientAuthMethod, Grant, ParseOptions, Secret, TokenEndpoint,
    TokenTypeHint,
};
use tokensmith::{HttpRequest, UnixMillis};
use wasm_bindgen::prelude::*;

/// One `TokenClient`'s endpoint, cache and defaults.
#[wasm_bindgen(js_name = "__TokenEngine", skip_typescript)]
pub struct Engine {
    endpoint: TokenEndpoint,
    cache: TokenCache,
    parse: ParseOptions,
    scope: Vec<String>,
    audience: Option<String>,
    resource: Option<String>,
    revocation_url: Option<String>,
}

#[wasm_bindgen(js_class = "__TokenEngine")]
impl Engine {
    /// The options of `TokenClientOptions`, checked for their types by `js/client.js`.
    // One plain argument per option: the JS side unpacks the option bag, so no option-bag
    // parsing is linked into the module.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(constructor)]
    pub fn new(
        token_url: String,
        client_id: String,
        client_secret: Option<String>,
        auth: Option<String>,
        default_lifetime_secs: Option<f64>,
        scope: &str,
        audience: Option<String>,
        resource: Option<String>,
        revocation_url: Option<String>,
    ) -> JsResult<Engine> {
        let auth = match auth {
            Some(name) => name.parse::<ClientAuthMethod>()?,
            None => ClientAuthMethod::ClientSecretBasic,
        };
        let mut parse = ParseOptions::default();
        if let Some(secs) = default_lifetime_secs {
            // Whole seconds (`as` truncates and saturates); validate() refuses 0.
            parse.default_lifetime_secs = secs as i64;
        }
        parse.validate()?;
        Ok(Engine {
            endpoint: TokenEndpoint {
                url: token_url,
                client_id,
                client_secret: client_secret.map(Secret::new),
                auth,
            },
            cache: TokenCache::new(CacheConfig::default()),
            parse,
            scope: string_list(scope),
            audience,
            resource,
            revocation_url,
        })
    }

    /// Client credentials (RFC 6749 §4.4): `scope`, or the client's default scope.
    #[wasm_bindgen(js_name = clientCredentials)]
    pub fn client_credentials(&self, scope: Option<String>) -> JsResult<Source> {
        self.source(Grant::ClientCredentials {
            scope: self.scope_or_default(scope),
            audience: self.audience.clone(),
            resource: self.resource.clone(),
        })
    }

    /// Resource-owner password (RFC 6749 §4.3): `scope`, or the client's default scope.
    pub fn password(
        &self,
        username: String,
        password: String,
        scope: Option<String>,
    ) -> JsResult<Source> {
        self.source(Grant::Password {
            username,
            password: Secret::new(password),
            scope: self.scope_or_default(scope),
        })
    }

    /// Refresh token (RFC 6749 §6). No `scope` asks for the scope originally granted.
    pub fn refresh(&self, refresh_token: String, scope: Option<String>) -> JsResult<Source> {
        self.source(Grant::RefreshToken {
            refresh_token: Secret::new(refresh_token),
            scope: scope.as_deref().map(string_list).unwrap_or_default(),
        })
    }

    /// The revocation of `token` (RFC 7009) as a call `drive` (`js/vendor-drive.js`) runs: the
    /// §2.1 request, then given what `exchange` got, `[DONE, undefined]`, or what the server
    /// refused (§2.2.1) or the transport error thrown. Once accepted (200 also for an unknown
    /// token, §2.2), the cache drops every entry holding `token`, as access or refresh token.
    pub fn revocation(&self, token: String, hint: Option<String>) -> JsResult<VendorCall> {
        let url = self
            .revocation_url
            .as_deref()
            .ok_or_else(|| Thrown::invalid_input("revoke needs the option revocationUrl"))?;
        let hint = match hint.as_deref() {
            None => None,
            Some(name) => Some(TokenTypeHint::from_name(name).ok_or_else(|| {
                Thrown::invalid_input("option hint must be access_token or refresh_token")
            })?),
        };
        let token = Secret::new(token);
        let request = self.endpoint.revocation_request(url, &token, hint)?;
        Ok(VendorCall(Call::Revocation(Revocation {
            request: Some(request),
            token,
            cache: self.cache.clone(),
        })))
    }

    /// A resource server refused `access_token` (RFC 6750 §3.1): core's `TokenCache::refused`
    /// drops it while it is still the cached one; how many entries did.
    pub fn refused(&self, access_token: String) -> u32 {
        // At most the number of cache entries, far below 2^32.
        self.cache.refused(&Secret::new(access_token)) as u32
    }

    /// The cache as JSON text; the tokens themselves only with `include_secrets`.
    #[wasm_bindgen(js_name = exportCache)]
    pub fn export_cache(&self, include_secrets: bool) -> JsResult<String> {
        let json = self
            .cache
            .export(now(), ExportOptions { include_secrets })?;
        // The export is the method's output: handing it to the caller is its purpose.
        Ok(json.expose_secret().to_owned())
    }

    /// Loads an `exportCache()` text: `[imported, skipped]`. A corrupted text throws and leaves
    /// the cache untouched.
    #[wasm_bindgen(js_name = importCache)]
    pub fn import_cache(&self, json: &str) -> JsResult<Array> {
        let report = self.cache.import(json, now())?;
        // Counts stay far below 2^53. `of3` with an unused third place: the module's arrays
        // share one js-sys import (`Array.of` of three), each arity being one more.
        Ok(Array::of3(
            &(report.imported as f64).into(),
            &(report.skipped as f64).into(),
            &JsValue::UNDEFINED,
        ))
    }

    /// The cache's counters as `[name, count, …]` under core's names (`stale_hits`);
    /// `js/client.js` makes the object of them under the package's JS names (`staleHits`).
    #[wasm_bindgen(js_name = cacheStats)]
    pub fn cache_stats(&self) -> Array {
        stats_array(&self.cache)
    }

    /// Forgets every cached token.
    #[wasm_bindgen(js_name = clearCache)]
    pub fn clear_cache(&self) {
        self.cache.clear();
    }
}

/// A cache's counters as `[name, count, …]` under core's names: `TokenClient`'s and
/// `TechnicalTokenManager`'s `cacheStats()` (`statsObject` in `js/client.js` names them).
pub(crate) fn stats_array(cache: &TokenCache) -> Array {
    let out = Array::new();
    for (name, value) in cache.stats().counters() {
        out.push(&name.into());
        // Counters stay far below 2^53.
        out.push(&(value as f64).into());
    }
    out
}

impl Engine {
    /// A call's `scope` (JSON text, see [`string_list`]), else the client's default scope.
    fn scope_or_default(&self, scope: Option<String>) -> Vec<String> {
        match scope {
            Some(json) => string_list(&json),
            None => self.scope.clone(),
        }
    }

    fn source(&self, grant: Grant) -> JsResult<Source> {
        let source =
            TokenSource::new(self.endpoint.clone(), grant, self.cache.clone(), self.parse)?;
        Ok(Source {
            source: Rc::new(source),
            waiting: None,
        })
    }
}

/// One grant's token in the engine's cache: what a call of `TokenClient` looks up.
#[wasm_bindgen(js_name = "__TokenSource", skip_typescript)]
pub struct Source {
    source: Rc<TokenSource>,
    /// The other caller's flight the last `begin` said to wait for.
    waiting: Option<WaitHandle>,
}

#[wasm_bindgen(js_class = "__TokenSource")]
impl Source {
    /// Core's next step at the current time, as `[token, flight, flightId]` (unused places
    /// `undefined`): `[token]` use it; `[token, flight, id]` use it and run the flight in the
    /// background (stale-while-revalidate); `[, flight, id]` run the flight, its outcome is this
    /// caller's; `[, , id]` wait until flight `id` ends, then ask [`Source::waited`]. A key that is
    /// backing off, or cannot get a token, throws its error. `min_ttl_ms` is the validity the
    /// caller needs; `force` asks for a new token even if the cached one is fresh (it joins a
    /// flight in progress and does not override a backoff).
    pub fn begin(&mut self, min_ttl_ms: f64, force: bool) -> JsResult<Array> {
        let none = &JsValue::UNDEFINED;
        // `as` saturates an absurd min_ttl_ms.
        Ok(match self.source.begin(now(), min_ttl_ms as i64, force) {
            Step::Ready(token) => Array::of3(&token_js(&token), none, none),
            Step::ReadyAndRefresh(token, fetch) => {
                let id = flight_id(&fetch);
                Array::of3(&token_js(&token), &self.flight(fetch), &id)
            }
            Step::Send(fetch) => {
                let id = flight_id(&fetch);
                Array::of3(none, &self.flight(fetch), &id)
            }
            Step::Wait(handle) => {
                // Flight ids count up from 1, far below 2^53.
                let id = JsValue::from_f64(handle.flight_id() as f64);
                self.waiting = Some(handle);
                Array::of3(none, none, &id)
            }
            Step::Fail(error) => return Err(error.into()),
        })
    }

    /// The outcome of the flight the last `begin` said to wait for, which is this caller's too
    /// (`Step::Wait`): the token, or its error thrown. `undefined` when the flight was abandoned
    /// (its caller gave up: `begin` again), or is not over yet (a flight of another client on the
    /// same cache, which JS can only poll for).
    pub fn waited(&mut self) -> JsResult<JsValue> {
        match self.waiting.take().and_then(|handle| handle.try_result()) {
            Some(Settled::Done(Ok(token))) => Ok(token_js(&token)),
            Some(Settled::Done(Err(error))) => Err(error.into()),
            Some(Settled::Abandoned) | None => Ok(JsValue::UNDEFINED),
        }
    }
}

impl Source {
    fn flight(&self, fetch: Fetch) -> JsValue {
        VendorCall(Call::Flight(Flight {
            source: Rc::clone(&self.source),
            fetch: Some(fetch),
            sent_at: None,
        }))
        .into()
    }
}

fn flight_id(fetch: &Fetch) -> JsValue {
    // Flight ids count up from 1, far below 2^53.
    JsValue::from_f64(fetch.flight_id() as f64)
}

/// One flight: the request core built and its retries, handed to JS as a [`VendorCall`] that
/// `drive` (`js/vendor-drive.js`) runs (one class for every call JS drives in steps: a class of
/// its own would cost its own glue). Freeing it before it finished releases the key (core's
/// `Fetch` drop): its waiters look up again.
pub(crate) struct Flight {
    source: Rc<TokenSource>,
    /// `None` once the flight is over.
    fetch: Option<Fetch>,
    /// When the request on the wire was sent (`None` while none is): RFC 6749 §5.1 `expires_in`
    /// counts from the response, and counting from the send is the safe side of that.
    sent_at: Option<UnixMillis>,
}

impl Flight {
    /// `[SEND, request]` for `exchange` when no request is out (first, or after a retry's
    /// sleep); given what `exchange` got for it: `[DONE, token]`, the flight's error thrown (both
    /// also settle every waiter through the cache), or `[SLEEP, ms]` before the retry (core's
    /// backoff).
    pub(crate) fn next(&mut self, reply: JsValue) -> JsResult<Array> {
        let Some(fetch) = self.fetch.take() else {
            return Err(Thrown::invalid_input("this token flight is over"));
        };
        let Some(sent_at) = self.sent_at.take() else {
            self.sent_at = Some(now());
            let request = request_to_js(&fetch.request);
            self.fetch = Some(fetch);
            return Ok(step(SEND, &request));
        };
        match self
            .source
            .finish(fetch, response_from_js(&reply), sent_at, now())
        {
            FinishStep::Done(Ok(token)) => Ok(step(DONE, &token_js(&token))),
            FinishStep::Done(Err(error)) => Err(error.into()),
            FinishStep::RetryAfter { fetch, delay_ms } => {
                self.fetch = Some(fetch);
                // A backoff delay in milliseconds is far below 2^53.
                Ok(step(SLEEP, &JsValue::from_f64(delay_ms as f64)))
            }
        }
    }
}

/// One revocation (RFC 7009) as a [`VendorCall`]: see [`Engine::revocation`].
pub(crate) struct Revocation {
    /// The request, until it is sent.
    request: Option<HttpRequest>,
    token: Secret,
    cache: TokenCache,
}

impl Revocation {
    pub(crate) fn next(&mut self, reply: JsValue) -> JsResult<Array> {
        if let Some(request) = self.request.take() {
            return Ok(step(SEND, &request_to_js(&request)));
        }
        let response = response_from_js(&reply)?;
        check_revocation_response(&response, now())?;
        self.cache.forget_token(&self.token);
        Ok(step(DONE, &JsValue::UNDEFINED))
    }
}

/// The time (milliseconds since the epoch) until which `token()` may answer with `token`
/// without asking core: core's [`surely_fresh_until`]. `-Infinity` for a token without bounds
/// (a lifetime of zero or less), which core never caches either.
#[wasm_bindgen(js_name = "__tokenMemoUntil", skip_typescript)]
pub fn memo_until(token: &Token) -> f64 {
    // Milliseconds since the epoch: exact in f64 below 2^53.
    surely_fresh_until(token.core()).map_or(f64::NEG_INFINITY, |at| at.as_millis() as f64)
}

/// RFC 6750 §3.1: a 401 whose `WWW-Authenticate` (`challenge`, the header's text) has a Bearer
/// challenge with `error="invalid_token"`: the token is to be replaced and the request retried.
#[wasm_bindgen(js_name = "__isInvalidToken", skip_typescript)]
pub fn is_invalid_token(status: u16, challenge: Option<String>) -> bool {
    is_invalid_token_response(status, challenge.as_deref())
}

/// What the caller's `fetch` threw in `TokenClient.fetch`, as a `TransportError` (only the
/// error's `name` is kept: a message may quote the URL).
#[wasm_bindgen(js_name = "__fetchFailed", skip_typescript)]
pub fn fetch_failed(error: &JsValue) -> JsValue {
    Thrown::from(thrown(error)).into()
}

fn token_js(token: &std::sync::Arc<tokensmith::Token>) -> JsValue {
    Token::shared_js(token.clone())
}
