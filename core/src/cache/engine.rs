//! The state machine behind [`TokenCache`](super::TokenCache): lookups, completions, abandonment.
//!
//! Everything here runs under the cache's one mutex and never blocks or performs I/O.

use super::backoff::{self, BackoffPolicy, FailureClass, RetryPolicy};
use super::entry::{Cached, Entry, Failure, RefreshGrant};
use super::key::{CacheKey, KeyHasherBuilder};
use super::lru;
use super::plan::{FetchPlan, FetchReason};
use super::single_flight::{
    lock, FlightSlot, Notify, Outcome, Settled, SharedError, Ticket, WaitHandle,
};
use super::stats::{CacheEvent, CacheStats};
use super::timing::{EntryTiming, Jitter};
use crate::error::Error;
use crate::time::UnixMillis;
use crate::token::{RefreshExpiry, Token};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// The event callback type.
pub type EventCallback = dyn Fn(&CacheEvent) + Send + Sync;

/// What a caller asks of a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LookupOptions {
    /// Minimum remaining validity the caller needs, in milliseconds (on top of the skew: a token
    /// is served only with more than `max(skew, min_ttl_ms)` left).
    pub min_ttl_ms: i64,
    /// Fetch a new token even if the cached one is fresh (joins a fetch already in flight; does
    /// not override a backoff).
    pub force: bool,
    /// Whether the key's primary grant can run without a user (client credentials, or a password
    /// grant whose credentials the client keeps). If so, a dead refresh token falls back to it;
    /// if not, the refresh token's error is returned.
    pub primary_grant_available: bool,
}

impl Default for LookupOptions {
    fn default() -> Self {
        LookupOptions {
            min_ttl_ms: 0,
            force: false,
            primary_grant_available: true,
        }
    }
}

/// The answer to a lookup.
#[derive(Debug)]
pub enum Lookup {
    /// Use this token. Nothing else to do.
    Fresh(Arc<Token>),
    /// Use this token, and refresh in the background with the ticket (stale-while-revalidate).
    Stale(Arc<Token>, Ticket),
    /// No usable token: perform the request described by the ticket, then `complete` it.
    Fetch(Ticket),
    /// Another caller is fetching; wait for its result.
    Wait(WaitHandle),
    /// The key is backing off after a failure; `error` is the last failure.
    Backoff {
        error: SharedError,
        /// Milliseconds until a fetch may be tried again.
        retry_in_ms: i64,
        until: UnixMillis,
    },
    /// No fetch can help: the refresh token is dead and the key has no primary grant.
    Failed(SharedError),
}

/// What `complete` tells the ticket holder.
#[derive(Debug)]
pub enum Completion {
    /// The flight is over; every waiter received the same outcome.
    Done(Outcome),
    /// Sleep `delay_ms`, then perform the request of the returned ticket (same flight, waiters
    /// keep waiting; its plan may differ, e.g. after a refresh-token fallback).
    Retry { ticket: Box<Ticket>, delay_ms: i64 },
}

/// Cache-wide settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    /// Maximum number of entries (LRU beyond it). Values below 1 are treated as 1.
    pub capacity: usize,
    /// Seed for the jitter generator; `None` seeds from the operating system once.
    pub jitter_seed: Option<u64>,
    pub retry: RetryPolicy,
    pub backoff: BackoffPolicy,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            capacity: lru::DEFAULT_CAPACITY,
            jitter_seed: None,
            retry: RetryPolicy::default(),
            backoff: BackoffPolicy::default(),
        }
    }
}

pub(crate) struct Shared {
    pub state: Mutex<Engine>,
}

impl Shared {
    /// Called from `Ticket::drop`.
    pub fn abandon(&self, key: &CacheKey, flight_id: u64) {
        let fired = {
            let mut engine = lock(&self.state);
            engine.abandon(key, flight_id);
            engine.take_events()
        };
        fired.fire();
    }
}

/// Events collected under the lock, delivered after it is released (a callback may use the
/// cache without deadlocking).
pub(crate) struct PendingEvents {
    #[cfg(feature = "cache-events")]
    events: Option<(Arc<EventCallback>, Vec<CacheEvent>)>,
    notifies: Vec<Notify>,
}

