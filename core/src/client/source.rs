//! [`TokenSource`]: the primary grant of one client at one endpoint, its cache key, and the
//! translation between the cache's tickets and HTTP requests and responses.

use super::fetch::Fetch;
use super::secret_key::secret_discriminator;
use super::step::{FinishStep, Step};
use crate::cache::{
    CacheKey, Completion, FetchPlan, Lookup, LookupOptions, Outcome, Ticket, TokenCache,
};
use crate::endpoint::TokenEndpoint;
use crate::error::{Error, Result};
use crate::grant::Grant;
use crate::http::HttpResponse;
use crate::response::{parse_token_response, ParseOptions};
use crate::time::UnixMillis;
use crate::token::Token;
use std::fmt;
use std::sync::Arc;

/// One cached token: `primary` sent to `endpoint`, kept in `cache` under the key
/// [`CacheKey::for_grant`] gives (for a password or refresh-token grant, plus a discriminator
/// derived from the password or the refresh token, see `secret_key.rs`). Several sources may
/// share one cache (a client with one source per user or scope); they never share keys unless
/// their grants are the same.
#[derive(Clone)]
pub struct TokenSource {
    endpoint: TokenEndpoint,
    primary: Grant,
    cache: TokenCache,
    key: CacheKey,
    parse: ParseOptions,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The endpoint's and the grant's own Debug redact their secrets.
        f.debug_struct("TokenSource")
            .field("endpoint", &self.endpoint)
            .field("primary", &self.primary)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// Refuses parse options that could never produce a usable token.
    pub fn new(
        endpoint: TokenEndpoint,
        primary: Grant,
        cache: TokenCache,
        parse: ParseOptions,
    ) -> Result<Self> {
        parse.validate()?;
        let mut builder = CacheKey::builder_for_grant(&endpoint, &primary);
        match &primary {
            Grant::Password { password, .. } => {
                builder = builder.discriminator(Some(&secret_discriminator(password)));
            }
            Grant::RefreshToken { refresh_token, .. } => {
                builder = builder.discriminator(Some(&secret_discriminator(refresh_token)));
            }
            _ => {}
        }
        let key = builder.build();
        Ok(TokenSource {
            endpoint,
            primary,
            cache,
            key,
            parse,
        })
    }

    pub fn key(&self) -> &CacheKey {
        &self.key
    }
    pub fn cache(&self) -> &TokenCache {
        &self.cache
    }
    pub fn endpoint(&self) -> &TokenEndpoint {
        &self.endpoint
    }
    pub fn parse_options(&self) -> &ParseOptions {
        &self.parse
    }

    /// Looks the token up at `now`. `min_ttl_ms` is the validity the caller needs beyond the
    /// cache's skew; `force` asks for a new token even if the cached one is fresh (it joins a
    /// fetch in flight and does not override a backoff).
    pub fn begin(&self, now: UnixMillis, min_ttl_ms: i64, force: bool) -> Step {
        let options = LookupOptions {
            min_ttl_ms: min_ttl_ms.max(0),
            force,
            ..LookupOptions::for_grant(&self.primary)
        };
        match self.cache.lookup(&self.key, now, options) {
            Lookup::Fresh(token) => Step::Ready(token),
            Lookup::Stale(token, ticket) => match self.fetch_for(ticket, now) {
                Ok(fetch) => Step::ReadyAndRefresh(token, fetch),
                // The refresh could not even be built; the cache recorded the failure and the
                // token is still valid.
                Err(_) => Step::Ready(token),
            },
            Lookup::Fetch(ticket) => match self.fetch_for(ticket, now) {
                Ok(fetch) => Step::Send(fetch),
                Err(Ok(token)) => Step::Ready(token),
                Err(Err(error)) => Step::Fail(error),
            },
            Lookup::Wait(handle) => Step::Wait(handle),
            Lookup::Backoff { error, .. } | Lookup::Failed(error) => Step::Fail(error),
        }
    }

