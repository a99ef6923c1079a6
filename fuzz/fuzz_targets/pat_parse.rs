//! PAT parsing must never panic, and whatever it accepts must pass the checksum and be ASCII.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(parsed) = tokensmith::pat::parse(text, None) {
            assert!(text.is_ascii());
            assert_eq!(parsed.random.len(), tokensmith::pat::RANDOM_LEN);
            assert!(tokensmith::pat::checksum_ok(text));
        }
        let _ = tokensmith::pat::parse(text, Some("tsm"));
    }
});
