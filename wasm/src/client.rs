//! `TokenClient`: core's sans-IO [`TokenSource`] driven with Promises over `fetch`.
//!
//! Every rule (which grant to send, when a token is fresh, stale or expired, single flight,
//! retries and backoff, parsing) is core's. This file only sends the requests core builds and
//! hands the answers back. Concurrent calls for one key share one request: the first caller's
//! `begin` gets [`Step::Send`] and registers the flight's Promise under its id; the others get
//! [`Step::Wait`] for that id, await the Promise, then ask core again.

use crate::convert::{bool_option, now, number_option, property, string_option};
use crate::errors::{JsResult, Thrown};
use crate::http::{send, sleep_ms, transport_error};
use crate::token::Token;
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use tokensmith::cache::{CacheConfig, ExportOptions, Outcome, TimingBounds, TokenCache};
use tokensmith::client::{Fetch, FinishStep, Step, TokenSource};
use tokensmith::www_authenticate::parse_www_authenticate_all;
use tokensmith::UnixMillis;
use tokensmith::{
    check_revocation_response, ClientAuthMethod, Grant, ParseOptions, Secret, TokenEndpoint,
    TokenTypeHint,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// Request timeout when `timeoutMs` is not given: 30 s, the common default of HTTP clients
/// (e.g. Python requests' users, axios' docs); a token endpoint that has not answered by then
/// is treated as down and core's retry and backoff rules take over.
const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;

/// How long a caller waits before asking core again when it is told to wait on a flight this
/// client does not know (another client sharing the cache). 50 ms: short next to a token
/// request's round trip, long enough not to busy-loop the event loop.
const UNKNOWN_FLIGHT_POLL_MS: i64 = 50;

#[wasm_bindgen(module = "/js/fetch.js")]
extern "C" {
    #[wasm_bindgen(js_name = fetchWithAuthorization, catch)]
    fn fetch_with_authorization(
        fetch: &Function,
        input: &JsValue,
        init: &JsValue,
        authorization: &str,
    ) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TS: &str = r#"
export interface TokenClientOptions {
  /** The token endpoint (RFC 6749 §3.2), https (or http on loopback). */
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  /** Client authentication (default `client_secret_basic`). */
  auth?: "client_secret_basic" | "client_secret_basic_raw" | "client_secret_post" | "none" | "x_space_auth_key";
  /** Default scopes: an array, or one space-delimited string (RFC 6749 §3.3). */
  scope?: string[] | string;
  /** The `audience` parameter of client-credentials requests (Auth0, Okta). */
  audience?: string;
  /** The `resource` parameter of client-credentials requests (RFC 8707 §2): an absolute URI. */
  resource?: string;
  /** The revocation endpoint (RFC 7009 §2), needed by `revoke`. */
  revocationUrl?: string;
  /** The fetch to send requests with (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Seconds a token lives when the server says neither `expires_in` nor a JWT `exp`. */
  defaultLifetime?: number;
}

export interface GetTokenOptions {
  /** Scopes for this request instead of the client's default. */
  scope?: string[] | string;
  /** Seconds of validity the caller needs; a token with less left is renewed. */
  minTtl?: number;
}

export interface ExportCacheOptions {
  /** Write the tokens themselves (access, refresh, ID) and `extra`. Off by default: without
   * them an export only documents what was cached and imports nothing usable. */
  includeSecrets?: boolean;
}

export interface ImportReport {
  imported: number;
  skipped: number;
}

export interface RevokeOptions {
  /** RFC 7009 §2.1 `token_type_hint`. */
  hint?: "access_token" | "refresh_token";
}

export interface CacheStats {
  hits: number; staleHits: number; misses: number; fetches: number; coalesced: number;
  failures: number; backoffs: number; retries: number; abandoned: number; evictions: number;
  purged: number; entries: number;
}
"#;

/// An OAuth 2 client of one token endpoint, with a token cache.
#[wasm_bindgen]
pub struct TokenClient {
    inner: Rc<Inner>,
}

struct Inner {
    endpoint: TokenEndpoint,
    cache: TokenCache,
    parse: ParseOptions,
    scope: Vec<String>,
    audience: Option<String>,
    resource: Option<String>,
    revocation_url: Option<String>,
    fetch: Function,
    timeout_ms: f64,
    /// The Promise of every flight in progress, by core's flight id. It resolves (never
    /// rejects, so a background refresh nobody awaits is no unhandled rejection) when the flight
    /// is over; the outcome goes to the caller that started it through its [`FlightOutcome`].
    flights: RefCell<HashMap<u64, Promise>>,
    /// The last answer of `token()`, see [`Memo`].
    memo: RefCell<Memo>,
}

/// The JS-side memo of core's answer for `token()`: the `Token` object and the time until which
/// core would certainly answer "fresh" again, namely the earliest refresh point core may have
/// drawn for it (`issued_at + refresh_at_min_ms` of [`TimingBounds`]: 70 % of the lifetime, before
/// the jittered refresh point and before the skew window). The rule stays core's; the memo only
/// skips asking while the answer cannot change. Cleared whenever a token is forced, imported or
/// revoked.
#[derive(Default)]
struct Memo(Option<(UnixMillis, JsValue)>);

impl Memo {
    fn get(&self, now: UnixMillis) -> Option<&JsValue> {
        self.0
            .as_ref()
            .filter(|(until, _)| now < *until)
            .map(|(_, token)| token)
    }

    fn remember(&mut self, token: &tokensmith::Token, js: &JsValue) {
        // A lifetime of zero or less has no bounds: such a token is never cached by core either.
        self.0 = TimingBounds::for_lifetime(token.lifetime_ms()).map(|bounds| {
            let until = token.issued_at.plus_millis(bounds.refresh_at_min_ms);
            (until, js.clone())
        });
    }

    fn clear(&mut self) {
        self.0 = None;
    }
}

#[wasm_bindgen]
impl TokenClient {
    /// See `TokenClientOptions`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TokenClientOptions")] options: JsValue,
    ) -> JsResult<TokenClient> {
        let required = |key: &str| {
            string_option(&options, key)?
                .ok_or_else(|| Thrown::invalid_input(format!("option {key} is required")))
        };
        let auth = match string_option(&options, "auth")? {
            Some(name) => name.parse::<ClientAuthMethod>()?,
            None => ClientAuthMethod::ClientSecretBasic,
        };
        let endpoint = TokenEndpoint {
            url: required("tokenUrl")?,
            client_id: required("clientId")?,
            client_secret: string_option(&options, "clientSecret")?.map(Secret::new),
            auth,
        };
        let mut parse = ParseOptions::default();
        if let Some(secs) = number_option(&options, "defaultLifetime")? {
            // Whole seconds; ParseOptions::validate (in TokenSource::new) refuses 0.
            parse.default_lifetime_secs = secs as i64;
        }
        parse.validate()?;
        let fetch = match property(&options, "fetch") {
            Some(f) => f,
            None => Reflect::get(&js_sys::global(), &"fetch".into()).unwrap_or(JsValue::UNDEFINED),
        };
        let fetch = fetch.dyn_into::<Function>().map_err(|_| {
            Thrown::invalid_input("option fetch must be a function (no global fetch found)")
        })?;
        Ok(TokenClient {
            inner: Rc::new(Inner {
                endpoint,
                cache: TokenCache::new(CacheConfig::default()),
                parse,
                scope: scope_option(&options)?.unwrap_or_default(),
                audience: string_option(&options, "audience")?,
                resource: string_option(&options, "resource")?,
                revocation_url: string_option(&options, "revocationUrl")?,
                fetch,
                timeout_ms: number_option(&options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
                flights: RefCell::new(HashMap::new()),
                memo: RefCell::new(Memo::default()),
            }),
        })
    }

    /// A client-credentials token (RFC 6749 §4.4), from the cache when fresh enough.
    /// `options.scope` replaces the client's default scope.
    #[wasm_bindgen(js_name = clientCredentials, unchecked_return_type = "Promise<Token>")]
    pub fn client_credentials(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "GetTokenOptions")] options: JsValue,
    ) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let grant = Grant::ClientCredentials {
                scope: scope_option(&options)?.unwrap_or_else(|| inner.scope.clone()),
                audience: inner.audience.clone(),
                resource: inner.resource.clone(),
            };
            let token = get(&inner, grant, min_ttl_ms(&options)?, false).await?;
            Ok(Token::into_js((*token).clone()))
        })
    }

    /// The client's token: client credentials with the default scope.
    ///
    /// The hot path of a busy caller: while the last token is surely fresh (see [`Memo`]), the
    /// answer is an already-resolved Promise of the same `Token` object, without asking core.
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn token(&self) -> Promise {
        let now = now();
        if let Some(token) = self.inner.memo.borrow().get(now) {
            return Promise::resolve(token);
        }
        // Past its bound the memo is dropped: core's view of time never runs backwards (an
        // expired token stays expired after the clock jumps back), and the memo must not bring
        // the token back either when the clock later reads an earlier time.
        self.inner.memo.borrow_mut().clear();
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let token = get(&inner, inner.primary_grant(), 0, false).await?;
            let js = Token::into_js((*token).clone());
            inner.memo.borrow_mut().remember(&token, &js);
            Ok(js)
        })
    }

    /// A resource-owner password token (RFC 6749 §4.3), cached per user and scope.
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn password(
        &self,
        username: String,
        password: String,
        #[wasm_bindgen(unchecked_optional_param_type = "GetTokenOptions")] options: JsValue,
    ) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let grant = Grant::Password {
                username,
                password: Secret::new(password),
                scope: scope_option(&options)?.unwrap_or_else(|| inner.scope.clone()),
            };
            let token = get(&inner, grant, min_ttl_ms(&options)?, false).await?;
            Ok(Token::into_js((*token).clone()))
        })
    }

    /// A refresh-token grant (RFC 6749 §6); an empty `scope` asks for the scope originally
    /// granted. Cached under the refresh token, like any grant.
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn refresh(
        &self,
        #[wasm_bindgen(js_name = refreshToken)] refresh_token: String,
        #[wasm_bindgen(unchecked_optional_param_type = "GetTokenOptions")] options: JsValue,
    ) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let grant = Grant::RefreshToken {
                refresh_token: Secret::new(refresh_token),
                scope: scope_option(&options)?.unwrap_or_default(),
            };
            let token = get(&inner, grant, min_ttl_ms(&options)?, false).await?;
            Ok(Token::into_js((*token).clone()))
        })
    }

    /// Revokes a token at `revocationUrl` (RFC 7009). Resolves when the server accepted it
    /// (it also answers 200 for tokens it does not know, RFC 7009 §2.2); core's cache then drops
    /// every entry holding the token, as access or refresh token, and the `token()` memo is
    /// cleared, so the next call fetches a new token with the client's own grant.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn revoke(
        &self,
        token: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RevokeOptions")] options: JsValue,
    ) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let url = inner
                .revocation_url
                .clone()
                .ok_or_else(|| Thrown::invalid_input("revoke needs the option revocationUrl"))?;
            let hint = match string_option(&options, "hint")?.as_deref() {
                None => None,
                Some("access_token") => Some(TokenTypeHint::AccessToken),
                Some("refresh_token") => Some(TokenTypeHint::RefreshToken),
                Some(_) => {
                    return Err(Thrown::invalid_input(
                        "option hint must be access_token or refresh_token",
                    )
                    .into())
                }
            };
            let token = Secret::new(token);
            let request = inner
                .endpoint
                .revocation_request(&url, &token, hint)
                .map_err(Thrown::from)?;
            let response = send(&inner.fetch, &request, Some(inner.timeout_ms))
                .await
                .map_err(Thrown::from)?;
            check_revocation_response(&response, now()).map_err(Thrown::from)?;
            inner.cache.forget_token(&token);
            inner.memo.borrow_mut().clear();
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Like `fetch(input, init)`, with `Authorization` set from the client's token. A 401 whose
    /// `WWW-Authenticate` says `error="invalid_token"` (RFC 6750 §3.1) forces one new token and
    /// one retry.
    #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInfo | URL")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")] init: JsValue,
    ) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let token = get(&inner, inner.primary_grant(), 0, false).await?;
            let response = authorized_fetch(&inner, &input, &init, &token).await?;
            if !is_invalid_token(&response) {
                return Ok(response);
            }
            inner.memo.borrow_mut().clear();
            let token = get(&inner, inner.primary_grant(), 0, true).await?;
            authorized_fetch(&inner, &input, &init, &token).await
        })
    }

    /// The cache as JSON text (for `sessionStorage` or a file). Secrets only with
    /// `includeSecrets: true`.
    #[wasm_bindgen(js_name = exportCache)]
    pub fn export_cache(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ExportCacheOptions")] options: JsValue,
    ) -> JsResult<String> {
        let options = ExportOptions {
            include_secrets: bool_option(&options, "includeSecrets")?.unwrap_or(false),
        };
        let json = self.inner.cache.export(now(), options)?;
        // The export is the method's output: handing it to the caller is its purpose.
        Ok(json.expose_secret().to_owned())
    }

    /// Loads an `exportCache()` text. Expired entries, and entries whose key holds a longer-lived
    /// token, are skipped; a corrupted text throws and leaves the cache untouched.
    #[wasm_bindgen(js_name = importCache, unchecked_return_type = "ImportReport")]
    pub fn import_cache(&self, json: &str) -> JsResult<JsValue> {
        self.inner.memo.borrow_mut().clear();
        let report = self.inner.cache.import(json, now())?;
        let object = Object::new();
        // A fresh plain object accepts every property; counts stay far below 2^53.
        let _ = Reflect::set(
            &object,
            &"imported".into(),
            &(report.imported as f64).into(),
        );
        let _ = Reflect::set(&object, &"skipped".into(), &(report.skipped as f64).into());
        Ok(object.into())
    }

    /// The cache's counters since the client was created.
    #[wasm_bindgen(js_name = cacheStats, unchecked_return_type = "CacheStats")]
    pub fn cache_stats(&self) -> JsValue {
        let object = Object::new();
        for (name, value) in self.inner.cache.stats().counters() {
            // Counters stay far below 2^53; a fresh plain object accepts every property.
            let _ = Reflect::set(
                &object,
                &camel_case(name).into(),
                &JsValue::from_f64(value as f64),
            );
        }
        object.into()
    }
}

