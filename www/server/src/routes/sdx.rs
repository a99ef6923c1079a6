//! HxGN SDx / TruView: `POST /sdx/oauth/token`, an application impersonating a user through the
//! password grant (RFC 6749 §4.3), one-hour access tokens plus a refresh token. Refresh tokens
//! live only in memory, so `/admin/restart` invalidates them as a real restart does.

use crate::access_token::{self, no_store, Actor, Grant};
use crate::client_authn::authenticate;
use crate::form_body::FormBody;
use crate::grants::{password_user, redeem_refresh};
use crate::oauth_error::OAuthError;
use crate::refresh_store::{Issuer, NewRefresh};
use crate::state::{lock, AppState};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

/// SDx access tokens live one hour.
pub const ACCESS_SECS: i64 = 3600;

pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut form = FormBody::parse(&headers, &body)?;
    let client = authenticate(&state.config, &headers, &mut form)?;
    let refresh_ms = Some(state.config.lifetimes.refresh_seconds.saturating_mul(1000));
    let now = state.now_ms();
    let (user, scope, refresh) = match form.require("grant_type")? {
        "password" => {
            let user = password_user(&state.config, &mut form)?;
            let scope = form.get("scope").map(str::to_owned);
            let new = NewRefresh {
                issuer: Issuer::Sdx,
                client_id: client.id.clone(),
                subject: user.clone(),
                scope: scope.clone(),
                lifetime_ms: refresh_ms,
            };
            let refresh = lock(&state.refresh)
                .issue(new, now)
                .map_err(OAuthError::server_error)?;
            (user, scope, refresh)
        }
        "refresh_token" => {
            let presented = form.take("refresh_token").ok_or_else(|| {
                OAuthError::invalid_request("missing parameter \"refresh_token\"")
            })?;
            let (record, next, scope) = redeem_refresh(
                &state,
                &presented,
                &Issuer::Sdx,
                &client.id,
                refresh_ms,
                form.get("scope"),
            )?;
            (record.subject, scope, next)
        }
        other => return Err(OAuthError::unsupported_grant_type(other)),
    };
    let (jwt, _) = access_token::mint(
        &state,
        Grant {
            sub: user,
            client_id: client.id.clone(),
            scope: scope.clone(),
            lifetime_secs: ACCESS_SECS,
            act: Some(Actor {
                sub: client.id.clone(),
            }),
            ..Grant::default()
        },
    )?;
    let mut body = json!({
        "access_token": jwt,
        "token_type": "Bearer",
        "expires_in": ACCESS_SECS,
        "refresh_token": refresh,
    });
    if let Some(scope) = scope {
        body["scope"] = Value::String(scope);
    }
    Ok(no_store(body))
}
