//! `tokensmith.JwksClient`: an issuer's JWK Set fetched from its URL and kept, refetched on an
//! unknown `kid` when core's [`JwksRefresh`] says so (at most once per 30 s, never on a clock
//! jump back), with one fetch at a time that concurrent calls wait for. This file only sends the
//! request core builds through the client's transport, blocks where core says to wait, and
//! verifies with core's `jwt::verify`.

use crate::clock::Clock;
use crate::errors::{to_py_err, transport_error_from_py};
use crate::io::{host_of, IoHandles};
use crate::jwt::header_and_claims;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use std::sync::{Mutex, MutexGuard, PoisonError};
use tokensmith::error::TransportErrorKind;
use tokensmith::jwt::{
    decode_unverified, verify, Algorithm, JwksFetch, JwksRefresh, JwksSettled, JwksStep, JwksWait,
    JwtError, Validation, VerifiedJwt, MAX_STEPS_PER_TOKEN,
};
use tokensmith::time::UnixMillis;
use tokensmith::{Error, HttpRequest, HttpResponse};

fn lock(m: &Mutex<JwksRefresh>) -> MutexGuard<'_, JwksRefresh> {
    // A panic while holding the lock leaves a consistent state (plain replacements).
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Verifies JWTs with the key set published at `jwks_url` (RFC 7517 §5), fetched on first use
/// and again when a token names a `kid` the cached set lacks (a key rotation, OpenID Connect
/// Core §10.1.1), at most once per 30 s: tokens with made-up `kid`s cause no request storm.
///
/// `transport` and `timeout` are `TokenClient`'s; `clock` too (seconds since the epoch,
/// default `time.time`), for the refetch interval and the `exp`/`nbf` checks. Single flight
/// (core's rule): while one call fetches, concurrent calls that need the keys wait for that
/// fetch (the GIL released) and then verify with its set, or raise its error; a cold start
/// under load sends one request.
#[pyclass(frozen, name = "JwksClient", module = "tokensmith")]
pub struct JwksClient {
    url: String,
    refresh: Mutex<JwksRefresh>,
    io: IoHandles,
    clock: Clock,
}

/// What core's answer asks of this call, once the lock is released.
enum Step {
    Verified(Result<VerifiedJwt, JwtError>),
    Fetch(JwksFetch),
    Wait(JwksWait),
}

impl JwksClient {
    /// Fetches the key set for `fetch` and hands the answer to core, which tells the waiters.
    /// The fetcher raises its transport's own exception; the waiters get it as core's
    /// `TransportError` (an exception that is no `TransportError`, a bug of the transport,
    /// reaches them as one with code `transport`).
    fn fetch_keys(&self, py: Python<'_>, fetch: JwksFetch, now: UnixMillis) -> PyResult<()> {
        match self.fetch(py, &JwksRefresh::request(&self.url)) {
            Ok(response) => lock(&self.refresh)
                .receive(fetch, &response, now)
                .map_err(|e| to_py_err(py, &e)),
            Err(err) => {
                let error = transport_error_from_py(py, &err).unwrap_or(Error::Transport {
                    kind: TransportErrorKind::Other,
                    message: "the transport raised an exception that is no TransportError"
                        .to_owned(),
                });
                let _ = lock(&self.refresh).fetch_failed(fetch, error);
                Err(err)
            }
        }
    }

    /// Sends core's request through the transport; a `TransportError` (or any exception of the
    /// transport) is raised as it is.
    fn fetch(&self, py: Python<'_>, request: &HttpRequest) -> PyResult<HttpResponse> {
        let _ = self.io.logger.bind(py).call_method1(
            "debug",
            ("fetching the JWK Set host=%s", host_of(&request.url)),
        );
        let headers = PyList::empty(py);
        for (name, value) in &request.headers {
            headers.append((name.as_str(), value.as_str()))?;
        }
        let body = PyBytes::new(py, &request.body);
        let answer = self.io.transport.bind(py).call1((
            request.method.as_str(),
            request.url.as_str(),
            headers,
            body,
        ))?;
        let (status, headers, body): (u16, Vec<(String, String)>, Bound<'_, PyAny>) =
            answer.extract()?;
        let body = body.cast_into::<PyBytes>()?;
        Ok(HttpResponse::new(status, headers, body.as_bytes()))
    }
}

#[pymethods]
impl JwksClient {
    #[new]
    #[pyo3(signature = (jwks_url, *, transport = None, timeout = crate::io::DEFAULT_TIMEOUT_S, clock = None))]
    fn new(
        py: Python<'_>,
        jwks_url: String,
        transport: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        clock: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(JwksClient {
            url: jwks_url,
            refresh: Mutex::new(JwksRefresh::default()),
            io: IoHandles::new(py, transport, timeout, None)?,
            clock: Clock::from_arg(clock)?,
        })
    }

