//! `WWW-Authenticate` (RFC 9110 §11.6.1), as a token endpoint sends it on 401 (RFC 6749 §5.2,
//! `invalid_client`) and a resource server on 401/403 (RFC 6750 §3).
//!
//! Grammar (RFC 9110 §11.3 and §11.6.1):
//! ```text
//! WWW-Authenticate = #challenge
//! challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-param       = token BWS "=" BWS ( token / quoted-string )
//! ```
//! Several challenges may share one header, separated by commas like the parameters; a new
//! challenge starts where a token is *not* followed by `=`. Parameter names are lower-cased
//! (they are case-insensitive), quoted values are unescaped (`\x` → `x`, RFC 9110 §5.6.4). A
//! token68 is kept as a parameter with an empty name. Parsing stops at the first syntax error,
//! keeping the challenges completed before it.

use crate::error::WwwAuthenticate;

/// Headers longer than this (8 KiB, a common server limit for a whole header section) are
/// not parsed: no legitimate challenge is that long.
const MAX_HEADER_LEN: usize = 8 * 1024;

/// The challenge to act on: the first `Bearer` challenge (RFC 6750 §3), else the first one.
pub fn parse_www_authenticate(value: &str) -> Option<WwwAuthenticate> {
    let mut all = parse_www_authenticate_all(value);
    let pick = all
        .iter()
        .position(|c| c.scheme.eq_ignore_ascii_case("Bearer"))
        .unwrap_or(0);
    (pick < all.len()).then(|| all.swap_remove(pick))
}

/// Every challenge in the header, in order.
pub fn parse_www_authenticate_all(value: &str) -> Vec<WwwAuthenticate> {
    let mut out = Vec::new();
    if value.len() > MAX_HEADER_LEN {
        return out;
    }
    let mut p = Parser {
        s: value.as_bytes(),
        i: 0,
    };
    loop {
        p.skip_list_separators();
        if p.at_end() {
            break;
        }
        let Some(scheme) = p.token() else { break };
        let mut challenge = WwwAuthenticate {
            scheme,
            params: Vec::new(),
        };
        let had_space = p.skip_ows();
        if had_space && !p.at_end() && p.peek() != Some(b',') {
            if let Some(t68) = p.token68() {
                challenge.params.push((String::new(), t68));
            } else if !p.params(&mut challenge.params) {
                out.push(challenge);
                break;
            }
        }
        out.push(challenge);
    }
    out
}

/// RFC 9110 §5.6.2 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// RFC 9110 §11.2 token68 characters (before the trailing `=` padding).
fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    /// Skips spaces and tabs (OWS/BWS); whether any were skipped.
    fn skip_ows(&mut self) -> bool {
        let start = self.i;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
        self.i > start
    }

    /// Skips `OWS , OWS` repeatedly (RFC 9110 §5.6.1 allows empty list elements).
    fn skip_list_separators(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.i += 1;
        }
    }

    fn token(&mut self) -> Option<String> {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        let bytes = self.s.get(start..self.i)?;
        (!bytes.is_empty()).then(|| crate::utf8::lossy(bytes))
    }

    /// A token68 that makes up the whole rest of the challenge (followed by OWS then `,` or
    /// the end). Restores the position when there is none.
    fn token68(&mut self) -> Option<String> {
        let start = self.i;
        while self.peek().is_some_and(is_token68_char) {
            self.i += 1;
        }
        let body_end = self.i;
        while self.peek() == Some(b'=') {
            self.i += 1;
        }
        let value = self.s.get(start..self.i).unwrap_or_default();
        let end = self.i;
        self.skip_ows();
        let complete = body_end > start && (self.at_end() || self.peek() == Some(b','));
        // `name=value` is an auth-param, not a token68 with padding followed by more text.
        if complete {
            self.i = end;
            Some(crate::utf8::lossy(value))
        } else {
            self.i = start;
            None
        }
    }

    /// Whether a token followed by BWS `=` starts here (i.e. an auth-param, not a new scheme).
    fn param_ahead(&self) -> bool {
        let mut j = self.i;
        while self.s.get(j).copied().is_some_and(is_tchar) {
            j += 1;
        }
        if j == self.i {
            return false;
        }
        while matches!(self.s.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        self.s.get(j) == Some(&b'=')
    }

    /// `#auth-param` of one challenge; false on a syntax error.
    fn params(&mut self, params: &mut Vec<(String, String)>) -> bool {
        loop {
            let Some(name) = self.token() else {
                return false;
            };
            self.skip_ows();
            if self.peek() != Some(b'=') {
                return false;
            }
            self.i += 1;
            self.skip_ows();
            let value = if self.peek() == Some(b'"') {
                match self.quoted_string() {
                    Some(v) => v,
                    None => return false,
                }
            } else {
                match self.token() {
                    Some(v) => v,
                    None => return false,
                }
            };
            params.push((name.to_ascii_lowercase(), value));
            self.skip_ows();
            match self.peek() {
                None => return true,
                Some(b',') => {
                    // Another parameter of this challenge, or the next challenge.
                    let save = self.i;
                    self.skip_list_separators();
                    if self.at_end() || !self.param_ahead() {
                        self.i = save;
                        return true;
                    }
                }
                Some(_) => return false,
            }
        }
    }

    /// RFC 9110 §5.6.4 quoted-string, starting at the opening quote.
    fn quoted_string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            self.i += 1;
            match b {
                b'"' => return Some(crate::utf8::lossy(&out)),
                b'\\' => {
                    let escaped = self.peek()?;
                    // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                    if escaped < 0x20 && escaped != b'\t' || escaped == 0x7f {
                        return None;
                    }
                    out.push(escaped);
                    self.i += 1;
                }
                // qdtext excludes controls other than HTAB.
                b if b < 0x20 && b != b'\t' || b == 0x7f => return None,
                b => out.push(b),
            }
        }
    }
}

