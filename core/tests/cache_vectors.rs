//! Replays tests/vectors/timing.json (shared with the Node and pytest suites): the timing bounds,
//! and the cache's behaviour at each boundary for several jitter seeds.

mod cache_support;

use cache_support::*;
use serde_json::Value;
use tokensmith::cache::{CacheConfig, Lookup, TimingBounds, TokenCache};

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/timing.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read timing.json")).expect("parse")
}

fn field(case: &Value, name: &str) -> i64 {
    case[name]
        .as_i64()
        .unwrap_or_else(|| panic!("{name} in {case}"))
}

#[test]
fn timing_bounds_match_the_vectors() {
    let v = vectors();
    let cases = v["cases"].as_array().expect("cases");
    assert!(cases.len() >= 10);
    for case in cases {
        let lifetime = field(case, "lifetime_ms");
        let got = TimingBounds::for_lifetime(lifetime);
        if !case["cacheable"].as_bool().expect("cacheable") {
            assert!(got.is_none(), "{case}");
            continue;
        }
        let b = got.unwrap_or_else(|| panic!("{case}"));
        assert_eq!(b.skew_ms, field(case, "skew_ms"), "{case}");
        assert_eq!(b.jitter_ms, field(case, "jitter_ms"), "{case}");
        assert_eq!(
            b.refresh_at_min_ms,
            field(case, "refresh_at_min_ms"),
            "{case}"
        );
        assert_eq!(
            b.refresh_at_nominal_ms,
            field(case, "refresh_at_nominal_ms"),
            "{case}"
        );
        assert_eq!(
            b.refresh_at_max_ms,
            field(case, "refresh_at_max_ms"),
            "{case}"
        );
        assert_eq!(b.usable_for_ms, field(case, "usable_for_ms"), "{case}");
    }
}

#[test]
fn the_cache_follows_the_vectors_at_every_boundary() {
    let v = vectors();
    for case in v["cases"].as_array().expect("cases") {
        let lifetime = field(case, "lifetime_ms");
        for seed in 1..=5u64 {
            let c = TokenCache::new(CacheConfig {
                jitter_seed: Some(seed),
                ..CacheConfig::default()
            });
            let k = key("vec");
            fill(&c, &k, token("at-v", 0, lifetime), at(0));
            if !case["cacheable"].as_bool().expect("cacheable") {
                assert!(
                    matches!(c.lookup(&k, at(0), opts()), Lookup::Fetch(_)),
                    "{case}"
                );
                continue;
            }
            let min = field(case, "refresh_at_min_ms");
            let max = field(case, "refresh_at_max_ms");
            let usable = field(case, "usable_for_ms");
            if min > 0 {
                assert!(
                    matches!(c.lookup(&k, at(min - 1), opts()), Lookup::Fresh(_)),
                    "{case}"
                );
            }
            if max < usable {
                // Past the latest refresh point: stale. The ticket is dropped again at once.
                assert!(
                    matches!(c.lookup(&k, at(max), opts()), Lookup::Stale(..)),
                    "{case}"
                );
                assert!(
                    matches!(c.lookup(&k, at(usable - 1), opts()), Lookup::Stale(..)),
                    "{case}"
                );
            }
            assert!(
                matches!(c.lookup(&k, at(usable), opts()), Lookup::Fetch(_)),
                "{case}"
            );
        }
    }
}
