//! A blocking driver of the state machine for native Rust callers (threads).
//!
//! It is the reference loop the bindings follow: look up, fetch with the ticket's plan, complete,
//! sleep and retry when told, wait when someone else fetches.

use super::engine::{Completion, Lookup, LookupOptions};
use super::key::CacheKey;
use super::plan::FetchPlan;
use super::single_flight::{Outcome, Settled, Ticket};
use super::TokenCache;
use crate::error::Result;
use crate::time::UnixMillis;
use crate::token::Token;
use std::sync::Arc;

/// The I/O a blocking caller supplies: a clock, a sleep, and the token request itself.
pub trait BlockingIo {
    fn now(&self) -> UnixMillis;
    fn sleep_ms(&self, ms: i64);
    /// Performs the token request the plan describes.
    fn fetch(&self, key: &CacheKey, plan: &FetchPlan) -> Result<Token>;
}

impl TokenCache {
    /// Returns a token for `key`, fetching through `io` when needed. Coalesces with other
    /// threads; a stale token is refreshed on the calling thread and, if that refresh fails, the
    /// still-valid token is returned.
    pub fn get_blocking(
        &self,
        key: &CacheKey,
        options: LookupOptions,
        io: &dyn BlockingIo,
    ) -> Outcome {
        loop {
            match self.lookup(key, io.now(), options) {
                Lookup::Fresh(token) => return Ok(token),
                Lookup::Stale(token, ticket) => {
                    return Ok(self.run_ticket(ticket, io).unwrap_or(token));
                }
                Lookup::Fetch(ticket) => return self.run_ticket(ticket, io),
                Lookup::Wait(handle) => match handle.wait() {
                    Settled::Done(outcome) => return outcome,
                    // The fetcher gave up; take part in the next round.
                    Settled::Abandoned => continue,
                },
                Lookup::Backoff { error, .. } | Lookup::Failed(error) => return Err(error),
            }
        }
    }

    fn run_ticket(&self, mut ticket: Ticket, io: &dyn BlockingIo) -> Outcome {
        loop {
            let result = io.fetch(ticket.key(), ticket.plan());
            match self.complete(ticket, result, io.now()) {
                Completion::Done(outcome) => return outcome,
                Completion::Retry {
                    ticket: next,
                    delay_ms,
                } => {
                    io.sleep_ms(delay_ms);
                    ticket = *next;
                }
            }
        }
    }
}

/// Convenience: the token of a successful outcome.
pub fn token_of(outcome: &Outcome) -> Option<&Arc<Token>> {
    outcome.as_ref().ok()
}
