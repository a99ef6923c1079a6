//! `parse_retry_after` (RFC 9110 §10.2.3) on any text at any time: no panic, the delay is within
//! [0, 24 h] and `not_before` is `now + delay`; a pure `delay-seconds` value is always read; an
//! accepted HTTP-date re-parses to the same instant.
//!
//! Input: [time...][header value].
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokensmith::retry_after::{parse_http_date, MAX_RETRY_AFTER_MS};
use tokensmith::{parse_retry_after, UnixMillis};
use tokensmith_fuzz::Bytes;

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes(data);
    let now = UnixMillis(input.time());
    let Ok(value) = std::str::from_utf8(input.rest()) else {
        return;
    };

    let parsed = parse_retry_after(value, now);
    if let Some(r) = parsed {
        assert!(
            (0..=MAX_RETRY_AFTER_MS).contains(&r.delay_ms),
            "{value:?} → {r:?}"
        );
        assert_eq!(r.not_before, now.plus_millis(r.delay_ms));
    }
    let trimmed = value.trim_matches([' ', '\t']);
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        assert!(parsed.is_some(), "delay-seconds refused: {value:?}");
    }
    if let Some(at) = parse_http_date(value, now) {
        assert_eq!(parse_http_date(value, now), Some(at));
        assert!(
            parsed.is_some(),
            "a date parse_http_date accepts is refused: {value:?}"
        );
    }
});
