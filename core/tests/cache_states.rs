//! Every state and transition of the cache, driven by a manual clock.

mod cache_support;

use cache_support::*;
use std::sync::{Arc, Mutex};
use tokensmith::cache::{
    CacheConfig, CacheEvent, FetchPlan, FetchReason, Lookup, LookupOptions, Settled, TimingBounds,
    TokenCache,
};
use tokensmith::token::ExpirySource;

#[test]
fn cold_key_fetches_once_and_waiters_share_the_result() {
    let c = cache();
    let k = key("a");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    assert_eq!(ticket.reason(), FetchReason::Missing);
    assert_eq!(ticket.plan(), &FetchPlan::Primary);
    let w1 = wait(c.lookup(&k, at(1), opts()));
    let w2 = wait(c.lookup(&k, at(2), opts()));
    assert_eq!(w1.flight_id(), ticket.flight_id());
    assert!(w1.try_result().is_none());
    let got = done(c.complete(ticket, Ok(token("at-1", 0, 3_600_000)), at(3))).unwrap();
    let a = settled_token(w1.try_result());
    let b = settled_token(w2.try_result());
    assert!(Arc::ptr_eq(&got, &a) && Arc::ptr_eq(&a, &b));
    let hit = fresh(c.lookup(&k, at(4), opts()));
    assert!(Arc::ptr_eq(&hit, &got));
    let s = c.stats();
    assert_eq!((s.misses, s.fetches, s.coalesced, s.hits), (3, 1, 2, 1));
}

/// Fresh → stale (one ticket, others served) → expired (fetch, others wait), per lifetime.
fn walk_lifetime(lifetime_ms: i64, source: ExpirySource) {
    let b = TimingBounds::for_lifetime(lifetime_ms).unwrap();
    let c = cache();
    let k = key("walk");
    let mut t = token("at-walk", 0, lifetime_ms);
    t.expiry_source = source;
    fill(&c, &k, t, at(0));
    if b.refresh_at_min_ms > 0 {
        fresh(c.lookup(&k, at(0), opts()));
        fresh(c.lookup(&k, at(b.refresh_at_min_ms - 1), opts()));
    }
    if b.refresh_at_max_ms < b.usable_for_ms {
        let (served, ticket) = stale(c.lookup(&k, at(b.refresh_at_max_ms), opts()));
        assert_eq!(access(&served), "at-walk");
        assert_eq!(ticket.reason(), FetchReason::Aging);
        // While the refresh runs, everyone else is served the cached token without a ticket.
        fresh(c.lookup(&k, at(b.refresh_at_max_ms), opts()));
        fresh(c.lookup(&k, at(b.usable_for_ms - 1), opts()));
        drop(ticket);
        let (_, again) = stale(c.lookup(&k, at(b.usable_for_ms - 1), opts()));
        drop(again);
    }
    let ticket = fetch(c.lookup(&k, at(b.usable_for_ms), opts()));
    assert_eq!(ticket.reason(), FetchReason::Expired);
    wait(c.lookup(&k, at(b.usable_for_ms), opts()));
    // Even past the real expiry nothing is served.
    wait(c.lookup(&k, at(lifetime_ms + 1), opts()));
    let next = token("at-next", b.usable_for_ms, lifetime_ms);
    let got = done(c.complete(ticket, Ok(next), at(b.usable_for_ms))).unwrap();
    assert_eq!(access(&got), "at-next");
}

#[test]
fn lifetime_1s() {
    let b = TimingBounds::for_lifetime(1_000).unwrap();
    assert_eq!((b.skew_ms, b.usable_for_ms), (100, 900));
    walk_lifetime(1_000, ExpirySource::ExpiresIn);
}

#[test]
fn lifetime_59s_is_not_rejected_by_a_fixed_leeway() {
    let b = TimingBounds::for_lifetime(59_000).unwrap();
    assert_eq!(b.skew_ms, 5_900);
    walk_lifetime(59_000, ExpirySource::ExpiresIn);
}

