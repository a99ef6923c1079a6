//! Vendor flows over core's `tokensmith::vendor`: `TechnicalTokenManager` (Siemens Insights Hub)
//! driven with `fetch`, and `keycloakTokenUrl`.
//!
//! Core plans every call (which tenants are fresh, which chunks to request, what to store,
//! when to retry); this file only sends the requests and hands the answers back.

use crate::convert::{bool_option, now, number_option, property, string_option};
use crate::errors::{JsResult, Thrown};
use crate::http::{send, sleep_ms};
use crate::token::Token;
use js_sys::{Array, Function, Map, Promise, Reflect};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use tokensmith::cache::{CacheConfig, TokenCache};
use tokensmith::client::{FinishStep, Step, TokenSource};
use tokensmith::vendor::{sdx_refresh_error, BatchChunk, TechnicalTokenManager as CoreTtm};
use tokensmith::{
    parse_token_response, ClientAuthMethod, Grant, ParseOptions, Secret, TokenEndpoint,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Request timeout when `timeoutMs` is not given: 30 s, as for `TokenClient`.
const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;

/// How long to wait before looking a tenant up again when another call of this manager is
/// fetching it: 50 ms, short next to a round trip, long enough not to busy-loop.
const WAIT_POLL_MS: i64 = 50;

/// Look-ups of one tenant that found another call fetching it before giving up: 600 polls of
/// [`WAIT_POLL_MS`] = 30 s, the request timeout, after which that fetch has ended one way or
/// the other.
const MAX_WAIT_POLLS: u32 = 600;

#[wasm_bindgen(typescript_custom_section)]
const TTM_TS: &str = r#"
export interface TechnicalTokenManagerOptions {
  /** The Insights Hub gateway, e.g. `https://gateway.eu1.mindsphere.io`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  appName: string;
  appVersion: string;
  hostTenant: string;
  /** User tenants per `oauthTokens` call, 1 to 5 (default 5, the documented maximum). */
  batchSize?: number;
  /** The fetch to send requests with (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout in milliseconds (default 30000). */
  timeoutMs?: number;
}
"#;

/// Siemens Insights Hub Technical Token Manager: tokens per user tenant, cached per (host
/// tenant, user tenant), requested in batches.
#[wasm_bindgen]
pub struct TechnicalTokenManager {
    inner: Rc<Inner>,
}

struct Inner {
    ttm: CoreTtm,
    cache: TokenCache,
    fetch: Function,
    timeout_ms: f64,
}

#[wasm_bindgen]
impl TechnicalTokenManager {
    /// See `TechnicalTokenManagerOptions`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TechnicalTokenManagerOptions")] options: JsValue,
    ) -> JsResult<TechnicalTokenManager> {
        let required = |key: &str| {
            string_option(&options, key)?
                .ok_or_else(|| Thrown::invalid_input(format!("option {key} is required")))
        };
        let mut ttm = CoreTtm::new(
            &required("baseUrl")?,
            &required("clientId")?,
            Secret::new(required("clientSecret")?),
            &required("appName")?,
            &required("appVersion")?,
            &required("hostTenant")?,
        )?;
        if let Some(size) = number_option(&options, "batchSize")? {
            if size.fract() != 0.0 {
                return Err(Thrown::invalid_input("option batchSize must be an integer"));
            }
            // A non-negative integer; with_batch_size refuses anything outside 1..=5.
            ttm = ttm.with_batch_size(size as usize)?;
        }
        let fetch = match property(&options, "fetch") {
            Some(f) => f,
            None => Reflect::get(&js_sys::global(), &"fetch".into()).unwrap_or(JsValue::UNDEFINED),
        };
        let fetch = fetch.dyn_into::<Function>().map_err(|_| {
            Thrown::invalid_input("option fetch must be a function (no global fetch found)")
        })?;
        Ok(TechnicalTokenManager {
            inner: Rc::new(Inner {
                ttm,
                cache: TokenCache::new(CacheConfig::default()),
                fetch,
                timeout_ms: number_option(&options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
            }),
        })
    }

    /// The token for one user tenant (from the cache when fresh).
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn token(&self, user_tenant: String) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let mut tokens = inner.tokens(vec![user_tenant]).await?;
            let (_, token) = tokens
                .pop()
                .ok_or_else(|| Thrown::invalid_input("no token for the user tenant"))?;
            Ok(Token::into_js((*token).clone()))
        })
    }

    /// Tokens for many user tenants, as a `Map` from tenant to `Token` in the given order
    /// (duplicates once). Only missing or aging tokens are requested, in chunks of `batchSize`.
    /// Rejects with the first tenant's error if any tenant gets none.
    #[wasm_bindgen(unchecked_return_type = "Promise<Map<string, Token>>")]
    pub fn tokens(&self, user_tenants: Vec<String>) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move { Ok(to_map(inner.tokens(user_tenants).await?).into()) })
    }

    /// Every user tenant of the host tenant, reading all pages with the host tenant's own token.
    #[wasm_bindgen(js_name = userTenants, unchecked_return_type = "Promise<string[]>")]
    pub fn user_tenants(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let tenants = inner.user_tenants().await?;
            Ok(tenants
                .iter()
                .map(|t| JsValue::from_str(t))
                .collect::<Array>()
                .into())
        })
    }

    /// The three steps of the Siemens documentation: the operator token, all user tenants, then
    /// their tokens in batches.
    #[wasm_bindgen(js_name = allTokens, unchecked_return_type = "Promise<Map<string, Token>>")]
    pub fn all_tokens(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let tenants = inner.user_tenants().await?;
            Ok(to_map(inner.tokens(tenants).await?).into())
        })
    }
}

