//! Masking of anything in server text that looks like a credential, so that excerpts of response
//! bodies and `error_description`s can be shown and logged.
//!
//! Two rules, applied in order:
//! 1. The value of a credential field (the names in `http::SECRET_FIELDS`: `access_token`,
//!    `refresh_token`, `id_token`, `client_secret`, `password`, …) written as JSON
//!    (`"access_token": "…"`) or as a form/query pair (`access_token=…`), whatever its length.
//! 2. Any run of base64/base64url/hex/JWT characters (`A-Z a-z 0-9 - _ . ~ + / =`) of at least
//!    [`MIN_TOKEN_RUN`] characters that contains a digit or both upper- and lower-case letters.
//!    Words, error codes (`temporarily_unavailable`: no digit, one case) and short numbers stay
//!    readable; random credentials (RFC 6749 §10.10 asks for ≥ 128 bits, i.e. ≥ 22 base64 or 32
//!    hex characters) virtually always contain a digit or mixed case and are masked. URLs and
//!    UUIDs in the text are masked too: losing them from an excerpt is the cheaper mistake.

use crate::http::SECRET_FIELDS;

/// What a masked value is replaced with.
pub const MASK: &str = "[masked]";

/// Shortest character run considered token-like. 20 is below the 22 base64url characters of a
/// 128-bit credential (the RFC 6749 §10.10 minimum) and above the length of ordinary words and
/// of every standard OAuth error code.
pub const MIN_TOKEN_RUN: usize = 20;

/// Characters of base64 (RFC 4648 §4), base64url (§5), hex, JWT compact serialization
/// (RFC 7515 §7.1, `.`-separated) and RFC 6750 §2.1 `b64token`.
pub(crate) fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=')
}

/// `text` with credential values and token-like runs replaced by [`MASK`].
pub fn mask_tokens(text: &str) -> String {
    mask_runs(&mask_secret_fields(text))
}

fn looks_like_token(run: &str) -> bool {
    if run.chars().count() < MIN_TOKEN_RUN {
        return false;
    }
    let digit = run.chars().any(|c| c.is_ascii_digit());
    let upper = run.chars().any(|c| c.is_ascii_uppercase());
    let lower = run.chars().any(|c| c.is_ascii_lowercase());
    digit || (upper && lower)
}

fn mask_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if looks_like_token(run) {
            out.push_str(MASK);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// If a credential field name starts at `pos`, the byte range of its value.
fn secret_value_at(bytes: &[u8], pos: usize) -> Option<(usize, usize)> {
    let rest = bytes.get(pos..)?;
    for name in SECRET_FIELDS {
        let name = name.as_bytes();
        // JSON member: "name" : "value"
        if rest.first() == Some(&b'"')
            && rest.get(1..1 + name.len()) == Some(name)
            && rest.get(1 + name.len()) == Some(&b'"')
        {
            let colon = skip_ws(bytes, pos + name.len() + 2);
            if bytes.get(colon) != Some(&b':') {
                continue;
            }
            let quote = skip_ws(bytes, colon + 1);
            if bytes.get(quote) != Some(&b'"') {
                continue;
            }
            let start = quote + 1;
            let mut end = start;
            while let Some(&b) = bytes.get(end) {
                match b {
                    b'\\' => end += 2,
                    b'"' => break,
                    _ => end += 1,
                }
            }
            return Some((start, end.min(bytes.len())));
        }
        // Form or query pair: name=value, with `name` not the tail of a longer name.
        let boundary = pos == 0 || bytes.get(pos - 1).is_some_and(|&b| !is_name_char(b));
        if boundary && rest.starts_with(name) && rest.get(name.len()) == Some(&b'=') {
            let start = pos + name.len() + 1;
            let mut end = start;
            while bytes
                .get(end)
                .is_some_and(|&b| b != b'&' && b != b'"' && !b.is_ascii_whitespace())
            {
                end += 1;
            }
            return Some((start, end));
        }
    }
    None
}

fn mask_secret_fields(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut pos = 0;
    while pos < bytes.len() {
        match secret_value_at(bytes, pos) {
            // Every boundary found here sits next to an ASCII byte, so the slices are on
            // character boundaries; `get` keeps that a non-panicking certainty.
            Some((start, end)) if end > start => {
                out.push_str(text.get(copied..start).unwrap_or_default());
                out.push_str(MASK);
                copied = end;
                pos = end;
            }
            _ => pos += 1,
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_long_runs_with_digits_or_mixed_case() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        assert_eq!(
            mask_tokens(&format!("bad token {jwt}!")),
            "bad token [masked]!"
        );
        assert_eq!(
            mask_tokens("id 0123456789abcdef0123456789abcdef end"),
            "id [masked] end"
        );
        assert_eq!(
            mask_tokens("uuid 123e4567-e89b-12d3-a456-426614174000."),
            "uuid [masked]"
        );
        // Standard base64 with + / and padding is one run.
        assert_eq!(mask_tokens("k=AbCdEfGhIjKlMnOp+/QrStUv=="), "[masked]");
    }

    #[test]
    fn keeps_words_codes_and_short_values() {
        for text in [
            "temporarily_unavailable",
            "unsupported_grant_type: the grant type is not supported",
            "AADSTS70011: invalid scope",
            "<html><title>502 Bad Gateway</title></html>",
            "abcdefghijklmnopqrstuvwxyz",
            "short Ab1",
        ] {
            assert_eq!(mask_tokens(text), text);
        }
        // 19 characters with a digit: below the threshold.
        assert_eq!(mask_tokens("a234567890123456789"), "a234567890123456789");
        assert_eq!(mask_tokens("a2345678901234567890"), "[masked]");
    }

    #[test]
    fn masks_credential_fields_of_any_length() {
        assert_eq!(
            mask_tokens(r#"{"access_token" : "abc", "token_type":"Bearer"}"#),
            r#"{"access_token" : "[masked]", "token_type":"Bearer"}"#
        );
        assert_eq!(
            mask_tokens(r#"{"refresh_token":"a\"b","x":1}"#),
            r#"{"refresh_token":"[masked]","x":1}"#
        );
        // A value cut off by truncation is masked to the end.
        assert_eq!(
            mask_tokens(r#"{"id_token":"abc"#),
            r#"{"id_token":"[masked]"#
        );
        assert_eq!(
            mask_tokens("grant_type=password&password=pw&username=ann"),
            "grant_type=password&password=[masked]&username=ann"
        );
        // `token=` inside `access_token=` is the same field; `mytoken=` is not a field.
        assert_eq!(mask_tokens("access_token=x"), "access_token=[masked]");
        assert_eq!(mask_tokens("mytoken=x"), "mytoken=x");
        // Non-string JSON values are not credentials.
        assert_eq!(mask_tokens(r#"{"code": 400}"#), r#"{"code": 400}"#);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "",
            "\"",
            "\"token",
            "\"token\"",
            "\"token\":",
            "token=",
            "é\"password\":\"é",
            "\\",
        ] {
            let _ = mask_tokens(text);
        }
        assert_eq!(mask_tokens("é\"password\":\"é"), "é\"password\":\"[masked]");
    }
}
