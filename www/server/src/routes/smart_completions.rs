//! Intergraph Smart Completions: `POST /v1/token`, client credentials only, scope `ingr.api`,
//! one-hour tokens.

use crate::access_token::{self, no_store, Grant};
use crate::client_authn::authenticate;
use crate::form_body::FormBody;
use crate::oauth_error::OAuthError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

/// The only scope Smart Completions grants.
pub const SCOPE: &str = "ingr.api";
/// Smart Completions tokens live one hour.
pub const LIFETIME_SECS: i64 = 3600;

pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut form = FormBody::parse(&headers, &body)?;
    let client = authenticate(&state.config, &headers, &mut form)?;
    match form.require("grant_type")? {
        "client_credentials" => {}
        other => return Err(OAuthError::unsupported_grant_type(other)),
    }
    if form.get("scope").is_some_and(|s| s != SCOPE) {
        return Err(OAuthError::invalid_scope("the only scope is ingr.api"));
    }
    let (jwt, _) = access_token::mint(
        &state,
        Grant {
            sub: client.id.clone(),
            client_id: client.id.clone(),
            scope: Some(SCOPE.into()),
            lifetime_secs: LIFETIME_SECS,
            ..Grant::default()
        },
    )?;
    Ok(no_store(json!({
        "access_token": jwt,
        "token_type": "Bearer",
        "expires_in": LIFETIME_SECS,
        "scope": SCOPE,
    })))
}
