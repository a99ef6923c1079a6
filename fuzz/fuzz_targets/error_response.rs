//! `parse_error_response` on any status, headers and body: it never panics, always yields an
//! `OAuth` or `UnexpectedResponse` error with the bounds core promises (excerpt, description,
//! `Retry-After`), and no secret planted in the body reaches its `Display` or `Debug`.
//!
//! Input: [status][time...][content-type]\0[retry-after]\0[www-authenticate]\0[body, with
//! `$A`/`$R`/`$I`/`$S` placeholders].
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokensmith::retry_after::MAX_RETRY_AFTER_MS;
use tokensmith::{parse_error_response, Error, HttpResponse, UnixMillis};
use tokensmith_fuzz::{assert_no_secret, plant_secrets, Bytes};

fn header(name: &str, value: &[u8]) -> Option<(String, String)> {
    (!value.is_empty()).then(|| (name.to_owned(), String::from_utf8_lossy(value).into_owned()))
}

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes(data);
    let status = input.u16() % 1000;
    let now = UnixMillis(input.time());
    let headers = [
        header("Content-Type", input.field()),
        header("Retry-After", input.field()),
        header("WWW-Authenticate", input.field()),
    ];
    let body = plant_secrets(input.rest());
    let resp = HttpResponse::new(status, headers.into_iter().flatten().collect(), body);

    let e = parse_error_response(&resp, now);
    assert_eq!(e.status(), Some(status));
    if let Some(r) = e.retry_after() {
        assert!((0..=MAX_RETRY_AFTER_MS).contains(&r.delay_ms), "{r:?}");
        assert_eq!(r.not_before, now.plus_millis(r.delay_ms));
    }
    assert_no_secret(&e.to_string(), data, "Display");
    match e {
        Error::UnexpectedResponse(u) => {
            assert!(u.excerpt.chars().count() <= tokensmith::response::MAX_EXCERPT_CHARS);
            // Headers are not planted with secrets, so the whole `Debug` is checked.
            assert_no_secret(&format!("{u:?}"), data, "Debug");
        }
        Error::OAuth(mut o) => {
            let d = o.description.as_deref().unwrap_or("");
            assert!(d.chars().count() <= tokensmith::response::MAX_DESCRIPTION_CHARS);
            assert!(o.code.as_str().chars().count() <= 64);
            // `error_uri` is kept whole (a masked link is a wrong link); `Display` never shows it.
            o.uri = None;
            assert_no_secret(&format!("{o:?}"), data, "Debug");
        }
        other => panic!("not a response error: {other:?}"),
    }
});