impl PendingEvents {
    pub fn fire(self) {
        for notify in self.notifies {
            notify.run();
        }
        #[cfg(feature = "cache-events")]
        if let Some((callback, events)) = self.events {
            for event in &events {
                callback(event);
            }
        }
    }
}

/// The event callback and the events recorded for it under the lock. Without the
/// `cache-events` feature nobody can listen: the log holds nothing and records nothing, and no
/// event code is linked (the npm package).
#[derive(Default)]
pub(crate) struct EventLog {
    #[cfg(feature = "cache-events")]
    pub callback: Option<Arc<EventCallback>>,
    #[cfg(feature = "cache-events")]
    events: Vec<CacheEvent>,
}

impl EventLog {
    /// Records an event only when someone listens (keys are cloned only then).
    #[cfg_attr(not(feature = "cache-events"), allow(unused_variables))]
    fn emit(&mut self, event: impl FnOnce() -> CacheEvent) {
        #[cfg(feature = "cache-events")]
        if self.callback.is_some() {
            self.events.push(event());
        }
    }

    /// The recorded events, with the callback that gets them.
    #[cfg(feature = "cache-events")]
    fn take(&mut self) -> Option<(Arc<EventCallback>, Vec<CacheEvent>)> {
        if self.events.is_empty() {
            return None;
        }
        let events = std::mem::take(&mut self.events);
        self.callback.clone().map(|c| (c, events))
    }
}

pub(crate) struct Engine {
    pub map: HashMap<CacheKey, Entry, KeyHasherBuilder>,
    pub config: CacheConfig,
    pub jitter: Jitter,
    pub stats: CacheStats,
    tick: u64,
    next_flight: u64,
    pub events: EventLog,
    /// Waiter listeners of flights settled under the lock, run after it is released.
    notifies: Vec<Notify>,
    me: Weak<Shared>,
}

impl Engine {
    pub fn new(config: CacheConfig, me: Weak<Shared>) -> Self {
        let mut jitter = config.jitter_seed.map_or_else(Jitter::from_os, Jitter::new);
        let hash_seed = jitter.next_u64();
        Engine {
            map: HashMap::with_hasher(KeyHasherBuilder::new(hash_seed)),
            jitter,
            config,
            stats: CacheStats::default(),
            tick: 0,
            next_flight: 1,
            events: EventLog::default(),
            notifies: Vec::new(),
            me,
        }
    }

    fn emit(&mut self, event: impl FnOnce() -> CacheEvent) {
        self.events.emit(event);
    }

    pub fn take_events(&mut self) -> PendingEvents {
        PendingEvents {
            #[cfg(feature = "cache-events")]
            events: self.events.take(),
            notifies: std::mem::take(&mut self.notifies),
        }
    }

    pub fn lookup(&mut self, key: &CacheKey, now: UnixMillis, opts: &LookupOptions) -> Lookup {
        self.tick += 1;
        let tick = self.tick;
        let Some(entry) = self.map.get_mut(key) else {
            return self.miss(key, now, opts);
        };
        entry.last_used = tick;
        let now = entry.observe(now);
        // Hot path: a fresh hit is this hash lookup, two comparisons and an Arc clone.
        if let Some(c) = &entry.cached {
            if !opts.force && c.serves(now, opts.min_ttl_ms) {
                if now < c.refresh_at {
                    self.stats.hits += 1;
                    return Lookup::Fresh(c.token.clone());
                }
                let token = c.token.clone();
                self.stats.stale_hits += 1;
                // Already refreshing, or backing off after a failed refresh: keep serving.
                if entry.flight.is_some() || entry.backing_off(now).is_some() {
                    return Lookup::Fresh(token);
                }
                return match choose_plan(entry, now, opts) {
                    Ok(plan) => {
                        let reason = if entry.failed_flights > 0 || entry.invalid_client_streak > 0
                        {
                            FetchReason::Retry
                        } else {
                            FetchReason::Aging
                        };
                        let ticket = self.start_flight(key, now, reason, plan, opts);
                        Lookup::Stale(token, ticket)
                    }
                    // No way to refresh: serve until it stops being usable, then fail.
                    Err(_) => Lookup::Fresh(token),
                };
            }
        }
        self.stats.misses += 1;
        if let Some(slot) = &entry.flight {
            self.stats.coalesced += 1;
            return Lookup::Wait(WaitHandle { slot: slot.clone() });
        }
        if let Some(f) = entry.backing_off(now) {
            self.stats.backoffs += 1;
            return Lookup::Backoff {
                error: f.error.clone(),
                retry_in_ms: f.until.millis_since(now),
                until: f.until,
            };
        }
        let reason = if opts.force {
            FetchReason::Forced
        } else if entry.failure.is_some()
            || entry.failed_flights > 0
            || entry.invalid_client_streak > 0
        {
            FetchReason::Retry
        } else if entry.cached.is_some() || entry.refresh.is_some() {
            FetchReason::Expired
        } else {
            FetchReason::Missing
        };
        match choose_plan(entry, now, opts) {
            Ok(plan) => Lookup::Fetch(self.start_flight(key, now, reason, plan, opts)),
            Err(e) => Lookup::Failed(e),
        }
    }