#[test]
fn lifetime_1799s() {
    assert_eq!(
        TimingBounds::for_lifetime(1_799_000).unwrap().skew_ms,
        30_000
    );
    walk_lifetime(1_799_000, ExpirySource::ExpiresIn);
}

#[test]
fn lifetime_3600s() {
    walk_lifetime(3_600_000, ExpirySource::ExpiresIn);
}

#[test]
fn lifetime_none_uses_the_default_lifetime_like_any_other() {
    walk_lifetime(
        tokensmith::response::DEFAULT_LIFETIME_SECS * 1000,
        ExpirySource::DefaultLifetime,
    );
}

#[test]
fn tiny_lifetimes() {
    walk_lifetime(1, ExpirySource::ExpiresIn);
    walk_lifetime(10, ExpirySource::ExpiresIn);
}

#[test]
fn zero_or_negative_lifetime_is_returned_once_never_cached() {
    for lifetime in [0, -1_000] {
        let c = cache();
        let k = key("doa");
        let ticket = fetch(c.lookup(&k, at(0), opts()));
        let w = wait(c.lookup(&k, at(0), opts()));
        let got = done(c.complete(ticket, Ok(token("at-doa", 0, lifetime)), at(0))).unwrap();
        assert_eq!(access(&got), "at-doa");
        assert_eq!(access(&settled_token(w.try_result())), "at-doa");
        let again = fetch(c.lookup(&k, at(0), opts()));
        assert_eq!(again.reason(), FetchReason::Missing);
    }
}

#[test]
fn dead_on_arrival_refresh_keeps_the_previous_valid_token() {
    let c = cache();
    let k = key("keep");
    fill(&c, &k, token("at-old", 0, 3_600_000), at(0));
    let (_, ticket) = stale(c.lookup(&k, at(3_000_000), opts()));
    done(c.complete(ticket, Ok(token("at-doa", 3_000_000, 0)), at(3_000_000))).unwrap();
    let served = match c.lookup(&k, at(3_000_001), opts()) {
        Lookup::Fresh(t) | Lookup::Stale(t, _) => t,
        other => panic!("{other:?}"),
    };
    assert_eq!(access(&served), "at-old");
}

#[test]
fn min_ttl_asks_for_more_validity_without_affecting_others() {
    let c = cache();
    let k = key("ttl");
    fill(&c, &k, token("at-1", 0, 3_600_000), at(0));
    let need = LookupOptions {
        min_ttl_ms: 3_000_000,
        ..opts()
    };
    // 3,600,000 - 500,000 = 3,100,000 left > 3,000,000: served.
    fresh(c.lookup(&k, at(500_000), need));
    // 3,000,000 left is not more than min_ttl: this caller needs a fetch.
    let ticket = fetch(c.lookup(&k, at(600_000), need));
    assert_eq!(ticket.reason(), FetchReason::Expired);
    // Callers without min_ttl keep being served, callers with it wait.
    fresh(c.lookup(&k, at(600_000), opts()));
    wait(c.lookup(&k, at(600_000), need));
    done(c.complete(ticket, Ok(token("at-2", 600_000, 3_600_000)), at(600_000))).unwrap();
    assert_eq!(access(&fresh(c.lookup(&k, at(600_001), need))), "at-2");
}

#[test]
fn force_fetches_even_when_fresh_and_joins_a_running_fetch() {
    let c = cache();
    let k = key("force");
    fill(&c, &k, token("at-1", 0, 3_600_000), at(0));
    let forced = LookupOptions {
        force: true,
        ..opts()
    };
    let ticket = fetch(c.lookup(&k, at(10), forced));
    assert_eq!(ticket.reason(), FetchReason::Forced);
    wait(c.lookup(&k, at(10), forced));
    assert_eq!(access(&fresh(c.lookup(&k, at(10), opts()))), "at-1");
    done(c.complete(ticket, Ok(token("at-2", 10, 3_600_000)), at(10))).unwrap();
    assert_eq!(access(&fresh(c.lookup(&k, at(11), opts()))), "at-2");
}

