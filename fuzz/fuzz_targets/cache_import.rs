//! `TokenCache::import` on any bytes: no panic; a refused import leaves the cache exactly as it
//! was; its error shows no planted secret; an accepted one survives an export/import round trip
//! (with secrets), and an export without secrets shows none of them.
//!
//! Input: [time...][export document, with `$A`/`$R`/`$I`/`$S` placeholders].
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tokensmith::cache::{CacheConfig, CacheKey, ExportOptions, TokenCache};
use tokensmith::token::ExpirySource;
use tokensmith::{ClientAuthMethod, RefreshExpiry, Secret, Token, UnixMillis};
use tokensmith_fuzz::{assert_no_secret, plant_secrets, Bytes};

fn resident(now: UnixMillis) -> (CacheKey, Token) {
    let key = CacheKey::builder(
        "https://as.example/token",
        "resident",
        ClientAuthMethod::ClientSecretBasic,
        "client_credentials",
    )
    .build();
    let token = Token {
        access_token: Secret::new("resident-access-token"),
        token_type: "Bearer".into(),
        issued_at: now,
        expires_at: now.plus_millis(3_600_000),
        expiry_source: ExpirySource::ExpiresIn,
        refresh_token: None,
        refresh_expiry: RefreshExpiry::Unknown,
        scope: None,
        id_token: None,
        extra: Default::default(),
    };
    (key, token)
}

/// An export without secrets has no token values and no `extra` values, whatever was imported.
/// (Planted markers may legitimately appear in it: the fuzzer can put them into key fields.)
fn assert_no_secret_members(export: &str) {
    let doc: Value = serde_json::from_str(export).expect("an export is JSON");
    assert_eq!(doc["secrets_included"], Value::Bool(false));
    for entry in doc["entries"].as_array().expect("entries") {
        for (record, names) in [
            (&entry["token"], &["access_token", "id_token", "extra"][..]),
            (&entry["refresh"], &["refresh_token"][..]),
        ] {
            if let Some(record) = record.as_object() {
                for name in names {
                    assert!(
                        !record.contains_key(*name),
                        "{name} in an export without secrets"
                    );
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes(data);
    let now = UnixMillis(input.time());
    let doc = plant_secrets(input.rest());
    let Ok(doc) = std::str::from_utf8(&doc) else {
        return;
    };

    let cache = TokenCache::new(CacheConfig::default());
    let (key, token) = resident(now);
    cache.insert(&key, token, now);
    let before = cache
        .export(
            now,
            ExportOptions {
                include_secrets: true,
            },
        )
        .unwrap();

    match cache.import(doc, now) {
        Err(e) => {
            let after = cache
                .export(
                    now,
                    ExportOptions {
                        include_secrets: true,
                    },
                )
                .unwrap();
            assert_eq!(
                before.expose_secret(),
                after.expose_secret(),
                "a refused import changed the cache"
            );
            assert_no_secret(&e.to_string(), data, "Display");
            assert_no_secret(&format!("{e:?}"), data, "Debug");
        }
        Ok(report) => {
            assert!(cache.len() <= 1 + report.imported);
            let plain = cache.export(now, ExportOptions::default()).unwrap();
            assert_no_secret_members(plain.expose_secret());
            assert_no_secret(&format!("{cache:?}"), data, "Debug of the cache");
            // The round trip keeps what is usable at `now`: the resident token itself is not at
            // the extreme times (issued at i64::MAX it expires at once), and is dropped first.
            cache.purge_expired(now);
            let full = cache
                .export(
                    now,
                    ExportOptions {
                        include_secrets: true,
                    },
                )
                .unwrap();
            let copy = TokenCache::new(CacheConfig::default());
            let again = copy
                .import(full.expose_secret(), now)
                .expect("re-import of an export");
            assert_eq!(copy.len(), cache.len(), "{report:?} then {again:?}");
        }
    }
});
