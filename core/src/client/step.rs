//! What [`TokenSource`](super::TokenSource) tells its caller to do next.

use super::fetch::Fetch;
use crate::cache::{Outcome, SharedError, WaitHandle};
use crate::token::Token;
use std::sync::Arc;

/// The answer of [`TokenSource::begin`](super::TokenSource::begin).
#[derive(Debug)]
pub enum Step {
    /// Use this token.
    Ready(Arc<Token>),
    /// Use this token now, and send the fetch's request in the background
    /// (stale-while-revalidate); its failure does not concern the caller that got the token.
    ReadyAndRefresh(Arc<Token>, Fetch),
    /// No usable token: send the request, then call `finish`.
    Send(Fetch),
    /// Another caller is fetching: wait on the handle. On `Settled::Abandoned`, call `begin`
    /// again.
    Wait(WaitHandle),
    /// No token can be had now: the key is backing off after this error (RFC 9110 §10.2.3
    /// `Retry-After` included), or its refresh token is dead and it has no primary grant.
    /// Callers that prefer to wait out a backoff can look at `error.retry_after()`; the source
    /// itself never sleeps.
    Fail(SharedError),
}

/// The answer of [`TokenSource::finish`](super::TokenSource::finish).
#[derive(Debug)]
pub enum FinishStep {
    /// The flight is over; every waiter received this outcome.
    Done(Outcome),
    /// Sleep `delay_ms`, then send this fetch's request (same flight; its grant may differ,
    /// e.g. the primary grant after a rejected refresh token) and `finish` it.
    RetryAfter { fetch: Fetch, delay_ms: i64 },
}
