//! Core errors as Python exceptions: the one place where a core [`Error`] becomes a Python
//! exception, chosen by [`Error::family`] (and, for OAuth errors, by [`Error::code`]).
//!
//! ```text
//! TokenError                       every error; .code, .status, .retry_after
//! ├── OAuthError                   RFC 6749 §5.2 / RFC 7009 §2.2.1 / RFC 6750 §3.1 answers;
//! │   │                            .error, .description, .uri
//! │   ├── InvalidRequest, InvalidClient, InvalidGrant, InvalidScope, UnauthorizedClient,
//! │   │   UnsupportedGrantType, AccessDenied, ServerError, TemporarilyUnavailable,
//! │   │   InvalidToken, UnsupportedTokenType
//! ├── ResponseError                malformed or unexpected response
//! ├── TransportError               connect, TLS, timeout, reset, redirect
//! ├── InputError                   unusable caller input (URL, option, encoding)
//! ├── JwtError
//! ├── PatError
//! └── CacheError
//! ```
//! Errors of the `token` family (`refresh_token_expired`, `random_unavailable`) are plain
//! `TokenError`s. Callers branch on the class or on `exc.code`, never on the message. The message
//! is core's `Display`, which never contains a secret or a raw body, so `str(exc)` and
//! `repr(exc)` are safe to log.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyType;
use tokensmith::error::{Error, ErrorFamily, OAuthErrorCode, TransportErrorKind};

pyo3::create_exception!(
    tokensmith,
    TokenError,
    PyException,
    "Base class of every tokensmith error; `code` is a stable snake_case identifier."
);
pyo3::create_exception!(
    tokensmith,
    OAuthError,
    TokenError,
    "The server answered with an OAuth error (RFC 6749 §5.2); see `error`, `description`, `uri`."
);
pyo3::create_exception!(
    tokensmith,
    ResponseError,
    TokenError,
    "The server's answer was malformed or unexpected."
);
pyo3::create_exception!(
    tokensmith,
    TransportError,
    TokenError,
    "No response: connection, TLS, timeout, reset, or a redirect that was not followed."
);
pyo3::create_exception!(
    tokensmith,
    InputError,
    TokenError,
    "Caller input that cannot be used (URL, option, encoding)."
);
pyo3::create_exception!(
    tokensmith,
    JwtError,
    TokenError,
    "A JWT could not be decoded or verified."
);
pyo3::create_exception!(
    tokensmith,
    PatError,
    TokenError,
    "A personal access token is malformed or does not match."
);
pyo3::create_exception!(
    tokensmith,
    CacheError,
    TokenError,
    "The token cache could not complete an operation."
);

macro_rules! oauth_errors {
    ($($name:ident => $code:ident, $doc:literal;)*) => {
        $(pyo3::create_exception!(tokensmith, $name, OAuthError, $doc);)*

        /// The subclass of `OAuthError` for a standard code, if it has one.
        fn oauth_class<'py>(py: Python<'py>, code: &OAuthErrorCode) -> Option<Bound<'py, PyType>> {
            match code {
                $(OAuthErrorCode::$code => Some(py.get_type::<$name>()),)*
                _ => None,
            }
        }

        fn register_oauth(module: &Bound<'_, PyModule>) -> PyResult<()> {
            $(module.add(stringify!($name), module.py().get_type::<$name>())?;)*
            Ok(())
        }
    };
}

oauth_errors! {
    InvalidRequest => InvalidRequest, "RFC 6749 §5.2 invalid_request.";
    InvalidClient => InvalidClient, "RFC 6749 §5.2 invalid_client: client authentication failed.";
    InvalidGrant => InvalidGrant, "RFC 6749 §5.2 invalid_grant: bad credentials or refresh token.";
    InvalidScope => InvalidScope, "RFC 6749 §5.2 invalid_scope.";
    UnauthorizedClient => UnauthorizedClient, "RFC 6749 §5.2 unauthorized_client.";
    UnsupportedGrantType => UnsupportedGrantType, "RFC 6749 §5.2 unsupported_grant_type.";
    AccessDenied => AccessDenied, "RFC 6749 §4.1.2.1 access_denied.";
    ServerError => ServerError, "RFC 6749 §4.1.2.1 server_error.";
    TemporarilyUnavailable => TemporarilyUnavailable, "RFC 6749 §4.1.2.1 temporarily_unavailable.";
    InvalidToken => InvalidToken, "RFC 6750 §3.1 invalid_token.";
    UnsupportedTokenType => UnsupportedTokenType, "RFC 7009 §2.2.1 unsupported_token_type.";
}