    fn miss(&mut self, key: &CacheKey, now: UnixMillis, opts: &LookupOptions) -> Lookup {
        self.stats.misses += 1;
        self.make_room(now);
        self.map.insert(key.clone(), Entry::new(now, self.tick));
        self.stats.entries = self.map.len() as u64;
        Lookup::Fetch(self.start_flight(key, now, FetchReason::Missing, FetchPlan::Primary, opts))
    }

    /// Keeps `len < capacity` before an insert: purge dead entries, then evict the least recently
    /// used one (never one with a fetch in flight).
    fn make_room(&mut self, now: UnixMillis) {
        let capacity = self.config.capacity.max(1);
        if self.map.len() < capacity {
            return;
        }
        let purged = lru::purge(&mut self.map, now);
        self.stats.purged += purged as u64;
        while self.map.len() >= capacity {
            let Some(victim) = lru::victim(&self.map) else {
                break;
            };
            self.map.remove(&victim);
            self.stats.evictions += 1;
            self.emit(|| CacheEvent::Evicted { key: victim });
        }
    }

    fn start_flight(
        &mut self,
        key: &CacheKey,
        now: UnixMillis,
        reason: FetchReason,
        plan: FetchPlan,
        opts: &LookupOptions,
    ) -> Ticket {
        let id = self.next_flight;
        self.next_flight += 1;
        let slot = FlightSlot::new(id);
        if let Some(entry) = self.map.get_mut(key) {
            entry.flight = Some(slot.clone());
        }
        self.stats.fetches += 1;
        let kind = plan.kind();
        self.emit(|| CacheEvent::FetchStarted {
            key: key.clone(),
            flight_id: id,
            reason,
            plan: kind,
            attempt: 1,
        });
        Ticket {
            cache: self.me.clone(),
            key: key.clone(),
            slot,
            plan,
            reason,
            attempt: 1,
            started_at: now,
            primary_available: opts.primary_grant_available,
            fell_back: false,
            armed: true,
        }
    }

    pub fn abandon(&mut self, key: &CacheKey, flight_id: u64) {
        let Some(entry) = self.map.get_mut(key) else {
            return;
        };
        let Some(slot) = entry.flight.take_if(|s| s.id == flight_id) else {
            return;
        };
        self.notifies.push(slot.settle(Settled::Abandoned));
        self.stats.abandoned += 1;
        if entry.is_dead(entry.high_water) {
            self.map.remove(key);
            self.stats.entries = self.map.len() as u64;
        }
        self.emit(|| CacheEvent::Abandoned {
            key: key.clone(),
            flight_id,
        });
    }

