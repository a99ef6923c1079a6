//! `tokensmith.SdxClient`: HxGN SDx / TruView password sign-in over core's `TokenSource`, and
//! what happens when a server restart makes the refresh token worthless (`tokensmith::vendor::
//! sdx_refresh_error`). Mirrors the npm `SdxClient`.

use crate::clock::Clock;
use crate::errors::to_py_err;
use crate::io::IoHandles;
use crate::token::PyToken;
use pyo3::prelude::*;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokensmith::cache::{CacheConfig, TokenCache};
use tokensmith::client::TokenSource;
use tokensmith::vendor::{sdx_client_error, SdxSignIn, SDX_TOKEN_PATH};
use tokensmith::{ClientAuthMethod, Error, Secret, Token, TokenEndpoint};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Only whole values are stored; a panic leaves them consistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// HxGN SDx / TruView: a password grant for an application impersonating a user. A server
/// restart forgets every refresh token; with `keep_credentials=True` the client signs in again
/// by itself, otherwise it raises a `TokenError` with code `refresh_token_inactive` telling the
/// user to regenerate the tokens.
///
/// `clock` is `TokenClient`'s: a callable returning seconds since the epoch (default
/// `time.time`). The cache's expiry and refresh-ahead and the tokens' `expires_in` and
/// `is_expired` read it; sleeps still take real time.
#[pyclass(frozen, name = "SdxClient", module = "tokensmith")]
pub struct SdxClient {
    endpoint: TokenEndpoint,
    keep_credentials: bool,
    cache: TokenCache,
    io: IoHandles,
    /// The signed-in user's source: over the password grant when credentials are kept, else over
    /// the refresh token (no primary grant to fall back to).
    source: Mutex<Option<TokenSource>>,
}

impl SdxClient {
    /// The current token through core's loop (waits and retry sleeps with the GIL released).
    /// Without kept credentials a refused refresh becomes the error that says to regenerate.
    fn get(&self, py: Python<'_>, force: bool) -> PyResult<PyToken> {
        let source = lock(&self.source).clone().ok_or_else(|| {
            to_py_err(
                py,
                &Error::InvalidInput("sign in first (SdxClient.sign_in)".into()),
            )
        })?;
        let io = self.io.bind(py);
        // With kept credentials, core falls back to the password grant in the same flight when
        // the refresh token is refused (a server restart).
        let outcome = source.get_blocking(0, force, &io);
        if let Some(bug) = io.take_bug() {
            return Err(bug);
        }
        match outcome {
            Ok(token) => self.wrap(py, token),
            Err(error) => Err(self.clear_error(py, &error)),
        }
    }

    /// The Python `Token`, aging by the client's clock.
    fn wrap(&self, py: Python<'_>, token: Arc<Token>) -> PyResult<PyToken> {
        Ok(PyToken::new(py, token)?.with_clock(self.io.clock().clone()))
    }

    fn clear_error(&self, py: Python<'_>, error: &Error) -> PyErr {
        match sdx_client_error(error, self.keep_credentials) {
            Some(clear) => to_py_err(py, &clear),
            None => to_py_err(py, error),
        }
    }
}

#[pymethods]
impl SdxClient {
    #[new]
    #[pyo3(signature = (
        base_url,
        client_id,
        client_secret,
        *,
        keep_credentials = false,
        transport = None,
        timeout = crate::io::DEFAULT_TIMEOUT_S,
        verify = None,
        clock = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: &str,
        client_id: String,
        client_secret: String,
        keep_credentials: bool,
        transport: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        verify: Option<&Bound<'_, PyAny>>,
        clock: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let clock = Clock::from_arg(clock)?;
        Ok(SdxClient {
            endpoint: TokenEndpoint {
                url: format!("{}{SDX_TOKEN_PATH}", base_url.trim_end_matches('/')),
                client_id,
                client_secret: Some(Secret::new(client_secret)),
                auth: ClientAuthMethod::ClientSecretBasic,
            },
            keep_credentials,
            cache: TokenCache::new(CacheConfig::default()),
            io: IoHandles::new(py, transport, timeout, verify)?.with_clock(clock),
            source: Mutex::new(None),
        })
    }

    /// Signs `username` in (RFC 6749 §4.3 password grant, the application impersonating the
    /// user). The password is kept only with `keep_credentials=True`.
    fn sign_in(&self, py: Python<'_>, username: String, password: String) -> PyResult<PyToken> {
        let err = |e: Error| to_py_err(py, &e);
        let plan = SdxSignIn::new(
            self.endpoint.clone(),
            self.cache.clone(),
            username,
            Secret::new(password),
            self.keep_credentials,
        )
        .map_err(err)?;
        let exchange = match plan {
            SdxSignIn::Kept(source) => {
                *lock(&self.source) = Some(source);
                return self.get(py, false);
            }
            SdxSignIn::Exchange(exchange) => exchange,
        };
        // The token's lifetime counts from when the request was sent (RFC 6749 §5.1); the cache
        // stores it at the time the answer came.
        let sent_at = self.io.now(py)?;
        let response = self.io.send(py, &exchange.request.clone())?;
        let now = self.io.now(py)?;
        let (source, token) = response
            .and_then(|resp| exchange.finish(&resp, sent_at, now))
            .map_err(err)?;
        *lock(&self.source) = Some(source);
        self.wrap(py, token)
    }

    /// The current token, refreshed when it expires.
    fn token(&self, py: Python<'_>) -> PyResult<PyToken> {
        self.get(py, false)
    }

    /// A new token now, with the refresh token (RFC 6749 §6), e.g. after the API refused the
    /// current one.
    fn refresh(&self, py: Python<'_>) -> PyResult<PyToken> {
        self.get(py, true)
    }

    #[getter]
    fn keep_credentials(&self) -> bool {
        self.keep_credentials
    }

    #[getter]
    fn token_url(&self) -> &str {
        &self.endpoint.url
    }

    fn __repr__(&self) -> String {
        format!(
            "<SdxClient url={:?} client_id={:?} keep_credentials={}>",
            tokensmith::http::redact_url(&self.endpoint.url),
            self.endpoint.client_id,
            if self.keep_credentials {
                "True"
            } else {
                "False"
            }
        )
    }
}