impl Inner {
    /// The grant of `token()` and `fetch()`: client credentials with the default scope.
    fn primary_grant(&self) -> Grant {
        Grant::ClientCredentials {
            scope: self.scope.clone(),
            audience: self.audience.clone(),
            resource: self.resource.clone(),
        }
    }
}

async fn authorized_fetch(
    inner: &Inner,
    input: &JsValue,
    init: &JsValue,
    token: &tokensmith::Token,
) -> Result<JsValue, JsValue> {
    let authorization = token.authorization();
    let pending =
        fetch_with_authorization(&inner.fetch, input, init, authorization.expose_secret())
            .map_err(|e| JsValue::from(Thrown::from(transport_error(e))))?;
    JsFuture::from(Promise::resolve(&pending))
        .await
        .map_err(|e| Thrown::from(transport_error(e)).into())
}

/// RFC 6750 §3.1: a 401 with a Bearer challenge whose `error` is `invalid_token`.
fn is_invalid_token(response: &JsValue) -> bool {
    let status = property(response, "status").and_then(|s| s.as_f64());
    if status != Some(401.0) {
        return false;
    }
    let challenge = property(response, "headers")
        .and_then(|headers| {
            let get: Function = Reflect::get(&headers, &"get".into())
                .ok()?
                .dyn_into()
                .ok()?;
            get.call1(&headers, &"www-authenticate".into()).ok()
        })
        .and_then(|value| value.as_string());
    challenge.is_some_and(|value| {
        parse_www_authenticate_all(&value).iter().any(|c| {
            c.scheme.eq_ignore_ascii_case("Bearer") && c.param("error") == Some("invalid_token")
        })
    })
}

