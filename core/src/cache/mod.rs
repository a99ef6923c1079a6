//! The token cache and expiry engine: keyed cache, adaptive refresh-ahead, single-flight, failure
//! handling, persistence. Sans-IO: every operation takes `now`; the caller performs requests.
//!
//! A [`TokenCache::lookup`] answers with a [`Lookup`]:
//! * [`Lookup::Fresh`]: use the token;
//! * [`Lookup::Stale`]: use the token and refresh in the background with the ticket;
//! * [`Lookup::Fetch`]: no usable token; perform the ticket's [`FetchPlan`], then
//!   [`TokenCache::complete`];
//! * [`Lookup::Wait`]: another caller is fetching; wait on the handle;
//! * [`Lookup::Backoff`] / [`Lookup::Failed`]: the key is backing off, or cannot be fetched.
//!
//! See `docs/caching.md` for the states, the defaults and why, and the failure rules.

mod backoff;
mod blocking;
mod engine;
mod entry;
mod error;
mod file_mode;
mod grant_key;
mod key;
mod lru;
mod persist;
mod plan;
mod single_flight;
mod stats;
mod timing;

pub use backoff::{classify, BackoffPolicy, FailureClass, RetryPolicy};
pub use blocking::{token_of, BlockingIo};
pub use engine::{CacheConfig, Completion, EventCallback, Lookup, LookupOptions};
pub use error::CacheError;
pub use file_mode::check_file_mode;
pub use key::{normalize_scopes, CacheKey, CacheKeyBuilder};
pub use lru::DEFAULT_CAPACITY;
pub use persist::{ExportOptions, ImportReport, EXPORT_VERSION};
pub use plan::{FetchPlan, FetchReason, PlanKind};
pub use single_flight::{Outcome, Settled, SettledListener, SharedError, Ticket, WaitHandle};
pub use stats::{CacheEvent, CacheStats};
pub use timing::{
    surely_fresh_until, EntryTiming, Jitter, TimingBounds, JITTER_PERCENT, MAX_SKEW_MS,
    REFRESH_AT_PERCENT, SKEW_PERCENT,
};

use crate::error::Result;
use crate::secret::Secret;
use crate::time::UnixMillis;
use crate::token::Token;
use engine::{Engine, Shared};
use single_flight::lock;
use std::fmt;
use std::sync::{Arc, Mutex};

/// A thread-safe handle on one cache. Clones share the cache.
#[derive(Clone)]
pub struct TokenCache {
    shared: Arc<Shared>,
}

