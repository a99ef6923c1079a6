//! [`Entry`]: the state of one key, and the rules that read it.

use super::single_flight::{FlightSlot, SharedError};
use crate::secret::Secret;
use crate::time::UnixMillis;
use crate::token::{RefreshExpiry, Token};
use std::sync::Arc;

/// A token that may be served, with its schedule.
#[derive(Clone, Debug)]
pub(crate) struct Cached {
    pub token: Arc<Token>,
    pub refresh_at: UnixMillis,
    /// `expires_at - skew`.
    pub usable_until: UnixMillis,
    /// Copy of `token.expires_at`: a hit then reads nothing behind the `Arc`.
    pub expires_at: UnixMillis,
}

impl Cached {
    /// Whether the token may be handed out at `now` to a caller needing `min_ttl_ms` of validity:
    /// it must be before `expires_at - skew` and have more than `min_ttl_ms` left.
    #[inline]
    pub fn serves(&self, now: UnixMillis, min_ttl_ms: i64) -> bool {
        now < self.usable_until && self.expires_at.millis_since(now) > min_ttl_ms
    }
}

/// The refresh token of an entry (RFC 6749 §6), kept apart from the access token so that it
/// survives a response without one and an access token that is dead on arrival.
#[derive(Clone, Debug)]
pub(crate) struct RefreshGrant {
    pub token: Secret,
    pub expiry: RefreshExpiry,
    /// The scope of the token it came with: what a refresh without `scope` asks for (RFC 6749
    /// §6, "the scope originally granted"), and so the scope of an answer that omits it (§5.1).
    /// Kept here, not only with the access token, which `refused` or expiry may drop first.
    pub scope: Option<Vec<String>>,
}

impl RefreshGrant {
    pub fn usable(&self, now: UnixMillis) -> bool {
        match self.expiry {
            RefreshExpiry::Unknown | RefreshExpiry::Never => true,
            RefreshExpiry::At(at) => now < at,
        }
    }
}

/// The key must not be fetched before `until`; `error` is what callers get meanwhile.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    pub until: UnixMillis,
    pub error: SharedError,
}

#[derive(Debug)]
pub(crate) struct Entry {
    pub cached: Option<Cached>,
    pub refresh: Option<RefreshGrant>,
    /// Why the refresh token was dropped (rejected or expired), until a fetch succeeds.
    pub refresh_dead: Option<SharedError>,
    pub flight: Option<Arc<FlightSlot>>,
    pub failure: Option<Failure>,
    /// Consecutive flights ended by `invalid_client`.
    pub invalid_client_streak: u32,
    /// Consecutive failed flights of any other kind.
    pub failed_flights: u32,
    /// LRU clock value of the last use.
    pub last_used: u64,
    /// The latest effective time this entry has seen: time never runs backwards for an entry.
    pub high_water: UnixMillis,
    /// How far the clock has been seen to jump backwards since the last stored token: the
    /// effective time is `now + clock_offset_ms`, so after a backward jump it keeps advancing
    /// with the clock from where it was, instead of standing still until the clock catches up.
    pub clock_offset_ms: i64,
}

impl std::fmt::Debug for FlightSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlightSlot").field("id", &self.id).finish()
    }
}

/// How far behind the latest reading a clock reading may be and still be taken for one that
/// arrived late rather than for a backward jump: 1 s, far longer than a thread waits between
/// reading the clock and taking the cache's lock (the soak's 64 threads on 2 cores: tens of
/// milliseconds; a Python thread waiting for the GIL: a few switch intervals of 5 ms), and short
/// enough that a clock really stepped back by less only pauses the entry's time that long.
pub const MAX_REORDER_MS: i64 = 1_000;

impl Entry {
    pub fn new(now: UnixMillis, tick: u64) -> Self {
        Entry {
            cached: None,
            refresh: None,
            refresh_dead: None,
            flight: None,
            failure: None,
            invalid_client_streak: 0,
            failed_flights: 0,
            last_used: tick,
            high_water: now,
            clock_offset_ms: 0,
        }
    }

    /// The entry's effective time: `now` shifted by every backward jump seen, so it never runs
    /// backwards and, after a jump back, keeps running at the clock's pace from the latest time
    /// seen. An expired token thus stays expired after a backward jump, and a backoff (or a
    /// token's remaining life) lasts as long in real time as it would have without the jump:
    /// freezing the time at the latest value instead would stretch a 1 s backoff to the size of
    /// the jump (a day for a clock corrected by a day).
    ///
    /// A reading at most [`MAX_REORDER_MS`] behind is not a jump: concurrent callers read the
    /// clock before taking the cache's lock, so their readings arrive slightly out of order. Such
    /// a reading sees the latest time and leaves the offset alone; taking it for a jump would add
    /// its lateness to the offset each time and make a busy entry age faster than real time.
    #[inline]
    pub fn observe(&mut self, now: UnixMillis) -> UnixMillis {
        let effective = now.plus_millis(self.clock_offset_ms);
        if effective < self.high_water {
            if self.high_water.millis_since(effective) > MAX_REORDER_MS {
                self.clock_offset_ms = self.high_water.millis_since(now);
            }
        } else {
            self.high_water = effective;
        }
        self.high_water
    }

    /// Whether a backoff forbids fetching at `now`.
    pub fn backing_off(&self, now: UnixMillis) -> Option<&Failure> {
        self.failure.as_ref().filter(|f| now < f.until)
    }

    /// Whether the entry holds nothing that could be used again: no servable token, no usable
    /// refresh token, no fetch in flight, no backoff or refresh failure to remember.
    pub fn is_dead(&self, now: UnixMillis) -> bool {
        self.flight.is_none()
            && self.cached.as_ref().map_or(true, |c| !c.serves(now, 0))
            && self.refresh.as_ref().map_or(true, |r| !r.usable(now))
            && self.backing_off(now).is_none()
            && self.refresh_dead.is_none()
    }

    /// Whether `token` is this entry's access token or its refresh token. Both comparisons run
    /// (no short-circuit), each in constant time ([`Secret`]'s `PartialEq`), so the time taken
    /// says nothing about how much of a cached token matches.
    pub fn holds(&self, token: &Secret) -> bool {
        let access = self
            .cached
            .as_ref()
            .is_some_and(|c| c.token.access_token == *token);
        let refresh = self.refresh.as_ref().is_some_and(|r| r.token == *token);
        access | refresh
    }

    /// Drops the cached access token if it is `token` (compared in constant time), keeping the
    /// refresh token; true if it was. See `TokenCache::refused`.
    pub fn drop_access_token(&mut self, token: &Secret) -> bool {
        let held = self
            .cached
            .as_ref()
            .is_some_and(|c| c.token.access_token == *token);
        if held {
            self.cached = None;
        }
        held
    }

    /// Resets the effective clock to `now` after a new token was stored: the new token's times
    /// come from the same clock as `now`.
    pub fn restart_clock(&mut self, now: UnixMillis) {
        self.high_water = now;
        self.clock_offset_ms = 0;
    }
}
