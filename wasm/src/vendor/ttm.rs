//! The engine of the JS `TechnicalTokenManager`: core's TTM batch planner as steps.

use super::{step, Call, VendorCall, DONE, MAX_WAIT_POLLS, SEND, SLEEP, SPAWN, WAIT_POLL_MS};
use crate::client::stats_array;
use crate::convert::{now, string_array, string_list};
use crate::errors::{JsResult, Thrown};
use crate::exchange::{request_to_js, response_from_js};
use crate::token::Token;
use js_sys::Array;
use std::rc::Rc;
use std::sync::Arc;
use tokensmith::cache::{CacheConfig, Settled, TokenCache, WaitHandle};
use tokensmith::vendor::{unique_tenants, BatchChunk, TechnicalTokenManager as CoreTtm};
use tokensmith::{Secret, UnixMillis};
use wasm_bindgen::prelude::*;

/// One manager: core's TTM client and its token cache, shared with the calls in flight.
#[wasm_bindgen(js_name = "__TtmEngine", skip_typescript)]
pub struct TtmEngine {
    shared: Rc<Shared>,
}

struct Shared {
    ttm: CoreTtm,
    cache: TokenCache,
}

#[wasm_bindgen(js_class = "__TtmEngine")]
impl TtmEngine {
    /// Core checks the arguments (`TechnicalTokenManager::new`, `with_batch_size`).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        base_url: &str,
        client_id: &str,
        client_secret: String,
        app_name: &str,
        app_version: &str,
        host_tenant: &str,
        batch_size: Option<f64>,
    ) -> JsResult<TtmEngine> {
        let mut ttm = CoreTtm::new(
            base_url,
            client_id,
            Secret::new(client_secret),
            app_name,
            app_version,
            host_tenant,
        )?;
        if let Some(size) = batch_size {
            if size.fract() != 0.0 {
                return Err(Thrown::invalid_input("option batchSize must be an integer"));
            }
            // A non-negative integer (checked in JS); with_batch_size refuses anything outside
            // 1..=5, and `as` saturates a huge one to usize::MAX, refused as well.
            ttm = ttm.with_batch_size(size as usize)?;
        }
        Ok(TtmEngine {
            shared: Rc::new(Shared {
                ttm,
                cache: TokenCache::new(CacheConfig::default()),
            }),
        })
    }

    /// Tenants per `oauthTokens` call (core's default 5 unless `batchSize` was given).
    #[wasm_bindgen(js_name = batchSize)]
    pub fn batch_size(&self) -> u32 {
        // 1 to 5 (`with_batch_size`).
        self.shared.ttm.batch_size() as u32
    }

    /// The cache's counters (see [`stats_array`]).
    #[wasm_bindgen(js_name = cacheStats)]
    pub fn cache_stats(&self) -> Array {
        stats_array(&self.shared.cache)
    }

    /// Forgets every cached token.
    #[wasm_bindgen(js_name = clearCache)]
    pub fn clear_cache(&self) {
        self.shared.cache.clear();
    }

    /// The token of one user tenant; the call ends with a `Token`.
    pub fn token(&self, user_tenant: String) -> VendorCall {
        TtmCall::tokens(&self.shared, Goal::One, vec![user_tenant])
    }

    /// Tokens of many user tenants (JSON text of their names, see [`string_list`]); the call
    /// ends with a `Map` in the given order (duplicates once).
    pub fn tokens(&self, user_tenants: &str) -> VendorCall {
        TtmCall::tokens(&self.shared, Goal::Many, string_list(user_tenants))
    }

    /// The operator token, then every page of user tenants; the call ends with a `string[]`.
    #[wasm_bindgen(js_name = userTenants)]
    pub fn user_tenants(&self) -> VendorCall {
        TtmCall::listing(&self.shared, Goal::Listing)
    }

    /// The listing, then the tokens of every listed tenant; the call ends with a `Map`.
    #[wasm_bindgen(js_name = allTokens)]
    pub fn all_tokens(&self) -> VendorCall {
        TtmCall::listing(&self.shared, Goal::All)
    }
}

/// What a call answers with once its tokens are in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// The first tenant's `Token`.
    One,
    /// A `Map` of every tenant's token.
    Many,
    /// The listed tenants.
    Listing,
    /// The listing, then a `Map` of the listed tenants' tokens.
    All,
    /// Nothing: background chunks of tenants whose callers were already served.
    Background,
}

/// Where a call is besides its tokens round.
enum Stage {
    /// Getting tokens for `order`.
    Tokens,
    /// Getting the host tenant's own token, the operator token `userTenants` requires, then
    /// asking for this page (0, or the page whose request the operator token was refused for).
    Operator(u32),
    /// Asking for this page of user tenants with the operator token.
    Page(u32, Arc<tokensmith::Token>),
    /// Every page read.
    Listed,
}