    pub fn complete(
        &mut self,
        mut ticket: Ticket,
        result: std::result::Result<Token, SharedError>,
        now: UnixMillis,
    ) -> Completion {
        ticket.armed = false;
        let slot = ticket.slot.clone();
        let ours = Weak::ptr_eq(&ticket.cache, &self.me)
            && self
                .map
                .get(&ticket.key)
                .and_then(|e| e.flight.as_ref())
                .is_some_and(|f| f.id == slot.id);
        if !ours {
            // The key was invalidated, cleared or evicted meanwhile (or the ticket belongs to
            // another cache): the waiters still get the result, the cache is not changed.
            let outcome: Outcome = result.map(Arc::new);
            self.settle(&slot, &outcome);
            return Completion::Done(outcome);
        }
        match result {
            Ok(token) => Completion::Done(self.succeed(&ticket, token, now)),
            Err(error) => self.fail(ticket, error, now),
        }
    }

    /// Settles a flight with its outcome; its waiters are told once the lock is released.
    /// One copy for the five places a flight ends.
    #[inline(never)]
    fn settle(&mut self, slot: &FlightSlot, outcome: &Outcome) {
        self.notifies
            .push(slot.settle(Settled::Done(outcome.clone())));
    }

    fn succeed(&mut self, ticket: &Ticket, mut token: Token, now: UnixMillis) -> Outcome {
        let jitter = &mut self.jitter;
        let Some(entry) = self.map.get_mut(&ticket.key) else {
            // Unreachable after `complete`'s check; still never leave waiters hanging.
            let outcome: Outcome = Ok(Arc::new(token));
            self.settle(&ticket.slot, &outcome);
            return outcome;
        };
        // RFC 6749 §6: a refresh without `scope` asks for the scope originally granted, and
        // §5.1 lets the answer omit `scope` when it is the one asked for: the new token has the
        // scope of the refresh token's grant (auth0/nextjs-auth0#2326 lost it).
        if let (FetchPlan::Refresh(_), None) = (&ticket.plan, &token.scope) {
            token.scope = entry.refresh.as_ref().and_then(|r| r.scope.clone());
        }
        // RFC 6749 §6: a refresh response without a refresh token leaves the old one in force.
        if let (FetchPlan::Refresh(used), None) = (&ticket.plan, &token.refresh_token) {
            token.refresh_token = Some(used.clone());
            token.refresh_expiry = entry
                .refresh
                .as_ref()
                .map_or(RefreshExpiry::Unknown, |r| r.expiry);
        }
        // The new refresh token replaces the old one in the same step as the access token.
        entry.refresh = token.refresh_token.clone().map(|t| RefreshGrant {
            token: t,
            expiry: token.refresh_expiry,
            scope: token.scope.clone(),
        });
        entry.refresh_dead = None;
        entry.failure = None;
        entry.invalid_client_streak = 0;
        entry.failed_flights = 0;
        entry.flight = None;
        let lifetime_ms = token.lifetime_ms();
        let timing = EntryTiming::schedule(&token, jitter);
        let token = Arc::new(token);
        match timing {
            Some(t) => {
                entry.cached = Some(Cached {
                    token: token.clone(),
                    refresh_at: t.refresh_at,
                    usable_until: t.usable_until,
                    expires_at: t.expires_at,
                });
                entry.restart_clock(now);
            }
            None => {
                // Dead on arrival: handed to the waiters once, never cached as fresh. A previous
                // token that still works is kept.
                let now = entry.observe(now);
                if entry.cached.as_ref().is_some_and(|c| !c.serves(now, 0)) {
                    entry.cached = None;
                }
            }
        }
        let outcome: Outcome = Ok(token);
        self.settle(&ticket.slot, &outcome);
        let flight_id = ticket.slot.id;
        self.emit(|| CacheEvent::FetchSucceeded {
            key: ticket.key.clone(),
            flight_id,
            lifetime_ms,
            cached: timing.is_some(),
        });
        outcome
    }

