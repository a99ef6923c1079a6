//! Fault injection: the next N responses of a path are replaced or damaged, so that clients'
//! retry, backoff and parsing paths can be tested against a real server.

use crate::state::{lock, AppState};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;

/// Largest response body the damaging faults read back (token responses are far smaller).
const MAX_BODY: usize = 1 << 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// 500 Internal Server Error with an OAuth `server_error` body (RFC 6749 §4.1.2.1 code).
    ServerError,
    /// 429 Too Many Requests with `Retry-After` in seconds (RFC 6585 §4, RFC 9110 §10.2.3).
    RateLimited { retry_after_secs: u64 },
    /// 502 with an HTML body, as a proxy in front of the real server answers.
    Html,
    /// The real response, after a delay.
    Slow { delay_ms: u64 },
    /// The real response with its body cut in half (invalid JSON).
    Truncated,
    /// `expires_in` as a JSON string (`"3600"`), as some servers send it.
    ExpiresInString,
    /// `expires_in` removed (RFC 6749 §5.1 makes it only RECOMMENDED).
    ExpiresInMissing,
    /// `expires_in` negated.
    ExpiresInNegative,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlannedFault {
    pub path: String,
    pub count: u32,
    #[serde(flatten)]
    pub fault: Fault,
}

#[derive(Default)]
pub struct FaultPlan {
    by_path: HashMap<String, (Fault, u32)>,
}

impl FaultPlan {
    pub fn set(&mut self, planned: PlannedFault) {
        if planned.count == 0 {
            self.by_path.remove(&planned.path);
        } else {
            self.by_path
                .insert(planned.path, (planned.fault, planned.count));
        }
    }

    pub fn clear(&mut self) {
        self.by_path.clear();
    }

    pub fn list(&self) -> Vec<PlannedFault> {
        self.by_path
            .iter()
            .map(|(path, (fault, count))| PlannedFault {
                path: path.clone(),
                count: *count,
                fault: fault.clone(),
            })
            .collect()
    }

    /// Take one fault for `path`, if any is left.
    pub fn take(&mut self, path: &str) -> Option<Fault> {
        let (fault, remaining) = self.by_path.get_mut(path)?;
        let fault = fault.clone();
        *remaining -= 1;
        if *remaining == 0 {
            self.by_path.remove(path);
        }
        Some(fault)
    }
}

fn rewrite_expires_in(bytes: &[u8], fault: &Fault) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(bytes).ok()?;
    let object = value.as_object_mut()?;
    let current = object.get("expires_in").and_then(Value::as_i64)?;
    match fault {
        Fault::ExpiresInString => {
            object.insert("expires_in".into(), Value::String(current.to_string()));
        }
        Fault::ExpiresInMissing => {
            object.remove("expires_in");
        }
        Fault::ExpiresInNegative => {
            object.insert("expires_in".into(), Value::from(-current.abs().max(1)));
        }
        _ => return None,
    }
    serde_json::to_vec(&value).ok()
}

async fn damage(response: Response, fault: &Fault) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let damaged = match fault {
        Fault::Truncated => bytes.get(..bytes.len() / 2).unwrap_or(&[]).to_vec(),
        other => rewrite_expires_in(&bytes, other).unwrap_or_else(|| bytes.to_vec()),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(damaged))
}

pub async fn inject(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    // Admin routes are never faulted, so a test can always clear the plan.
    if path.starts_with("/admin/") {
        return next.run(request).await;
    }
    let Some(fault) = lock(&state.faults).take(&path) else {
        return next.run(request).await;
    };
    match fault {
        Fault::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({
                "error": "server_error",
                "error_description": "injected fault"
            })),
        )
            .into_response(),
        Fault::RateLimited { retry_after_secs } => {
            let mut response = (StatusCode::TOO_MANY_REQUESTS, "rate limited").into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            response
        }
        Fault::Html => {
            let mut response = (
                StatusCode::BAD_GATEWAY,
                "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
                 <body><h1>502 Bad Gateway</h1></body></html>",
            )
                .into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Fault::Slow { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            next.run(request).await
        }
        damaging => {
            let response = next.run(request).await;
            damage(response, &damaging).await
        }
    }
}
