//! Refresh tokens: RFC 6749 §6 keep-the-old-one, rotation, expiry, rejection and fallback.

mod cache_support;

use cache_support::*;
use tokensmith::cache::{FetchPlan, FetchReason, Lookup, LookupOptions};
use tokensmith::{Error, RefreshExpiry, Secret, UnixMillis};

fn rt(plan: &FetchPlan) -> &str {
    match plan {
        FetchPlan::Refresh(s) => s.expose_secret(),
        FetchPlan::Primary => panic!("expected a refresh plan"),
    }
}

fn no_primary() -> LookupOptions {
    LookupOptions {
        primary_grant_available: false,
        ..LookupOptions::default()
    }
}

#[test]
fn a_response_without_refresh_token_keeps_the_old_one() {
    let c = cache();
    let k = key("rt");
    fill(
        &c,
        &k,
        with_refresh(
            token("at-1", 0, 60_000),
            "rt-1",
            RefreshExpiry::At(at(600_000)),
        ),
        at(0),
    );
    let t = fetch(c.lookup(&k, at(54_000), opts()));
    assert_eq!(rt(t.plan()), "rt-1");
    let got = done(c.complete(t, Ok(token("at-2", 54_000, 60_000)), at(54_000))).unwrap();
    assert_eq!(got.refresh_token, Some(Secret::new("rt-1")));
    assert_eq!(got.refresh_expiry, RefreshExpiry::At(at(600_000)));
    let t = fetch(c.lookup(&k, at(108_000), opts()));
    assert_eq!(rt(t.plan()), "rt-1");
}

#[test]
fn a_new_refresh_token_replaces_the_old_one() {
    let c = cache();
    let k = key("rot");
    fill(
        &c,
        &k,
        with_refresh(token("at-1", 0, 60_000), "rt-1", RefreshExpiry::Unknown),
        at(0),
    );
    let (_, t) = stale(c.lookup(&k, at(50_000), opts()));
    assert_eq!(rt(t.plan()), "rt-1");
    let next = with_refresh(
        token("at-2", 50_000, 60_000),
        "rt-2",
        RefreshExpiry::Unknown,
    );
    done(c.complete(t, Ok(next), at(50_000))).unwrap();
    let t = fetch(c.lookup(&k, at(104_000), opts()));
    assert_eq!(rt(t.plan()), "rt-2");
}

#[test]
fn an_expired_refresh_token_is_never_sent_and_falls_back_to_the_primary_grant() {
    let c = cache();
    let k = key("rexp");
    fill(
        &c,
        &k,
        with_refresh(
            token("at-1", 0, 60_000),
            "rt-1",
            RefreshExpiry::At(at(30_000)),
        ),
        at(0),
    );
    let t = fetch(c.lookup(&k, at(54_000), opts()));
    assert_eq!(t.plan(), &FetchPlan::Primary);
}

#[test]
fn an_expired_refresh_token_without_primary_grant_is_a_typed_error() {
    let c = cache();
    let k = key("rexp2");
    c.insert(
        &k,
        with_refresh(
            token("at-1", 0, 60_000),
            "rt-1",
            RefreshExpiry::At(at(30_000)),
        ),
        at(0),
    );
    // Still served while the access token is usable, without a ticket (nothing can refresh it).
    assert!(matches!(
        c.lookup(&k, at(50_000), no_primary()),
        Lookup::Fresh(_)
    ));
    match c.lookup(&k, at(54_000), no_primary()) {
        Lookup::Failed(e) => assert_eq!(e.code(), "refresh_token_expired"),
        other => panic!("{other:?}"),
    }
    // And it stays failed (no loop, no request).
    assert!(matches!(
        c.lookup(&k, at(60_000), no_primary()),
        Lookup::Failed(_)
    ));
    assert_eq!(c.stats().fetches, 0);
}

#[test]
fn invalid_grant_on_refresh_falls_back_to_primary_once_within_the_flight() {
    let c = cache();
    let k = key("fallback");
    fill(
        &c,
        &k,
        with_refresh(token("at-1", 0, 60_000), "rt-1", RefreshExpiry::Unknown),
        at(0),
    );
    let t = fetch(c.lookup(&k, at(54_000), opts()));
    let w = wait(c.lookup(&k, at(54_000), opts()));
    let (t, delay) = retry(c.complete(t, Err(oauth("invalid_grant", 400, None)), at(54_100)));
    assert_eq!(
        (t.plan(), delay, t.reason()),
        (&FetchPlan::Primary, 0, FetchReason::Retry)
    );
    assert!(w.try_result().is_none());
    // The primary grant failing with invalid_grant is final: no loop.
    let e = done(c.complete(t, Err(oauth("invalid_grant", 400, None)), at(54_200))).unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    // The next flight uses the primary grant (the refresh token is gone).
    let t = fetch(c.lookup(&k, at(54_300), opts()));
    assert_eq!(t.plan(), &FetchPlan::Primary);
    let got = done(c.complete(t, Ok(token("at-2", 54_300, 60_000)), at(54_300))).unwrap();
    assert_eq!(got.refresh_token, None);
}