    fn fail(&mut self, mut ticket: Ticket, error: SharedError, now: UnixMillis) -> Completion {
        self.stats.failures += 1;
        let class = backoff::classify(&error, ticket.plan.kind());
        let retry_after = backoff::retry_after_ms(&error, &self.config.backoff);
        let (retry, policy) = (self.config.retry, self.config.backoff);
        let jitter = &mut self.jitter;
        let Some(entry) = self.map.get_mut(&ticket.key) else {
            // Unreachable after `complete`'s check; still never leave waiters hanging.
            let outcome: Outcome = Err(error);
            self.settle(&ticket.slot, &outcome);
            return Completion::Done(outcome);
        };
        let now = entry.observe(now);
        let valid = entry.cached.as_ref().filter(|c| c.serves(now, 0)).cloned();

        // In-flight retry: only while callers wait without a usable token.
        let mut next: Option<(FetchPlan, u32, i64)> = None;
        match class {
            FailureClass::RefreshRejected => {
                entry.refresh = None;
                entry.refresh_dead = Some(error.clone());
                // Fall back to the primary grant once per flight; the primary grant is never
                // classified RefreshRejected, so this cannot loop. A forced flight falls back
                // even while the cached token still looks valid: its caller asked for a new
                // token because that one was refused (RFC 6750 §3.1 `invalid_token`, a server
                // restart). A background refresh of a still-valid token does not: the token keeps
                // being served, and the next stale lookup plans the primary grant.
                let wants_new = valid.is_none() || ticket.reason == FetchReason::Forced;
                if ticket.primary_available && wants_new && !ticket.fell_back {
                    next = Some((FetchPlan::Primary, 1, 0));
                }
            }
            FailureClass::Transient if valid.is_none() => {
                let delay = backoff::with_jitter(
                    backoff::exponential(retry.base_ms, retry.cap_ms, ticket.attempt),
                    jitter,
                )
                .max(retry_after);
                let elapsed = now.millis_since(ticket.started_at).max(0);
                if ticket.attempt < retry.max_attempts
                    && elapsed.saturating_add(delay) <= retry.max_total_ms
                {
                    next = Some((ticket.plan.clone(), ticket.attempt + 1, delay));
                }
            }
            _ => {}
        }
        let code = error.code();
        let flight_id = ticket.slot.id;
        if class == FailureClass::RefreshRejected {
            self.events.emit(|| CacheEvent::RefreshTokenDropped {
                key: ticket.key.clone(),
                code,
            });
        }
        if let Some((plan, attempt, delay_ms)) = next {
            self.stats.retries += 1;
            self.events.emit(|| CacheEvent::FetchFailed {
                key: ticket.key.clone(),
                flight_id,
                code,
                retry_in_ms: Some(delay_ms),
            });
            let kind = plan.kind();
            self.events.emit(|| CacheEvent::FetchStarted {
                key: ticket.key.clone(),
                flight_id,
                reason: FetchReason::Retry,
                plan: kind,
                attempt,
            });
            // The same ticket, armed again for the retry (same key, flight and start).
            ticket.fell_back |= class == FailureClass::RefreshRejected;
            ticket.plan = plan;
            ticket.reason = FetchReason::Retry;
            ticket.attempt = attempt;
            ticket.armed = true;
            return Completion::Retry {
                ticket: Box::new(ticket),
                delay_ms,
            };
        }

        // The flight ends with the error; decide how long the key backs off.
        let jittered = |n: u32, jitter: &mut Jitter| {
            backoff::with_jitter(
                backoff::exponential(policy.base_ms, policy.cap_ms, n),
                jitter,
            )
        };
        let delay = match class {
            FailureClass::InvalidClient => {
                entry.invalid_client_streak += 1;
                backoff::exponential(
                    policy.invalid_client_base_ms,
                    policy.invalid_client_cap_ms,
                    entry.invalid_client_streak,
                )
            }
            // Stale refresh rejected: the next stale lookup uses the primary grant right away.
            FailureClass::RefreshRejected => 0,
            FailureClass::Transient => {
                entry.failed_flights += 1;
                jittered(entry.failed_flights, jitter)
            }
            // Not retried; but while an old token is served, refreshes back off instead of
            // running on every lookup.
            FailureClass::Permanent => {
                entry.failed_flights += 1;
                if valid.is_some() {
                    jittered(entry.failed_flights, jitter)
                } else {
                    0
                }
            }
        };
        // While the old token is served, retry the refresh before it stops being usable (unless
        // the server asked for longer, or the credentials are known to be bad).
        let delay = match &valid {
            Some(c) if class != FailureClass::InvalidClient => {
                delay.min(c.usable_until.millis_since(now).max(0))
            }
            _ => delay,
        }
        .max(retry_after);
        entry.flight = None;
        entry.failure = (delay > 0).then(|| Failure {
            until: now.plus_millis(delay),
            error: error.clone(),
        });
        let outcome: Outcome = Err(error);
        self.settle(&ticket.slot, &outcome);
        self.events.emit(|| CacheEvent::FetchFailed {
            key: ticket.key.clone(),
            flight_id,
            code,
            retry_in_ms: None,
        });
        if delay > 0 {
            self.events.emit(|| CacheEvent::BackoffStarted {
                key: ticket.key.clone(),
                delay_ms: delay,
                code,
            });
        }
        Completion::Done(outcome)
    }

