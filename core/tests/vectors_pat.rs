//! Replays tests/vectors/pat.json (checksums by zlib.crc32 and hashes by hashlib, computed by
//! tests/vectors/gen_jwt.py independently of this crate).

use serde_json::Value;
use tokensmith::pat::{
    checksum_chars, checksum_ok, crc32, display_hint, parse, verify, TokenHasher, RANDOM_LEN,
};
use tokensmith::Secret;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/pat.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read pat.json")).expect("parse")
}

#[test]
fn valid_tokens() {
    let v = vectors();
    let pepper = TokenHasher::with_pepper(v["pepper_utf8"].as_str().unwrap().as_bytes());
    let valid = v["valid"].as_array().unwrap();
    assert!(valid.len() >= 5);
    for case in valid {
        let token = case["token"].as_str().unwrap();
        let prefix = case["prefix"].as_str().unwrap();
        let parsed = parse(token, Some(prefix)).unwrap_or_else(|e| panic!("{token}: {e}"));
        assert!(checksum_ok(token));
        assert_eq!(parsed.random.len(), RANDOM_LEN);
        assert_eq!(
            u64::from(crc32(parsed.random.as_bytes())),
            case["crc32"].as_u64().unwrap()
        );
        assert_eq!(
            &checksum_chars(parsed.random.as_bytes())[..],
            case["checksum"].as_str().unwrap().as_bytes()
        );
        let secret = Secret::new(token);
        let sha = case["sha256_hex"].as_str().unwrap();
        let mac = case["hmac_sha256_hex"].as_str().unwrap();
        assert_eq!(TokenHasher::Sha256.hash_hex(&secret), sha);
        assert_eq!(pepper.hash_hex(&secret), mac);
        assert!(verify(&TokenHasher::Sha256, token, sha));
        assert!(verify(&pepper, token, mac));
        assert!(!verify(&TokenHasher::Sha256, token, mac));
        assert!(!verify(&pepper, token, sha));
        assert_eq!(display_hint(&secret), case["hint"].as_str().unwrap());
    }
}

#[test]
fn malformed_tokens() {
    let v = vectors();
    let prefix = v["expected_prefix"].as_str().unwrap();
    let cases = v["malformed"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let token = case["token"].as_str().unwrap();
        let err = parse(token, Some(prefix)).expect_err(name);
        assert_eq!(err.code(), case["error"].as_str().unwrap(), "{name}");
        let crate_err: tokensmith::Error = err.into();
        assert_eq!(crate_err.family(), tokensmith::error::ErrorFamily::Pat);
        if err.code() != "pat_wrong_prefix" {
            assert!(!checksum_ok(token), "{name}");
        }
    }
}
