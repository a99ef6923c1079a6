//! The pages (`www/`) at `/` and the npm package (`wasm/pkg`) at `/pkg/`, read from disk on each
//! request so that a rebuilt package is served without restarting.

use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};

/// The media type for a file name (RFC 6838 registrations; `application/wasm` is required for
/// `WebAssembly.instantiateStreaming`).
fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Join a URL path below `root`, refusing anything that could leave it.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = Path::new(url_path.trim_start_matches('/'));
    let mut out = root.to_path_buf();
    for component in relative.components() {
        match component {
            Component::Normal(part) => out.push(part),
            _ => return None,
        }
    }
    Some(out)
}

pub async fn serve(State(state): State<AppState>, uri: Uri) -> Response {
    let path = uri.path();
    if path.contains('\\') || path.contains("%") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let server = &state.config.server;
    let target = if let Some(rest) = path.strip_prefix("/pkg/") {
        resolve(&server.pkg_dir, rest)
    } else if path.starts_with("/server/") {
        // The server's own sources live under www/server; they are not pages.
        None
    } else {
        resolve(&server.www_dir, path)
    };
    let Some(mut file) = target else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if tokio::fs::metadata(&file).await.is_ok_and(|m| m.is_dir()) {
        file.push("index.html");
    }
    match tokio::fs::read(&file).await {
        Ok(bytes) => {
            let mut response = bytes.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&file)),
            );
            response
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_refuses_escapes() {
        let root = Path::new("/srv");
        assert_eq!(
            resolve(root, "/a/b.html"),
            Some(PathBuf::from("/srv/a/b.html"))
        );
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(resolve(root, "/a/./b"), Some(PathBuf::from("/srv/a/b")));
    }
}
