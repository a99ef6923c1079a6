//! Single-flight: one [`Ticket`] per key, any number of [`WaitHandle`]s sharing its result.
//!
//! The ticket holder performs the token request and hands the result to
//! [`TokenCache::complete`](super::TokenCache::complete). A ticket dropped without completion (a
//! panic, an exception, a timeout, a cancelled task) releases its key through `Drop`, so no key
//! stays stuck, and its waiters learn [`Settled::Abandoned`].

use super::engine::Shared;
use super::key::CacheKey;
use super::plan::{FetchPlan, FetchReason};
use crate::error::Error;
pub(crate) use crate::settle_slot::lock;
use crate::settle_slot::SettleSlot;
use crate::time::UnixMillis;
use crate::token::Token;
use std::fmt;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// An error shared by every waiter of one fetch.
pub type SharedError = Arc<Error>;
/// The result of one fetch, identical for every waiter.
pub type Outcome = Result<Arc<Token>, SharedError>;

/// How a fetch ended, as seen by a waiter.
#[derive(Clone, Debug)]
pub enum Settled {
    /// The ticket was completed with this result.
    Done(Outcome),
    /// The ticket was dropped without completion; look up again.
    Abandoned,
}

/// Listeners to run after the cache's lock is released.
pub(crate) struct Notify(Option<(Settled, Vec<SettledListener>)>);

impl Notify {
    pub fn run(self) {
        if let Some((result, listeners)) = self.0 {
            for listener in listeners {
                listener(&result);
            }
        }
    }
}

/// The shared slot of one flight.
/// A callback run once when a flight ends.
pub type SettledListener = Box<dyn FnOnce(&Settled) + Send>;

pub(crate) struct FlightSlot {
    pub id: u64,
    state: SettleSlot<Settled>,
    /// Always locked without holding `state`'s lock (see `settle` and `WaitHandle::on_settled`).
    listeners: Mutex<Vec<SettledListener>>,
}

impl FlightSlot {
    pub fn new(id: u64) -> Arc<Self> {
        Arc::new(FlightSlot {
            id,
            state: SettleSlot::new(),
            listeners: Mutex::new(Vec::new()),
        })
    }

    /// Records the first result (later calls are ignored) and wakes blocked waiters. The
    /// listeners are returned, to be run by the caller once it holds no lock.
    #[must_use = "run the returned notification after releasing the cache's lock"]
    pub fn settle(&self, result: Settled) -> Notify {
        if !self.state.settle(result.clone()) {
            return Notify(None);
        }
        // The result is visible before the listeners are taken, so a listener added
        // concurrently either is taken here or sees the result itself.
        let listeners = std::mem::take(&mut *lock(&self.listeners));
        if listeners.is_empty() {
            return Notify(None);
        }
        Notify(Some((result, listeners)))
    }

    fn get(&self) -> Option<Settled> {
        self.state.get()
    }
}

/// The right, and duty, to perform one token request for a key.
///
/// Complete it with [`TokenCache::complete`](super::TokenCache::complete); dropping it instead
/// releases the key. `Debug` never shows the refresh token.
pub struct Ticket {
    pub(crate) cache: Weak<Shared>,
    pub(crate) key: CacheKey,
    pub(crate) slot: Arc<FlightSlot>,
    pub(crate) plan: FetchPlan,
    pub(crate) reason: FetchReason,
    pub(crate) attempt: u32,
    pub(crate) started_at: UnixMillis,
    pub(crate) primary_available: bool,
    pub(crate) fell_back: bool,
    /// False once the ticket was handed to `complete`, so `Drop` does nothing.
    pub(crate) armed: bool,
}

impl Ticket {
    /// Which grant to use for this request.
    pub fn plan(&self) -> &FetchPlan {
        &self.plan
    }
    pub fn reason(&self) -> FetchReason {
        self.reason
    }
    /// Identifies the flight; waiters' [`WaitHandle::flight_id`] carries the same value.
    pub fn flight_id(&self) -> u64 {
        self.slot.id
    }
    /// 1 for the first request of a flight, 2 for its first retry, …
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
    pub fn key(&self) -> &CacheKey {
        &self.key
    }
    /// A handle on this ticket's own result (what its waiters see).
    pub fn wait_handle(&self) -> WaitHandle {
        WaitHandle {
            slot: self.slot.clone(),
        }
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("flight_id", &self.slot.id)
            .field("plan", &self.plan.kind())
            .field("reason", &self.reason)
            .field("attempt", &self.attempt)
            .field("key", &self.key)
            .finish()
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        self.armed = false;
        match self.cache.upgrade() {
            Some(shared) => shared.abandon(&self.key, self.slot.id),
            // The cache is gone; only the waiters are left to tell.
            None => self.slot.settle(Settled::Abandoned).run(),
        }
    }
}

/// A caller's place in the queue for a fetch already in flight.
///
/// Threads block with [`wait`](Self::wait); event loops (asyncio, JS) poll
/// [`try_result`](Self::try_result), or resolve their own promises keyed by
/// [`flight_id`](Self::flight_id) when the ticket holder's `complete` returns.
#[derive(Clone)]
pub struct WaitHandle {
    pub(crate) slot: Arc<FlightSlot>,
}

impl WaitHandle {
    pub fn flight_id(&self) -> u64 {
        self.slot.id
    }

    /// The result if the flight has ended, without blocking.
    pub fn try_result(&self) -> Option<Settled> {
        self.slot.get()
    }

    /// Runs `listener` once when the flight ends (at once, on this thread, if it already has),
    /// otherwise on the thread that completes or abandons the ticket, outside the cache's lock.
    /// For event loops: asyncio schedules with `call_soon_threadsafe`, JS resolves a promise.
    pub fn on_settled(&self, listener: SettledListener) {
        let mut listeners = lock(&self.slot.listeners);
        match self.slot.get() {
            Some(result) => {
                drop(listeners);
                listener(&result);
            }
            None => listeners.push(listener),
        }
    }

    /// Blocks the calling thread until the flight ends.
    pub fn wait(&self) -> Settled {
        self.slot.state.wait()
    }

    /// Blocks for at most `timeout`; `None` if the flight is still running.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<Settled> {
        self.slot.state.wait_timeout(timeout)
    }
}

impl fmt::Debug for WaitHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitHandle")
            .field("flight_id", &self.slot.id)
            .finish()
    }
}
