//! `decode_unverified` must never panic, and whatever it accepts must have a string `alg`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(jwt) = tokensmith::jwt::decode_unverified(text) {
            assert!(!jwt.alg().is_empty() || jwt.header.contains_key("alg"));
            assert!(text.len() <= tokensmith::jwt::MAX_TOKEN_LEN);
        }
    }
});