#[test]
fn clock_jumping_backwards_never_revives_an_expired_token() {
    let c = cache();
    let k = key("back");
    fill(&c, &k, token("at-1", 0, 60_000), at(0));
    // 54,000 = 60,000 - 6,000 skew: expired for the cache.
    let ticket = fetch(c.lookup(&k, at(54_000), opts()));
    assert_eq!(ticket.reason(), FetchReason::Expired);
    // The clock goes back by ten minutes: still not served, the caller waits for the fetch.
    wait(c.lookup(&k, at(-600_000), opts()));
    // A token fetched on the corrected clock is served on that clock.
    done(c.complete(ticket, Ok(token("at-2", -600_000, 60_000)), at(-600_000))).unwrap();
    assert_eq!(access(&fresh(c.lookup(&k, at(-599_000), opts()))), "at-2");
    // Same without a fetch in flight: the expired token is never served after a jump back.
    let other = key("back-b");
    fill(&c, &other, token("at-3", 0, 60_000), at(0));
    drop(fetch(c.lookup(&other, at(54_000), opts())));
    fetch(c.lookup(&other, at(-600_000), opts()));
}

#[test]
fn clock_jumping_backwards_keeps_serving_a_valid_token_no_longer_than_before() {
    let c = cache();
    let k = key("back2");
    fill(&c, &k, token("at-1", 0, 3_600_000), at(0));
    fresh(c.lookup(&k, at(1_000_000), opts()));
    // Back to before issue: served (the entry's clock stays at 1,000,000).
    fresh(c.lookup(&k, at(-5_000_000), opts()));
    // Forward past usable_until: fetched.
    fetch(c.lookup(&k, at(3_570_000), opts()));
}

#[test]
fn clock_jumping_forwards_expires_tokens() {
    let c = cache();
    let k = key("fwd");
    fill(&c, &k, token("at-1", 0, 3_600_000), at(0));
    fresh(c.lookup(&k, at(1), opts()));
    let t = fetch(c.lookup(&k, at(86_400_000), opts()));
    assert_eq!(t.reason(), FetchReason::Expired);
}

#[test]
fn abandoned_ticket_releases_the_key_and_tells_waiters() {
    let c = cache();
    let k = key("drop");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    let w = wait(c.lookup(&k, at(0), opts()));
    drop(ticket);
    assert!(matches!(w.try_result(), Some(Settled::Abandoned)));
    let again = fetch(c.lookup(&k, at(1), opts()));
    assert_eq!(again.reason(), FetchReason::Missing);
    assert_eq!(c.stats().abandoned, 1);
}

#[test]
fn ticket_outliving_its_cache_is_harmless() {
    let c = cache();
    let k = key("orphan");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    let w = wait(c.lookup(&k, at(0), opts()));
    drop(c);
    drop(ticket);
    assert!(matches!(w.try_result(), Some(Settled::Abandoned)));
}

#[test]
fn panicking_fetcher_releases_the_key() {
    let c = cache();
    let k = key("panic");
    let c2 = c.clone();
    let k2 = k.clone();
    let r = std::thread::spawn(move || {
        let _ticket = fetch(c2.lookup(&k2, at(0), opts()));
        panic!("fetch blew up");
    })
    .join();
    assert!(r.is_err());
    fetch(c.lookup(&k, at(1), opts()));
}

#[test]
fn completion_after_invalidate_reaches_waiters_but_not_the_cache() {
    let c = cache();
    let k = key("inv");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    let w = wait(c.lookup(&k, at(0), opts()));
    assert!(c.invalidate(&k));
    done(c.complete(ticket, Ok(token("at-1", 0, 3_600_000)), at(1))).unwrap();
    assert_eq!(access(&settled_token(w.try_result())), "at-1");
    assert!(c.is_empty());
    fetch(c.lookup(&k, at(2), opts()));
}

