//! `WWW-Authenticate` parsing (RFC 9110 §11.6.1, RFC 6750 §3) on any text: no panic; every
//! challenge has a non-empty token scheme and lower-cased parameter names; the challenge picked
//! is the first `Bearer` one, else the first; headers over 8 KiB are not parsed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokensmith::parse_www_authenticate;
use tokensmith::www_authenticate::parse_www_authenticate_all;

/// RFC 9110 §5.6.2 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let all = parse_www_authenticate_all(value);
    if value.len() > 8 * 1024 {
        assert!(all.is_empty());
    }
    for c in &all {
        assert!(
            !c.scheme.is_empty() && c.scheme.bytes().all(is_tchar),
            "{c:?}"
        );
        for (name, _) in &c.params {
            assert_eq!(name, &name.to_ascii_lowercase(), "{c:?}");
            assert!(name.bytes().all(is_tchar), "{c:?}");
        }
    }
    let picked = parse_www_authenticate(value);
    let expected = all
        .iter()
        .find(|c| c.scheme.eq_ignore_ascii_case("Bearer"))
        .or_else(|| all.first());
    assert_eq!(picked.as_ref(), expected);
});
