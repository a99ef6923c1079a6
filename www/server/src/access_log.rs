//! One JSON line per request on stderr: method, path (no query string), status, duration.
//! Never headers or bodies, so no credential or token can reach the log.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let ts_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let line = json!({
        "ts_ms": ts_ms,
        "level": "info",
        "event": "request",
        "method": method,
        "path": path,
        "status": response.status().as_u16(),
        "duration_ms": started.elapsed().as_millis(),
    });
    eprintln!("{line}");
    response
}
