//! `TechnicalTokenManager`: core's TTM batch planner over `fetch`.

use super::{fetch_option, required, DEFAULT_TIMEOUT_MS, MAX_WAIT_POLLS, WAIT_POLL_MS};
use crate::convert::{now, number_option};
use crate::errors::{JsResult, Thrown};
use crate::http::{send, sleep_ms};
use crate::token::Token;
use js_sys::{Array, Function, Map, Promise};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use tokensmith::cache::{CacheConfig, TokenCache};
use tokensmith::vendor::{unique_tenants, BatchChunk, TechnicalTokenManager as CoreTtm};
use tokensmith::Secret;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

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
        let mut ttm = CoreTtm::new(
            &required(&options, "baseUrl")?,
            &required(&options, "clientId")?,
            Secret::new(required(&options, "clientSecret")?),
            &required(&options, "appName")?,
            &required(&options, "appVersion")?,
            &required(&options, "hostTenant")?,
        )?;
        if let Some(size) = number_option(&options, "batchSize")? {
            if size.fract() != 0.0 {
                return Err(Thrown::invalid_input("option batchSize must be an integer"));
            }
            // A non-negative integer; with_batch_size refuses anything outside 1..=5.
            ttm = ttm.with_batch_size(size as usize)?;
        }
        let fetch = fetch_option(&options)?;
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
    pub fn token(&self, #[wasm_bindgen(js_name = userTenant)] user_tenant: String) -> Promise {
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
    /// (duplicates once). Only missing or aging tokens are requested, in chunks of `batchSize`;
    /// aging ones are served at once and refreshed in the background.
    /// Rejects with the first tenant's error if any tenant gets none.
    #[wasm_bindgen(unchecked_return_type = "Promise<Map<string, Token>>")]
    pub fn tokens(
        &self,
        #[wasm_bindgen(js_name = userTenants)] user_tenants: Vec<String>,
    ) -> Promise {
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
        self: &Rc<Self>,
        user_tenants: Vec<String>,
    ) -> Result<Vec<(String, Arc<tokensmith::Token>)>, Thrown> {
        let order = unique_tenants(user_tenants);
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
            // Core's background chunks hold served (aging) tenants only: sent without waiting.
            if !plan.background.is_empty() {
                let me = Rc::clone(self);
                let background = plan.background;
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = me.run(background, &mut HashMap::new()).await;
                });
            }
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

    async fn user_tenants(self: &Rc<Self>) -> Result<Vec<String>, Thrown> {
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