/// `scope` as an array or one space-delimited string (RFC 6749 §3.3).
fn scope_option(options: &JsValue) -> JsResult<Option<Vec<String>>> {
    let Some(value) = property(options, "scope") else {
        return Ok(None);
    };
    if let Some(text) = value.as_string() {
        return Ok(Some(
            text.split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        ));
    }
    crate::convert::strings_option(options, "scope")
}

/// `minTtl` (seconds) as milliseconds.
fn min_ttl_ms(options: &JsValue) -> JsResult<i64> {
    // Seconds to milliseconds; `as` saturates absurd values.
    Ok((number_option(options, "minTtl")?.unwrap_or(0.0) * 1000.0) as i64)
}

/// Where a flight leaves its outcome for the caller that started it.
type FlightOutcome = Rc<RefCell<Option<Outcome>>>;

/// The lookup loop of `core/src/client/mod.rs`, with Promises instead of threads. `force` asks
/// core for a new token even if the cached one is fresh (a 401 `invalid_token`).
async fn get(
    inner: &Rc<Inner>,
    grant: Grant,
    min_ttl_ms: i64,
    mut force: bool,
) -> Result<Arc<tokensmith::Token>, JsValue> {
    let source = TokenSource::new(
        inner.endpoint.clone(),
        grant,
        inner.cache.clone(),
        inner.parse,
    )
    .map_err(Thrown::from)?;
    let source = Rc::new(source);
    loop {
        match source.begin(now(), min_ttl_ms, force) {
            Step::Ready(token) => return Ok(token),
            Step::ReadyAndRefresh(token, fetch) => {
                // Stale-while-revalidate: the refresh runs on; its failure is recorded by core
                // and does not touch the token returned here.
                let _background = start_flight(inner, &source, fetch);
                return Ok(token);
            }
            Step::Send(fetch) => {
                let (flight, outcome) = start_flight(inner, &source, fetch);
                JsFuture::from(flight).await?;
                let outcome = outcome.borrow_mut().take();
                return match outcome {
                    Some(Ok(token)) => Ok(token),
                    Some(Err(error)) => Err(Thrown::from(error).into()),
                    // The flight's future always stores its outcome before resolving.
                    None => {
                        Err(Thrown::invalid_input("token flight ended without an outcome").into())
                    }
                };
            }
            Step::Wait(handle) => {
                let flight = inner.flights.borrow().get(&handle.flight_id()).cloned();
                match flight {
                    // The flight's outcome is now in the cache (a token, or a backoff with its
                    // error); the next `begin` returns it. A forced call is satisfied by the
                    // flight it joined.
                    Some(flight) => drop(JsFuture::from(flight).await),
                    None => sleep_ms(UNKNOWN_FLIGHT_POLL_MS).await,
                }
                force = false;
            }
            Step::Fail(error) => return Err(Thrown::from(error).into()),
        }
    }
}