impl Inner {
    async fn tokens(
        &self,
        user_tenants: Vec<String>,
    ) -> Result<Vec<(String, Arc<tokensmith::Token>)>, Thrown> {
        let mut order: Vec<String> = Vec::new();
        for tenant in user_tenants {
            if !order.contains(&tenant) {
                order.push(tenant);
            }
        }
        let mut got: HashMap<String, Arc<tokensmith::Token>> = HashMap::new();
        let mut todo: Vec<String> = order.clone();
        let mut polls = 0u32;
        while !todo.is_empty() {
            let names: Vec<&str> = todo.iter().map(String::as_str).collect();
            let plan = self.ttm.plan(&self.cache, &names, now())?;
            if let Some((_, error)) = plan.failed.into_iter().next() {
                return Err(Thrown::from(error));
            }
            got.extend(plan.fresh);
            self.run(plan.chunks, &mut got).await?;
            todo = plan.waiting.into_iter().map(|(t, _)| t).collect();
            if !todo.is_empty() {
                polls += 1;
                if polls > MAX_WAIT_POLLS {
                    return Err(Thrown::invalid_input(
                        "another call kept fetching the same user tenants for too long",
                    ));
                }
                sleep_ms(WAIT_POLL_MS).await;
            }
        }
        Ok(order
            .into_iter()
            .filter_map(|t| got.get(&t).cloned().map(|token| (t, token)))
            .collect())
    }

    /// Sends the chunks (one after the other) and their retries, storing every token.
    async fn run(
        &self,
        mut chunks: Vec<BatchChunk>,
        got: &mut HashMap<String, Arc<tokensmith::Token>>,
    ) -> Result<(), Thrown> {
        while let Some(chunk) = chunks.pop() {
            let sent_at = now();
            let response = send(&self.fetch, &chunk.request, Some(self.timeout_ms)).await;
            let done = self
                .ttm
                .complete_batch(&self.cache, chunk, response, sent_at, now());
            for (tenant, outcome) in done.results {
                got.insert(tenant, outcome.map_err(Thrown::from)?);
            }
            if !done.retry.is_empty() {
                sleep_ms(done.retry_delay_ms).await;
                chunks.extend(done.retry);
            }
        }
        Ok(())
    }

