//! `TokenCache::refused`: a resource server refused an access token (RFC 6750 §3.1
//! `invalid_token`). The cache drops it only while it is still the cached one, keeping the
//! refresh token; later refusals of the same token change nothing (ProtonDriveApps/sdk#44).

mod cache_support;

use cache_support::*;
use tokensmith::cache::{FetchPlan, FetchReason};
use tokensmith::{RefreshExpiry, Secret};

#[test]
fn a_refused_token_is_dropped_and_the_next_lookup_fetches_with_the_primary_grant() {
    let c = cache();
    let (a, b) = (key("a"), key("b"));
    fill(&c, &a, token("at-a", 0, 3_600_000), at(0));
    fill(&c, &b, token("at-b", 0, 3_600_000), at(0));
    // A prefix or an unknown value matches nothing.
    assert_eq!(c.refused(&Secret::new("at-")), 0);
    assert_eq!(c.refused(&Secret::new("at-c")), 0);
    assert_eq!(c.refused(&Secret::new("at-a")), 1);
    let ticket = fetch(c.lookup(&a, at(1), opts()));
    assert_eq!(ticket.reason(), FetchReason::Missing);
    assert_eq!(ticket.plan(), &FetchPlan::Primary);
    // The other key keeps its token.
    assert_eq!(access(&fresh(c.lookup(&b, at(1), opts()))), "at-b");
}

#[test]
fn the_refresh_token_survives_and_renews_the_refused_token() {
    let c = cache();
    let k = key("r");
    let t = with_refresh(token("at-r", 0, 3_600_000), "rt-r", RefreshExpiry::Unknown);
    fill(&c, &k, t, at(0));
    // A refresh token is not an access token a resource server could refuse.
    assert_eq!(c.refused(&Secret::new("rt-r")), 0);
    assert_eq!(access(&fresh(c.lookup(&k, at(1), opts()))), "at-r");
    assert_eq!(c.refused(&Secret::new("at-r")), 1);
    let ticket = fetch(c.lookup(&k, at(2), opts()));
    assert_eq!(ticket.plan(), &FetchPlan::Refresh(Secret::new("rt-r")));
}

#[test]
fn refusals_of_a_replaced_token_change_nothing() {
    let c = cache();
    let k = key("k");
    fill(&c, &k, token("at-1", 0, 3_600_000), at(0));
    // Three requests went out with at-1 and come back refused, one after the other.
    assert_eq!(c.refused(&Secret::new("at-1")), 1);
    let ticket = fetch(c.lookup(&k, at(10), opts()));
    // The second refusal arrives while the renewal is in flight: nothing to drop, and its
    // lookup waits for that flight instead of starting another.
    assert_eq!(c.refused(&Secret::new("at-1")), 0);
    let waiting = wait(c.lookup(&k, at(11), opts()));
    let renewed = done(c.complete(ticket, Ok(token("at-2", 12, 3_600_000)), at(12)));
    assert_eq!(access(&renewed.expect("renewed")), "at-2");
    assert_eq!(access(&settled_token(waiting.try_result())), "at-2");
    // The third arrives after the renewal: at-2 stays, served without a fetch.
    assert_eq!(c.refused(&Secret::new("at-1")), 0);
    assert_eq!(access(&fresh(c.lookup(&k, at(13), opts()))), "at-2");
    assert_eq!(c.stats().fetches, 2);
}
