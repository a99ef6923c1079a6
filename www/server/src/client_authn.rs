//! Authenticating the client at the token, revocation and introspection endpoints
//! (RFC 6749 §2.3.1, RFC 7009 §2.1, RFC 7662 §2.1), by each client's registered method.

use crate::config::{ClientAuth, ClientConfig, Config};
use crate::form_body::FormBody;
use crate::oauth_error::OAuthError;
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use tokensmith::Secret;

/// `id:secret` from an HTTP Basic header (RFC 7617 §2), still in the form the client sent.
pub struct BasicPair {
    pub id: String,
    pub secret: Secret,
}

/// Parse `Basic base64(user-id ":" password)` (RFC 7617 §2). The scheme name is
/// case-insensitive (RFC 9110 §11.1); the id ends at the first colon (RFC 7617 §2).
pub fn parse_basic(value: &str) -> Option<BasicPair> {
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some(BasicPair {
        id: id.to_owned(),
        secret: Secret::new(secret),
    })
}

fn check<'a>(client: Option<&'a ClientConfig>, secret: &Secret) -> Option<&'a ClientConfig> {
    // Secret equality is constant-time (core's `Secret`).
    client.filter(|c| &c.secret == secret)
}

/// Authenticate a confidential client (secret required), removing `client_secret` from the form.
pub fn authenticate<'a>(
    config: &'a Config,
    headers: &HeaderMap,
    form: &mut FormBody,
) -> Result<&'a ClientConfig, OAuthError> {
    let client = authenticate_any(config, headers, form)?;
    if client.auth == ClientAuth::None {
        return Err(OAuthError::invalid_client(
            "this endpoint needs a confidential client",
        ));
    }
    Ok(client)
}

/// Authenticate a confidential client or identify a public one (RFC 6749 §3.2.1), removing
/// `client_secret` from the form.
pub fn authenticate_any<'a>(
    config: &'a Config,
    headers: &HeaderMap,
    form: &mut FormBody,
) -> Result<&'a ClientConfig, OAuthError> {
    let body_secret = form.take("client_secret").map(Secret::new);
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or(""));
    match authorization {
        Some(value) => {
            // RFC 6749 §2.3: a client must not use more than one authentication method.
            if body_secret.is_some() {
                return Err(OAuthError::invalid_request(
                    "client authenticated both with Basic and client_secret",
                ));
            }
            let pair = parse_basic(value)
                .ok_or_else(|| OAuthError::invalid_client("malformed Basic credentials"))?;
            let client = basic_client(config, &pair)
                .ok_or_else(|| OAuthError::invalid_client("client authentication failed"))?;
            // RFC 6749 §2.3.1: a client_id in the body must match the authenticated client.
            if form.get("client_id").is_some_and(|id| id != client.id) {
                return Err(OAuthError::invalid_request(
                    "client_id does not match the authenticated client",
                ));
            }
            Ok(client)
        }
        None => {
            let id = form
                .get("client_id")
                .ok_or_else(|| OAuthError::invalid_client("no client authentication"))?;
            // A public client identifies itself only (RFC 6749 §2.1, §3.2.1).
            if let Some(public) = config.client(id).filter(|c| c.auth == ClientAuth::None) {
                if body_secret.is_some() {
                    return Err(OAuthError::invalid_client("public clients have no secret"));
                }
                return Ok(public);
            }
            let secret = body_secret
                .ok_or_else(|| OAuthError::invalid_client("no client authentication"))?;
            let client = config.client(id).filter(|c| c.auth == ClientAuth::Post);
            check(client, &secret)
                .ok_or_else(|| OAuthError::invalid_client("client authentication failed"))
        }
    }
}

/// The client a Basic pair authenticates, decoding it as that client registered:
/// form-basic clients each part per RFC 6749 §2.3.1 (strictly: malformed percent-encoding
/// fails), raw-basic clients as-is.
pub fn basic_client<'a>(config: &'a Config, pair: &BasicPair) -> Option<&'a ClientConfig> {
    let raw = config
        .client(&pair.id)
        .filter(|c| c.auth == ClientAuth::RawBasic);
    if let Some(client) = check(raw, &pair.secret) {
        return Some(client);
    }
    let id = tokensmith::form::decode_component(&pair.id).ok()?;
    let secret = tokensmith::form::decode_component(pair.secret.expose_secret())
        .ok()
        .map(Secret::new)?;
    let form = config
        .client(&id)
        .filter(|c| c.auth == ClientAuth::FormBasic);
    check(form, &secret)
}

/// Insights Hub `X-SPACE-AUTH-KEY: Basic base64(id:secret)`, always raw (never form-encoded);
/// any configured client may use it.
pub fn space_auth_key<'a>(config: &'a Config, headers: &HeaderMap) -> Option<&'a ClientConfig> {
    let value = headers.get("x-space-auth-key")?.to_str().ok()?;
    let pair = parse_basic(value)?;
    check(config.client(&pair.id), &pair.secret)
}
