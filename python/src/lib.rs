//! Python bindings of tokensmith: the extension module `tokensmith._native`.
//!
//! Thin wrappers over `tokensmith` core; errors become `tokensmith.TokenError` with `.code`
//! (see [`errors`]). The pure-Python package `tokensmith` re-exports everything from here.
#![forbid(unsafe_code)]

mod client;
mod clock;
mod errors;
mod io;
mod json_value;
mod jwks;
mod jwt;
mod pat;
mod persist;
mod token;
mod vendor_keycloak;
mod vendor_sdx;
mod vendor_ttm;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use std::sync::Arc;
use tokensmith::http::status_code;
use tokensmith::{BasicEncoding, HttpRequest, HttpResponse, Method, ParseOptions, UnixMillis};

/// The `Authorization` header value `Basic base64(id:secret)` for a client.
///
/// `encoding="form"` (default) applies RFC 6749 §2.3.1 (id and secret each form-urlencoded
/// first); `encoding="raw"` uses them as-is and refuses an id containing `:` (RFC 7617 §2).
#[pyfunction]
#[pyo3(signature = (client_id, client_secret, *, encoding = "form"))]
fn basic_authorization<'py>(
    py: Python<'py>,
    client_id: &str,
    client_secret: &str,
    encoding: &str,
) -> PyResult<Bound<'py, PyString>> {
    let value = encoding
        .parse::<BasicEncoding>()
        .and_then(|encoding| tokensmith::basic_authorization(client_id, client_secret, encoding))
        .map_err(|e| errors::to_py_err(py, &e))?;
    // The header value is the function's output: handing it to the caller is its purpose. It is
    // copied straight into a Python str; the Rust copy is zeroized when `value` drops.
    Ok(PyString::new(py, value.expose_secret()))
}

/// The `X-SPACE-AUTH-KEY` header value (`Basic base64(id:secret)`, raw) that Siemens Insights
/// Hub's Technical Token Manager expects. An id containing `:` is refused.
#[pyfunction]
fn space_auth_key<'py>(
    py: Python<'py>,
    client_id: &str,
    client_secret: &str,
) -> PyResult<Bound<'py, PyString>> {
    let value = tokensmith::space_auth_key(client_id, client_secret)
        .map_err(|e| errors::to_py_err(py, &e))?;
    Ok(PyString::new(py, value.expose_secret()))
}

/// Core's token-response rules (RFC 6749 §5.1, §5.2) for a response the caller fetched
/// itself (the npm package's `parseTokenResponse`): `status`, `headers` as `(name, value)` pairs,
/// `body` as bytes or str. `sent_at` (seconds since the epoch, or a `datetime`) is when the
/// request was sent, the base of `expires_in`; default now. The other options are seconds
/// (`default_lifetime`, `max_lifetime`) and bytes (`max_body_bytes`); `ParseOptions::validate`
/// judges them.
#[pyfunction]
#[pyo3(signature = (status, headers, body, *, sent_at = None, default_lifetime = None,
    max_lifetime = None, max_body_bytes = None))]
#[allow(clippy::too_many_arguments)]
fn parse_token_response(
    py: Python<'_>,
    status: i64,
    headers: Vec<(String, String)>,
    body: &Bound<'_, PyAny>,
    sent_at: Option<&Bound<'_, PyAny>>,
    default_lifetime: Option<i64>,
    max_lifetime: Option<i64>,
    max_body_bytes: Option<usize>,
) -> PyResult<token::PyToken> {
    // Core's rule (three digits, RFC 9110 §15), as the npm package applies it.
    let status = status_code(status as f64).ok_or_else(|| {
        let e = tokensmith::Error::InvalidInput("status must be an HTTP status code".into());
        errors::to_py_err(py, &e)
    })?;
    let body = bytes_or_str(body, "body")?;
    let sent_at = match sent_at.filter(|s| !s.is_none()) {
        None => clock::now(),
        Some(value) => {
            // A datetime gives its own timestamp; a number is seconds already.
            let secs: f64 = if value.hasattr("timestamp")? {
                value.call_method0("timestamp")?.extract()?
            } else {
                value.extract()?
            };
            if !secs.is_finite() {
                let e = tokensmith::Error::InvalidInput("sent_at must be finite".into());
                return Err(errors::to_py_err(py, &e));
            }
            clock::from_secs(secs)
        }
    };
    let defaults = ParseOptions::default();
    let options = ParseOptions {
        default_lifetime_secs: default_lifetime.unwrap_or(defaults.default_lifetime_secs),
        max_lifetime_secs: max_lifetime.unwrap_or(defaults.max_lifetime_secs),
        max_body_bytes: max_body_bytes.unwrap_or(defaults.max_body_bytes),
    };
    let response = HttpResponse::new(status, headers, body);
    let token = tokensmith::parse_token_response(&response, sent_at, &options)
        .map_err(|e| errors::to_py_err(py, &e))?;
    token::PyToken::new(py, Arc::new(token))
}

