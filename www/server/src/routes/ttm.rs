//! Siemens Insights Hub Technical Token Manager (v3): technical tokens for user tenants of an
//! application hosted by the host (operator) tenant, as documented by Siemens.

use crate::access_token::{self, no_store, Grant};
use crate::client_authn::space_auth_key;
use crate::config::ClientConfig;
use crate::oauth_error::OAuthError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// TTM technical tokens live 30 minutes minus one second.
pub const EXPIRES_IN: i64 = 1799;
/// `oauthTokens` accepts at most this many user tenants per call.
pub const MAX_BATCH: usize = 5;
/// `userTenants` pages hold at most this many entries.
pub const MAX_PAGE_SIZE: usize = 100;
/// Page size when the request gives none (Spring Data's default).
pub const DEFAULT_PAGE_SIZE: usize = 20;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    app_name: String,
    app_version: String,
    host_tenant: String,
    user_tenant: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequest {
    app_name: String,
    app_version: String,
    host_tenant_id: String,
    user_tenant_ids: Vec<String>,
}

fn bad_request(description: impl Into<String>) -> OAuthError {
    OAuthError::custom(StatusCode::BAD_REQUEST, "bad_request", description)
}

fn client<'a>(state: &'a AppState, headers: &HeaderMap) -> Result<&'a ClientConfig, OAuthError> {
    space_auth_key(&state.config, headers).ok_or_else(|| {
        OAuthError::custom(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or invalid X-SPACE-AUTH-KEY",
        )
    })
}

fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, OAuthError> {
    serde_json::from_slice(body).map_err(|e| bad_request(format!("invalid JSON body: {e}")))
}

/// One technical token for `user_tenant` of the app hosted by `host_tenant`.
fn technical_token(
    state: &AppState,
    client: &ClientConfig,
    app_name: &str,
    app_version: &str,
    host_tenant: &str,
    user_tenant: &str,
) -> Result<Value, OAuthError> {
    let tenants = &state.config.tenants;
    if host_tenant != tenants.host {
        return Err(bad_request(format!("unknown host tenant {host_tenant:?}")));
    }
    // The host tenant may ask for its own token (used for `userTenants`).
    if user_tenant != tenants.host && !tenants.user_tenants().iter().any(|t| t == user_tenant) {
        return Err(bad_request(format!(
            "user tenant {user_tenant:?} is not provisioned to this application"
        )));
    }
    let scope = format!("{app_name}.{app_version}");
    let (jwt, claims) = access_token::mint(
        state,
        Grant {
            sub: client.id.clone(),
            client_id: client.id.clone(),
            scope: Some(scope.clone()),
            lifetime_secs: EXPIRES_IN,
            ten: Some(user_tenant.to_owned()),
            host_tenant: Some(host_tenant.to_owned()),
            act: None,
            iss: None,
        },
    )?;
    Ok(json!({
        "access_token": jwt,
        "token_type": "Bearer",
        // Milliseconds since the epoch, as a string, as TTM sends it.
        "timestamp": claims.iat.saturating_mul(1000).to_string(),
        "expires_in": EXPIRES_IN,
        "scope": scope,
        "jti": claims.jti,
    }))
}

/// `POST /api/technicaltokenmanager/v3/oauth/token`
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let client = client(&state, &headers)?;
    let req: TokenRequest = json_body(&body)?;
    let token = technical_token(
        &state,
        client,
        &req.app_name,
        &req.app_version,
        &req.host_tenant,
        &req.user_tenant,
    )?;
    Ok(no_store(token))
}

/// `POST /api/technicaltokenmanager/v3/oauthTokens`
pub async fn tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let client = client(&state, &headers)?;
    let req: BatchRequest = json_body(&body)?;
    if req.user_tenant_ids.is_empty() || req.user_tenant_ids.len() > MAX_BATCH {
        return Err(bad_request(format!(
            "userTenantIds must hold 1 to {MAX_BATCH} tenants, got {}",
            req.user_tenant_ids.len()
        )));
    }
    let mut out = Vec::with_capacity(req.user_tenant_ids.len());
    for tenant in &req.user_tenant_ids {
        let token = technical_token(
            &state,
            client,
            &req.app_name,
            &req.app_version,
            &req.host_tenant_id,
            tenant,
        )?;
        out.push(json!({ "userTenantId": tenant, "token": token }));
    }
    Ok(no_store(json!({ "oauthTokens": out })))
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<usize>,
    size: Option<usize>,
}

/// `GET /api/technicaltokenmanager/v3/userTenants?page=&size=` with a Bearer token of the host
/// tenant (a technical token whose user tenant is the host tenant).
pub async fn user_tenants(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, OAuthError> {
    let host = &state.config.tenants.host;
    let claims = access_token::bearer(&state, &headers).ok_or_else(|| {
        OAuthError::custom(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or invalid Bearer token",
        )
    })?;
    if claims.ten.as_deref() != Some(host.as_str()) {
        return Err(OAuthError::custom(
            StatusCode::FORBIDDEN,
            "forbidden",
            "a token of the host tenant is required",
        ));
    }
    let size = q.size.unwrap_or(DEFAULT_PAGE_SIZE);
    if size == 0 || size > MAX_PAGE_SIZE {
        return Err(bad_request(format!("size must be 1 to {MAX_PAGE_SIZE}")));
    }
    let number = q.page.unwrap_or(0);
    let all = state.config.tenants.user_tenants();
    let total = all.len();
    let content: Vec<Value> = all
        .iter()
        .skip(number.saturating_mul(size))
        .take(size)
        .map(|id| json!({ "id": id }))
        .collect();
    Ok(Json(json!({
        "userTenants": content,
        "page": {
            "size": size,
            "totalElements": total,
            "totalPages": total.div_ceil(size),
            "number": number,
        }
    })))
}