#[test]
fn a_ticket_from_another_cache_does_not_touch_this_one() {
    let a = cache();
    let b = cache();
    let k = key("x");
    let ticket = fetch(a.lookup(&k, at(0), opts()));
    let bt = fetch(b.lookup(&k, at(0), opts()));
    done(b.complete(ticket, Ok(token("at-a", 0, 3_600_000)), at(1))).unwrap();
    // b's own flight is untouched and still pending.
    wait(b.lookup(&k, at(1), opts()));
    drop(bt);
    // The ticket was routed to the cache that issued it.
    assert_eq!(access(&fresh(a.lookup(&k, at(2), opts()))), "at-a");
}

#[test]
fn stale_refresh_replaces_the_token_and_feeds_waiters() {
    let c = cache();
    let k = key("swr");
    fill(&c, &k, token("at-1", 0, 3_600_000), at(0));
    let (_, ticket) = stale(c.lookup(&k, at(3_000_000), opts()));
    let need = LookupOptions {
        min_ttl_ms: 1_000_000,
        ..opts()
    };
    let w = wait(c.lookup(&k, at(3_000_000), need));
    done(c.complete(
        ticket,
        Ok(token("at-2", 3_000_000, 3_600_000)),
        at(3_000_000),
    ))
    .unwrap();
    assert_eq!(access(&settled_token(w.try_result())), "at-2");
    assert_eq!(access(&fresh(c.lookup(&k, at(3_000_001), opts()))), "at-2");
}

#[test]
fn jitter_is_reproducible_per_seed_and_spreads_across_seeds() {
    let first_stale = |seed: u64| {
        let c = TokenCache::new(CacheConfig {
            jitter_seed: Some(seed),
            ..CacheConfig::default()
        });
        let k = key("j");
        fill(&c, &k, token("at", 0, 1_000_000), at(0));
        // Refresh point lies in [700,000, 800,000]; find it to the millisecond.
        let (mut lo, mut hi) = (700_000i64, 800_000i64);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let probe = TokenCache::new(CacheConfig {
                jitter_seed: Some(seed),
                ..CacheConfig::default()
            });
            fill(&probe, &k, token("at", 0, 1_000_000), at(0));
            match probe.lookup(&k, at(mid), opts()) {
                Lookup::Fresh(_) => lo = mid + 1,
                _ => hi = mid,
            }
        }
        drop(c);
        lo
    };
    assert_eq!(first_stale(7), first_stale(7));
    let points: std::collections::BTreeSet<i64> = (1..=8).map(first_stale).collect();
    assert!(points.len() >= 6, "{points:?}");
    assert!(points.iter().all(|p| (700_000..=800_000).contains(p)));
}

#[test]
fn lru_evicts_the_least_recently_used_and_purges_dead_entries_first() {
    let c = TokenCache::new(CacheConfig {
        capacity: 3,
        jitter_seed: Some(1),
        ..CacheConfig::default()
    });
    for name in ["k1", "k2", "k3"] {
        fill(&c, &key(name), token(name, 0, 3_600_000), at(0));
    }
    fresh(c.lookup(&key("k1"), at(1), opts()));
    fill(&c, &key("k4"), token("k4", 0, 3_600_000), at(2));
    assert_eq!(c.len(), 3);
    assert_eq!(c.stats().evictions, 1);
    fresh(c.lookup(&key("k1"), at(3), opts()));
    fetch(c.lookup(&key("k2"), at(3), opts()));
    // k2 now has a flight and is never evicted; k3 is the oldest without one.
    fill(&c, &key("k5"), token("k5", 0, 10_000), at(4));
    assert!(matches!(
        c.lookup(&key("k3"), at(5), opts()),
        Lookup::Fetch(_)
    ));
    // Expired entries go first: k5 (10 s) is dead after 10 s.
    let before = c.stats().purged;
    assert!(c.purge_expired(at(20_000)) >= 1);
    assert!(c.stats().purged > before);
}

