//! Single flight for a JWK Set fetch: one [`JwksFetch`] (the caller that sends the request), any
//! number of [`JwksWait`]s sharing its result, as the token cache's
//! `Ticket` and `WaitHandle` do for tokens.
//!
//! The fetch is completed through [`JwksRefresh`](super::JwksRefresh) (`receive`, `store` or
//! `fetch_failed`). A fetch dropped without completion (a panic, a cancelled task) settles as
//! [`JwksSettled::Abandoned`] through `Drop`, so no waiter hangs.

use crate::error::Error;
use crate::settle_slot::SettleSlot;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How a fetch ended, as seen by its waiters.
#[derive(Clone, Debug)]
pub enum JwksSettled {
    /// The key set was stored: ask [`JwksRefresh::step`](super::JwksRefresh::step) again.
    Stored,
    /// The fetch failed with this error, the same for every waiter. The refetch interval
    /// counts from this fetch, so asking again would only answer `Unknown`.
    Failed(Arc<Error>),
    /// The fetch was dropped without an answer: ask again (one waiter then fetches).
    Abandoned,
}

/// The shared slot of one fetch.
pub(crate) struct FlightSlot {
    id: u64,
    state: SettleSlot<JwksSettled>,
}

impl FlightSlot {
    pub(crate) fn new(id: u64) -> Arc<Self> {
        Arc::new(FlightSlot {
            id,
            state: SettleSlot::new(),
        })
    }

    /// Records the first result (later ones are ignored) and wakes blocked waiters.
    pub(crate) fn settle(&self, result: JwksSettled) {
        self.state.settle(result);
    }

    pub(crate) fn get(&self) -> Option<JwksSettled> {
        self.state.get()
    }
}

/// The right, and duty, to fetch the key set once. Hand it back to
/// [`JwksRefresh`](super::JwksRefresh) with the answer; dropping it releases the waiters
/// ([`JwksSettled::Abandoned`]).
pub struct JwksFetch {
    pub(crate) slot: Arc<FlightSlot>,
}

impl JwksFetch {
    /// Identifies the fetch; its waiters' [`JwksWait::flight_id`] carries the same value.
    pub fn flight_id(&self) -> u64 {
        self.slot.id
    }

    /// A handle on this fetch's own result, as its waiters see it (for a binding that runs the
    /// fetch as a task and awaits it like any waiter).
    pub fn wait_handle(&self) -> JwksWait {
        JwksWait {
            slot: self.slot.clone(),
        }
    }

    /// Settles the waiters with `result`; the `Drop` that follows changes nothing.
    pub(crate) fn complete(self, result: JwksSettled) {
        self.slot.settle(result);
    }
}

impl Drop for JwksFetch {
    fn drop(&mut self) {
        // A no-op after `complete`: the first result stays.
        self.slot.settle(JwksSettled::Abandoned);
    }
}

impl fmt::Debug for JwksFetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksFetch")
            .field("flight_id", &self.slot.id)
            .finish()
    }
}

/// A caller's place in the queue for the fetch in flight.
///
/// Threads block with [`wait`](Self::wait); event loops await their own promise keyed by
/// [`flight_id`](Self::flight_id), then read [`try_result`](Self::try_result).
#[derive(Clone)]
pub struct JwksWait {
    pub(crate) slot: Arc<FlightSlot>,
}

impl JwksWait {
    pub fn flight_id(&self) -> u64 {
        self.slot.id
    }

    /// The result if the fetch has ended, without blocking.
    pub fn try_result(&self) -> Option<JwksSettled> {
        self.slot.get()
    }

    /// Blocks the calling thread until the fetch ends.
    pub fn wait(&self) -> JwksSettled {
        self.slot.state.wait()
    }

    /// Blocks for at most `timeout`; `None` if the fetch is still running.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<JwksSettled> {
        self.slot.state.wait_timeout(timeout)
    }
}

impl fmt::Debug for JwksWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksWait")
            .field("flight_id", &self.slot.id)
            .finish()
    }
}
