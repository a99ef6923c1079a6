//! Export / import as versioned JSON.

mod cache_support;

use cache_support::*;
use tokensmith::cache::{CacheError, ExportOptions, FetchPlan, EXPORT_VERSION};
use tokensmith::{Error, RefreshExpiry, Secret};

fn filled() -> tokensmith::cache::TokenCache {
    let c = cache();
    let mut t = with_refresh(
        token("at-secret-a", 0, 3_600_000),
        "rt-secret-a",
        RefreshExpiry::At(at(86_400_000)),
    );
    t.id_token = Some(Secret::new("id-secret-a"));
    t.extra.insert("session".into(), "sess-secret-a".into());
    t.scope = Some(vec!["read".into()]);
    fill(&c, &key("a"), t, at(0));
    fill(&c, &key("b"), token("at-secret-b", 0, 60_000), at(0));
    c
}

#[test]
fn export_without_secrets_has_none_and_imports_nothing() {
    let c = filled();
    let json = c.export(at(1), ExportOptions::default()).unwrap();
    let text = json.expose_secret();
    for s in ["at-secret", "rt-secret", "id-secret", "sess-secret"] {
        assert!(!text.contains(s), "{text}");
    }
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(v["version"], EXPORT_VERSION);
    assert_eq!(v["secrets_included"], false);
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
    assert!(
        text.contains("\"session\""),
        "extra member names are listed"
    );
    let other = cache();
    let report = other.import(text, at(2)).unwrap();
    assert_eq!((report.imported, report.skipped), (0, 2));
    assert!(other.is_empty());
}

#[test]
fn round_trip_with_secrets() {
    let c = filled();
    let json = c
        .export(
            at(1),
            ExportOptions {
                include_secrets: true,
            },
        )
        .unwrap();
    let other = cache();
    let report = other.import(json.expose_secret(), at(2)).unwrap();
    assert_eq!((report.imported, report.skipped), (2, 0));
    let t = fresh(other.lookup(&key("a"), at(3), opts()));
    assert_eq!(access(&t), "at-secret-a");
    assert_eq!(t.refresh_token, Some(Secret::new("rt-secret-a")));
    assert_eq!(t.refresh_expiry, RefreshExpiry::At(at(86_400_000)));
    assert_eq!(t.id_token, Some(Secret::new("id-secret-a")));
    assert_eq!(t.extra["session"], "sess-secret-a");
    assert_eq!(t.scope, Some(vec!["read".to_string()]));
    // The refresh token drives the next plan after import.
    let ticket = fetch(other.lookup(&key("a"), at(3_570_000), opts()));
    assert_eq!(
        ticket.plan(),
        &FetchPlan::Refresh(Secret::new("rt-secret-a"))
    );
}

#[test]
fn import_skips_expired_entries_and_keeps_longer_lived_ones() {
    let c = filled();
    let json = c
        .export(
            at(1),
            ExportOptions {
                include_secrets: true,
            },
        )
        .unwrap();
    // 60 s later "b" (60 s token) is unusable; "a" still fine.
    let other = cache();
    let r = other.import(json.expose_secret(), at(60_000)).unwrap();
    assert_eq!((r.imported, r.skipped), (1, 1));
    // An existing token that lasts longer wins.
    let third = cache();
    fill(&third, &key("a"), token("at-newer", 10, 3_600_000), at(10));
    let r = third.import(json.expose_secret(), at(20)).unwrap();
    assert_eq!(r.skipped, 1);
    assert_eq!(
        access(&fresh(third.lookup(&key("a"), at(30), opts()))),
        "at-newer"
    );
}

fn assert_untouched(c: &tokensmith::cache::TokenCache) {
    assert_eq!(c.len(), 2);
    assert_eq!(
        access(&fresh(c.lookup(&key("a"), at(5), opts()))),
        "at-secret-a"
    );
}

#[test]
fn corrupted_input_is_a_typed_error_and_leaves_the_cache_untouched() {
    let c = filled();
    let good = c
        .export(
            at(1),
            ExportOptions {
                include_secrets: true,
            },
        )
        .unwrap();
    let good = good.expose_secret();
    let truncated = &good[..good.len() / 2];
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "cache_corrupt"),
        (truncated.into(), "cache_corrupt"),
        ("[]".into(), "cache_corrupt"),
        ("{\"entries\":[]}".into(), "cache_corrupt"),
        (
            good.replace("\"version\":1", "\"version\":2"),
            "cache_version_unsupported",
        ),
        (
            good.replace("\"version\":1", "\"version\":0"),
            "cache_version_unsupported",
        ),
        (
            good.replace("\"expires_in\"", "\"bogus\""),
            "cache_invalid_entry",
        ),
        (
            good.replace("client_secret_basic", "telepathy"),
            "cache_invalid_entry",
        ),
        // A type error next to a secret: the message must not quote it.
        (
            good.replace(
                "\"token_type\":\"Bearer\"",
                "\"token_type\":[\"at-secret-z\"]",
            ),
            "cache_corrupt",
        ),
        (
            good.replace(
                "\"secrets_included\":true",
                "\"secrets_included\":true,\"x\":1",
            ),
            "cache_corrupt",
        ),
    ];
    for (input, code) in cases {
        let err = c.import(&input, at(2)).unwrap_err();
        assert_eq!(err.code(), code, "{err:?}");
        let as_error = Error::from(err.clone());
        assert_eq!(as_error.code(), code);
        assert_eq!(as_error.family(), tokensmith::error::ErrorFamily::Cache);
        let msg = format!("{err} {err:?}");
        assert!(!msg.contains("secret"), "{msg}");
        assert_untouched(&c);
    }
    assert!(matches!(
        c.import(&good.replace("\"version\":1", "\"version\":7"), at(2)),
        Err(CacheError::UnsupportedVersion {
            found: 7,
            supported: 1
        })
    ));
}

#[test]
fn import_respects_capacity() {
    let c = filled();
    let json = c
        .export(
            at(1),
            ExportOptions {
                include_secrets: true,
            },
        )
        .unwrap();
    let small = tokensmith::cache::TokenCache::new(tokensmith::cache::CacheConfig {
        capacity: 1,
        jitter_seed: Some(3),
        ..Default::default()
    });
    small.import(json.expose_secret(), at(2)).unwrap();
    assert_eq!(small.len(), 1);
    let _ticket = fetch(small.lookup(&key("zzz"), at(3), opts()));
    assert_eq!(small.len(), 1);
    // One eviction during the import (2 entries, capacity 1), one for the new key.
    assert_eq!(small.stats().evictions, 2);
}
