//! `parse_token_response` on any body, status, time and options: it never panics, what it accepts
//! obeys RFC 6749 §5.1 and the lifetime bounds, and no planted secret reaches an error message or
//! a `Debug` output (the `Debug` of a token does not depend on its secrets at all).
//!
//! Input: [options][status][time...][body, with `$A`/`$R`/`$I`/`$S` placeholders].
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokensmith::{
    parse_token_response, Error, HttpResponse, ParseOptions, Secret, Token, UnixMillis,
};
use tokensmith_fuzz::{assert_no_secret, plant_secrets, Bytes};

fn options(selector: u8) -> ParseOptions {
    let d = ParseOptions::default();
    match selector % 6 {
        0 => d,
        // Small caps reach the too-large and clamping paths with short inputs.
        1 => ParseOptions {
            max_body_bytes: 1 + usize::from(selector / 6),
            ..d
        },
        2 => ParseOptions {
            max_lifetime_secs: 1,
            default_lifetime_secs: 1,
            ..d
        },
        3 => ParseOptions {
            max_lifetime_secs: i64::MAX,
            default_lifetime_secs: i64::MAX,
            ..d
        },
        // Invalid options must be refused, whatever the body.
        4 => ParseOptions {
            default_lifetime_secs: -i64::from(selector),
            ..d
        },
        _ => ParseOptions {
            max_body_bytes: 0,
            ..d
        },
    }
}

fn status(selector: u16) -> u16 {
    match selector % 4 {
        0 | 1 => 200,
        2 => 200 + selector % 100,
        _ => selector % 1000,
    }
}

/// The token's `Debug` with every secret replaced: must equal the original's.
fn debug_without_secrets(t: &Token) -> String {
    let mut other = t.clone();
    other.access_token = Secret::new("x");
    other.refresh_token = t.refresh_token.as_ref().map(|_| Secret::new("y"));
    other.id_token = t.id_token.as_ref().map(|_| Secret::new("z"));
    format!("{other:?}")
}

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes(data);
    let opts = options(input.u8());
    let status = status(input.u16());
    let sent_at = UnixMillis(input.time());
    let body = plant_secrets(input.rest());
    let resp = HttpResponse::new(
        status,
        vec![("Content-Type".into(), "application/json".into())],
        body,
    );

    match parse_token_response(&resp, sent_at, &opts) {
        Ok(t) => {
            assert!(opts.validate().is_ok());
            assert!((200..300).contains(&status));
            let at = t.access_token.expose_secret();
            assert!(!at.is_empty() && at.bytes().all(|b| (0x21..=0x7e).contains(&b)));
            assert!(!t.token_type.is_empty());
            assert!(t.expires_at >= t.issued_at, "{t:?}");
            assert!(t.issued_at <= sent_at, "issued in the future: {t:?}");
            let lifetime = t.expires_at.millis_since(t.issued_at);
            assert!(
                lifetime <= opts.max_lifetime_secs.saturating_mul(1000),
                "{t:?}"
            );
            if let Some(r) = &t.refresh_token {
                assert!(!r.is_empty());
            }
            assert_eq!(format!("{t:?}"), debug_without_secrets(&t));
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            let display = e.to_string();
            assert_no_secret(&display, data, "Display");
            match &e {
                Error::UnexpectedResponse(u) => {
                    assert!(u.excerpt.chars().count() <= tokensmith::response::MAX_EXCERPT_CHARS);
                    assert_no_secret(&format!("{e:?}"), data, "Debug");
                }
                Error::OAuth(o) => {
                    let d = o.description.as_deref().unwrap_or("");
                    assert!(d.chars().count() <= tokensmith::response::MAX_DESCRIPTION_CHARS);
                    // `error_uri` is kept whole (a masked link is a wrong link), so `Debug` is
                    // checked without it; `Display` never shows it.
                    let mut o = o.as_ref().clone();
                    o.uri = None;
                    assert_no_secret(&format!("{o:?}"), data, "Debug");
                }
                _ => assert_no_secret(&format!("{e:?}"), data, "Debug"),
            }
        }
    }
});