/// The exception class for an error.
fn class_of<'py>(py: Python<'py>, error: &Error) -> Bound<'py, PyType> {
    if let Error::OAuth(e) = error {
        if let Some(class) = oauth_class(py, &e.code) {
            return class;
        }
    }
    match error.family() {
        ErrorFamily::OAuth => py.get_type::<OAuthError>(),
        ErrorFamily::Response => py.get_type::<ResponseError>(),
        ErrorFamily::Transport => py.get_type::<TransportError>(),
        ErrorFamily::Input => py.get_type::<InputError>(),
        ErrorFamily::Jwt => py.get_type::<JwtError>(),
        ErrorFamily::Pat => py.get_type::<PatError>(),
        ErrorFamily::Cache => py.get_type::<CacheError>(),
        _ => py.get_type::<TokenError>(),
    }
}

/// Converts a core error into a Python exception of its class, with its attributes set.
pub fn to_py_err(py: Python<'_>, error: &Error) -> PyErr {
    let err = PyErr::from_type(class_of(py, error), error.to_string());
    // setattr on a fresh exception instance fails only on memory exhaustion; the exception is
    // still raised then, without the attribute.
    let _ = set_attributes(err.value(py), error);
    err
}

fn set_attributes(
    exc: &Bound<'_, pyo3::exceptions::PyBaseException>,
    error: &Error,
) -> PyResult<()> {
    exc.setattr("code", error.code())?;
    exc.setattr("status", error.status())?;
    // RFC 9110 §10.2.3: seconds to wait, as a float (the core keeps milliseconds).
    exc.setattr(
        "retry_after",
        error.retry_after().map(|r| r.delay_ms as f64 / 1000.0),
    )?;
    if error.family() == ErrorFamily::Response {
        // Why the answer was unusable (`not_json`, `truncated`, …), like the npm package's
        // `reason`; None for a JSON object that breaks an RFC 6749 §5.1 rule.
        let reason = match error {
            Error::UnexpectedResponse(e) => Some(e.reason.code()),
            _ => None,
        };
        exc.setattr("reason", reason)?;
    }
    if let Error::OAuth(e) = error {
        exc.setattr("error", e.code.as_str())?;
        exc.setattr("description", e.description.as_deref())?;
        exc.setattr("uri", e.uri.as_deref())?;
    }
    Ok(())
}

/// The core error a `TransportError` raised by a Python transport stands for: its `code`
/// (`transport_connect`, `transport_tls`, …) picks the kind, its message is kept.
pub fn transport_error_from_py(py: Python<'_>, err: &PyErr) -> Option<Error> {
    let value = err.value(py);
    if !value.is_instance_of::<TransportError>() {
        return None;
    }
    let code: String = value
        .getattr("code")
        .and_then(|c| c.extract())
        .unwrap_or_default();
    let kind = match code.as_str() {
        "transport_connect" => TransportErrorKind::Connect,
        "transport_tls" => TransportErrorKind::Tls,
        "transport_timeout" => TransportErrorKind::Timeout,
        "transport_reset" => TransportErrorKind::Reset,
        "transport_redirect" => TransportErrorKind::Redirect,
        _ => TransportErrorKind::Other,
    };
    let message = value
        .str()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "transport failure".into());
    Some(Error::Transport { kind, message })
}

/// Adds the exception classes to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("TokenError", py.get_type::<TokenError>())?;
    module.add("OAuthError", py.get_type::<OAuthError>())?;
    module.add("ResponseError", py.get_type::<ResponseError>())?;
    module.add("TransportError", py.get_type::<TransportError>())?;
    module.add("InputError", py.get_type::<InputError>())?;
    module.add("JwtError", py.get_type::<JwtError>())?;
    module.add("PatError", py.get_type::<PatError>())?;
    module.add("CacheError", py.get_type::<CacheError>())?;
    register_oauth(module)
}
