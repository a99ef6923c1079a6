//! Non-success responses: the OAuth error of RFC 6749 §5.2 (also RFC 7009 §2.2.1 and RFC 6750
//! §3), or an `UnexpectedResponse` describing what came instead.
//!
//! Order of evidence: an `error` member in a JSON object body; else an `error` parameter in the
//! `WWW-Authenticate` challenge (RFC 6750 §3, for servers that answer 401 with an empty or HTML
//! body); else `UnexpectedResponse` with the reason the body was unusable (`Status` for a JSON
//! object without `error`). `Retry-After` and `WWW-Authenticate` are parsed whenever present —
//! servers send them on 429/503 (RFC 9110 §10.2.3, RFC 6585 §4) and on 401 (RFC 9110 §11.6.1).

use super::body::{read_object, BodyProblem};
use super::excerpt::{body_excerpt, one_line, MAX_CONTENT_TYPE_CHARS};
use super::mask::mask_tokens;
use super::DEFAULT_MAX_BODY_BYTES;
use crate::error::{
    Error, OAuthError, OAuthErrorCode, RetryAfter, UnexpectedReason, UnexpectedResponse,
    WwwAuthenticate,
};
use crate::http::HttpResponse;
use crate::json::{Map, Value};
use crate::retry_after::parse_retry_after;
use crate::time::UnixMillis;
use crate::www_authenticate::parse_www_authenticate;

/// Longest `error_description` kept, in characters: a sentence or two, which is all §5.2 means
/// it to be, bounded so that a server cannot flood logs through it.
pub const MAX_DESCRIPTION_CHARS: usize = 256;

/// Longest `error_uri` kept: 512 characters covers any documentation link; longer values, or
/// values with whitespace or control characters, are dropped rather than cut into a wrong link.
const MAX_ERROR_URI_CHARS: usize = 512;

/// The error for a non-success response (or any response that is an error), parsed at `now`.
/// The body is read up to the default 1 MiB cap.
pub fn parse_error_response(resp: &HttpResponse, now: UnixMillis) -> Error {
    error_from_response(resp, now, DEFAULT_MAX_BODY_BYTES)
}

pub(crate) fn error_from_response(resp: &HttpResponse, now: UnixMillis, max_body: usize) -> Error {
    let context = Context::of(resp, now);
    let reason = match read_object(&resp.body, max_body) {
        Ok(obj) => match obj.get("error") {
            Some(Value::String(code)) if !code.is_empty() => {
                return oauth_error(&obj, code, resp.status, context)
            }
            _ => UnexpectedReason::Status,
        },
        Err(BodyProblem::DuplicateMember) => UnexpectedReason::Status,
        Err(BodyProblem::Unexpected(reason)) => reason,
    };
    if let Some(e) = challenge_error(resp.status, &context) {
        return e;
    }
    unexpected(resp, reason, context)
}

/// `Retry-After` and `WWW-Authenticate`, parsed once.
pub(crate) struct Context {
    retry_after: Option<RetryAfter>,
    www_authenticate: Option<WwwAuthenticate>,
}

impl Context {
    pub(crate) fn of(resp: &HttpResponse, now: UnixMillis) -> Self {
        Context {
            retry_after: resp
                .header("retry-after")
                .and_then(|v| parse_retry_after(v, now)),
            www_authenticate: resp
                .header("www-authenticate")
                .and_then(parse_www_authenticate)
                .map(masked_challenge),
        }
    }
}

/// The challenge an error carries, with token-like runs of its parameter values masked: it is
/// server text like `error_description` (a server may echo the rejected token there), and a
/// token68 (`Negotiate <blob>`) is itself a credential. Names and short values (`realm`,
/// `error`, `scope`) stay readable.
fn masked_challenge(mut challenge: WwwAuthenticate) -> WwwAuthenticate {
    for (_, value) in challenge.params.iter_mut() {
        *value = mask_tokens(value);
    }
    challenge
}

/// An `OAuthError` from a body object whose `error` member is `code`.
pub(crate) fn oauth_error(obj: &Map, code: &str, status: u16, context: Context) -> Error {
    Error::OAuth(Box::new(OAuthError {
        code: error_code(code),
        description: obj
            .get("error_description")
            .and_then(Value::as_str)
            .and_then(description),
        uri: obj.get("error_uri").and_then(Value::as_str).and_then(uri),
        status,
        retry_after: context.retry_after,
        www_authenticate: context.www_authenticate,
    }))
}

fn challenge_error(status: u16, context: &Context) -> Option<Error> {
    let challenge = context.www_authenticate.as_ref()?;
    let code = challenge.param("error").filter(|c| !c.is_empty())?;
    Some(Error::OAuth(Box::new(OAuthError {
        code: error_code(code),
        description: challenge.param("error_description").and_then(description),
        uri: challenge.param("error_uri").and_then(uri),
        status,
        retry_after: context.retry_after,
        www_authenticate: context.www_authenticate.clone(),
    })))
}

pub(crate) fn unexpected(resp: &HttpResponse, reason: UnexpectedReason, context: Context) -> Error {
    Error::UnexpectedResponse(Box::new(UnexpectedResponse {
        reason,
        status: resp.status,
        content_type: resp
            .header("content-type")
            .map(|ct| one_line(ct, MAX_CONTENT_TYPE_CHARS)),
        excerpt: body_excerpt(&resp.body),
        retry_after: context.retry_after,
        www_authenticate: context.www_authenticate,
    }))
}

