//! Successful token responses (RFC 6749 §5.1), strict where a mistake would misuse a token and
//! tolerant where real servers differ.
//!
//! - Status: any 2xx is read as a token response. §5.1 says 200, but gateways answering 201 or
//!   203 with a valid body exist, and the body decides; a 204 has no body and fails as `Empty`.
//!   Every other status goes to [`super::parse_error_response`].
//! - `error` member (even in a 200): the response is an OAuth error (§5.2).
//! - `access_token`: a non-empty string of visible ASCII without spaces (Appendix A.12 VSCHAR,
//!   minus the space that RFC 6750 §2.1 `b64token` cannot carry in a header).
//! - `token_type`: required (§5.1); `Bearer` in any case becomes `Bearer` (§5.1: the type is
//!   case-insensitive); other types are kept as sent but must be an RFC 9110 §5.6.2 token,
//!   since they are written into an `Authorization` header.
//! - Optional members sent as `null` count as absent; an empty `refresh_token` or `id_token`
//!   counts as absent too.
//! - `extra`: every member not read into a field, including Insights Hub's `timestamp`.

use super::body::{read_object, BodyProblem};
use super::error_response::{error_from_response, oauth_error, unexpected, Context};
use super::expires::{expiry, issued_at, refresh_expiry, take_seconds};
use super::scope::parse_scope;
use super::ParseOptions;
use crate::error::{Error, Result};
use crate::http::HttpResponse;
use crate::json::{Map, Value};
use crate::secret::Secret;
use crate::time::UnixMillis;
use crate::token::Token;

/// Parse a token endpoint's answer to a request sent at `sent_at`.
pub fn parse_token_response(
    resp: &HttpResponse,
    sent_at: UnixMillis,
    opts: &ParseOptions,
) -> Result<Token> {
    opts.validate()?;
    if !(200..300).contains(&resp.status) {
        return Err(error_from_response(resp, sent_at, opts.max_body_bytes));
    }
    let mut obj = match read_object(&resp.body, opts.max_body_bytes) {
        Ok(obj) => obj,
        Err(BodyProblem::DuplicateMember) => {
            return Err(invalid(
                "the JSON object repeats a member name (RFC 8259 §4)",
            ))
        }
        Err(BodyProblem::Unexpected(reason)) => {
            return Err(unexpected(resp, reason, Context::of(resp, sent_at)))
        }
    };
    match obj.get("error") {
        None | Some(Value::Null) => {}
        Some(Value::String(code)) => {
            return Err(oauth_error(
                &obj,
                code,
                resp.status,
                Context::of(resp, sent_at),
            ))
        }
        Some(_) => return Err(invalid("error is not a string")),
    }

    let access_token = take_secret(&mut obj, "access_token")?
        .ok_or_else(|| invalid("access_token is missing or empty"))?;
    if !access_token
        .expose_secret()
        .bytes()
        .all(|b| (0x21..=0x7e).contains(&b))
    {
        return Err(invalid(
            "access_token contains characters other than visible ASCII (RFC 6749 Appendix A.12)",
        ));
    }
    let token_type = token_type(obj.remove("token_type"))?;

    let issued_at = issued_at(&obj, sent_at);
    let expires_in = take_seconds(&mut obj, "expires_in")?;
    let jwt_exp = match expires_in {
        Some(_) => None,
        None => jwt_exp(&access_token),
    };
    let (expires_at, expiry_source) = expiry(
        expires_in,
        jwt_exp,
        issued_at,
        opts.default_lifetime_secs,
        opts.max_lifetime_secs,
    );

    let refresh_token = take_secret(&mut obj, "refresh_token")?;
    let refresh_expires_in = take_seconds(&mut obj, "refresh_expires_in")?;
    let refresh_token_expires_in = take_seconds(&mut obj, "refresh_token_expires_in")?;
    let refresh_expiry = match refresh_token {
        Some(_) => refresh_expiry(refresh_expires_in, refresh_token_expires_in, issued_at),
        None => crate::token::RefreshExpiry::Unknown,
    };
    let scope = parse_scope(obj.remove("scope"))?;
    let id_token = take_secret(&mut obj, "id_token")?;

    Ok(Token {
        access_token,
        token_type,
        issued_at,
        expires_at,
        expiry_source,
        refresh_token,
        refresh_expiry,
        scope,
        id_token,
        extra: obj,
    })
}

fn invalid(message: &str) -> Error {
    Error::InvalidTokenResponse(message.to_owned())
}

/// Removes a credential member: a non-empty string becomes a [`Secret`] (moved, not copied);
/// absent, `null` or `""` is `None`; any other JSON type is an error.
fn take_secret(obj: &mut Map, name: &str) -> Result<Option<Secret>> {
    match obj.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let s = Secret::new(s);
            Ok((!s.is_empty()).then_some(s))
        }
        Some(_) => Err(Error::InvalidTokenResponse(format!(
            "{name} is not a string"
        ))),
    }
}

/// RFC 9110 §5.6.2 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn token_type(value: Option<Value>) -> Result<String> {
    match value {
        None | Some(Value::Null) => Err(invalid("token_type is missing (RFC 6749 §5.1)")),
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => Ok("Bearer".to_owned()),
        Some(Value::String(t)) if !t.is_empty() && t.bytes().all(is_tchar) => Ok(t),
        Some(Value::String(_)) => Err(invalid(
            "token_type is empty or not an HTTP token (RFC 9110 §5.6.2)",
        )),
        Some(_) => Err(invalid("token_type is not a string")),
    }
}

