//! Failure rules: in-flight retries, backoff, Retry-After, negative caching of invalid_client.

mod cache_support;

use cache_support::*;
use std::sync::Arc;
use tokensmith::cache::{FetchReason, Lookup, LookupOptions, Settled};

#[test]
fn transient_failures_are_retried_in_flight_then_back_off() {
    let c = cache();
    let k = key("t");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    let w = wait(c.lookup(&k, at(0), opts()));
    // Attempt 1 fails: retry after 250 ms with equal jitter → [125, 250].
    let (ticket, d1) = retry(c.complete(ticket, Err(transport()), at(10)));
    assert!((125..=250).contains(&d1), "{d1}");
    assert_eq!((ticket.attempt(), ticket.reason()), (2, FetchReason::Retry));
    assert!(
        w.try_result().is_none(),
        "waiters keep waiting during retries"
    );
    // Still one ticket for the key.
    wait(c.lookup(&k, at(11), opts()));
    let (ticket, d2) = retry(c.complete(ticket, Err(oauth("x", 503, None)), at(300)));
    assert!((250..=500).contains(&d2), "{d2}");
    // Third attempt fails: max_attempts (3) reached, every waiter gets the same error.
    let err = done(c.complete(ticket, Err(transport()), at(800))).unwrap_err();
    match w.try_result() {
        Some(Settled::Done(Err(e))) => assert!(Arc::ptr_eq(&e, &err)),
        other => panic!("{other:?}"),
    }
    // The key backs off 1 s with equal jitter → [500, 1000] ms.
    let (e, retry_in) = backoff(c.lookup(&k, at(800), opts()));
    assert_eq!(e.code(), "transport_connect");
    assert!((500..=1000).contains(&retry_in), "{retry_in}");
    let next = fetch(c.lookup(&k, at(800 + retry_in), opts()));
    assert_eq!(next.reason(), FetchReason::Retry);
    let s = c.stats();
    assert_eq!((s.failures, s.retries, s.backoffs), (3, 2, 1));
}

#[test]
fn backoff_grows_per_failed_flight_and_is_capped() {
    let c = cache();
    let k = key("grow");
    let mut now = 0;
    let mut last = 0;
    for n in 1..=9u32 {
        let mut ticket = fetch(c.lookup(&k, at(now), opts()));
        // Exhaust the in-flight retries quickly (no time passes).
        while let tokensmith::cache::Completion::Retry { ticket: t, .. } =
            c.complete(ticket, Err(transport()), at(now))
        {
            ticket = *t;
        }
        let (_, wait_ms) = backoff(c.lookup(&k, at(now), opts()));
        let nominal = (1000i64 << (n - 1)).min(60_000);
        assert!(
            (nominal / 2..=nominal).contains(&wait_ms),
            "n={n} {wait_ms}"
        );
        last = wait_ms;
        now += wait_ms;
    }
    assert!(last >= 30_000);
}

#[test]
fn retry_after_is_honoured() {
    let c = cache();
    let k = key("ra");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    let (ticket, d) = retry(c.complete(ticket, Err(oauth("x", 429, Some(2_000))), at(0)));
    assert_eq!(d, 2_000);
    // A Retry-After beyond the 10 s in-flight budget ends the flight and sets the backoff.
    let e = done(c.complete(ticket, Err(oauth("x", 503, Some(20_000))), at(2_000))).unwrap_err();
    assert_eq!(e.status(), Some(503));
    let (_, retry_in) = backoff(c.lookup(&k, at(2_000), opts()));
    assert_eq!(retry_in, 20_000);
    backoff(c.lookup(&k, at(21_999), opts()));
    fetch(c.lookup(&k, at(22_000), opts()));
}

#[test]
fn absurd_retry_after_is_capped_at_one_hour() {
    let c = cache();
    let k = key("ra-cap");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    done(c.complete(ticket, Err(oauth("x", 503, Some(86_400_000 * 30))), at(0))).unwrap_err();
    let (_, retry_in) = backoff(c.lookup(&k, at(0), opts()));
    assert_eq!(retry_in, 3_600_000);
}

#[test]
fn invalid_client_is_negatively_cached_for_a_growing_interval() {
    let c = cache();
    let k = key("bad-secret");
    let mut now = 0;
    for expected in [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000] {
        let ticket = fetch(c.lookup(&k, at(now), opts()));
        let e =
            done(c.complete(ticket, Err(oauth("invalid_client", 401, None)), at(now))).unwrap_err();
        assert_eq!(e.code(), "invalid_client");
        let (e2, retry_in) = backoff(c.lookup(&k, at(now), opts()));
        assert!(Arc::ptr_eq(&e, &e2));
        assert_eq!(retry_in, expected);
        // force does not override the negative cache.
        let forced = LookupOptions {
            force: true,
            ..opts()
        };
        backoff(c.lookup(&k, at(now + expected - 1), forced));
        now += expected;
    }
    // A success resets the streak.
    let ticket = fetch(c.lookup(&k, at(now), opts()));
    done(c.complete(ticket, Ok(token("at", now, 1000)), at(now))).unwrap();
    drop(fetch(c.lookup(&k, at(now + 900), opts())));
    let ticket = fetch(c.lookup(&k, at(now + 900), opts()));
    done(c.complete(
        ticket,
        Err(oauth("invalid_client", 401, None)),
        at(now + 900),
    ))
    .unwrap_err();
    assert_eq!(backoff(c.lookup(&k, at(now + 900), opts())).1, 2_000);
}