/// What the last `SEND` step carried, waiting for its reply.
enum Sent {
    Chunk(BatchChunk),
    Page(u32, Arc<tokensmith::Token>),
}

/// One public call as steps: plan over the cache, send the chunks one after the other (their
/// retries after core's delay), poll the fetches other calls make for tenants they are getting,
/// and for the listing read every page. Dropping it (the driver frees it when the call ends,
/// error or not) releases the tenants of every chunk not yet answered, so no key stays taken.
pub struct TtmCall {
    shared: Rc<Shared>,
    goal: Goal,
    stage: Stage,
    /// The tenants of the answer, each once, in the caller's order.
    order: Vec<String>,
    /// Tokens got so far, in arrival order; a later one for a tenant replaces an earlier one
    /// (an aging token the plan served, then its refresh in an awaited chunk). A list, not a
    /// hash map: the answer's `Map` does the lookups, and the module links no Rust hash map
    /// for it (issue 6's size budget).
    got: Vec<(String, Arc<tokensmith::Token>)>,
    /// Tenants to plan now.
    todo: Vec<String>,
    /// Tenants another call is fetching, with the handle of that fetch.
    waiting: Vec<(String, WaitHandle)>,
    /// Chunks to send, last first (as core's retries are appended).
    chunks: Vec<BatchChunk>,
    sent: Option<(Sent, UnixMillis)>,
    /// Listed user tenants.
    listed: Vec<String>,
    /// Polls of this tokens round (see [`MAX_WAIT_POLLS`]).
    polls: u32,
    /// A new operator token was got after a page refused the first one: core's
    /// `read_user_tenants_page` renews it once per listing.
    renewed: bool,
}

impl TtmCall {
    fn new(shared: &Rc<Shared>, goal: Goal, stage: Stage, order: Vec<String>) -> TtmCall {
        TtmCall {
            shared: Rc::clone(shared),
            goal,
            stage,
            todo: order.clone(),
            order,
            got: Vec::new(),
            waiting: Vec::new(),
            chunks: Vec::new(),
            sent: None,
            listed: Vec::new(),
            polls: 0,
            renewed: false,
        }
    }

    fn tokens(shared: &Rc<Shared>, goal: Goal, user_tenants: Vec<String>) -> VendorCall {
        VendorCall(Call::Ttm(TtmCall::new(
            shared,
            goal,
            Stage::Tokens,
            unique_tenants(user_tenants),
        )))
    }

    fn listing(shared: &Rc<Shared>, goal: Goal) -> VendorCall {
        let host = shared.ttm.host_tenant().to_owned();
        VendorCall(Call::Ttm(TtmCall::new(
            shared,
            goal,
            Stage::Operator(0),
            vec![host],
        )))
    }

    /// Plan the next round or move to the next stage.
    fn advance(&mut self) -> JsResult<Array> {
        loop {
            if let Some(chunk) = self.chunks.pop() {
                let request = request_to_js(&chunk.request);
                self.sent = Some((Sent::Chunk(chunk), now()));
                return Ok(step(SEND, &request));
            }
            if !self.todo.is_empty() {
                let todo = std::mem::take(&mut self.todo);
                let names: Vec<&str> = todo.iter().map(String::as_str).collect();
                let plan = self.shared.ttm.plan(&self.shared.cache, &names, now())?;
                if let Some((_, error)) = plan.failed.first() {
                    return Err(Thrown::from(Arc::clone(error)));
                }
                self.got.extend(plan.fresh);
                self.chunks = plan.chunks;
                self.waiting.extend(plan.waiting);
                // Core's background chunks hold served (aging) tenants only: sent without
                // making this caller wait.
                if !plan.background.is_empty() {
                    let mut background =
                        TtmCall::new(&self.shared, Goal::Background, Stage::Tokens, Vec::new());
                    background.chunks = plan.background;
                    return Ok(step(SPAWN, &VendorCall(Call::Ttm(background)).into()));
                }
                continue;
            }
            if !self.waiting.is_empty() {
                // Another call is fetching these tenants: its outcome is ours, as the cache's
                // single flight has it (core's `WaitHandle::try_result`, the event loop's way of
                // waiting); a fetch that was given up is planned again.
                let mut pending = Vec::new();
                for (tenant, handle) in std::mem::take(&mut self.waiting) {
                    match handle.try_result() {
                        Some(Settled::Done(Ok(token))) => {
                            self.got.push((tenant, token));
                        }
                        Some(Settled::Done(Err(error))) => return Err(Thrown::from(error)),
                        Some(Settled::Abandoned) => self.todo.push(tenant),
                        None => pending.push((tenant, handle)),
                    }
                }
                self.waiting = pending;
                if self.todo.is_empty() && !self.waiting.is_empty() {
                    self.polls += 1;
                    if self.polls > MAX_WAIT_POLLS {
                        return Err(Thrown::invalid_input(
                            "another call kept fetching the same user tenants for too long",
                        ));
                    }
                    return Ok(step(SLEEP, &WAIT_POLL_MS.into()));
                }
                continue;
            }
            // Every tenant of the round has its token.
            match std::mem::replace(&mut self.stage, Stage::Listed) {
                Stage::Operator(page) => {
                    let operator = self
                        .latest(self.shared.ttm.host_tenant())
                        .ok_or_else(|| Thrown::invalid_input("no operator token"))?;
                    self.stage = Stage::Page(page, Arc::clone(operator));
                }
                Stage::Page(number, operator) => {
                    let request = self
                        .shared
                        .ttm
                        .user_tenants_request(number, &operator.access_token)?;
                    self.sent = Some((Sent::Page(number, operator), now()));
                    return Ok(step(SEND, &request_to_js(&request)));
                }
                Stage::Listed if self.goal == Goal::All => {
                    self.order = unique_tenants(std::mem::take(&mut self.listed));
                    self.todo = self.order.clone();
                    self.got.clear();
                    self.polls = 0;
                    self.stage = Stage::Tokens;
                }
                Stage::Listed => {
                    return Ok(step(DONE, &string_array(&self.listed)));
                }
                Stage::Tokens => return self.answer(),
            }
        }
    }

