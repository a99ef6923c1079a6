//! Keycloak: `keycloak_token_url` and `tokensmith.KeycloakClient` (offline tokens, "Token is
//! not active"), over `tokensmith::vendor`'s Keycloak rules. Mirrors the npm `KeycloakClient`.

use crate::client::scopes_of;
use crate::clock::Clock;
use crate::errors::to_py_err;
use crate::io::IoHandles;
use crate::token::PyToken;
use pyo3::prelude::*;
use std::sync::Arc;
use tokensmith::vendor::{keycloak_refresh_error, with_offline_access};
use tokensmith::{
    parse_token_response, ClientAuthMethod, Grant, ParseOptions, Secret, TokenEndpoint,
};

/// `{base}/realms/{realm}/protocol/openid-connect/token` (trailing slashes of `base` dropped,
/// the realm percent-encoded as one path segment, RFC 3986 §3.3).
#[pyfunction]
pub fn keycloak_token_url(py: Python<'_>, base: &str, realm: &str) -> PyResult<String> {
    tokensmith::vendor::keycloak_token_url(base, realm).map_err(|e| to_py_err(py, &e))
}

/// One Keycloak realm's token endpoint: password sign-in (offline tokens with `offline=True`)
/// and refresh, with Keycloak's "Token is not active" raised as a `TokenError` with code
/// `refresh_token_inactive`. Not cached: for cached tokens use `TokenClient` with
/// `keycloak_token_url(base, realm)`.
///
/// `clock` is `TokenClient`'s: a callable returning seconds since the epoch (default
/// `time.time`); its tokens' `expires_at`, `expires_in` and `is_expired` read it.
#[pyclass(frozen, name = "KeycloakClient", module = "tokensmith")]
pub struct KeycloakClient {
    endpoint: TokenEndpoint,
    scope: Vec<String>,
    offline: bool,
    io: IoHandles,
}

impl KeycloakClient {
    fn request(&self, py: Python<'_>, grant: &Grant) -> PyResult<tokensmith::Result<PyToken>> {
        let request = match self.endpoint.token_request(grant) {
            Ok(request) => request,
            Err(error) => return Ok(Err(error)),
        };
        let parsed = self.io.fetch(py, &request, |resp, sent_at| {
            parse_token_response(resp, sent_at, &ParseOptions::default())
        })?;
        match parsed {
            Ok(token) => Ok(Ok(
                PyToken::new(py, Arc::new(token))?.with_clock(self.io.clock().clone())
            )),
            Err(error) => Ok(Err(error)),
        }
    }
}

#[pymethods]
impl KeycloakClient {
    #[new]
    #[pyo3(signature = (
        base_url,
        realm,
        client_id,
        client_secret = None,
        *,
        offline = false,
        scope = None,
        transport = None,
        timeout = crate::io::DEFAULT_TIMEOUT_S,
        verify = None,
        clock = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: &str,
        realm: &str,
        client_id: String,
        client_secret: Option<String>,
        offline: bool,
        scope: Option<&Bound<'_, PyAny>>,
        transport: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        verify: Option<&Bound<'_, PyAny>>,
        clock: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let clock = Clock::from_arg(clock)?;
        let url = tokensmith::vendor::keycloak_token_url(base_url, realm)
            .map_err(|e| to_py_err(py, &e))?;
        // A confidential client authenticates with Basic (RFC 6749 §2.3.1), a public one sends
        // only its id.
        let auth = if client_secret.is_some() {
            ClientAuthMethod::ClientSecretBasic
        } else {
            ClientAuthMethod::None
        };
        let mut scope = scopes_of(scope)?.unwrap_or_default();
        if offline {
            scope = with_offline_access(scope);
        }
        Ok(KeycloakClient {
            endpoint: TokenEndpoint {
                url,
                client_id,
                client_secret: client_secret.map(Secret::new),
                auth,
            },
            scope,
            offline,
            io: IoHandles::new(py, transport, timeout, verify)?.with_clock(clock),
        })
    }

    /// The realm's token endpoint URL.
    #[getter]
    fn token_url(&self) -> &str {
        &self.endpoint.url
    }

    /// Whether the client asks for offline tokens (`offline_access`).
    #[getter]
    fn offline(&self) -> bool {
        self.offline
    }

    /// RFC 6749 §4.3 password grant with the client's scope. Offline refresh tokens come with
    /// `refresh_expires_in: 0`: `refresh_expires_at` is None (they never expire).
    fn password(&self, py: Python<'_>, username: String, password: String) -> PyResult<PyToken> {
        let grant = Grant::Password {
            username,
            password: Secret::new(password),
            scope: self.scope.clone(),
        };
        self.request(py, &grant)?.map_err(|e| to_py_err(py, &e))
    }

    /// RFC 6749 §6 refresh. A refresh token Keycloak no longer accepts raises a `TokenError`
    /// with code `refresh_token_inactive` saying to sign in again; other errors keep theirs.
    fn refresh(&self, py: Python<'_>, refresh_token: String) -> PyResult<PyToken> {
        let grant = Grant::RefreshToken {
            refresh_token: Secret::new(refresh_token),
            scope: Vec::new(),
        };
        self.request(py, &grant)?.map_err(|error| {
            let clear = keycloak_refresh_error(&error);
            to_py_err(py, clear.as_ref().unwrap_or(&error))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<KeycloakClient url={:?} client_id={:?} offline={}>",
            tokensmith::http::redact_url(&self.endpoint.url),
            self.endpoint.client_id,
            if self.offline { "True" } else { "False" }
        )
    }
}