/// Runs a flight in the background and registers its Promise for the callers that will wait
/// on it. The Promise resolves when the flight is over and never rejects.
fn start_flight(
    inner: &Rc<Inner>,
    source: &Rc<TokenSource>,
    fetch: Fetch,
) -> (Promise, FlightOutcome) {
    let id = fetch.flight_id();
    let outcome: FlightOutcome = Rc::new(RefCell::new(None));
    let (runner, source, slot) = (Rc::clone(inner), Rc::clone(source), Rc::clone(&outcome));
    // future_to_promise starts the future in a microtask, so the Promise is registered below
    // before the flight can end and remove it.
    let promise = future_to_promise(async move {
        let result = run(&runner, &source, fetch).await;
        runner.flights.borrow_mut().remove(&id);
        *slot.borrow_mut() = Some(result);
        Ok(JsValue::UNDEFINED)
    });
    inner.flights.borrow_mut().insert(id, promise.clone());
    (promise, outcome)
}

/// Sends a flight's request and its retries until core says the flight is over.
async fn run(inner: &Inner, source: &TokenSource, mut fetch: Fetch) -> Outcome {
    loop {
        let sent_at = now();
        let response = send(&inner.fetch, &fetch.request, Some(inner.timeout_ms)).await;
        match source.finish(fetch, response, sent_at, now()) {
            FinishStep::Done(outcome) => return outcome,
            FinishStep::RetryAfter {
                fetch: next,
                delay_ms,
            } => {
                sleep_ms(delay_ms).await;
                fetch = next;
            }
        }
    }
}

/// `stale_hits` → `staleHits`: core's snake_case names in the package's JS naming.
fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