/// The request as an integrator would write it by hand (request line, headers, blank line,
/// body) with every credential replaced by `[redacted]` (core's `HttpRequest::redacted`), for
/// showing or logging what was sent (the npm package's `redactRequest`). `method` is `GET`,
/// `POST` (default) or `DELETE`, the methods core sends.
#[pyfunction]
#[pyo3(signature = (url, *, method = "POST", headers = Vec::new(), body = None))]
fn redact_request(
    py: Python<'_>,
    url: String,
    method: &str,
    headers: Vec<(String, String)>,
    body: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let method = Method::from_name(method).ok_or_else(|| {
        let e = tokensmith::Error::InvalidInput("method must be GET, POST or DELETE".into());
        errors::to_py_err(py, &e)
    })?;
    let body = match body.filter(|b| !b.is_none()) {
        None => Vec::new(),
        Some(body) => bytes_or_str(body, "body")?,
    };
    Ok(HttpRequest {
        method,
        url,
        headers,
        body,
    }
    .redacted())
}

/// A `bytes` or `str` (as UTF-8) argument.
fn bytes_or_str(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<u8>> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    match value.cast::<PyBytes>() {
        Ok(b) => Ok(b.as_bytes().to_vec()),
        Err(_) => Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{name} must be bytes or str"
        ))),
    }
}

/// Test hook: core's `check_revocation_response` (RFC 7009 §2.2). Not part of the public API.
#[pyfunction]
fn _check_revocation_response(
    py: Python<'_>,
    status: u16,
    headers: Vec<(String, String)>,
    body: &Bound<'_, PyBytes>,
    now_ms: i64,
) -> PyResult<()> {
    let response = HttpResponse::new(status, headers, body.as_bytes());
    tokensmith::check_revocation_response(&response, UnixMillis(now_ms))
        .map_err(|e| errors::to_py_err(py, &e))
}

/// Whether a `WWW-Authenticate` value is a Bearer challenge with `error="invalid_token"`
/// (RFC 6750 §3.1): the access token was refused, and one new token may help.
#[pyfunction]
fn _is_invalid_token_challenge(value: &str) -> bool {
    tokensmith::www_authenticate::is_invalid_token_challenge(value)
}

/// Whether a resource server's answer refused the access token (RFC 6750 §3.1: a 401 with an
/// `invalid_token` Bearer challenge in `www_authenticate`): one new token and one retry.
#[pyfunction]
#[pyo3(signature = (status, www_authenticate))]
fn _is_invalid_token_response(status: u16, www_authenticate: Option<&str>) -> bool {
    tokensmith::www_authenticate::is_invalid_token_response(status, www_authenticate)
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(basic_authorization, module)?)?;
    module.add_function(wrap_pyfunction!(space_auth_key, module)?)?;
    module.add_function(wrap_pyfunction!(parse_token_response, module)?)?;
    module.add_function(wrap_pyfunction!(redact_request, module)?)?;
    module.add_function(wrap_pyfunction!(_check_revocation_response, module)?)?;
    module.add_function(wrap_pyfunction!(_is_invalid_token_challenge, module)?)?;
    module.add_function(wrap_pyfunction!(_is_invalid_token_response, module)?)?;
    module.add_function(wrap_pyfunction!(jwt::decode_jwt, module)?)?;
    module.add_function(wrap_pyfunction!(jwt::verify_jwt, module)?)?;
    module.add_function(wrap_pyfunction!(pat::generate_pat, module)?)?;
    module.add_function(wrap_pyfunction!(pat::pat_checksum_ok, module)?)?;
    module.add_function(wrap_pyfunction!(pat::pat_check, module)?)?;
    module.add_function(wrap_pyfunction!(pat::pat_hash, module)?)?;
    module.add_function(wrap_pyfunction!(pat::pat_verify, module)?)?;
    module.add_function(wrap_pyfunction!(pat::pat_hint, module)?)?;
    module.add_class::<jwt::PyJwks>()?;
    module.add_class::<jwks::JwksClient>()?;
    module.add_class::<token::PyToken>()?;
    module.add_class::<client::TokenClient>()?;
    module.add_class::<vendor_ttm::TechnicalTokenManager>()?;
    module.add_class::<vendor_keycloak::KeycloakClient>()?;
    module.add_class::<vendor_sdx::SdxClient>()?;
    module.add_function(wrap_pyfunction!(
        vendor_keycloak::keycloak_token_url,
        module
    )?)?;
    module.add("DEFAULT_TIMEOUT", io::DEFAULT_TIMEOUT_S)?;
    errors::register(module)?;
    Ok(())
}
