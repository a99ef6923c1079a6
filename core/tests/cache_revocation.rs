//! `TokenCache::forget_token`: after a revocation (RFC 7009) no entry serves the revoked token.

mod cache_support;

use cache_support::*;
use tokensmith::cache::{FetchPlan, FetchReason};
use tokensmith::{RefreshExpiry, Secret};

#[test]
fn a_revoked_access_token_is_forgotten_and_the_next_lookup_fetches() {
    let c = cache();
    let (a, b) = (key("a"), key("b"));
    fill(&c, &a, token("at-a", 0, 3_600_000), at(0));
    fill(&c, &b, token("at-b", 0, 3_600_000), at(0));
    // A prefix or an unknown value matches nothing.
    assert_eq!(c.forget_token(&Secret::new("at-")), 0);
    assert_eq!(c.forget_token(&Secret::new("at-c")), 0);
    assert_eq!(c.len(), 2);
    assert_eq!(c.forget_token(&Secret::new("at-a")), 1);
    assert_eq!((c.len(), c.stats().entries), (1, 1));
    let ticket = fetch(c.lookup(&a, at(1), opts()));
    assert_eq!(ticket.reason(), FetchReason::Missing);
    assert_eq!(ticket.plan(), &FetchPlan::Primary);
    // The other key keeps its token.
    assert_eq!(access(&fresh(c.lookup(&b, at(1), opts()))), "at-b");
}

#[test]
fn a_revoked_refresh_token_drops_the_whole_entry() {
    let c = cache();
    let k = key("r");
    let t = with_refresh(token("at-r", 0, 60_000), "rt-r", RefreshExpiry::Unknown);
    fill(&c, &k, t, at(0));
    // Without the revocation, the expired access token is renewed with the refresh token.
    let ticket = fetch(c.lookup(&k, at(120_000), opts()));
    assert!(
        matches!(ticket.plan(), FetchPlan::Refresh(_)),
        "{:?}",
        ticket.plan()
    );
    drop(ticket);
    assert_eq!(c.forget_token(&Secret::new("rt-r")), 1);
    // The access token is gone with it (RFC 7009 §2.1), and the next fetch uses the primary grant.
    let ticket = fetch(c.lookup(&k, at(1), opts()));
    assert_eq!(ticket.plan(), &FetchPlan::Primary);
}

#[test]
fn every_entry_holding_the_token_is_forgotten() {
    let c = cache();
    let (a, b) = (key("a"), key("b"));
    fill(&c, &a, token("same", 0, 3_600_000), at(0));
    let t = with_refresh(token("at-b", 0, 3_600_000), "same", RefreshExpiry::Unknown);
    fill(&c, &b, t, at(0));
    assert_eq!(c.forget_token(&Secret::new("same")), 2);
    assert!(c.is_empty());
}
