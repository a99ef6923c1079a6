//! `application/x-www-form-urlencoded`, the encoding RFC 6749 uses for request bodies (§4, §6,
//! Appendix B) and, applied to each of client id and secret, for HTTP Basic (§2.3.1).
//!
//! Serialization follows the WHATWG URL standard's urlencoded serializer, which is what
//! Appendix B's reference to the HTML form encoding means today: ASCII alphanumerics and
//! `*-._` stay as they are, space becomes `+`, every other byte of the UTF-8 encoding becomes
//! `%XX` with upper-case hex.

use crate::error::{Error, Result};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_')
}

/// Encode one name or value.
pub fn encode_component(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    for &b in input.as_bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            push_percent(&mut out, b);
        }
    }
    out
}

/// Appends `%XX`, upper-case hex (RFC 3986 §2.1). Also used for URL path segments
/// (`vendor::keycloak`) instead of `format!("%{b:02X}")`, which links a hex formatter.
pub(crate) fn push_percent(out: &mut String, b: u8) {
    out.push('%');
    out.push(HEX[(b >> 4) as usize] as char);
    out.push(HEX[(b & 0x0f) as usize] as char);
}

/// Encode `name=value` pairs joined by `&`, in the order given.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode_component(name));
        out.push('=');
        out.push_str(&encode_component(value));
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decode one name or value strictly: `+` is a space, `%XX` must be two hex digits, and the
/// result must be UTF-8. Servers (the dev server, tests) use this to read Basic credentials.
pub fn decode_component(input: &str) -> Result<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err(Error::InvalidInput("malformed percent-encoding".into())),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| Error::InvalidInput("percent-decoded text is not UTF-8".into()))
}

/// Decode a whole `a=b&c=d` body into pairs (empty segments skipped).
pub fn decode_pairs(input: &str) -> Result<Vec<(String, String)>> {
    input
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode_component(name)?, decode_component(value)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_rfc6749_2_3_1() {
        assert_eq!(encode_component("my:client"), "my%3Aclient");
        assert_eq!(
            encode_component("p@ss w+rd%/é"),
            "p%40ss+w%2Brd%25%2F%C3%A9"
        );
    }

    #[test]
    fn roundtrip_and_strictness() {
        let s = "a b+c%d/é~*-._";
        assert_eq!(decode_component(&encode_component(s)).unwrap(), s);
        assert!(decode_component("%4").is_err());
        assert!(decode_component("%zz").is_err());
        assert!(decode_component("%FF").is_err());
        assert_eq!(
            decode_pairs("a=1&&b=x+y").unwrap(),
            vec![("a".into(), "1".into()), ("b".into(), "x y".into())]
        );
    }
}
