//! CORS (Fetch standard, "CORS protocol") for pages served from another loopback origin, such
//! as wasm-bindgen-test's browser runner or a Vite dev server on another port. Only loopback
//! origins are answered, matching the server's loopback-only default.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Request headers clients send: Basic/Bearer, form or JSON bodies, the Insights Hub key.
const ALLOW_HEADERS: &str = "authorization, content-type, x-space-auth-key";
const ALLOW_METHODS: &str = "GET, POST, DELETE, OPTIONS";
/// Response headers scripts must be able to read for backoff and error handling.
const EXPOSE_HEADERS: &str = "retry-after, www-authenticate";
/// How long a browser may cache a preflight answer: ten minutes.
const MAX_AGE_SECS: &str = "600";

/// `http://127.0.0.1[:port]`, `http://localhost[:port]` or `http://[::1][:port]`, nothing else
/// (an origin has no path, RFC 6454 §6.1).
pub fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else {
        return false;
    };
    let (host, port) = if let Some(v6) = rest.strip_prefix("[::1]") {
        ("[::1]", v6)
    } else {
        match rest.split_once(':') {
            Some((h, p)) => (h, p),
            None => (rest, ""),
        }
    };
    let port = port.strip_prefix(':').unwrap_or(port);
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
}

fn allowed_origin(headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    is_loopback_origin(origin.to_str().ok()?).then(|| origin.clone())
}

pub async fn cors(request: Request, next: Next) -> Response {
    let origin = allowed_origin(request.headers());
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    // The answer depends on Origin, so caches must key on it.
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
        if preflight {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOW_METHODS),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOW_HEADERS),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static(MAX_AGE_SECS),
            );
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_origins() {
        for ok in [
            "http://127.0.0.1:8000",
            "http://localhost:5173",
            "http://[::1]:3000",
            "http://localhost",
        ] {
            assert!(is_loopback_origin(ok), "{ok}");
        }
        for bad in [
            "https://127.0.0.1:8000",
            "http://127.0.0.1.evil.example",
            "http://evil.example",
            "http://localhost:80/path",
            "http://localhost:x",
            "null",
        ] {
            assert!(!is_loopback_origin(bad), "{bad}");
        }
    }
}
