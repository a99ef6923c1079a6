//! Property tests: for any sequence of lookups, completions, failures, abandoned tickets and
//! clock steps, no token is served with less validity than `max(skew, min_ttl)` and no key ever
//! has two tickets out.

mod cache_support;

use cache_support::*;
use proptest::prelude::*;
use tokensmith::cache::{Completion, Lookup, LookupOptions, Ticket, TimingBounds};
use tokensmith::{RefreshExpiry, Token};

#[derive(Clone, Debug)]
enum Res {
    Token { lifetime_ms: i64, refresh: bool },
    Transient,
    InvalidClient,
    InvalidGrant,
    Permanent,
}

#[derive(Clone, Debug)]
enum Op {
    Lookup {
        key: u8,
        min_ttl_ms: i64,
        force: bool,
        primary: bool,
    },
    Complete {
        ticket: usize,
        res: Res,
    },
    Abandon {
        ticket: usize,
    },
    Advance(i64),
    Back(i64),
}

fn res() -> impl Strategy<Value = Res> {
    prop_oneof![
        4 => (prop_oneof![Just(-1_000i64), Just(0), Just(1), Just(1_000), Just(59_000),
                          Just(1_799_000), Just(3_600_000), 1i64..5_000_000], any::<bool>())
            .prop_map(|(lifetime_ms, refresh)| Res::Token { lifetime_ms, refresh }),
        1 => Just(Res::Transient),
        1 => Just(Res::InvalidClient),
        1 => Just(Res::InvalidGrant),
        1 => Just(Res::Permanent),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0u8..3, prop_oneof![Just(0i64), 0i64..4_000_000], prop::bool::weighted(0.1), any::<bool>())
            .prop_map(|(key, min_ttl_ms, force, primary)| Op::Lookup { key, min_ttl_ms, force, primary }),
        3 => (any::<prop::sample::Index>(), res())
            .prop_map(|(i, res)| Op::Complete { ticket: i.index(usize::MAX), res }),
        1 => any::<prop::sample::Index>().prop_map(|i| Op::Abandon { ticket: i.index(usize::MAX) }),
        3 => prop_oneof![1i64..1_000, 1i64..100_000, 1i64..4_000_000].prop_map(Op::Advance),
        1 => (1i64..1_000_000).prop_map(Op::Back),
    ]
}

fn result_for(res: &Res, now: i64) -> tokensmith::Result<Token> {
    match res {
        Res::Token {
            lifetime_ms,
            refresh,
        } => {
            let t = token("at-prop", now, *lifetime_ms);
            Ok(if *refresh {
                with_refresh(
                    t,
                    "rt-prop",
                    RefreshExpiry::At(at(now + 2 * lifetime_ms.abs())),
                )
            } else {
                t
            })
        }
        Res::Transient => Err(oauth("server_error", 503, None)),
        Res::InvalidClient => Err(oauth("invalid_client", 401, None)),
        Res::InvalidGrant => Err(oauth("invalid_grant", 400, None)),
        Res::Permanent => Err(oauth("invalid_scope", 400, None)),
    }
}

fn check_served(t: &Token, now: i64, min_ttl_ms: i64) -> Result<(), TestCaseError> {
    let skew = TimingBounds::for_lifetime(t.lifetime_ms()).map_or(i64::MAX, |b| b.skew_ms);
    let remaining = t.remaining_ms(at(now));
    prop_assert!(
        remaining > skew.max(min_ttl_ms),
        "served a token with {remaining} ms left (skew {skew}, min_ttl {min_ttl_ms})"
    );
    Ok(())
}

fn check_single_ticket(tickets: &[Ticket], new: &Ticket) -> Result<(), TestCaseError> {
    prop_assert!(
        tickets.iter().all(|t| t.key() != new.key()),
        "two tickets out for one key"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_serves_short_tokens_never_two_tickets(ops in prop::collection::vec(op(), 1..80)) {
        let c = cache();
        let keys = [key("p0"), key("p1"), key("p2")];
        let mut now = 0i64;
        let mut tickets: Vec<Ticket> = Vec::new();
        for op in ops {
            match op {
                Op::Lookup { key, min_ttl_ms, force, primary } => {
                    let options = LookupOptions {
                        min_ttl_ms,
                        force,
                        primary_grant_available: primary,
                    };
                    match c.lookup(&keys[usize::from(key)], at(now), options) {
                        Lookup::Fresh(t) => check_served(&t, now, min_ttl_ms)?,
                        Lookup::Stale(t, ticket) => {
                            check_served(&t, now, min_ttl_ms)?;
                            check_single_ticket(&tickets, &ticket)?;
                            tickets.push(ticket);
                        }
                        Lookup::Fetch(ticket) => {
                            check_single_ticket(&tickets, &ticket)?;
                            tickets.push(ticket);
                        }
                        Lookup::Wait(w) => prop_assert!(
                            tickets.iter().any(|t| t.flight_id() == w.flight_id()),
                            "waiting on a flight nobody holds"
                        ),
                        Lookup::Backoff { retry_in_ms, .. } => prop_assert!(retry_in_ms > 0),
                        Lookup::Failed(_) => prop_assert!(!primary),
                    }
                }
                Op::Complete { ticket, res } => {
                    if tickets.is_empty() {
                        continue;
                    }
                    let t = tickets.swap_remove(ticket % tickets.len());
                    let w = t.wait_handle();
                    match c.complete(t, result_for(&res, now), at(now)) {
                        Completion::Done(_) => prop_assert!(w.try_result().is_some()),
                        Completion::Retry { ticket, delay_ms } => {
                            prop_assert!(delay_ms >= 0);
                            prop_assert!(w.try_result().is_none());
                            tickets.push(*ticket);
                        }
                    }
                }
                Op::Abandon { ticket } => {
                    if !tickets.is_empty() {
                        let t = tickets.swap_remove(ticket % tickets.len());
                        let w = t.wait_handle();
                        drop(t);
                        prop_assert!(w.try_result().is_some());
                    }
                }
                Op::Advance(ms) => now += ms,
                Op::Back(ms) => now -= ms,
            }
        }
    }
}
