//! Observability: counters and events. Neither ever contains a secret.

use super::key::CacheKey;
use super::plan::{FetchReason, PlanKind};

/// Counters since the cache was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered with a fresh token.
    pub hits: u64,
    /// Lookups answered with a token past its refresh point (with or without a ticket).
    pub stale_hits: u64,
    /// Lookups that found no usable token.
    pub misses: u64,
    /// Tickets handed out (each is one token request, retries counted in `retries`).
    pub fetches: u64,
    /// Lookups that joined a fetch already in flight instead of starting one.
    pub coalesced: u64,
    /// Fetch attempts that failed.
    pub failures: u64,
    /// Lookups refused because the key is backing off after a failure.
    pub backoffs: u64,
    /// In-flight retries ordered by the retry policy.
    pub retries: u64,
    /// Tickets dropped without completion.
    pub abandoned: u64,
    /// Entries removed because the cache was full.
    pub evictions: u64,
    /// Entries removed because nothing in them could be used any more.
    pub purged: u64,
    /// Entries currently held.
    pub entries: u64,
}

impl CacheStats {
    /// Every counter with its stable snake_case name, in declaration order. The bindings expose
    /// exactly this list (Python as is, JS in camelCase), so a new counter reaches every runtime.
    pub fn counters(&self) -> [(&'static str, u64); 12] {
        [
            ("hits", self.hits),
            ("stale_hits", self.stale_hits),
            ("misses", self.misses),
            ("fetches", self.fetches),
            ("coalesced", self.coalesced),
            ("failures", self.failures),
            ("backoffs", self.backoffs),
            ("retries", self.retries),
            ("abandoned", self.abandoned),
            ("evictions", self.evictions),
            ("purged", self.purged),
            ("entries", self.entries),
        ]
    }
}

/// Something the cache did, passed to the optional event callback.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CacheEvent {
    FetchStarted {
        key: CacheKey,
        flight_id: u64,
        reason: FetchReason,
        plan: PlanKind,
        attempt: u32,
    },
    FetchSucceeded {
        key: CacheKey,
        flight_id: u64,
        lifetime_ms: i64,
        /// False for a token whose lifetime is ≤ 0: handed out once, not cached.
        cached: bool,
    },
    FetchFailed {
        key: CacheKey,
        flight_id: u64,
        /// The error's stable code.
        code: &'static str,
        /// Whether the ticket holder was told to retry.
        retry_in_ms: Option<i64>,
    },
    /// The key will not be fetched again before `delay_ms` has passed.
    BackoffStarted {
        key: CacheKey,
        delay_ms: i64,
        code: &'static str,
    },
    /// The refresh token was rejected or expired and was dropped.
    RefreshTokenDropped {
        key: CacheKey,
        code: &'static str,
    },
    Abandoned {
        key: CacheKey,
        flight_id: u64,
    },
    Evicted {
        key: CacheKey,
    },
}