    async fn user_tenants(&self) -> Result<Vec<String>, Thrown> {
        let host = self.ttm.host_tenant().to_owned();
        let mut operator = self.tokens(vec![host]).await?;
        let (_, operator) = operator
            .pop()
            .ok_or_else(|| Thrown::invalid_input("no operator token"))?;
        let mut tenants = Vec::new();
        let mut page = Some(0);
        while let Some(number) = page {
            let request = self
                .ttm
                .user_tenants_request(number, &operator.access_token)?;
            let sent_at = now();
            let response = send(&self.fetch, &request, Some(self.timeout_ms)).await?;
            let parsed = self
                .ttm
                .parse_user_tenants_page(&response, number, sent_at)?;
            tenants.extend(parsed.tenants);
            page = parsed.next_page;
        }
        Ok(tenants)
    }
}

fn to_map(tokens: Vec<(String, Arc<tokensmith::Token>)>) -> Map {
    let map = Map::new();
    for (tenant, token) in tokens {
        map.set(
            &JsValue::from_str(&tenant),
            &Token::into_js((*token).clone()),
        );
    }
    map
}

/// `{base}/realms/{realm}/protocol/openid-connect/token` (trailing slashes of `base` dropped,
/// the realm percent-encoded as one path segment).
#[wasm_bindgen(js_name = keycloakTokenUrl)]
pub fn keycloak_token_url(base: &str, realm: &str) -> JsResult<String> {
    Ok(tokensmith::vendor::keycloak_token_url(base, realm)?)
}

#[wasm_bindgen(typescript_custom_section)]
const SDX_TS: &str = r#"
export interface SdxClientOptions {
  /** The SDx/TruView server; tokens come from `{baseUrl}/sdx/oauth/token`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Keep the user's password to sign in again when a refresh token is rejected (default
   * false: the rejection becomes an error with code `refresh_token_inactive`). */
  keepCredentials?: boolean;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}
"#;

/// HxGN SDx / TruView: a password grant for an application impersonating a user. A server
/// restart forgets every refresh token; with `keepCredentials` the client signs in again by
/// itself, otherwise it rejects with `refresh_token_inactive`, telling the user to regenerate
/// the tokens.
#[wasm_bindgen]
pub struct SdxClient {
    inner: Rc<SdxInner>,
}

struct SdxInner {
    endpoint: TokenEndpoint,
    keep_credentials: bool,
    cache: TokenCache,
    fetch: Function,
    timeout_ms: f64,
    /// The signed-in user's source: over the password grant when credentials are kept, else
    /// over the refresh token (no primary grant to fall back to).
    source: RefCell<Option<TokenSource>>,
}

#[wasm_bindgen]
impl SdxClient {
    /// See `SdxClientOptions`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SdxClientOptions")] options: JsValue,
    ) -> JsResult<SdxClient> {
        let required = |key: &str| {
            string_option(&options, key)?
                .ok_or_else(|| Thrown::invalid_input(format!("option {key} is required")))
        };
        let base = required("baseUrl")?;
        let endpoint = TokenEndpoint {
            url: format!(
                "{}{}",
                base.trim_end_matches('/'),
                tokensmith::vendor::SDX_TOKEN_PATH
            ),
            client_id: required("clientId")?,
            client_secret: Some(Secret::new(required("clientSecret")?)),
            auth: ClientAuthMethod::ClientSecretBasic,
        };
        let fetch = match property(&options, "fetch") {
            Some(f) => f,
            None => Reflect::get(&js_sys::global(), &"fetch".into()).unwrap_or(JsValue::UNDEFINED),
        };
        let fetch = fetch.dyn_into::<Function>().map_err(|_| {
            Thrown::invalid_input("option fetch must be a function (no global fetch found)")
        })?;
        Ok(SdxClient {
            inner: Rc::new(SdxInner {
                endpoint,
                keep_credentials: bool_option(&options, "keepCredentials")?.unwrap_or(false),
                cache: TokenCache::new(CacheConfig::default()),
                fetch,
                timeout_ms: number_option(&options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
                source: RefCell::new(None),
            }),
        })
    }

    /// Signs `username` in (RFC 6749 §4.3 password grant, the application impersonating the
    /// user). The password is kept only with `keepCredentials`.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<Token>")]
    pub fn sign_in(&self, username: String, password: String) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let token = inner.sign_in(username, password).await?;
            Ok(Token::into_js((*token).clone()))
        })
    }

    /// The current token, refreshed when it expires.
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn token(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move { Ok(Token::into_js((*inner.get(false).await?).clone())) })
    }

    /// A new token now, with the refresh token (RFC 6749 §6).
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn refresh(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move { Ok(Token::into_js((*inner.get(true).await?).clone())) })
    }
}

