//! Concurrent callers read the clock before they take the cache's lock, so their `now`s arrive
//! slightly out of order (found by the core soak, `core/examples/soak.rs`: with 64 threads a
//! refresh started 24 ms before its earliest point). Such a reading is not a backward clock jump:
//! it must not move the entry's effective time ahead of the real time, or a busy key would see
//! its tokens age faster than they do.

mod cache_support;

use cache_support::*;

#[test]
fn out_of_order_readings_do_not_make_an_entry_age_faster() {
    let c = cache();
    let k = key("reorder");
    // 60 s token: refresh-ahead from 42 s, served until 54 s.
    fill(&c, &k, token("at-1", 0, 60_000), at(0));
    // 50,000 pairs of readings one millisecond apart, the later one arriving first, while the
    // real time stays at 1 s. Were each late reading taken for a jump back, the entry's clock
    // would have advanced 50 s.
    for _ in 0..50_000 {
        fresh(c.lookup(&k, at(1_000), opts()));
        fresh(c.lookup(&k, at(999), opts()));
    }
    // Still fresh well before the refresh point on the real clock.
    fresh(c.lookup(&k, at(30_000), opts()));
}

#[test]
fn a_real_jump_back_still_keeps_the_clock_running_from_the_latest_time() {
    let c = cache();
    let k = key("jump");
    fill(&c, &k, token("at-1", 0, 60_000), at(0));
    fresh(c.lookup(&k, at(40_000), opts()));
    // The clock is set back an hour, then runs on: the entry's time continues from 40 s, so the
    // token reaches its refresh point 2 s (real) later, not an hour later.
    fresh(c.lookup(&k, at(-3_600_000 + 40_000), opts()));
    let (_, ticket) = stale(c.lookup(&k, at(-3_600_000 + 49_000), opts()));
    drop(ticket);
}
