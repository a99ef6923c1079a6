//! The sans-IO boundary: requests core builds and responses core parses.
//!
//! Bindings turn an [`HttpRequest`] into a real request (fetch, urllib, reqwest, …) and the answer
//! back into an [`HttpResponse`]. Nothing here performs I/O.

use crate::form;
use crate::json;
use crate::search::{find, split_once};
use crate::secret::REDACTED;
use std::fmt;
use zeroize::Zeroize;

/// How long one request to a token, revocation, JWKS or vendor endpoint may take, in
/// milliseconds, when the caller sets no timeout: 10 s. Every binding applies this one value
/// (npm `timeoutMs`, Python `timeout=`), so the runtimes agree. A token endpoint answers in well
/// under a second; past 10 s its silence is a transport error (`transport_timeout`) and core's
/// retry rules take over: with the 3 attempts of a flight (`cache::backoff`), a dead server fails
/// a caller within about 30 s instead of 90 s with the 30 s default of many HTTP clients, and
/// never hangs it forever as a client without a timeout does.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u32 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }

    /// The method a caller named, in any ASCII case (RFC 9110 §9.1 names are case-sensitive,
    /// but a caller writing `post` means POST): one of the three core sends, else `None`.
    pub fn from_name(name: &str) -> Option<Method> {
        [Method::Get, Method::Post, Method::Delete]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

/// An HTTP status code as a caller gives one (a response it fetched itself): an integer of
/// three digits, 100 to 999 (RFC 9110 §15), else `None`.
pub fn status_code(n: f64) -> Option<u16> {
    // The range check makes the conversion exact.
    (n.fract() == 0.0 && (100.0..=999.0).contains(&n)).then_some(n as u16)
}

/// Header names whose values are credentials (compared case-insensitively).
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "x-space-auth-key",
    "cookie",
    "proxy-authorization",
];

/// Body fields (form or JSON) whose values are credentials.
pub(crate) const SECRET_FIELDS: &[&str] = &[
    "client_secret",
    "password",
    "refresh_token",
    "access_token",
    "id_token",
    "code",
    "code_verifier",
    "token",
    "assertion",
    "client_assertion",
    "subject_token",
    "actor_token",
];

/// A request core wants sent. It usually carries credentials, so `Debug` masks them (use
/// [`HttpRequest::redacted`] for a printable copy) and the buffers are zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    /// Header names as core writes them (`Authorization`, `Content-Type`, …), in send order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as text (core only builds UTF-8 bodies).
    pub fn body_text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("")
    }

    /// The request as an integrator would write it by hand, with every credential replaced by
    /// `[redacted]`: request line, headers, blank line, body. Safe to log or show on a page.
    pub fn redacted(&self) -> String {
        let mut out = String::new();
        out.push_str(self.method.as_str());
        out.push(' ');
        out.push_str(&redact_url(&self.url));
        out.push('\n');
        for (name, value) in &self.headers {
            out.push_str(name);
            out.push_str(": ");
            if SECRET_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                // Keep the scheme ("Basic", "Bearer") so the shape of the request stays visible.
                match value.split_once(' ') {
                    Some((scheme, _)) => {
                        out.push_str(scheme);
                        out.push(' ');
                        out.push_str(REDACTED);
                    }
                    None => out.push_str(REDACTED),
                }
            } else {
                out.push_str(value);
            }
            out.push('\n');
        }
        if !self.body.is_empty() {
            out.push('\n');
            out.push_str(&redact_body(self.header("content-type"), self.body_text()));
        }
        out
    }
}

fn redact_body(content_type: Option<&str>, body: &str) -> String {
    let is_json = content_type.is_some_and(|ct| find(&ct.to_ascii_lowercase(), "json").is_some());
    if is_json {
        match json::parse_str(body, json::Duplicates::KeepLast) {
            Ok(mut value) => {
                redact_json(&mut value);
                value.to_json()
            }
            Err(_) => REDACTED.to_owned(),
        }
    } else {
        redact_form(body, false)
    }
}

