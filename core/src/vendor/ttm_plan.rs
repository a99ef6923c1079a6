//! Planning Technical Token Manager calls over the [`TokenCache`]: which user tenants already
//! have a usable token, which must be requested, in chunks of at most the batch size; then
//! storing what a chunk's call returned, one cache entry per (host tenant, user tenant).
//!
//! Sans-IO: [`TechnicalTokenManager::plan`] looks every tenant up at `now` and takes the cache's
//! single-flight ticket for each missing or aging one; the caller sends each
//! [`BatchChunk::request`] and hands the answer to [`TechnicalTokenManager::complete_batch`].
//! A chunk of one tenant uses the single-token call, larger ones `oauthTokens`.

use super::ttm::TechnicalTokenManager;
use super::ttm_parse::{batch_token, batch_tokens};
use crate::cache::{
    Completion, Lookup, LookupOptions, Outcome, SharedError, Ticket, TokenCache, WaitHandle,
};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::time::UnixMillis;
use crate::token::Token;
use std::fmt;
use std::sync::Arc;

/// What [`TechnicalTokenManager::plan`] found.
#[derive(Debug, Default)]
pub struct BatchPlan {
    /// Tenants with a usable token now (fresh, or aging and also being refreshed in `chunks`).
    pub fresh: Vec<(String, Arc<Token>)>,
    /// Calls to send before the caller has every token; each covers at most `batch_size`
    /// tenants.
    pub chunks: Vec<BatchChunk>,
    /// Calls whose tenants all have a token in `fresh` already (aging ones): send them without
    /// making the caller wait, stale-while-revalidate as `TokenSource` does for one token. A
    /// failed background call concerns no caller: the cache records it, and the served tokens
    /// stay valid until they expire.
    pub background: Vec<BatchChunk>,
    /// Tenants another caller is fetching right now.
    pub waiting: Vec<(String, WaitHandle)>,
    /// Tenants backing off after a failure (their last error).
    pub failed: Vec<(String, SharedError)>,
}

impl BatchPlan {
    /// True when every requested tenant already has a token: no call to send.
    pub fn is_complete(&self) -> bool {
        self.chunks.is_empty()
            && self.waiting.is_empty()
            && self.failed.is_empty()
            && self.background.is_empty()
    }
}

/// One call to send: the tickets of its tenants and the request built for them. Dropping it
/// without [`TechnicalTokenManager::complete_batch`] releases the tenants' keys.
pub struct BatchChunk {
    tickets: Vec<(String, Ticket)>,
    /// Carries the `X-SPACE-AUTH-KEY` credential: send it, never log it (use `redacted()`).
    pub request: HttpRequest,
}

impl BatchChunk {
    /// The user tenants this call asks for, in request order.
    pub fn tenants(&self) -> Vec<&str> {
        self.tickets.iter().map(|(t, _)| t.as_str()).collect()
    }
    /// Whether the single-token call is used (a chunk of one tenant).
    pub fn is_single(&self) -> bool {
        self.tickets.len() == 1
    }
}

impl fmt::Debug for BatchChunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchChunk")
            .field("tenants", &self.tenants())
            .field("request", &self.request.redacted())
            .finish()
    }
}

/// `user_tenants` with each name once, in the order given: the order a caller's answer lists
/// them in ([`TechnicalTokenManager::plan`] skips repeats the same way).
pub fn unique_tenants(user_tenants: Vec<String>) -> Vec<String> {
    let first = crate::sort::first_occurrences(&user_tenants);
    // A loop, not zip/filter_map/collect: the same work in less wasm (issue 6).
    let mut unique = Vec::with_capacity(user_tenants.len());
    for (tenant, first) in user_tenants.into_iter().zip(first) {
        if first {
            unique.push(tenant);
        }
    }
    unique
}

/// The tenant names of `tickets`, in order.
fn tenant_names(tickets: &[(String, Ticket)]) -> Vec<String> {
    let mut names = Vec::with_capacity(tickets.len());
    for (tenant, _) in tickets {
        names.push(tenant.clone());
    }
    names
}

/// What [`TechnicalTokenManager::complete_batch`] stored.
#[derive(Debug, Default)]
pub struct BatchCompletion {
    /// Each tenant of the chunk with its outcome (the token, or why there is none).
    pub results: Vec<(String, Outcome)>,
    /// Tenants the cache wants retried (a retryable failure), already chunked; send them after
    /// `retry_delay_ms`.
    pub retry: Vec<BatchChunk>,
    pub retry_delay_ms: i64,
}

