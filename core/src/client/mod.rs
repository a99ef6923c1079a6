//! A sans-IO token client: one primary grant at one token endpoint, cached by [`TokenCache`],
//! turned into HTTP requests and back. Both bindings drive it, so no binding re-implements a
//! rule (which grant to send, how to parse, when to retry).
//!
//! The loop a caller runs (what [`TokenSource::get_blocking`] does for threads):
//! 1. [`TokenSource::begin`] → a [`Step`]: a token ([`Step::Ready`]), a token plus a background
//!    refresh ([`Step::ReadyAndRefresh`]), a request to send ([`Step::Send`]), a fetch of another
//!    caller to wait for ([`Step::Wait`]; call `begin` again if it was abandoned), or an error.
//! 2. Send [`Fetch::request`], then hand the response (or the transport error) to
//!    [`TokenSource::finish`] → [`FinishStep::Done`], or [`FinishStep::RetryAfter`]: sleep, send
//!    the new fetch's request, finish again.
//!
//! `cache/blocking.rs` (`TokenCache::get_blocking`) is the same loop one level lower, for callers
//! that fetch tokens themselves; this module adds the HTTP layer on top of the cache's tickets.

mod blocking;
mod fetch;
mod secret_key;
mod source;
mod step;

pub use blocking::SourceIo;
pub use fetch::Fetch;
pub use source::TokenSource;
pub use step::{FinishStep, Step};

#[cfg(test)]
mod tests;
