//! Fault injection: the next N responses of a path are replaced or damaged, so that clients'
//! retry, backoff and parsing paths can be tested against a real server. Every non-admin request
//! is also counted per path, so a test can check how many requests a client really sent.

use crate::state::{lock, AppState};
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

/// Largest response body the damaging faults read back (token responses are far smaller).
const MAX_BODY: usize = 1 << 20;

/// Largest body `oversized` builds: 64 MiB, far above any client's cap, small enough not to hurt
/// the machine running the tests.
const MAX_OVERSIZED_BYTES: usize = 64 << 20;

/// How long a reset connection waits between sending its first half and breaking: long enough
/// for the status line, headers and half the body to leave the socket.
const RESET_AFTER: Duration = Duration::from_millis(50);

fn default_rate_limited_status() -> u16 {
    429
}

fn default_redirect_status() -> u16 {
    307
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// 500 Internal Server Error with an OAuth `server_error` body (RFC 6749 §4.1.2.1 code).
    ServerError,
    /// `status` (429 by default, RFC 6585 §4; or 503) with `Retry-After` (RFC 9110 §10.2.3) in
    /// seconds, or as an HTTP-date (IMF-fixdate, §5.6.7) that many seconds ahead of the server's
    /// system clock when `http_date` is true.
    RateLimited {
        retry_after_secs: u64,
        #[serde(default = "default_rate_limited_status")]
        status: u16,
        #[serde(default)]
        http_date: bool,
    },
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
    /// A canned answer: any status, content type, body and optional `Retry-After`.
    Respond {
        status: u16,
        #[serde(default)]
        content_type: Option<String>,
        body: String,
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// The real JSON object answered with these members merged in (RFC 7396 JSON Merge Patch
    /// at the top level: `null` removes a member), so the real, signed access token is kept.
    Patch { set: Map<String, Value> },
    /// 200 `application/json` whose body is `bytes` long (a token-shaped object padded inside
    /// its `access_token`).
    Oversized { bytes: usize },
    /// The real status and headers, half of the body, then the connection breaks.
    ResetMidBody,
    /// Accepts the request and never answers (until the client gives up).
    Hang,
    /// A redirect (307 by default) to `location`, e.g. another origin.
    Redirect {
        #[serde(default = "default_redirect_status")]
        status: u16,
        location: String,
    },
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
    /// Requests received per path (admin routes excluded), faulted or not.
    requests: HashMap<String, u64>,
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

    /// Forgets the planned faults and the request counts.
    pub fn clear(&mut self) {
        self.by_path.clear();
        self.requests.clear();
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

    /// Requests received per path since the start or the last `clear`.
    pub fn requests(&self) -> &HashMap<String, u64> {
        &self.requests
    }

    /// Counts a request to `path`, then takes one fault for it, if any is left.
    pub fn take(&mut self, path: &str) -> Option<Fault> {
        *self.requests.entry(path.to_owned()).or_default() += 1;
        let (fault, remaining) = self.by_path.get_mut(path)?;
        let fault = fault.clone();
        *remaining -= 1;
        if *remaining == 0 {
            self.by_path.remove(path);
        }
        Some(fault)
    }
}

fn rewrite_body(bytes: &[u8], fault: &Fault) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(bytes).ok()?;
    let object = value.as_object_mut()?;
    match fault {
        Fault::ExpiresInString => {
            let current = object.get("expires_in").and_then(Value::as_i64)?;
            object.insert("expires_in".into(), Value::String(current.to_string()));
        }
        Fault::ExpiresInMissing => {
            object.remove("expires_in");
        }
        Fault::ExpiresInNegative => {
            let current = object.get("expires_in").and_then(Value::as_i64)?;
            object.insert("expires_in".into(), Value::from(-current.abs().max(1)));
        }
        Fault::Patch { set } => {
            for (name, member) in set {
                if member.is_null() {
                    object.remove(name);
                } else {
                    object.insert(name.clone(), member.clone());
                }
            }
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
    if matches!(fault, Fault::ResetMidBody) {
        // The full length is announced, so the client knows the body stopped early.
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
        let half = bytes.slice(..bytes.len() / 2);
        return Response::from_parts(parts, Body::new(BreakingBody::new(half)));
    }
    let damaged = match fault {
        Fault::Truncated => bytes.get(..bytes.len() / 2).unwrap_or(&[]).to_vec(),
        other => rewrite_body(&bytes, other).unwrap_or_else(|| bytes.to_vec()),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(damaged))
}

/// A body that yields its first part, waits [`RESET_AFTER`], then fails, which makes the server
/// drop the connection in the middle of the announced body.
struct BreakingBody {
    head: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl BreakingBody {
    fn new(head: Bytes) -> Self {
        BreakingBody {
            head: Some(head),
            pause: Box::pin(tokio::time::sleep(RESET_AFTER)),
        }
    }
}

impl http_body::Body for BreakingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        if let Some(head) = self.head.take() {
            return Poll::Ready(Some(Ok(http_body::Frame::data(head))));
        }
        match self.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected fault: connection reset mid-body",
            )))),
        }
    }
}