impl TechnicalTokenManager {
    /// Looks every tenant up in `cache` at `now` (duplicates once, order kept) and plans the
    /// calls for the missing, expired and aging ones.
    pub fn plan(
        &self,
        cache: &TokenCache,
        user_tenants: &[&str],
        now: UnixMillis,
    ) -> Result<BatchPlan> {
        let mut plan = BatchPlan::default();
        let mut to_fetch: Vec<(String, Ticket)> = Vec::new();
        let first = crate::sort::first_occurrences(user_tenants);
        for (tenant, first) in user_tenants.iter().zip(first) {
            if tenant.is_empty() {
                return Err(Error::InvalidInput("a user tenant name is empty".into()));
            }
            if !first {
                continue;
            }
            let key = self.cache_key(tenant);
            // TTM can always be asked again (no refresh token, no user): primary available.
            match cache.lookup(&key, now, LookupOptions::default()) {
                Lookup::Fresh(token) => plan.fresh.push((tenant.to_string(), token)),
                Lookup::Stale(token, ticket) => {
                    plan.fresh.push((tenant.to_string(), token));
                    to_fetch.push((tenant.to_string(), ticket));
                }
                Lookup::Fetch(ticket) => to_fetch.push((tenant.to_string(), ticket)),
                Lookup::Wait(handle) => plan.waiting.push((tenant.to_string(), handle)),
                Lookup::Backoff { error, .. } | Lookup::Failed(error) => {
                    plan.failed.push((tenant.to_string(), error))
                }
            }
        }
        // An aging tenant shares a chunk with missing ones when they fit in one call (one call
        // instead of two); such a chunk is awaited, only all-served chunks go to the background.
        // A loop, not `partition` over `tenants()`: the same work in less wasm (issue 6).
        for chunk in self.chunk(to_fetch, cache, now) {
            let all_served = chunk
                .tickets
                .iter()
                .all(|(t, _)| plan.fresh.iter().any(|(f, _)| f == t));
            if all_served {
                plan.background.push(chunk);
            } else {
                plan.chunks.push(chunk);
            }
        }
        Ok(plan)
    }

    /// Stores what the server answered to `chunk.request` (or the transport's error), sent at
    /// `sent_at`: one cache entry per tenant. A tenant missing from a batch answer fails alone.
    pub fn complete_batch(
        &self,
        cache: &TokenCache,
        chunk: BatchChunk,
        response: Result<HttpResponse>,
        sent_at: UnixMillis,
        now: UnixMillis,
    ) -> BatchCompletion {
        let single = chunk.is_single();
        // An error of the whole call is every tenant's: one error, shared.
        let response = response.map_err(Arc::new);
        // A batch answer is read once, for all its tenants; each tenant's token is parsed and
        // handed to the cache as it is found (no list of outcomes built first).
        let mut batch = match &response {
            Ok(resp) if !single => {
                let tenants = tenant_names(&chunk.tickets);
                batch_tokens(resp, &tenants, sent_at, self.parse_options().max_body_bytes)
                    .map_err(Arc::new)
            }
            _ => Ok(Vec::new()),
        };
        let mut done = BatchCompletion::default();
        let mut retry: Vec<(String, Ticket)> = Vec::new();
        for (tenant, ticket) in chunk.tickets {
            let result = match (&response, &mut batch) {
                (Err(error), _) => Err(Arc::clone(error)),
                (Ok(resp), _) if single => self.parse_token(resp, sent_at).map_err(Arc::new),
                (Ok(_), Err(error)) => Err(Arc::clone(error)),
                (Ok(_), Ok(found)) => match found.iter().position(|(t, _)| *t == tenant) {
                    Some(i) => batch_token(found.swap_remove(i).1, sent_at, self.parse_options())
                        .map_err(Arc::new),
                    None => Err(Arc::new(Error::InvalidTokenResponse(
                        "the oauthTokens answer has no token for a requested user tenant".into(),
                    ))),
                },
            };
            match cache.complete_shared(ticket, result, now) {
                Completion::Done(outcome) => done.results.push((tenant, outcome)),
                Completion::Retry { ticket, delay_ms } => {
                    done.retry_delay_ms = done.retry_delay_ms.max(delay_ms);
                    retry.push((tenant, *ticket));
                }
            }
        }
        done.retry = self.chunk(retry, cache, now);
        done
    }

    /// Splits tickets into calls of at most `batch_size` tenants. A request that cannot be built
    /// completes its tickets with the error (the cache records it; no call is sent).
    fn chunk(
        &self,
        tickets: Vec<(String, Ticket)>,
        cache: &TokenCache,
        now: UnixMillis,
    ) -> Vec<BatchChunk> {
        // Groups of `batch_size` in order, each made a chunk once full (or last), in a loop: no
        // list of groups built first, no peekable/take/collect chain (issue 6's size budget).
        let size = self.batch_size().max(1);
        let mut chunks = Vec::new();
        let mut group = Vec::new();
        let count = tickets.len();
        for (i, ticket) in tickets.into_iter().enumerate() {
            group.push(ticket);
            if group.len() < size && i + 1 < count {
                continue;
            }
            let group = std::mem::take(&mut group);
            let tenants = tenant_names(&group);
            let request = match tenants.as_slice() {
                [one] => self.token_request(one),
                _ => self.batch_request(&tenants),
            };
            match request {
                Ok(request) => chunks.push(BatchChunk {
                    tickets: group,
                    request,
                }),
                Err(error) => {
                    let error = Arc::new(error);
                    for (_, ticket) in group {
                        // Building is deterministic, so a retry would fail the same way; the
                        // completion's outcome reaches any waiter.
                        let _ = cache.complete_shared(ticket, Err(Arc::clone(&error)), now);
                    }
                }
            }
        }
        chunks
    }
}