impl Default for TokenCache {
    fn default() -> Self {
        TokenCache::new(CacheConfig::default())
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    pub fn new(config: CacheConfig) -> Self {
        TokenCache {
            shared: Arc::new_cyclic(|me| Shared {
                state: Mutex::new(Engine::new(config, me.clone())),
            }),
        }
    }

    /// Sets (or removes) the callback that receives every [`CacheEvent`]. It runs on the thread
    /// that caused the event, after the cache's lock is released. (Feature `cache-events`, on
    /// by default.)
    #[cfg(feature = "cache-events")]
    pub fn set_event_callback(&self, callback: Option<Box<EventCallback>>) {
        lock(&self.shared.state).events.callback = callback.map(Arc::from);
    }

    /// Looks `key` up at `now`. Never blocks on a fetch.
    pub fn lookup(&self, key: &CacheKey, now: UnixMillis, options: LookupOptions) -> Lookup {
        let (answer, events) = {
            let mut engine = lock(&self.shared.state);
            let answer = engine.lookup(key, now, &options);
            (answer, engine.take_events())
        };
        events.fire();
        answer
    }

    /// Hands in the result of the ticket's request. Every waiter receives the same outcome,
    /// unless the answer is [`Completion::Retry`], in which case they keep waiting.
    pub fn complete(&self, ticket: Ticket, result: Result<Token>, now: UnixMillis) -> Completion {
        self.complete_shared(ticket, result.map_err(Arc::new), now)
    }

    /// [`TokenCache::complete`] with an error already shared: one error for every ticket of a
    /// call that failed as a whole (a TTM batch), not a copy each.
    pub(crate) fn complete_shared(
        &self,
        ticket: Ticket,
        result: std::result::Result<Token, SharedError>,
        now: UnixMillis,
    ) -> Completion {
        if !std::ptr::eq(ticket.cache.as_ptr(), Arc::as_ptr(&self.shared)) {
            // A ticket of another cache: route it there, so that cache's key is released.
            if let Some(shared) = ticket.cache.upgrade() {
                return TokenCache { shared }.complete_shared(ticket, result, now);
            }
        }
        let (answer, events) = {
            let mut engine = lock(&self.shared.state);
            let answer = engine.complete(ticket, result, now);
            (answer, engine.take_events())
        };
        events.fire();
        answer
    }

    /// Stores a token obtained outside the cache (authorization code, device flow, import).
    pub fn insert(&self, key: &CacheKey, token: Token, now: UnixMillis) -> Arc<Token> {
        let (token, events) = {
            let mut engine = lock(&self.shared.state);
            let token = engine.insert(key, token, now);
            (token, engine.take_events())
        };
        events.fire();
        token
    }

    /// Forgets `key` (a fetch in flight still delivers to its waiters). True if it was present.
    pub fn invalidate(&self, key: &CacheKey) -> bool {
        let mut engine = lock(&self.shared.state);
        let removed = engine.map.remove(key).is_some();
        engine.stats.entries = engine.map.len() as u64;
        removed
    }

    /// Forgets every entry holding `token` as its access token or its refresh token, once the
    /// server has accepted its revocation (RFC 7009 §2.2); returns how many. The next lookup of
    /// such a key fetches with the primary grant.
    ///
    /// A revoked refresh token drops the whole entry, its access token too: RFC 7009 §2.1 lets
    /// the server invalidate the access tokens of the same grant along with it, so the cached
    /// access token may no longer work. A fetch in flight still delivers to its waiters.
    pub fn forget_token(&self, token: &Secret) -> usize {
        let mut engine = lock(&self.shared.state);
        let before = engine.map.len();
        engine.map.retain(|_, entry| !entry.holds(token));
        engine.stats.entries = engine.map.len() as u64;
        before - engine.map.len()
    }

    /// The resource server refused `access_token` (RFC 6750 §3.1 `invalid_token`: revoked, or
    /// rotated before its expiry): every entry whose cached access token it is drops that token
    /// and keeps its refresh token, so the next lookup fetches a new one (with the refresh
    /// token when there is one, RFC 6749 §6, else the primary grant). Returns how many.
    ///
    /// An entry whose cached token is another one is left alone: a concurrent refusal of the
    /// same token already renewed it (or the renewal is in flight). So N requests refused with
    /// one token cause one token request, not one forced request each (ProtonDriveApps/sdk#44,
    /// msal-js#3646). The comparison runs in constant time ([`Secret`]'s `PartialEq`).
    pub fn refused(&self, access_token: &Secret) -> usize {
        let mut engine = lock(&self.shared.state);
        let mut dropped = 0;
        for entry in engine.map.values_mut() {
            dropped += usize::from(entry.drop_access_token(access_token));
        }
        dropped
    }

    /// Forgets everything.
    pub fn clear(&self) {
        let mut engine = lock(&self.shared.state);
        engine.map.clear();
        engine.stats.entries = 0;
    }

    /// Removes entries with nothing usable left; returns how many.
    pub fn purge_expired(&self, now: UnixMillis) -> usize {
        lock(&self.shared.state).purge(now)
    }

    pub fn len(&self) -> usize {
        lock(&self.shared.state).map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn stats(&self) -> CacheStats {
        lock(&self.shared.state).stats
    }

    /// The whole cache as versioned JSON. The result is a [`Secret`] because it holds tokens
    /// when `options.include_secrets` is set.
    pub fn export(
        &self,
        now: UnixMillis,
        options: ExportOptions,
    ) -> std::result::Result<Secret, CacheError> {
        let engine = lock(&self.shared.state);
        persist::export(engine.map.iter(), now, options)
    }

    /// Loads an export. Corrupted or newer-version input gives a typed error and leaves the
    /// cache untouched; expired entries are skipped.
    pub fn import(
        &self,
        json: &str,
        now: UnixMillis,
    ) -> std::result::Result<ImportReport, CacheError> {
        let records = persist::parse(json)?;
        let (report, events) = {
            let mut engine = lock(&self.shared.state);
            let report = engine.apply_import(records, now);
            (report, engine.take_events())
        };
        events.fire();
        Ok(report)
    }
}