    /// The latest token got for `tenant`.
    fn latest(&self, tenant: &str) -> Option<&Arc<tokensmith::Token>> {
        self.got
            .iter()
            .rev()
            .find(|(t, _)| t == tenant)
            .map(|(_, token)| token)
    }

    /// The call's result once every tenant has its token.
    fn answer(&mut self) -> JsResult<Array> {
        let value = match self.goal {
            Goal::One => {
                let token = self
                    .order
                    .first()
                    .and_then(|t| self.latest(t))
                    .ok_or_else(|| Thrown::invalid_input("no token for the user tenant"))?;
                Token::shared_js(Arc::clone(token))
            }
            Goal::Background => JsValue::UNDEFINED,
            Goal::Many | Goal::Listing | Goal::All => {
                // `[order, got]`: the caller's tenants, and every token got as `[tenant, token,
                // …]` in arrival order; `tokenMap` in `wasm/js/vendor.js` makes the `Map` of them
                // (a pure conversion: no js-sys `Map` imports linked for it).
                let got = Array::new();
                for (tenant, token) in &self.got {
                    got.push(&JsValue::from_str(tenant));
                    got.push(&Token::shared_js(Arc::clone(token)));
                }
                Array::of3(&string_array(&self.order), &got, &JsValue::UNDEFINED).into()
            }
        };
        Ok(step(DONE, &value))
    }
}

impl TtmCall {
    /// The next step, given what the last sent request got (`undefined` after other steps).
    pub(crate) fn next(&mut self, reply: JsValue) -> JsResult<Array> {
        if let Some((sent, sent_at)) = self.sent.take() {
            let response = response_from_js(&reply);
            match sent {
                Sent::Chunk(chunk) => {
                    let shared = &self.shared;
                    let done =
                        shared
                            .ttm
                            .complete_batch(&shared.cache, chunk, response, sent_at, now());
                    for (tenant, outcome) in done.results {
                        self.got.push((tenant, outcome.map_err(Thrown::from)?));
                    }
                    if !done.retry.is_empty() {
                        self.chunks.extend(done.retry);
                        // Milliseconds as f64: exact below 2^53.
                        return Ok(step(SLEEP, &(done.retry_delay_ms as f64).into()));
                    }
                }
                Sent::Page(number, operator) => {
                    let shared = &self.shared;
                    match shared.ttm.read_user_tenants_page(
                        &shared.cache,
                        &response?,
                        number,
                        &operator.access_token,
                        self.renewed,
                        sent_at,
                    )? {
                        Some(page) => {
                            self.listed.extend(page.tenants);
                            self.stage = match page.next_page {
                                Some(next) => Stage::Page(next, operator),
                                None => Stage::Listed,
                            };
                        }
                        // The operator token was refused and core forgot it: a tokens round
                        // for the host tenant gets a new one, then this page is sent again.
                        None => {
                            self.renewed = true;
                            self.todo = vec![shared.ttm.host_tenant().to_owned()];
                            self.polls = 0;
                            self.stage = Stage::Operator(number);
                        }
                    }
                }
            }
        }
        self.advance()
    }
}