fn with_header(mut response: Response, name: header::HeaderName, value: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
    response
}

fn status_of(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A 200 token-shaped JSON object of exactly `bytes` bytes (or the smallest such object).
fn oversized_body(bytes: usize) -> String {
    let head = "{\"access_token\":\"";
    let tail = "\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
    let padding = bytes
        .min(MAX_OVERSIZED_BYTES)
        .saturating_sub(head.len() + tail.len());
    format!("{head}{}{tail}", "a".repeat(padding))
}

pub async fn inject(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    // Admin routes are never faulted nor counted, so a test can always read and clear the plan.
    if path.starts_with("/admin/") {
        return next.run(request).await;
    }
    let Some(fault) = lock(&state.faults).take(&path) else {
        return next.run(request).await;
    };
    // Read the request body before answering, as a real server does: a fault answered with the
    // body unread closes the connection with data pending, and the client's kernel then resets
    // it, cutting the answer short (a 2 MB answer lost its tail to httpx this way, now and then).
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let request = Request::from_parts(parts, Body::from(body));
    match fault {
        Fault::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({
                "error": "server_error",
                "error_description": "injected fault"
            })),
        )
            .into_response(),
        Fault::RateLimited {
            retry_after_secs,
            status,
            http_date,
        } => {
            let retry_after = if http_date {
                httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(retry_after_secs))
            } else {
                retry_after_secs.to_string()
            };
            let response = (status_of(status), "rate limited").into_response();
            with_header(response, header::RETRY_AFTER, &retry_after)
        }
        Fault::Html => {
            let response = (
                StatusCode::BAD_GATEWAY,
                "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
                 <body><h1>502 Bad Gateway</h1></body></html>",
            )
                .into_response();
            with_header(response, header::CONTENT_TYPE, "text/html; charset=utf-8")
        }
        Fault::Slow { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            next.run(request).await
        }
        Fault::Respond {
            status,
            content_type,
            body,
            retry_after,
        } => {
            let mut response = (status_of(status), body).into_response();
            match content_type {
                Some(ct) => response = with_header(response, header::CONTENT_TYPE, &ct),
                None => {
                    response.headers_mut().remove(header::CONTENT_TYPE);
                }
            }
            if let Some(value) = retry_after {
                response = with_header(response, header::RETRY_AFTER, &value);
            }
            response
        }
        Fault::Oversized { bytes } => {
            let response = (StatusCode::OK, oversized_body(bytes)).into_response();
            with_header(response, header::CONTENT_TYPE, "application/json")
        }
        Fault::Hang => {
            std::future::pending::<()>().await;
            unreachable!("a pending future never completes")
        }
        Fault::Redirect { status, location } => {
            let response = status_of(status).into_response();
            with_header(response, header::LOCATION, &location)
        }
        damaging => {
            let response = next.run(request).await;
            damage(response, &damaging).await
        }
    }
}