/// A standard code as its variant; another value masked (it is server text) and kept.
fn error_code(code: &str) -> OAuthErrorCode {
    OAuthErrorCode::parse(&one_line(&mask_tokens(code), usize::MAX))
}

fn description(text: &str) -> Option<String> {
    let d = one_line(&mask_tokens(text), MAX_DESCRIPTION_CHARS);
    (!d.is_empty()).then_some(d)
}

fn uri(text: &str) -> Option<String> {
    let ok = !text.is_empty()
        && text.chars().count() <= MAX_ERROR_URI_CHARS
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: UnixMillis = UnixMillis(1_000_000);

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body,
        )
    }

    fn oauth(e: Error) -> OAuthError {
        match e {
            Error::OAuth(o) => *o,
            other => panic!("expected an OAuth error, got {other:?}"),
        }
    }

    #[test]
    fn rfc6749_5_2_error() {
        let e = oauth(parse_error_response(
            &resp(
                400,
                &[],
                r#"{"error":"invalid_grant","error_description":"Refresh token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig123 expired","error_uri":"https://as.example/doc#grant"}"#,
            ),
            NOW,
        ));
        assert_eq!(e.code, OAuthErrorCode::InvalidGrant);
        assert_eq!(e.status, 400);
        assert_eq!(
            e.description.as_deref(),
            Some("Refresh token [masked] expired")
        );
        assert_eq!(e.uri.as_deref(), Some("https://as.example/doc#grant"));
    }

    #[test]
    fn description_is_bounded_and_one_line() {
        let long = format!("line one\nline two {}", "word ".repeat(200));
        let body = crate::json::test_json!({"error": "invalid_request", "error_description": long});
        let e = oauth(parse_error_response(
            &resp(400, &[], &body.to_string()),
            NOW,
        ));
        let d = e.description.unwrap();
        assert_eq!(d.chars().count(), MAX_DESCRIPTION_CHARS);
        assert!(d.starts_with("line one line two word"));
        let body = r#"{"error":"invalid_request","error_description":42,"error_uri":"not a uri"}"#;
        let e = oauth(parse_error_response(&resp(400, &[], body), NOW));
        assert_eq!((e.description, e.uri), (None, None));
    }

    #[test]
    fn challenge_values_are_masked() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig123";
        let challenge =
            format!(r#"Bearer realm="as", error="invalid_token", error_description="bad {token}""#);
        let e = parse_error_response(&resp(401, &[("WWW-Authenticate", &challenge)], ""), NOW);
        assert!(!format!("{e:?}").contains(token), "{e:?}");
        let Error::OAuth(o) = e else { panic!("{e:?}") };
        let c = o.www_authenticate.expect("challenge kept");
        assert_eq!(c.param("realm"), Some("as"));
        assert_eq!(c.param("error_description"), Some("bad [masked]"));
        assert_eq!(o.description.as_deref(), Some("bad [masked]"));
    }

    #[test]
    fn challenge_error_when_the_body_has_none() {
        let e = oauth(parse_error_response(
            &resp(
                401,
                &[(
                    "WWW-Authenticate",
                    r#"Bearer realm="api", error="invalid_token", error_description="expired""#,
                )],
                "<html>401</html>",
            ),
            NOW,
        ));
        assert_eq!(e.code, OAuthErrorCode::InvalidToken);
        assert_eq!(e.description.as_deref(), Some("expired"));
        assert_eq!(e.www_authenticate.unwrap().param("realm"), Some("api"));
    }

    #[test]
    fn unexpected_bodies() {
        let e = parse_error_response(
            &resp(
                503,
                &[("Content-Type", "text/html"), ("Retry-After", "30")],
                "<h1>down</h1>",
            ),
            NOW,
        );
        assert_eq!(e.code(), "unexpected_response");
        assert_eq!(e.retry_after().unwrap().delay_ms, 30_000);
        let Error::UnexpectedResponse(u) = e else {
            panic!()
        };
        assert_eq!(u.reason, UnexpectedReason::NotJson);
        assert_eq!(u.content_type.as_deref(), Some("text/html"));
        assert_eq!(u.excerpt, "<h1>down</h1>");
        // A JSON object without `error` (e.g. Spring's default error body uses a non-OAuth shape).
        let e = parse_error_response(&resp(404, &[], r#"{"status":404}"#), NOW);
        let Error::UnexpectedResponse(u) = e else {
            panic!()
        };
        assert_eq!(u.reason, UnexpectedReason::Status);
        // Duplicate `error` members are not trusted.
        let e = parse_error_response(&resp(400, &[], r#"{"error":"a","error":"b"}"#), NOW);
        assert_eq!(e.code(), "unexpected_response");
    }

    #[test]
    fn unknown_codes_are_masked_and_kept() {
        let e = oauth(parse_error_response(
            &resp(400, &[], r#"{"error":"Unauthorized"}"#),
            NOW,
        ));
        assert_eq!(e.code.code(), "oauth_error");
        assert_eq!(e.code.as_str(), "Unauthorized");
        let e = oauth(parse_error_response(
            &resp(400, &[], r#"{"error":"leak AbCdEfGh0123456789abcdef"}"#),
            NOW,
        ));
        assert_eq!(e.code.as_str(), "leak [masked]");
    }
}