    /// Hands in what the server answered to `fetch.request` (or the transport's error).
    /// `sent_at` is when the request was sent: RFC 6749 §5.1 `expires_in` counts from the
    /// response, and counting from the send is the safe side of that.
    pub fn finish(
        &self,
        fetch: Fetch,
        response: Result<HttpResponse>,
        sent_at: UnixMillis,
        now: UnixMillis,
    ) -> FinishStep {
        let mut result = response
            .and_then(|resp| parse_token_response(&resp, sent_at, &self.parse))
            .and_then(understood_token_type);
        if let (Ok(token), FetchPlan::Primary) = (&mut result, fetch.ticket.plan()) {
            // RFC 6749 §5.1: an answer omits `scope` when it is the one requested, so the
            // token's scope is the request's. (A refresh's is the scope of the token it renews,
            // which the cache knows: `Engine::succeed`.)
            let requested = self.primary.requested_scope();
            if token.scope.is_none() && !requested.is_empty() {
                token.scope = Some(requested.to_vec());
            }
        }
        match self.cache.complete(fetch.ticket, result, now) {
            Completion::Done(outcome) => FinishStep::Done(outcome),
            Completion::Retry { ticket, delay_ms } => match self.fetch_for(*ticket, now) {
                Ok(fetch) => FinishStep::RetryAfter { fetch, delay_ms },
                Err(outcome) => FinishStep::Done(outcome),
            },
        }
    }

    /// Builds the request of the ticket's plan. A request that cannot be built (bad URL, missing
    /// secret) is completed as a failure at once; the cache decides what follows, so an error
    /// here ends like any other failed fetch.
    fn fetch_for(
        &self,
        mut ticket: Ticket,
        now: UnixMillis,
    ) -> std::result::Result<Fetch, Outcome> {
        loop {
            match self.request_for(ticket.plan()) {
                Ok(request) => return Ok(Fetch { ticket, request }),
                Err(error) => match self.cache.complete(ticket, Err(error), now) {
                    Completion::Done(outcome) => return Err(outcome),
                    // Building is deterministic: a retry's delay is for the server, which was
                    // never asked; the next plan (e.g. the primary grant after a refresh) may
                    // build.
                    Completion::Retry { ticket: next, .. } => ticket = *next,
                },
            }
        }
    }

    /// The token request of a plan: the primary grant, or RFC 6749 §6 refresh with no `scope`
    /// ("treated as equal to the scope originally granted").
    fn request_for(&self, plan: &FetchPlan) -> Result<crate::http::HttpRequest> {
        match plan {
            FetchPlan::Primary => self.endpoint.token_request(&self.primary),
            FetchPlan::Refresh(refresh_token) => {
                self.endpoint.token_request(&Grant::RefreshToken {
                    refresh_token: refresh_token.clone(),
                    scope: Vec::new(),
                })
            }
        }
    }

    /// Stores a token obtained elsewhere (import, another flow) under this source's key.
    pub fn insert(&self, token: Token, now: UnixMillis) -> Arc<Token> {
        self.cache.insert(&self.key, token, now)
    }

    /// Forgets this source's token. True if there was one.
    pub fn invalidate(&self) -> bool {
        self.cache.invalidate(&self.key)
    }
}

/// Longest `token_type` quoted in an error message, in characters.
const MAX_TOKEN_TYPE_IN_MESSAGE: usize = 32;

/// RFC 6749 §7.1: "The client MUST NOT use an access token if it does not understand the token
/// type." A source hands its tokens out for `Authorization: <type> <token>`, and the one type
/// that works that way is Bearer (RFC 6750; the parser has normalised its case). DPoP (RFC 9449)
/// needs a proof with every request, `N_A` (RFC 8693 §2.2.1) is not meant for requests, and MAC
/// was never standardised. The response parser itself keeps any type, for callers that handle
/// other types on their own.
fn understood_token_type(token: Token) -> Result<Token> {
    if token.token_type == "Bearer" {
        return Ok(token);
    }
    // A token_type is an RFC 9110 token (checked by the parser): printable, never a secret.
    // Quoted by `quoted`, not `{:?}`: the same text for a token, without linking `str`'s `Debug`.
    let shown: String = token
        .token_type
        .chars()
        .take(MAX_TOKEN_TYPE_IN_MESSAGE)
        .collect();
    Err(Error::InvalidTokenResponse(format!(
        "token_type {} is not supported, only Bearer tokens can be used (RFC 6749 §7.1)",
        crate::quoted::quoted(&shown)
    )))
}
