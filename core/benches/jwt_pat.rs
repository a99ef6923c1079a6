//! Criterion benchmarks for PAT generate/verify and JWT verify (goals in docs/benchmarks.md:
//! PAT generate ≤ 1 µs, PAT verify ≤ 200 ns, RS256 verify ≤ 35 µs, HS256 verify ≤ 5 µs).
//! Keys and tokens come from tests/vectors/jwt.json.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::Value;
use tokensmith::jwt::{Algorithm, KeySet, Validation};
use tokensmith::pat::{self, TokenHasher};
use tokensmith::UnixMillis;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/jwt.json");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn token_named(v: &Value, name: &str) -> String {
    v["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["name"] == name))
        .and_then(|c| c["token"].as_str())
        .unwrap_or_default()
        .to_owned()
}

fn bench_pat(c: &mut Criterion) {
    c.bench_function("pat_generate", |b| {
        b.iter(|| pat::generate(black_box("tsm")))
    });
    let token = pat::generate("tsm").ok().unwrap_or_default();
    let stored = TokenHasher::Sha256.hash_hex(&token);
    c.bench_function("pat_verify_sha256", |b| {
        b.iter(|| TokenHasher::Sha256.verify(black_box(token.expose_secret()), black_box(&stored)))
    });
    c.bench_function("pat_checksum_ok", |b| {
        b.iter(|| pat::checksum_ok(black_box(token.expose_secret())))
    });
}

fn bench_jwt(c: &mut Criterion) {
    let v = vectors();
    let keys = KeySet::from_jwks_json(&v["jwks"].to_string()).unwrap_or_default();
    let now = UnixMillis::from_secs(v["now"].as_i64().unwrap_or(0));
    for (name, alg) in [
        ("valid RS256", Algorithm::RS256),
        ("valid HS256", Algorithm::HS256),
        ("valid ES256", Algorithm::ES256),
        ("valid EdDSA", Algorithm::EdDSA),
    ] {
        let token = token_named(&v, name);
        let validation = Validation::new(&[alg])
            .with_issuer("https://idp.example.com")
            .with_audience("api://tokensmith");
        assert!(tokensmith::jwt::verify(&token, &keys, &validation, now).is_ok());
        c.bench_function(&format!("jwt_verify_{alg}"), |b| {
            b.iter(|| tokensmith::jwt::verify(black_box(&token), &keys, &validation, now))
        });
    }
    let token = token_named(&v, "valid RS256");
    c.bench_function("jwt_decode_unverified", |b| {
        b.iter(|| tokensmith::jwt::decode_unverified(black_box(&token)))
    });
}

criterion_group!(benches, bench_pat, bench_jwt);
criterion_main!(benches);
