//! Keycloak: `POST /realms/{realm}/protocol/openid-connect/token` with Keycloak's response
//! fields (`refresh_expires_in`, `not-before-policy`, `session_state`) and error texts.

use crate::access_token::{self, no_store, Grant};
use crate::client_authn::authenticate;
use crate::form_body::FormBody;
use crate::grants::redeem_refresh;
use crate::keys::random_token;
use crate::oauth_error::OAuthError;
use crate::refresh_store::{Issuer, NewRefresh};
use crate::state::{lock, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use tokensmith::Secret;

/// The scope value that asks Keycloak for an offline token (OpenID Connect Core §11).
pub const OFFLINE_ACCESS: &str = "offline_access";
/// Keycloak's description for every unusable refresh token.
pub const NOT_ACTIVE: &str = "Token is not active";

/// Keycloak's issuer for a realm: `{base}/realms/{realm}`.
fn realm_issuer(state: &AppState, realm: &str) -> String {
    format!(
        "{}/realms/{}",
        state.issuer,
        tokensmith::form::encode_component(realm)
    )
}

fn unknown_realm() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": "Realm does not exist" })),
    )
        .into_response()
}

/// `GET /realms/{realm}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4).
pub async fn configuration(State(state): State<AppState>, Path(realm): Path<String>) -> Response {
    if !state.config.realms.contains(&realm) {
        return unknown_realm();
    }
    let iss = realm_issuer(&state, &realm);
    Json(json!({
        "issuer": iss,
        "token_endpoint": format!("{iss}/protocol/openid-connect/token"),
        "jwks_uri": format!("{iss}/protocol/openid-connect/certs"),
        "grant_types_supported": ["client_credentials", "password", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", OFFLINE_ACCESS],
    }))
    .into_response()
}

/// `GET /realms/{realm}/protocol/openid-connect/certs`: the realm's JWK Set (RFC 7517 §5).
pub async fn certs(State(state): State<AppState>, Path(realm): Path<String>) -> Response {
    if !state.config.realms.contains(&realm) {
        return unknown_realm();
    }
    Json(state.key().jwks()).into_response()
}

fn has_offline(scope: Option<&str>) -> bool {
    scope.is_some_and(|s| s.split(' ').any(|s| s == OFFLINE_ACCESS))
}

/// Keycloak answers a bad client secret with 401 `unauthorized_client`.
fn keycloak_client_error(e: OAuthError) -> OAuthError {
    if e.code == "invalid_client" {
        OAuthError::custom(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            "Invalid client or Invalid client credentials",
        )
    } else {
        e
    }
}

pub async fn token(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    if !state.config.realms.contains(&realm) {
        return Ok(unknown_realm());
    }
    let mut form = FormBody::parse(&headers, &body)?;
    let client = authenticate(&state.config, &headers, &mut form).map_err(keycloak_client_error)?;
    let lifetimes = &state.config.lifetimes;
    let now = state.now_ms();
    let issuer = Issuer::Keycloak {
        realm: realm.clone(),
    };
    // (subject, scope, Some((refresh token, offline)))
    let (sub, scope, refresh) = match form.require("grant_type")? {
        // Keycloak issues no refresh token for client credentials by default.
        "client_credentials" => (
            client.id.clone(),
            form.get("scope").map(str::to_owned),
            None,
        ),
        "password" => {
            let username = form.require("username")?.to_owned();
            let password = form.take("password").map(Secret::new);
            let ok = matches!((state.config.user(&username), &password),
                (Some(user), Some(p)) if &user.password == p);
            if !ok {
                return Err(OAuthError::custom(
                    StatusCode::UNAUTHORIZED,
                    "invalid_grant",
                    "Invalid user credentials",
                ));
            }
            let scope = form.get("scope").map(str::to_owned);
            let offline = has_offline(scope.as_deref());
            let new = NewRefresh {
                issuer,
                client_id: client.id.clone(),
                subject: username.clone(),
                scope: scope.clone(),
                // Offline tokens never expire (Keycloak reports refresh_expires_in 0).
                lifetime_ms: (!offline)
                    .then(|| lifetimes.keycloak_refresh_seconds.saturating_mul(1000)),
            };
            let token = lock(&state.refresh)
                .issue(new, now)
                .map_err(OAuthError::server_error)?;
            (username, scope, Some((token, offline)))
        }
        "refresh_token" => {
            let presented = form
                .take("refresh_token")
                .ok_or_else(|| OAuthError::invalid_request("Missing parameter: refresh_token"))?;
            let offline = lock(&state.refresh)
                .active(&presented, now)
                .is_some_and(|r| r.expires_at_ms.is_none());
            let lifetime_ms =
                (!offline).then(|| lifetimes.keycloak_refresh_seconds.saturating_mul(1000));
            let (record, next, scope) = redeem_refresh(
                &state,
                &presented,
                &issuer,
                &client.id,
                lifetime_ms,
                form.get("scope"),
            )
            .map_err(|e| {
                // Keycloak reports every unusable refresh token the same way.
                if e.code == "invalid_grant" {
                    OAuthError::invalid_grant(NOT_ACTIVE)
                } else {
                    e
                }
            })?;
            (record.subject, scope, Some((next, offline)))
        }
        other => return Err(OAuthError::unsupported_grant_type(other)),
    };
    let (jwt, _) = access_token::mint(
        &state,
        Grant {
            iss: Some(realm_issuer(&state, &realm)),
            sub,
            client_id: client.id.clone(),
            scope: scope.clone(),
            lifetime_secs: lifetimes.access_seconds,
            ..Grant::default()
        },
    )?;
    let refresh_expires_in = match &refresh {
        Some((_, false)) => lifetimes.keycloak_refresh_seconds,
        _ => 0,
    };
    let mut body = json!({
        "access_token": jwt,
        "expires_in": lifetimes.access_seconds,
        "refresh_expires_in": refresh_expires_in,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "scope": scope.unwrap_or_default(),
    });
    if let Some((token, _)) = refresh {
        body["refresh_token"] = Value::String(token);
        body["session_state"] = Value::String(random_token(16).map_err(OAuthError::server_error)?);
    }
    Ok(no_store(body))
}