/// The `exp` claim (RFC 7519 §4.1.4) of an access token that is a JWT, read without verifying
/// the signature: it is used only to learn when to fetch a new token, never to trust the token.
fn jwt_exp(access_token: &Secret) -> Option<f64> {
    let jwt = crate::jwt::decode_unverified(access_token.expose_secret()).ok()?;
    jwt.claims.get("exp").and_then(Value::as_f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::{ExpirySource, RefreshExpiry};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    const SENT: UnixMillis = UnixMillis(1_700_000_000_000);

    fn parse(status: u16, body: &str) -> Result<Token> {
        parse_token_response(
            &HttpResponse::new(status, vec![], body),
            SENT,
            &ParseOptions::default(),
        )
    }

    fn jwt(claims: &str) -> String {
        format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    #[test]
    fn full_response() {
        let t = parse(
            200,
            r#"{"access_token":"at","token_type":"bearer","expires_in":"60","refresh_token":"rt",
               "refresh_expires_in":0,"scope":"a b","id_token":"it","session_state":"s"}"#,
        )
        .unwrap();
        assert_eq!(t.access_token.expose_secret(), "at");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!((t.issued_at, t.expires_at), (SENT, SENT.plus_secs(60)));
        assert_eq!(t.expiry_source, ExpirySource::ExpiresIn);
        assert_eq!(t.refresh_token.unwrap().expose_secret(), "rt");
        assert_eq!(t.refresh_expiry, RefreshExpiry::Never);
        assert_eq!(t.scope.unwrap(), ["a", "b"]);
        assert_eq!(t.id_token.unwrap().expose_secret(), "it");
        assert_eq!(t.extra.keys().collect::<Vec<_>>(), ["session_state"]);
    }

    #[test]
    fn jwt_exp_is_the_fallback() {
        let exp = SENT.as_secs() + 300;
        let token = jwt(&format!(r#"{{"sub":"x","exp":{exp}}}"#));
        let body = format!(r#"{{"access_token":"{token}","token_type":"Bearer"}}"#);
        let t = parse(200, &body).unwrap();
        assert_eq!(t.expiry_source, ExpirySource::JwtExp);
        assert_eq!(t.expires_at, SENT.plus_secs(300));
        // A JWT without `exp`, and an opaque token: the default lifetime.
        let token = jwt(r#"{"sub":"x"}"#);
        let body = format!(r#"{{"access_token":"{token}","token_type":"Bearer"}}"#);
        let t = parse(200, &body).unwrap();
        assert_eq!(t.expiry_source, ExpirySource::DefaultLifetime);
        assert_eq!(t.expires_at, SENT.plus_secs(3600));
    }

    #[test]
    fn strict_rules() {
        for (body, why) in [
            (r#"{"token_type":"Bearer"}"#, "missing access_token"),
            (r#"{"access_token":"","token_type":"Bearer"}"#, "empty"),
            (r#"{"access_token":42,"token_type":"Bearer"}"#, "numeric"),
            (r#"{"access_token":"a b","token_type":"Bearer"}"#, "space"),
            (
                r#"{"access_token":"a\r\nX: y","token_type":"Bearer"}"#,
                "CRLF",
            ),
            (r#"{"access_token":"at"}"#, "missing token_type"),
            (
                r#"{"access_token":"at","token_type":""}"#,
                "empty token_type",
            ),
            (
                r#"{"access_token":"at","token_type":"Bearer\r\n"}"#,
                "CRLF type",
            ),
            (
                r#"{"access_token":"at","token_type":"Bearer","expires_in":"soon"}"#,
                "expires_in",
            ),
            (
                r#"{"access_token":"at","token_type":"Bearer","refresh_token":1}"#,
                "refresh",
            ),
            (
                r#"{"access_token":"at","token_type":"Bearer","error":1}"#,
                "error type",
            ),
            (
                r#"{"access_token":"at","access_token":"x","token_type":"Bearer"}"#,
                "dup",
            ),
        ] {
            assert_eq!(
                parse(200, body).unwrap_err().code(),
                "invalid_token_response",
                "{why}"
            );
        }
        // Other token types are kept as sent.
        let t = parse(200, r#"{"access_token":"at","token_type":"DPoP"}"#).unwrap();
        assert_eq!(t.token_type, "DPoP");
    }

    #[test]
    fn statuses() {
        let ok = r#"{"access_token":"at","token_type":"Bearer","expires_in":1}"#;
        assert!(parse(201, ok).is_ok());
        assert_eq!(parse(204, "").unwrap_err().code(), "unexpected_response");
        assert_eq!(parse(302, ok).unwrap_err().code(), "unexpected_response");
        assert_eq!(
            parse(200, r#"{"error":"invalid_scope","access_token":"at"}"#)
                .unwrap_err()
                .status(),
            Some(200)
        );
    }

    #[test]
    fn options_are_validated_and_the_cap_applies() {
        let resp = HttpResponse::new(
            200,
            vec![],
            r#"{"access_token":"at","token_type":"Bearer"}"#,
        );
        for opts in [
            ParseOptions {
                default_lifetime_secs: 0,
                ..ParseOptions::default()
            },
            ParseOptions {
                max_lifetime_secs: -1,
                ..ParseOptions::default()
            },
            ParseOptions {
                max_body_bytes: 0,
                ..ParseOptions::default()
            },
        ] {
            assert_eq!(
                parse_token_response(&resp, SENT, &opts).unwrap_err().code(),
                "invalid_input"
            );
        }
        let small = ParseOptions {
            max_body_bytes: 10,
            ..ParseOptions::default()
        };
        assert_eq!(
            parse_token_response(&resp, SENT, &small)
                .unwrap_err()
                .code(),
            "unexpected_response"
        );
    }
}