#[test]
fn events_name_reasons_and_never_secrets() {
    let c = cache();
    let log: Arc<Mutex<Vec<CacheEvent>>> = Arc::default();
    let sink = log.clone();
    c.set_event_callback(Some(Box::new(move |e: &CacheEvent| {
        sink.lock().unwrap().push(e.clone())
    })));
    let k = key("ev");
    let t = with_refresh(
        token("at-secret-1", 0, 3_600_000),
        "rt-secret-1",
        tokensmith::RefreshExpiry::Unknown,
    );
    fill(&c, &k, t, at(0));
    let (_, ticket) = stale(c.lookup(&k, at(3_000_000), opts()));
    drop(ticket);
    let events = log.lock().unwrap().clone();
    let reasons: Vec<FetchReason> = events
        .iter()
        .filter_map(|e| match e {
            CacheEvent::FetchStarted { reason, .. } => Some(*reason),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, [FetchReason::Missing, FetchReason::Aging]);
    assert!(events
        .iter()
        .any(|e| matches!(e, CacheEvent::Abandoned { .. })));
    let text = format!("{events:?}");
    assert!(!text.contains("secret-1"), "{text}");
}

#[test]
fn callback_may_use_the_cache_without_deadlock() {
    let c = cache();
    let inner = c.clone();
    c.set_event_callback(Some(Box::new(move |_e: &CacheEvent| {
        let _ = inner.stats();
    })));
    fill(&c, &key("cb"), token("at", 0, 1000), at(0));
    assert_eq!(c.stats().fetches, 1);
}

#[test]
fn wait_timeout_returns_none_while_pending() {
    let c = cache();
    let k = key("wt");
    let _ticket = fetch(c.lookup(&k, at(0), opts()));
    let w = wait(c.lookup(&k, at(0), opts()));
    assert!(w
        .wait_timeout(std::time::Duration::from_millis(5))
        .is_none());
}

#[test]
fn on_settled_listeners_run_once_outside_the_lock() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let c = cache();
    let k = key("listen");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    let w = wait(c.lookup(&k, at(0), opts()));
    let calls = Arc::new(AtomicUsize::new(0));
    let (n, inner, k2) = (calls.clone(), c.clone(), k.clone());
    w.on_settled(Box::new(move |s: &Settled| {
        assert!(matches!(s, Settled::Done(Ok(_))));
        // Using the cache from a listener must not deadlock.
        assert!(matches!(inner.lookup(&k2, at(1), opts()), Lookup::Fresh(_)));
        n.fetch_add(1, Ordering::SeqCst);
    }));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    done(c.complete(ticket, Ok(token("at-1", 0, 3_600_000)), at(1))).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Added after the end: runs at once.
    let n = calls.clone();
    w.on_settled(Box::new(move |_s: &Settled| {
        n.fetch_add(1, Ordering::SeqCst);
    }));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // Abandonment notifies too.
    let k3 = key("listen-drop");
    let ticket = fetch(c.lookup(&k3, at(0), opts()));
    let n = calls.clone();
    ticket
        .wait_handle()
        .on_settled(Box::new(move |s: &Settled| {
            assert!(matches!(s, Settled::Abandoned));
            n.fetch_add(1, Ordering::SeqCst);
        }));
    drop(ticket);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn handles_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<TokenCache>();
    send_sync::<tokensmith::cache::Ticket>();
    send_sync::<tokensmith::cache::WaitHandle>();
    send_sync::<Lookup>();
    send_sync::<tokensmith::cache::Completion>();
    send_sync::<tokensmith::cache::CacheKey>();
}
