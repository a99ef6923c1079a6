//! The blocking driver of [`TokenSource`] for threads: the loop of the module docs, with the
//! I/O supplied by the caller. The Python binding implements [`SourceIo`] (its transport is a
//! Python callable; it waits with the GIL released), native Rust callers their HTTP client.

use super::source::TokenSource;
use super::step::{FinishStep, Step};
use crate::cache::{Outcome, Settled, WaitHandle};
use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse};
use crate::time::UnixMillis;

/// The I/O of a blocking caller.
pub trait SourceIo {
    fn now(&self) -> UnixMillis;
    fn sleep_ms(&self, ms: i64);
    /// Sends the request; a failure to get any response is `Error::Transport`.
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse>;
    /// Blocks until another caller's fetch ends.
    fn wait(&self, handle: &WaitHandle) -> Settled {
        handle.wait()
    }
}

impl TokenSource {
    /// Returns a token, fetching through `io` when needed; coalesces with other threads. A
    /// stale token is refreshed on the calling thread and, if that refresh fails, the
    /// still-valid token is returned. A key in backoff fails at once with its last error.
    pub fn get_blocking(&self, min_ttl_ms: i64, force: bool, io: &dyn SourceIo) -> Outcome {
        loop {
            match self.begin(io.now(), min_ttl_ms, force) {
                Step::Ready(token) => return Ok(token),
                Step::ReadyAndRefresh(token, fetch) => {
                    return Ok(self.run(fetch, io).unwrap_or(token));
                }
                Step::Send(fetch) => return self.run(fetch, io),
                Step::Wait(handle) => match io.wait(&handle) {
                    Settled::Done(outcome) => return outcome,
                    // The fetcher gave up (its thread failed); take part in the next round.
                    Settled::Abandoned => continue,
                },
                Step::Fail(error) => return Err(error),
            }
        }
    }

    /// Sends `fetch` and its retries until the flight is over.
    pub fn run(&self, mut fetch: super::Fetch, io: &dyn SourceIo) -> Outcome {
        loop {
            let sent_at = io.now();
            let response = io.send(&fetch.request);
            match self.finish(fetch, response, sent_at, io.now()) {
                FinishStep::Done(outcome) => return outcome,
                FinishStep::RetryAfter {
                    fetch: next,
                    delay_ms,
                } => {
                    io.sleep_ms(delay_ms);
                    fetch = next;
                }
            }
        }
    }
}
