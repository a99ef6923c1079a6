//! Minting and checking the JWT access tokens (RFC 9068 profile, RFC 7519 claims) every
//! endpoint of this server issues.

use crate::keys::random_token;
use crate::oauth_error::OAuthError;
use crate::state::{lock, Inner};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// RFC 8693 §4.1 `act`: the application acting for (impersonating) the user in `sub`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Actor {
    pub sub: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Insights Hub: the tenant whose data the token gives access to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ten: Option<String>,
    /// Insights Hub: the tenant hosting the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<Actor>,
}

/// What an endpoint wants in a new access token besides the standard claims.
#[derive(Default)]
pub struct Grant {
    /// `iss` other than the server's base URL (Keycloak realms: `{base}/realms/{realm}`).
    pub iss: Option<String>,
    pub sub: String,
    pub client_id: String,
    pub scope: Option<String>,
    pub lifetime_secs: i64,
    pub ten: Option<String>,
    pub host_tenant: Option<String>,
    pub act: Option<Actor>,
}

/// Sign a new access token; returns the JWT and its claims.
pub fn mint(state: &Inner, grant: Grant) -> Result<(String, AccessClaims), OAuthError> {
    let iat = state.now_secs();
    let claims = AccessClaims {
        iss: grant.iss.unwrap_or_else(|| state.issuer.clone()),
        sub: grant.sub,
        exp: iat.saturating_add(grant.lifetime_secs),
        iat,
        jti: random_token(16).map_err(OAuthError::server_error)?,
        client_id: grant.client_id,
        scope: grant.scope,
        ten: grant.ten,
        host_tenant: grant.host_tenant,
        act: grant.act,
    };
    let jwt = state
        .key()
        .sign(&claims)
        .map_err(OAuthError::server_error)?;
    Ok((jwt, claims))
}

/// The claims of a valid, unrevoked access token signed by the current key.
pub fn check(state: &Inner, token: &str) -> Option<AccessClaims> {
    let claims: AccessClaims = state.key().verify(token, &state.issuer, state.now_secs())?;
    let revoked = lock(&state.revoked_jtis).contains(&claims.jti);
    (!revoked).then_some(claims)
}

/// The claims of the `Authorization: Bearer` token of a request (RFC 6750 §2.1).
pub fn bearer(state: &Inner, headers: &HeaderMap) -> Option<AccessClaims> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return None;
    }
    check(state, token.trim())
}

/// A JSON token response with the RFC 6749 §5.1 `Cache-Control: no-store` and `Pragma: no-cache`.
pub fn no_store(body: Value) -> Response {
    let mut response = Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
