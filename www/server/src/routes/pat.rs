//! Personal access tokens (XTRF / DataChain shape) over core's `tokensmith::pat` registry:
//! issue (password required, plaintext returned once), list (never plaintext), revoke one or
//! all, deactivate a user, and `GET /api/me` accepting a PAT or an access token as Bearer.

use crate::access_token;
use crate::config::secret;
use crate::state::{lock, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use tokensmith::pat::{NewToken, PatError, TokenKind, TokenRecord, TokenStore};
use tokensmith::{Secret, UnixMillis};

pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    description: String,
}

fn api_error(status: StatusCode, code: &'static str, description: impl Into<String>) -> ApiError {
    ApiError {
        status,
        code,
        description: description.into(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.code, "error_description": self.description });
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750 §3: the Bearer challenge with the error code.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        response
    }
}

fn invalid_token(description: impl Into<String>) -> ApiError {
    api_error(StatusCode::UNAUTHORIZED, "invalid_token", description)
}

/// Who a Bearer token authenticates, and how.
pub struct Principal {
    pub user: String,
    pub via: &'static str,
    pub token_id: Option<String>,
    pub scopes: Vec<String>,
}

/// RFC 6750 §2.1 Bearer: a PAT of this server's prefix, else one of its access tokens.
fn principal(state: &AppState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| invalid_token("missing Bearer token"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| invalid_token("malformed Authorization header"))?;
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(invalid_token("Bearer token required"));
    }
    let token = token.trim();
    let now = UnixMillis(state.now_ms());
    let mut pats = lock(&state.pats);
    if tokensmith::pat::parse(token, Some(&state.config.pat.prefix)).is_ok() {
        let record = pats
            .authenticate(token, now)
            .map_err(|e| invalid_token(e.to_string()))?;
        return Ok(Principal {
            user: record.owner,
            via: "pat",
            token_id: Some(record.id),
            scopes: record.scopes,
        });
    }
    let claims =
        access_token::check(state, token).ok_or_else(|| invalid_token("token is not active"))?;
    // Deactivating a user stops their access tokens here as well.
    if pats.store().is_owner_deactivated(&claims.sub) {
        return Err(invalid_token(PatError::OwnerDeactivated.to_string()));
    }
    Ok(Principal {
        user: claims.sub,
        via: "access_token",
        token_id: None,
        scopes: claims
            .scope
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

fn record_json(r: &TokenRecord) -> Value {
    json!({
        "id": r.id,
        "kind": r.kind.as_str(),
        "description": r.description,
        "scopes": r.scopes,
        "hint": r.hint,
        "created_at": r.created_at.0,
        "expires_at": r.expires_at.map(|t| t.0),
        "last_used_at": r.last_used_at.map(|t| t.0),
        "revoked_at": r.revoked_at.map(|t| t.0),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    username: String,
    #[serde(deserialize_with = "secret")]
    password: Secret,
    #[serde(default)]
    description: String,
    kind: Option<String>,
    lifetime_seconds: Option<u64>,
    #[serde(default)]
    scopes: Vec<String>,
}

/// `POST /api/tokens`: the user's password is required to issue a token.
pub async fn create(
    State(state): State<AppState>,
    Json(req): Json<CreateRequest>,
) -> Result<Response, ApiError> {
    let ok = state
        .config
        .user(&req.username)
        .is_some_and(|u| u.password == req.password);
    if !ok {
        return Err(api_error(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "username or password is wrong",
        ));
    }
    let kind = match req.kind.as_deref() {
        None => TokenKind::Personal,
        Some(k) => TokenKind::parse(k).ok_or_else(|| {
            api_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "kind must be personal, client or expose",
            )
        })?,
    };
    let mut pats = lock(&state.pats);
    if pats.store().is_owner_deactivated(&req.username) {
        return Err(api_error(
            StatusCode::FORBIDDEN,
            "user_deactivated",
            "the user is deactivated",
        ));
    }
    let new = NewToken {
        owner: req.username,
        kind,
        description: req.description,
        scopes: req.scopes,
        lifetime_secs: req.lifetime_seconds,
    };
    let (token, record) = pats.issue(new, UnixMillis(state.now_ms())).map_err(|e| {
        api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            e.to_string(),
        )
    })?;
    let mut body = record_json(&record);
    // The only time the plaintext leaves the server.
    body["token"] = Value::String(token.expose_secret().to_owned());
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /api/tokens`: the caller's tokens, without plaintext.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let who = principal(&state, &headers)?;
    let records = lock(&state.pats).list(&who.user);
    Ok(Json(
        json!({ "tokens": records.iter().map(record_json).collect::<Vec<_>>() }),
    ))
}

/// `DELETE /api/tokens/{id}`: revoke one of the caller's tokens.
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let who = principal(&state, &headers)?;
    let mut pats = lock(&state.pats);
    // Another user's token is reported as absent, so ids of others cannot be probed.
    let owned = pats.list(&who.user).iter().any(|r| r.id == id);
    if !owned {
        return Err(api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such token",
        ));
    }
    pats.revoke(&id, UnixMillis(state.now_ms()))
        .map_err(|_| api_error(StatusCode::NOT_FOUND, "not_found", "no such token"))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/tokens`: revoke all of the caller's tokens.
pub async fn revoke_all(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let who = principal(&state, &headers)?;
    let count = lock(&state.pats).revoke_all(&who.user, UnixMillis(state.now_ms()));
    Ok(Json(json!({ "revoked": count })))
}

fn set_active(state: &AppState, user: &str, deactivated: bool) -> Result<StatusCode, ApiError> {
    if state.config.user(user).is_none() {
        return Err(api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such user",
        ));
    }
    lock(&state.pats).set_owner_deactivated(user, deactivated);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/users/{id}/deactivate` (admin control, like `/admin/*`): all the user's tokens
/// stop working until reactivated.
pub async fn deactivate(
    State(state): State<AppState>,
    Path(user): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_active(&state, &user, true)
}

/// `POST /api/users/{id}/activate`
pub async fn activate(
    State(state): State<AppState>,
    Path(user): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_active(&state, &user, false)
}

/// `GET /api/me`
pub async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let who = principal(&state, &headers)?;
    Ok(Json(json!({
        "user": who.user,
        "auth": who.via,
        "token_id": who.token_id,
        "scopes": who.scopes,
    })))
}
