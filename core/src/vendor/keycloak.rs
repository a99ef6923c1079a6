//! Keycloak realms: the token endpoint URL, offline tokens, and its "Token is not active"
//! refresh failure.
//!
//! Offline refresh tokens need no special handling here: Keycloak answers them with
//! `refresh_expires_in: 0`, which core's parser reads as [`RefreshExpiry::Never`]
//! (crate::token::RefreshExpiry), so the cache keeps refreshing with them.

use crate::error::{Error, OAuthErrorCode, Result};

/// The scope that makes Keycloak issue an offline refresh token (OpenID Connect Core 1.0 §11).
pub const OFFLINE_ACCESS_SCOPE: &str = "offline_access";

/// Keycloak's `error_description` for a refresh token it no longer accepts (expired, revoked,
/// session ended, reused after rotation).
pub const TOKEN_NOT_ACTIVE: &str = "Token is not active";

/// What [`Error::RefreshTokenInactive`] tells a Keycloak user.
pub const KEYCLOAK_INACTIVE_ADVICE: &str = "Keycloak answered \"Token is not active\" (the \
    refresh token expired, was revoked, or its session ended); sign in again to get new tokens";

/// `{base}/realms/{realm}/protocol/openid-connect/token`. Trailing slashes of `base` are
/// dropped; the realm is percent-encoded as one path segment (RFC 3986 §3.3: everything but
/// unreserved characters), so a realm name can never add a path segment or a query.
pub fn keycloak_token_url(base: &str, realm: &str) -> Result<String> {
    let base = base.trim_end_matches('/');
    let lower = base.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) || base.contains(['#', '?'])
    {
        return Err(Error::InvalidInput(
            "the Keycloak base URL must start with https:// or http:// and have no query or \
             fragment"
                .into(),
        ));
    }
    if realm.is_empty() {
        return Err(Error::InvalidInput("the Keycloak realm is empty".into()));
    }
    Ok(format!(
        "{base}/realms/{}/protocol/openid-connect/token",
        encode_path_segment(realm)
    ))
}

/// `scope` with `offline_access` added once (kept if already present).
pub fn with_offline_access(mut scope: Vec<String>) -> Vec<String> {
    let present = scope.iter().any(|s| {
        s.split_whitespace()
            .any(|part| part == OFFLINE_ACCESS_SCOPE)
    });
    if !present {
        scope.push(OFFLINE_ACCESS_SCOPE.to_owned());
    }
    scope
}

/// Whether `error` is Keycloak's `invalid_grant` "Token is not active" (RFC 6749 §5.2 error,
/// description compared exactly, as Keycloak sends it).
pub fn is_token_not_active(error: &Error) -> bool {
    matches!(error, Error::OAuth(e)
        if e.code == OAuthErrorCode::InvalidGrant
            && e.description.as_deref() == Some(TOKEN_NOT_ACTIVE))
}

/// The clear error for a refresh Keycloak refused as not active, or `None` for any other error
/// (which the caller keeps as it is).
pub fn keycloak_refresh_error(error: &Error) -> Option<Error> {
    is_token_not_active(error).then_some(Error::RefreshTokenInactive(KEYCLOAK_INACTIVE_ADVICE))
}

fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            crate::form::push_percent(&mut out, byte);
        }
    }
    out
}