    /// Stores a token obtained outside the cache (e.g. from an authorization-code exchange).
    pub fn insert(&mut self, key: &CacheKey, token: Token, now: UnixMillis) -> Arc<Token> {
        self.tick += 1;
        if !self.map.contains_key(key) {
            self.make_room(now);
            self.map.insert(key.clone(), Entry::new(now, self.tick));
            self.stats.entries = self.map.len() as u64;
        }
        let timing = EntryTiming::schedule(&token, &mut self.jitter);
        let token = Arc::new(token);
        if let Some(entry) = self.map.get_mut(key) {
            entry.last_used = self.tick;
            entry.refresh = token.refresh_token.clone().map(|t| RefreshGrant {
                token: t,
                expiry: token.refresh_expiry,
                scope: token.scope.clone(),
            });
            entry.refresh_dead = None;
            entry.failure = None;
            entry.invalid_client_streak = 0;
            entry.failed_flights = 0;
            entry.cached = timing.map(|t| Cached {
                token: token.clone(),
                refresh_at: t.refresh_at,
                usable_until: t.usable_until,
                expires_at: t.expires_at,
            });
            entry.restart_clock(now);
        }
        token
    }

    pub fn purge(&mut self, now: UnixMillis) -> usize {
        let n = lru::purge(&mut self.map, now);
        self.stats.purged += n as u64;
        self.stats.entries = self.map.len() as u64;
        n
    }
}

/// Which grant the next fetch uses: a usable refresh token, else the primary grant, else (the
/// refresh token died and there is no primary grant) the error that killed it.
fn choose_plan(
    entry: &mut Entry,
    now: UnixMillis,
    opts: &LookupOptions,
) -> std::result::Result<FetchPlan, SharedError> {
    if let Some(r) = &entry.refresh {
        if r.usable(now) {
            return Ok(FetchPlan::Refresh(r.token.clone()));
        }
        // Past `refresh_expires_in`: never send it (it would only earn an invalid_grant).
        entry.refresh = None;
        entry.refresh_dead = Some(Arc::new(Error::RefreshTokenExpired));
    }
    match &entry.refresh_dead {
        Some(e) if !opts.primary_grant_available => Err(e.clone()),
        _ => Ok(FetchPlan::Primary),
    }
}

impl Engine {
    /// Applies validated import records (see `persist::parse`); cannot fail.
    pub fn apply_import(
        &mut self,
        records: Vec<super::persist::Imported>,
        now: UnixMillis,
    ) -> super::persist::ImportReport {
        let mut report = super::persist::ImportReport::default();
        for record in records {
            self.tick += 1;
            let Some((key, entry)) =
                super::persist::usable_entry(record, now, self.tick, &mut self.jitter)
            else {
                report.skipped += 1;
                continue;
            };
            let keep_existing = self.map.get(&key).is_some_and(|e| {
                e.flight.is_some()
                    || match (&e.cached, &entry.cached) {
                        (Some(old), Some(new)) => {
                            old.serves(now, 0) && old.token.expires_at >= new.token.expires_at
                        }
                        (Some(old), None) => old.serves(now, 0),
                        _ => false,
                    }
            });
            if keep_existing {
                report.skipped += 1;
                continue;
            }
            if !self.map.contains_key(&key) {
                self.make_room(now);
            }
            self.map.insert(key, entry);
            report.imported += 1;
        }
        self.stats.entries = self.map.len() as u64;
        report
    }
}