#[test]
fn invalid_grant_on_refresh_without_primary_grant_surfaces_the_error() {
    let c = cache();
    let k = key("nofallback");
    c.insert(
        &k,
        with_refresh(token("at-1", 0, 60_000), "rt-1", RefreshExpiry::Unknown),
        at(0),
    );
    let t = fetch(c.lookup(&k, at(54_000), no_primary()));
    let e = done(c.complete(t, Err(oauth("invalid_grant", 400, None)), at(54_000))).unwrap_err();
    match c.lookup(&k, at(54_001), no_primary()) {
        Lookup::Failed(x) => assert!(std::sync::Arc::ptr_eq(&x, &e)),
        other => panic!("{other:?}"),
    }
    // A token obtained outside (a new authorization-code exchange) heals the key.
    c.insert(
        &k,
        with_refresh(
            token("at-2", 60_000, 60_000),
            "rt-2",
            RefreshExpiry::Unknown,
        ),
        at(60_000),
    );
    assert!(matches!(
        c.lookup(&k, at(60_001), no_primary()),
        Lookup::Fresh(_)
    ));
}

#[test]
fn rejected_stale_refresh_keeps_the_token_and_next_refresh_uses_primary() {
    let c = cache();
    let k = key("stale-ig");
    fill(
        &c,
        &k,
        with_refresh(token("at-1", 0, 3_600_000), "rt-1", RefreshExpiry::Unknown),
        at(0),
    );
    let (_, t) = stale(c.lookup(&k, at(3_000_000), opts()));
    assert_eq!(rt(t.plan()), "rt-1");
    done(c.complete(t, Err(oauth("invalid_grant", 400, None)), at(3_000_000))).unwrap_err();
    let (served, t) = stale(c.lookup(&k, at(3_000_001), opts()));
    assert_eq!(access(&served), "at-1");
    assert_eq!(t.plan(), &FetchPlan::Primary);
}

#[test]
fn rejected_forced_refresh_of_a_valid_token_falls_back_to_primary_within_the_flight() {
    // A forced refresh means the caller saw the cached token refused (a 401 `invalid_token`, a
    // server restart): when the refresh token is refused too, the same flight signs in again.
    let c = cache();
    let k = key("forced-ig");
    fill(
        &c,
        &k,
        with_refresh(token("at-1", 0, 3_600_000), "rt-1", RefreshExpiry::Unknown),
        at(0),
    );
    let forced = LookupOptions {
        force: true,
        ..opts()
    };
    let t = fetch(c.lookup(&k, at(1_000), forced));
    assert_eq!(rt(t.plan()), "rt-1");
    let (t, delay) = retry(c.complete(t, Err(oauth("invalid_grant", 400, None)), at(1_100)));
    assert_eq!((t.plan(), delay), (&FetchPlan::Primary, 0));
    let got = done(c.complete(t, Ok(token("at-2", 1_200, 3_600_000)), at(1_200))).unwrap();
    assert_eq!(access(&got), "at-2");
    // Without a primary grant the forced flight ends with the refusal, as before.
    let k = key("forced-nofallback");
    c.insert(
        &k,
        with_refresh(token("at-1", 0, 3_600_000), "rt-1", RefreshExpiry::Unknown),
        at(0),
    );
    let forced = LookupOptions {
        force: true,
        ..no_primary()
    };
    let t = fetch(c.lookup(&k, at(1_000), forced));
    let e = done(c.complete(t, Err(oauth("invalid_grant", 400, None)), at(1_100))).unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
}

#[test]
fn refresh_token_expired_error_from_the_server_counts_as_rejection() {
    let c = cache();
    let k = key("rte");
    fill(
        &c,
        &k,
        with_refresh(token("at-1", 0, 60_000), "rt-1", RefreshExpiry::Unknown),
        at(0),
    );
    let t = fetch(c.lookup(&k, at(54_000), opts()));
    let (t, _) = retry(c.complete(t, Err(Error::RefreshTokenExpired), at(54_000)));
    assert_eq!(t.plan(), &FetchPlan::Primary);
}

#[test]
fn refresh_token_survives_an_expired_access_token_and_never_expiring_ones_are_kept() {
    let c = cache();
    let k = key("offline");
    fill(
        &c,
        &k,
        with_refresh(token("at-1", 0, 1_000), "rt-off", RefreshExpiry::Never),
        at(0),
    );
    // Days later the access token is long gone, the offline refresh token still works.
    let t = fetch(c.lookup(&k, UnixMillis(T0 + 5 * 86_400_000), opts()));
    assert_eq!(t.reason(), FetchReason::Expired);
    assert_eq!(rt(t.plan()), "rt-off");
    assert_eq!(c.purge_expired(UnixMillis(T0 + 5 * 86_400_000)), 0);
}

#[test]
fn tickets_lookups_and_completions_never_show_the_refresh_token() {
    let c = cache();
    let k = key("dbg");
    fill(
        &c,
        &k,
        with_refresh(
            token("at-dbg-secret", 0, 60_000),
            "rt-dbg-secret",
            RefreshExpiry::Unknown,
        ),
        at(0),
    );
    let (served, ticket) = stale(c.lookup(&k, at(50_000), opts()));
    assert_eq!(rt(ticket.plan()), "rt-dbg-secret");
    let text = format!("{served:?} {ticket:?} {:?}", ticket.plan());
    let completion = c.complete(ticket, Err(oauth("invalid_grant", 400, None)), at(50_000));
    let text = format!(
        "{text} {completion:?} {:?}",
        c.lookup(&k, at(50_001), opts())
    );
    assert!(!text.contains("dbg-secret"), "{text}");
}
