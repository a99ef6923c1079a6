//! Test and demo controls: restart, fault injection, clock. Reachable only where the server is
//! (127.0.0.1 by default).

use crate::faults::PlannedFault;
use crate::oauth_error::OAuthError;
use crate::state::{lock, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// `POST /admin/restart`: new signing key, all refresh tokens forgotten (SDx/TruView behaviour).
pub async fn restart(State(state): State<AppState>) -> Result<Json<Value>, OAuthError> {
    state.restart().map_err(OAuthError::server_error)?;
    Ok(Json(json!({ "restarted": true, "kid": state.key().kid() })))
}

pub async fn set_fault(
    State(state): State<AppState>,
    Json(planned): Json<PlannedFault>,
) -> StatusCode {
    lock(&state.faults).set(planned);
    StatusCode::NO_CONTENT
}

pub async fn list_faults(State(state): State<AppState>) -> Json<Value> {
    let plan = lock(&state.faults);
    Json(json!({ "faults": plan.list(), "requests": plan.requests() }))
}

pub async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    lock(&state.faults).clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
pub struct Advance {
    pub seconds: i64,
}

/// `POST /admin/clock {"seconds": N}`: move this server's clock forward, to expire tokens.
pub async fn advance_clock(State(state): State<AppState>, Json(a): Json<Advance>) -> Json<Value> {
    state.advance_clock(a.seconds.saturating_mul(1000));
    Json(json!({ "now_ms": state.now_ms() }))
}