#[test]
fn other_4xx_errors_are_not_retried_and_not_backed_off() {
    let c = cache();
    let k = key("scope");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    let w = wait(c.lookup(&k, at(0), opts()));
    let e = done(c.complete(ticket, Err(oauth("invalid_scope", 400, None)), at(0))).unwrap_err();
    assert!(matches!(w.try_result(), Some(Settled::Done(Err(x))) if Arc::ptr_eq(&x, &e)));
    let next = fetch(c.lookup(&k, at(1), opts()));
    assert_eq!(next.reason(), FetchReason::Retry);
    assert_eq!(c.stats().retries, 0);
}

#[test]
fn failed_stale_refresh_keeps_serving_and_backs_off_until_usable_until() {
    let c = cache();
    let k = key("stale-fail");
    fill(&c, &k, token("at-1", 0, 3_600_000), at(0));
    let (_, ticket) = stale(c.lookup(&k, at(3_000_000), opts()));
    // A transient failure of a background refresh is not retried in flight.
    let e = done(c.complete(ticket, Err(transport()), at(3_000_000))).unwrap_err();
    assert_eq!(e.code(), "transport_connect");
    // Served without a ticket during the backoff (≤ 1 s).
    assert_eq!(access(&fresh(c.lookup(&k, at(3_000_000), opts()))), "at-1");
    // After it, a new refresh ticket, marked as a retry.
    let (_, ticket) = stale(c.lookup(&k, at(3_001_000), opts()));
    assert_eq!(ticket.reason(), FetchReason::Retry);
    // Failures near the end: the backoff never runs past usable_until (3,570,000).
    drop(ticket);
    let (_, ticket) = stale(c.lookup(&k, at(3_569_900), opts()));
    done(c.complete(ticket, Err(oauth("x", 500, None)), at(3_569_900))).unwrap_err();
    fresh(c.lookup(&k, at(3_569_950), opts()));
    let t = fetch(c.lookup(&k, at(3_570_000), opts()));
    assert_eq!(t.reason(), FetchReason::Retry);
}

#[test]
fn stale_refresh_retry_after_is_honoured_even_past_usable_until() {
    let c = cache();
    let k = key("stale-ra");
    fill(&c, &k, token("at-1", 0, 3_600_000), at(0));
    let (_, ticket) = stale(c.lookup(&k, at(3_500_000), opts()));
    done(c.complete(ticket, Err(oauth("x", 503, Some(120_000))), at(3_500_000))).unwrap_err();
    fresh(c.lookup(&k, at(3_569_999), opts()));
    let (_, retry_in) = backoff(c.lookup(&k, at(3_570_000), opts()));
    assert_eq!(retry_in, 50_000);
    fetch(c.lookup(&k, at(3_620_000), opts()));
}

#[test]
fn permanent_error_on_stale_refresh_backs_off_instead_of_running_every_lookup() {
    let c = cache();
    let k = key("stale-perm");
    fill(&c, &k, token("at-1", 0, 3_600_000), at(0));
    let (_, ticket) = stale(c.lookup(&k, at(3_000_000), opts()));
    done(c.complete(
        ticket,
        Err(oauth("invalid_scope", 400, None)),
        at(3_000_000),
    ))
    .unwrap_err();
    for _ in 0..10 {
        assert!(matches!(
            c.lookup(&k, at(3_000_001), opts()),
            Lookup::Fresh(_)
        ));
    }
    assert_eq!(c.stats().fetches, 2);
}

#[test]
fn expired_flight_budget_is_bounded_in_time() {
    let c = cache();
    let k = key("budget");
    let ticket = fetch(c.lookup(&k, at(0), opts()));
    // The first attempt took 9.9 s (a slow timeout): no time left for a retry within 10 s.
    done(c.complete(ticket, Err(transport()), at(9_900))).unwrap_err();
}

#[test]
fn a_backoff_lasts_its_real_duration_after_the_clock_jumps_back() {
    // Fault matrix case 11 (tests/vectors/faults.json): a clock corrected back by a day must not
    // keep the key in backoff for that day.
    let c = cache();
    let k = key("back-backoff");
    let mut ticket = fetch(c.lookup(&k, at(0), opts()));
    while let tokensmith::cache::Completion::Retry { ticket: t, .. } =
        c.complete(ticket, Err(transport()), at(0))
    {
        ticket = *t;
    }
    let (_, retry_in) = backoff(c.lookup(&k, at(0), opts()));
    assert!((500..=1000).contains(&retry_in), "{retry_in}");
    let day = 86_400_000;
    backoff(c.lookup(&k, at(-day), opts()));
    backoff(c.lookup(&k, at(-day + retry_in - 1), opts()));
    let next = fetch(c.lookup(&k, at(-day + retry_in), opts()));
    assert_eq!(next.reason(), FetchReason::Retry);
}