    /// Verifies a JWT's signature with the issuer's current keys, then its claims (as
    /// `verify_jwt` does); returns `{"header": ..., "claims": ...}` or raises `JwtError`
    /// (`jwt_key_not_found` for a `kid` the set lacks even after the refetch allowed now), or the
    /// fetch's own error (`TransportError`, `ResponseError`). `now`, `allow_missing_exp_insecure`
    /// and `understood_crit` are `verify_jwt`'s: `now` (seconds) is the time the claims are
    /// checked at; when the keys may be fetched again stays the client's clock.
    #[pyo3(signature = (token, *, algorithms, issuer = None, audience = None, leeway = 30,
        now = None, allow_missing_exp_insecure = false, understood_crit = None))]
    #[allow(clippy::too_many_arguments)]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        token: &str,
        algorithms: Vec<String>,
        issuer: Option<String>,
        audience: Option<String>,
        leeway: u32,
        now: Option<f64>,
        allow_missing_exp_insecure: bool,
        understood_crit: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let jwt_err = |e: JwtError| to_py_err(py, &Error::from(e));
        let algorithms = algorithms
            .iter()
            .map(|name| Algorithm::parse(name))
            .collect::<Result<Vec<_>, _>>()
            .map_err(jwt_err)?;
        let mut validation = Validation::new(&algorithms);
        validation.issuer = issuer;
        validation.audience = audience;
        validation.leeway_secs = leeway;
        validation.allow_missing_exp_insecure = allow_missing_exp_insecure;
        validation.understood_crit = understood_crit.unwrap_or_default();
        let claims_at = now.map(crate::clock::from_secs);
        let kid = decode_unverified(token)
            .map_err(jwt_err)?
            .kid()
            .map(str::to_owned);
        // Core decides: use the keys, fetch them (this caller alone), wait for the caller
        // fetching them, or refuse the `kid`.
        for _ in 0..MAX_STEPS_PER_TOKEN {
            let now = self.clock.now(py)?;
            let step = match lock(&self.refresh).step(kid.as_deref(), now) {
                JwksStep::Use(keys) => {
                    Step::Verified(verify(token, keys, &validation, claims_at.unwrap_or(now)))
                }
                JwksStep::Fetch(fetch) => Step::Fetch(fetch),
                JwksStep::Wait(wait) => Step::Wait(wait),
                JwksStep::Unknown => break,
            };
            // The lock is released here: building Python objects, the transport and waiting
            // may all let other threads run.
            match step {
                Step::Verified(jwt) => {
                    let jwt = jwt.map_err(jwt_err)?;
                    return header_and_claims(py, &jwt.header, &jwt.claims);
                }
                Step::Fetch(fetch) => self.fetch_keys(py, fetch, now)?,
                // The GIL is released while waiting, so the fetching thread can run.
                Step::Wait(wait) => match py.detach(|| wait.wait()) {
                    JwksSettled::Failed(error) => return Err(to_py_err(py, &error)),
                    JwksSettled::Stored | JwksSettled::Abandoned => {}
                },
            }
        }
        Err(jwt_err(JwtError::KeyNotFound))
    }

    fn __repr__(&self) -> String {
        let keys = lock(&self.refresh).keys().map_or(0, |k| k.keys().len());
        format!(
            "<JwksClient url={:?} keys={keys}>",
            tokensmith::http::redact_url(&self.url)
        )
    }
}
