//! core's in-house JSON parser (`tokensmith::json`, RFC 8259) against serde_json, the parser it
//! replaced: on any bytes it never panics, accepts exactly what serde_json accepts (duplicates
//! kept-last, as serde_json does), reads the same value, and what it writes parses back to that
//! value. With `Reject` it accepts a subset; a refusal never quotes the input.
//!
//! Input: [policy][JSON bytes].
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokensmith::json::{parse, Duplicates, ErrorKind};

fuzz_target!(|data: &[u8]| {
    let Some((&policy, text)) = data.split_first() else {
        return;
    };
    let policy = match policy % 3 {
        0 => Duplicates::KeepLast,
        1 => Duplicates::Reject,
        _ => Duplicates::RejectTopLevel,
    };
    let ours = parse(text, policy);
    let reference = serde_json::from_slice::<serde_json::Value>(text);
    match (&ours, &reference) {
        (Ok(value), Ok(expected)) => {
            let written = value.to_json();
            let reread: serde_json::Value =
                serde_json::from_str(&written).expect("core writes valid JSON");
            assert_eq!(
                &reread, expected,
                "different value for {text:?}: wrote {written}"
            );
            let again = parse(written.as_bytes(), policy).expect("core reads what it writes");
            assert_eq!(again.to_json(), written, "writing is not stable");
        }
        (Err(e), Ok(_)) => assert!(
            policy != Duplicates::KeepLast && e.kind == ErrorKind::Duplicate,
            "core refuses ({e:?}) what serde_json accepts: {:?}",
            String::from_utf8_lossy(text)
        ),
        (Ok(v), Err(e)) => panic!(
            "core accepts what serde_json refuses ({e}): {:?} → {}",
            String::from_utf8_lossy(text),
            v.to_json()
        ),
        (Err(e), Err(_)) => assert!(e.line >= 1 && e.column >= 1 || text.is_empty(), "{e:?}"),
    }
});