/// RFC 6750 §3.1: whether a `WWW-Authenticate` value has a Bearer challenge with
/// `error="invalid_token"` (the access token expired, was revoked or is malformed), among any
/// challenges it lists (RFC 9110 §11.6.1 allows several in one value).
pub fn is_invalid_token_challenge(value: &str) -> bool {
    parse_www_authenticate_all(value).iter().any(|c| {
        c.scheme.eq_ignore_ascii_case("Bearer") && c.param("error") == Some("invalid_token")
    })
}

/// A resource server's answer that refused the access token (RFC 6750 §3.1: 401 with an
/// `invalid_token` Bearer challenge): the client replaces the token and retries once.
pub fn is_invalid_token_response(status: u16, www_authenticate: Option<&str>) -> bool {
    status == 401 && www_authenticate.is_some_and(is_invalid_token_challenge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_token_is_a_bearer_challenge_of_a_401_in_any_place() {
        assert!(is_invalid_token_challenge(
            r#"Bearer error="invalid_token""#
        ));
        assert!(is_invalid_token_challenge(
            r#"bearer realm="api", error="invalid_token""#
        ));
        // The Bearer challenge after another scheme's (RFC 9110 §11.6.1).
        assert!(is_invalid_token_challenge(
            r#"Basic realm="x", Bearer realm="api", error="invalid_token""#
        ));
        assert!(!is_invalid_token_challenge(
            r#"Bearer error="insufficient_scope""#
        ));
        assert!(!is_invalid_token_challenge(
            r#"Basic realm="invalid_token""#
        ));
        assert!(!is_invalid_token_challenge(""));
        let challenge = Some(r#"Bearer error="invalid_token""#);
        assert!(is_invalid_token_response(401, challenge));
        assert!(!is_invalid_token_response(403, challenge));
        assert!(!is_invalid_token_response(401, None));
    }

    fn params(c: &WwwAuthenticate) -> Vec<(&str, &str)> {
        c.params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn rfc6750_example() {
        let c = parse_www_authenticate(
            r#"Bearer realm="example", error="invalid_token", error_description="The access token expired""#,
        )
        .unwrap();
        assert_eq!(c.scheme, "Bearer");
        assert_eq!(
            params(&c),
            [
                ("realm", "example"),
                ("error", "invalid_token"),
                ("error_description", "The access token expired")
            ]
        );
        assert_eq!(c.param("ERROR"), Some("invalid_token"));
    }

    #[test]
    fn quoted_strings_with_escapes_and_commas() {
        let c = parse_www_authenticate(
            r#"Basic realm="a \"quoted\", realm\\x", charset=UTF-8 , title = "é""#,
        )
        .unwrap();
        assert_eq!(
            params(&c),
            [
                ("realm", r#"a "quoted", realm\x"#),
                ("charset", "UTF-8"),
                ("title", "é")
            ]
        );
    }

    #[test]
    fn multiple_challenges() {
        let value = r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple", Bearer error=invalid_client"#;
        let all = parse_www_authenticate_all(value);
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].scheme, "Newauth");
        assert_eq!(
            params(&all[0]),
            [
                ("realm", "apps"),
                ("type", "1"),
                ("title", r#"Login to "apps""#)
            ]
        );
        assert_eq!(all[1].scheme, "Basic");
        assert_eq!(params(&all[1]), [("realm", "simple")]);
        // The Bearer challenge is preferred over the first one.
        let picked = parse_www_authenticate(value).unwrap();
        assert_eq!(picked.scheme, "Bearer");
        assert_eq!(picked.param("error"), Some("invalid_client"));
    }

    #[test]
    fn bare_schemes_token68_and_empty_elements() {
        let all = parse_www_authenticate_all(", Negotiate, ,Basic ,Bearer abc+/=, Digest a=b");
        let schemes: Vec<_> = all.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["Negotiate", "Basic", "Bearer", "Digest"]);
        assert!(all[0].params.is_empty());
        assert_eq!(params(&all[2]), [("", "abc+/=")]);
        assert_eq!(params(&all[3]), [("a", "b")]);
        assert_eq!(
            params(&parse_www_authenticate("Bearer").unwrap()),
            Vec::<(&str, &str)>::new()
        );
    }

    #[test]
    fn malformed_input_keeps_completed_challenges_only() {
        assert_eq!(parse_www_authenticate(""), None);
        assert_eq!(parse_www_authenticate("   "), None);
        assert_eq!(parse_www_authenticate("\"quoted\""), None);
        // Unterminated quoted string: the challenge is kept with the params read before it.
        let c = parse_www_authenticate(r#"Bearer realm="x", error="oops"#).unwrap();
        assert_eq!(params(&c), [("realm", "x")]);
        let all = parse_www_authenticate_all(r#"Basic realm="a", Bearer realm="b" junk"#);
        assert_eq!(all.len(), 2);
        assert_eq!(params(&all[1]), [("realm", "b")]);
        // Control characters are not allowed in quoted strings.
        let c = parse_www_authenticate("Bearer realm=\"a\nb\"").unwrap();
        assert!(c.params.is_empty());
        assert_eq!(
            parse_www_authenticate(&"a".repeat(MAX_HEADER_LEN + 1)),
            None
        );
        for odd in [
            "Bearer =",
            "Bearer a=",
            "Bearer a=\"\\",
            "Bearer a b",
            ",,,",
            "Bearer a=b,",
        ] {
            let _ = parse_www_authenticate_all(odd);
        }
        assert_eq!(
            params(&parse_www_authenticate("Bearer a=b,").unwrap()),
            [("a", "b")]
        );
    }
}