/// Query parameters that carry credentials in URLs besides [`SECRET_FIELDS`], compared
/// case-insensitively: API keys (`key` is Google's, `api_key`/`apikey`/`api-key` the common
/// spellings), and the signatures of pre-signed URLs (`sig` of Azure shared access signatures,
/// `X-Amz-Signature`/`X-Goog-Signature` of S3/GCS, `signature`), which grant access on their own.
/// A JWKS or token URL is configuration and gets printed in reprs and errors; one carrying such a
/// parameter must not show its value. Other parameters (`p=B2C_1_signin`, `tenant=`) stay
/// visible: they tell which endpoint it is.
const SECRET_QUERY_PARAMS: &[&str] = &[
    "key",
    "api_key",
    "apikey",
    "api-key",
    "secret",
    "sig",
    "signature",
    "x-amz-signature",
    "x-goog-signature",
];

/// Whether a decoded query parameter name is a credential: [`SECRET_FIELDS`] exactly, or
/// [`SECRET_QUERY_PARAMS`] in any ASCII case.
fn is_secret_query_param(name: &str) -> bool {
    SECRET_FIELDS.contains(&name)
        || SECRET_QUERY_PARAMS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name))
}

/// A form body or query string (RFC 6749 Appendix B) with the values of credential fields
/// replaced by [`REDACTED`]: [`SECRET_FIELDS`] in a body, [`is_secret_query_param`] in a URL.
fn redact_form(pairs: &str, in_url: bool) -> String {
    // Pushed into one string (no `format!` per pair, no `Vec` joined at the end).
    let mut out = String::with_capacity(pairs.len());
    for (i, pair) in pairs.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        let (key, _) = pair.split_once('=').unwrap_or((pair, ""));
        let name = form::decode_component(key).unwrap_or_default();
        let secret = if in_url {
            is_secret_query_param(&name)
        } else {
            SECRET_FIELDS.contains(&name.as_str())
        };
        if secret {
            out.push_str(key);
            out.push('=');
            out.push_str(REDACTED);
        } else {
            out.push_str(pair);
        }
    }
    out
}