impl SdxInner {
    async fn sign_in(
        &self,
        username: String,
        password: String,
    ) -> Result<Arc<tokensmith::Token>, Thrown> {
        let grant = Grant::Password {
            username,
            password: Secret::new(password),
            scope: Vec::new(),
        };
        let parse = ParseOptions::default();
        if self.keep_credentials {
            let source = TokenSource::new(self.endpoint.clone(), grant, self.cache.clone(), parse)?;
            *self.source.borrow_mut() = Some(source);
            return self.get(false).await;
        }
        let request = self.endpoint.token_request(&grant)?;
        let sent_at = now();
        let response = send(&self.fetch, &request, Some(self.timeout_ms)).await?;
        let token = parse_token_response(&response, sent_at, &parse)?;
        let refresh_token = token.refresh_token.clone().ok_or_else(|| {
            Thrown::invalid_input("the server issued no refresh token to keep the session")
        })?;
        let source = TokenSource::new(
            self.endpoint.clone(),
            Grant::RefreshToken {
                refresh_token,
                scope: Vec::new(),
            },
            self.cache.clone(),
            parse,
        )?;
        let token = source.insert(token, now());
        *self.source.borrow_mut() = Some(source);
        Ok(token)
    }

    /// Core's begin/finish loop. Without kept credentials a refused refresh becomes the error
    /// that says to regenerate the tokens.
    async fn get(&self, force: bool) -> Result<Arc<tokensmith::Token>, Thrown> {
        let source = self
            .source
            .borrow()
            .clone()
            .ok_or_else(|| Thrown::invalid_input("sign in first"))?;
        let clear = |error: Arc<tokensmith::Error>| -> Thrown {
            match (self.keep_credentials, sdx_refresh_error(&error)) {
                (false, Some(clear)) => Thrown::from(clear),
                _ => Thrown::from(error),
            }
        };
        let mut polls = 0u32;
        let mut signed_in_again = false;
        loop {
            let mut fetch = match source.begin(now(), 0, force) {
                Step::Ready(token) | Step::ReadyAndRefresh(token, _) => return Ok(token),
                Step::Fail(error) => return Err(clear(error)),
                Step::Wait(_) => {
                    polls += 1;
                    if polls > MAX_WAIT_POLLS {
                        return Err(Thrown::invalid_input(
                            "another call kept refreshing too long",
                        ));
                    }
                    sleep_ms(WAIT_POLL_MS).await;
                    continue;
                }
                Step::Send(fetch) => fetch,
            };
            loop {
                let sent_at = now();
                let response = send(&self.fetch, &fetch.request, Some(self.timeout_ms)).await;
                match source.finish(fetch, response, sent_at, now()) {
                    // A refused refresh while the access token still looked valid (a forced
                    // refresh after a restart) ends the flight with the error; core has
                    // dropped the refresh token, so with kept credentials the next begin
                    // plans the password grant. Once: the password grant is never refused as
                    // a refresh is.
                    FinishStep::Done(Err(error))
                        if self.keep_credentials
                            && !signed_in_again
                            && sdx_refresh_error(&error).is_some() =>
                    {
                        signed_in_again = true;
                        break;
                    }
                    FinishStep::Done(outcome) => return outcome.map_err(clear),
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
    }
}

#[wasm_bindgen(typescript_custom_section)]
const KEYCLOAK_TS: &str = r#"
export interface KeycloakClientOptions {
  /** The Keycloak server (with its context path, e.g. `https://kc.example/auth`). */
  baseUrl: string;
  realm: string;
  clientId: string;
  clientSecret?: string;
  /** Ask for offline tokens (`offline_access` scope): refresh tokens that never expire. */
  offline?: boolean;
  /** Scopes besides `offline_access`: an array, or one space-delimited string. */
  scope?: string[] | string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}
"#;

/// One Keycloak realm's token endpoint: password sign-in (offline tokens on request) and
/// refresh, with Keycloak's "Token is not active" turned into `refresh_token_inactive`. Not
/// cached: for cached tokens use `TokenClient` with `keycloakTokenUrl(base, realm)`.
#[wasm_bindgen]
pub struct KeycloakClient {
    inner: Rc<KeycloakInner>,
}

struct KeycloakInner {
    endpoint: TokenEndpoint,
    scope: Vec<String>,
    fetch: Function,
    timeout_ms: f64,
}

#[wasm_bindgen]
impl KeycloakClient {
    /// See `KeycloakClientOptions`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "KeycloakClientOptions")] options: JsValue,
    ) -> JsResult<KeycloakClient> {
        let required = |key: &str| {
            string_option(&options, key)?
                .ok_or_else(|| Thrown::invalid_input(format!("option {key} is required")))
        };
        let client_secret = string_option(&options, "clientSecret")?.map(Secret::new);
        let auth = if client_secret.is_some() {
            ClientAuthMethod::ClientSecretBasic
        } else {
            ClientAuthMethod::None
        };
        let endpoint = TokenEndpoint {
            url: tokensmith::vendor::keycloak_token_url(
                &required("baseUrl")?,
                &required("realm")?,
            )?,
            client_id: required("clientId")?,
            client_secret,
            auth,
        };
        let mut scope = crate::convert::strings_option(&options, "scope")?.unwrap_or_default();
        if bool_option(&options, "offline")?.unwrap_or(false) {
            scope = tokensmith::vendor::with_offline_access(scope);
        }
        let fetch = match property(&options, "fetch") {
            Some(f) => f,
            None => Reflect::get(&js_sys::global(), &"fetch".into()).unwrap_or(JsValue::UNDEFINED),
        };
        let fetch = fetch.dyn_into::<Function>().map_err(|_| {
            Thrown::invalid_input("option fetch must be a function (no global fetch found)")
        })?;
        Ok(KeycloakClient {
            inner: Rc::new(KeycloakInner {
                endpoint,
                scope,
                fetch,
                timeout_ms: number_option(&options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
            }),
        })
    }

    /// The realm's token endpoint URL.
    #[wasm_bindgen(getter, js_name = tokenUrl)]
    pub fn token_url(&self) -> String {
        self.inner.endpoint.url.clone()
    }

    /// RFC 6749 §4.3 password grant with the client's scope.
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn password(&self, username: String, password: String) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let grant = Grant::Password {
                username,
                password: Secret::new(password),
                scope: inner.scope.clone(),
            };
            Ok(Token::into_js(
                inner.request(&grant).await.map_err(Thrown::from)?,
            ))
        })
    }

    /// RFC 6749 §6 refresh. A refresh token Keycloak no longer accepts rejects with code
    /// `refresh_token_inactive`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn refresh(&self, refresh_token: String) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let grant = Grant::RefreshToken {
                refresh_token: Secret::new(refresh_token),
                scope: Vec::new(),
            };
            let token = inner.request(&grant).await.map_err(|error| {
                tokensmith::vendor::keycloak_refresh_error(&error)
                    .map_or_else(|| Thrown::from(error), Thrown::from)
            })?;
            Ok(Token::into_js(token))
        })
    }
}

impl KeycloakInner {
    async fn request(&self, grant: &Grant) -> Result<tokensmith::Token, tokensmith::Error> {
        let request = self.endpoint.token_request(grant)?;
        let sent_at = now();
        let response = send(&self.fetch, &request, Some(self.timeout_ms)).await?;
        parse_token_response(&response, sent_at, &ParseOptions::default())
    }
}