/// `url` with the credentials a configured URL may carry replaced by [`REDACTED`]: the userinfo
/// of the authority (RFC 3986 §3.2.1, `https://id:secret@host/…`; RFC 9110 §4.2.4 forbids
/// sending it, but a misconfigured endpoint can hold one) and the values of credential query
/// parameters (`?client_secret=…`, `?key=…`, `?sig=…`: [`is_secret_query_param`]). Used by [`HttpRequest::redacted`] and `TokenEndpoint`'s
/// `Debug`, so no printed form of a request or endpoint shows them.
pub fn redact_url(url: &str) -> String {
    let (head, fragment) = match url.split_once('#') {
        Some((head, fragment)) => (head, Some(fragment)),
        None => (url, None),
    };
    let (head, query) = match head.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (head, None),
    };
    let mut out = String::with_capacity(url.len());
    match split_once(head, "://") {
        Some((scheme, rest)) => {
            // Checked forms of `split_at` and `[at..]`: the offsets come from `find`/`rfind`, so
            // they are char boundaries, and no slicing panic is linked (see `search.rs`).
            let (authority, path) = rest
                .find('/')
                .and_then(|slash| rest.split_at_checked(slash))
                .unwrap_or((rest, ""));
            out.push_str(scheme);
            out.push_str("://");
            match authority.rfind('@') {
                Some(at) => {
                    out.push_str(REDACTED);
                    out.push_str(authority.get(at..).unwrap_or_default());
                }
                None => out.push_str(authority),
            }
            out.push_str(path);
        }
        None => out.push_str(head),
    }
    if let Some(query) = query {
        out.push('?');
        out.push_str(&redact_form(query, true));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

fn redact_json(value: &mut json::Value) {
    match value {
        json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if SECRET_FIELDS.contains(&key.as_str()) {
                    *v = json::Value::String(REDACTED.to_owned());
                } else {
                    redact_json(v);
                }
            }
        }
        json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Drop for HttpRequest {
    fn drop(&mut self) {
        self.body.zeroize();
        for (_, value) in self.headers.iter_mut() {
            value.zeroize();
        }
    }
}

/// A response as the transport received it. `Debug` shows status, headers and body size only:
/// a token response body is itself a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn new(status: u16, headers: Vec<(String, String)>, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers,
            body: body.into(),
        }
    }

    /// The first header with this name, compared case-insensitively (RFC 9110 §5.1).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("content_type", &self.header("content-type"))
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Drop for HttpResponse {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            url: "https://as.example/token".into(),
            headers: vec![
                ("Authorization".into(), "Basic c2VjcmV0OnNlY3JldA==".into()),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            body: b"grant_type=password&username=ann&password=s3cr%26t&client_secret=xyz".to_vec(),
        }
    }

    #[test]
    fn method_names_in_any_case() {
        assert_eq!(Method::from_name("post"), Some(Method::Post));
        assert_eq!(Method::from_name("GET"), Some(Method::Get));
        assert_eq!(Method::from_name("Delete"), Some(Method::Delete));
        assert_eq!(Method::from_name("PUT"), None);
        assert_eq!(Method::from_name(""), None);
    }

    #[test]
    fn status_codes_are_three_digit_integers() {
        assert_eq!(status_code(200.0), Some(200));
        assert_eq!(status_code(100.0), Some(100));
        assert_eq!(status_code(999.0), Some(999));
        for bad in [99.0, 1000.0, 200.5, -200.0, f64::NAN, f64::INFINITY] {
            assert_eq!(status_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn redacted_masks_every_credential() {
        let text = sample().redacted();
        assert!(text.contains("Authorization: Basic [redacted]"), "{text}");
        assert!(text.contains("username=ann"));
        assert!(text.contains("password=[redacted]"));
        assert!(text.contains("client_secret=[redacted]"));
        for secret in ["c2VjcmV0OnNlY3JldA==", "s3cr", "xyz"] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
            assert!(!format!("{:?}", sample()).contains(secret));
        }
    }

    #[test]
    fn redacted_masks_credentials_in_the_url() {
        for (url, shown) in [
            (
                "https://id:pw-secret@as.example/token?a=1&client_secret=qs-secret#f",
                "https://[redacted]@as.example/token?a=1&client_secret=[redacted]#f",
            ),
            ("http://pw-secret@h", "http://[redacted]@h"),
            (
                "https://h/p?x=y@z&access%5Ftoken=t",
                "https://h/p?x=y@z&access%5Ftoken=[redacted]",
            ),
            ("https://as.example/token", "https://as.example/token"),
            (
                "https://h/jwks?key=k-secret&p=B2C_1_signin&API_KEY=a-secret",
                "https://h/jwks?key=[redacted]&p=B2C_1_signin&API_KEY=[redacted]",
            ),
            (
                "https://b.example/k.json?sv=2024&sig=s-secret&X-Amz-Signature=z-secret",
                "https://b.example/k.json?sv=2024&sig=[redacted]&X-Amz-Signature=[redacted]",
            ),
        ] {
            assert_eq!(redact_url(url), shown);
            let mut req = sample();
            req.url = url.into();
            assert!(req.redacted().starts_with(&format!("POST {shown}\n")));
        }
    }

    #[test]
    fn redacted_masks_json_fields() {
        let req = HttpRequest {
            method: Method::Post,
            url: "https://x/y".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: br#"{"appName":"a","nested":{"password":"pw"}}"#.to_vec(),
        };
        let text = req.redacted();
        assert!(text.contains("\"appName\":\"a\""));
        assert!(!text.contains("\"pw\""));
    }

    #[test]
    fn response_header_lookup_is_case_insensitive() {
        let r = HttpResponse::new(
            200,
            vec![("content-TYPE".into(), "application/json".into())],
            "{}",
        );
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        assert!(!format!("{r:?}").contains("{}"));
    }
}
