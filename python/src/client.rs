//! `tokensmith.TokenClient`: a thread-safe client of one token endpoint. Every rule (which grant
//! to send, caching, refresh-ahead, single-flight, retries, backoff) is core's
//! [`TokenSource`]; this file only chooses sources, converts values, and runs the stale-token
//! refresh on a background thread.

use crate::clock::Clock;
use crate::errors::to_py_err;
use crate::io::{start_daemon_thread, IoHandles};
use crate::persist;
use crate::token::PyToken;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyDict, PyString};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokensmith::cache::{
    normalize_scopes, CacheConfig, CacheKey, ExportOptions, Outcome, Settled, TokenCache,
    WaitHandle,
};
use tokensmith::client::{Fetch, Step, TokenSource};
use tokensmith::{
    check_revocation_response, ClientAuthMethod, Grant, ParseOptions, Secret, TokenEndpoint,
    TokenTypeHint,
};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding these locks leaves consistent data (plain replacements).
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One cached grant, and the Python `Token` last made for its cached token, so that a hit hands
/// out the same object instead of converting the token again.
struct Slot {
    source: TokenSource,
    /// The password of a password-grant slot, to notice a changed password.
    password: Option<Secret>,
    /// The client's clock: `now` for core, and the clock its tokens age by.
    clock: Clock,
    last: Mutex<Option<(Arc<tokensmith::Token>, Py<PyToken>)>>,
}

impl Slot {
    fn new(source: TokenSource, password: Option<Secret>, clock: Clock) -> Arc<Self> {
        Arc::new(Slot {
            source,
            password,
            clock,
            last: Mutex::new(None),
        })
    }

    fn wrap(&self, py: Python<'_>, token: Arc<tokensmith::Token>) -> PyResult<Py<PyToken>> {
        if let Some((cached, object)) = lock(&self.last).as_ref() {
            if Arc::ptr_eq(cached, &token) {
                return Ok(object.clone_ref(py));
            }
        }
        // Made without the lock held: allocating Python objects may run arbitrary code
        // (garbage collection, finalizers), which could come back here.
        let object = Py::new(
            py,
            PyToken::new(py, token.clone())?.with_clock(self.clock.clone()),
        )?;
        *lock(&self.last) = Some((token, object.clone_ref(py)));
        Ok(object)
    }
}

/// Scope as given by a caller: None, one space-separated string (RFC 6749 §3.3), or an iterable
/// of scope tokens, kept as given so that core refuses an invalid one (empty, or with a space or
/// a quote) instead of the binding silently changing it. Order does not matter to the cache key.
pub(crate) fn scopes_of(scope: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<String>>> {
    let Some(scope) = scope.filter(|s| !s.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = scope.cast::<PyString>() {
        let s = s.to_cow()?;
        return Ok(Some(
            s.split_ascii_whitespace().map(str::to_owned).collect(),
        ));
    }
    let mut out = Vec::new();
    for item in scope.try_iter()? {
        out.push(item?.extract::<String>()?);
    }
    Ok(Some(out))
}

fn seconds_to_ms(seconds: f64, what: &str) -> PyResult<i64> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(PyValueError::new_err(format!(
            "{what} must be a finite number of seconds >= 0"
        )));
    }
    Ok((seconds * 1000.0).min(i64::MAX as f64) as i64)
}

/// A client of one token endpoint (RFC 6749 §3.2) with a token cache.
///
/// `clock`: a callable returning the current time in seconds since the epoch as a float (default
/// `time.time`, read without calling into Python). Every time this client needs (cache expiry,
/// refresh-ahead, backoff, `Retry-After`, background refreshes, its tokens' `expires_in` and
/// `is_expired`) comes from it; sleeps still take real time. For tests and for hosts whose clock
/// is known to be wrong.
#[pyclass(frozen, name = "TokenClient", module = "tokensmith")]
pub struct TokenClient {
    endpoint: TokenEndpoint,
    cache: TokenCache,
    parse: ParseOptions,
    scope: Vec<String>,
    audience: Option<String>,
    resource: Option<String>,
    revocation_url: Option<String>,
    default: Arc<Slot>,
    slots: Mutex<HashMap<CacheKey, Arc<Slot>>>,
    io: IoHandles,
    clock: Clock,
}

impl TokenClient {
    /// The cache as core's export text (`save_cache`, `export_cache`).
    fn export_text(&self, py: Python<'_>, include_secrets: bool) -> PyResult<Secret> {
        self.cache
            .export(self.clock.now(py)?, ExportOptions { include_secrets })
            .map_err(|e| to_py_err(py, &tokensmith::Error::from(e)))
    }

    /// Loads an export text (`load_cache`, `import_cache`): `{"imported", "skipped"}`.
    fn import_text<'py>(&self, py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyDict>> {
        let report = self
            .cache
            .import(json, self.clock.now(py)?)
            .map_err(|e| to_py_err(py, &tokensmith::Error::from(e)))?;
        let d = PyDict::new(py);
        d.set_item("imported", report.imported)?;
        d.set_item("skipped", report.skipped)?;
        Ok(d)
    }

    fn source(&self, grant: Grant) -> PyResult<TokenSource> {
        TokenSource::new(self.endpoint.clone(), grant, self.cache.clone(), self.parse)
            .map_err(|e| Python::attach(|py| to_py_err(py, &e)))
    }

    fn client_credentials_grant(&self, scope: Vec<String>) -> Grant {
        Grant::ClientCredentials {
            scope,
            audience: self.audience.clone(),
            resource: self.resource.clone(),
        }
    }

    /// The slot of `grant`, made on first use; a password slot is replaced when the password
    /// changes (same key, so the cached token carries over until it expires).
    fn slot(&self, grant: Grant) -> PyResult<Arc<Slot>> {
        let key = CacheKey::for_grant(&self.endpoint, &grant);
        let password = match &grant {
            Grant::Password { password, .. } => Some(password.clone()),
            _ => None,
        };
        let mut slots = lock(&self.slots);
        if let Some(slot) = slots.get(&key) {
            if slot.password == password {
                return Ok(slot.clone());
            }
        }
        let slot = Slot::new(self.source(grant)?, password, self.clock.clone());
        slots.insert(key, slot.clone());
        Ok(slot)
    }

    /// The token of `slot`: core's steps, with waits and sleeps outside the GIL and a stale
    /// token's refresh on a background thread.
    fn get(
        &self,
        py: Python<'_>,
        slot: &Arc<Slot>,
        min_ttl: f64,
        force: bool,
    ) -> PyResult<Py<PyToken>> {
        let min_ttl_ms = seconds_to_ms(min_ttl, "min_ttl")?;
        let io = self.io.clone_ref(py);
        match step(py, slot, &io, min_ttl_ms, force)? {
            Next::Token(token) => Ok(token),
            Next::Blocked(blocked) => finish_blocking(py, slot, &io, blocked, min_ttl_ms, force),
        }
    }

    fn slot_for_client_credentials(&self, scope: Option<Vec<String>>) -> PyResult<Arc<Slot>> {
        match scope {
            None => Ok(self.default.clone()),
            // Same scope in another order: the same token (RFC 6749 §3.3, order does not matter).
            Some(scope) if normalize_scopes(&scope) == normalize_scopes(&self.scope) => {
                Ok(self.default.clone())
            }
            Some(scope) => self.slot(self.client_credentials_grant(scope)),
        }
    }

    fn slot_for_password(
        &self,
        username: String,
        password: String,
        scope: Option<Vec<String>>,
    ) -> PyResult<Arc<Slot>> {
        self.slot(Grant::Password {
            username,
            password: Secret::new(password),
            scope: scope.unwrap_or_else(|| self.scope.clone()),
        })
    }
}

/// What one non-blocking step gave.
enum Next {
    Token(Py<PyToken>),
    Blocked(Blocked),
}

/// What a caller without a usable token must block on.
enum Blocked {
    /// Send this request (this caller holds the key's ticket).
    Send(Fetch),
    /// Another caller is fetching.
    Wait(WaitHandle),
}

/// One step of core's loop that never blocks: a token (a stale one with its refresh started on
/// a background thread), an error, or what to block on.
fn step(
    py: Python<'_>,
    slot: &Arc<Slot>,
    io: &IoHandles,
    min_ttl_ms: i64,
    force: bool,
) -> PyResult<Next> {
    match slot.source.begin(slot.clock.now(py)?, min_ttl_ms, force) {
        Step::Ready(token) => Ok(Next::Token(slot.wrap(py, token)?)),
        Step::ReadyAndRefresh(token, fetch) => {
            refresh_in_background(py, slot, fetch, io)?;
            Ok(Next::Token(slot.wrap(py, token)?))
        }
        Step::Send(fetch) => Ok(Next::Blocked(Blocked::Send(fetch))),
        Step::Wait(handle) => Ok(Next::Blocked(Blocked::Wait(handle))),
        Step::Fail(error) => Err(to_py_err(py, &error)),
    }
}

/// Blocks on `blocked` (the GIL released while waiting), and continues until a token or an
/// error.
fn finish_blocking(
    py: Python<'_>,
    slot: &Arc<Slot>,
    io: &IoHandles,
    mut blocked: Blocked,
    min_ttl_ms: i64,
    force: bool,
) -> PyResult<Py<PyToken>> {
    loop {
        match blocked {
            Blocked::Send(fetch) => {
                let py_io = io.bind(py).with_clock(slot.clock.clone());
                log_fetch(py_io.logger, &fetch);
                let outcome = slot.source.run(fetch, &py_io);
                return deliver(py, slot, outcome, py_io.take_bug());
            }
            Blocked::Wait(handle) => match py.detach(|| handle.wait()) {
                Settled::Done(outcome) => return deliver(py, slot, outcome, None),
                // The fetching thread gave up (its transport raised); try again.
                Settled::Abandoned => {}
            },
        }
        match step(py, slot, io, min_ttl_ms, force)? {
            Next::Token(token) => return Ok(token),
            Next::Blocked(next) => blocked = next,
        }
    }
}

/// Logs why a token request is made (missing, expired, aging, forced, retry) and with which
/// grant (primary or refresh); never the request itself.
fn log_fetch(logger: &Bound<'_, PyAny>, fetch: &Fetch) {
    let reason = format!("{:?}", fetch.reason()).to_ascii_lowercase();
    let plan = format!("{:?}", fetch.plan_kind()).to_ascii_lowercase();
    let _ = logger.call_method1(
        "debug",
        ("fetching a token: reason=%s plan=%s", reason, plan),
    );
}

fn deliver(
    py: Python<'_>,
    slot: &Slot,
    outcome: Outcome,
    bug: Option<PyErr>,
) -> PyResult<Py<PyToken>> {
    match (outcome, bug) {
        (Ok(token), _) => slot.wrap(py, token),
        (Err(_), Some(bug)) => Err(bug),
        (Err(error), None) => Err(to_py_err(py, &error)),
    }
}

fn refresh_in_background(
    py: Python<'_>,
    slot: &Arc<Slot>,
    fetch: Fetch,
    io: &IoHandles,
) -> PyResult<()> {
    let job = RefreshJob {
        work: Mutex::new(Some((slot.clone(), fetch))),
        io: io.clone_ref(py),
    };
    start_daemon_thread(py, Py::new(py, job)?.into_any(), "tokensmith-refresh")
}

/// The blocking rest of a token request, for `AsyncTokenClient`: `run()` in an executor
/// thread. Dropping it unrun releases the key (waiters retry).
#[pyclass(frozen, name = "_Pending", module = "tokensmith")]
pub struct Pending {
    work: Mutex<Option<(Arc<Slot>, Blocked)>>,
    io: IoHandles,
    min_ttl_ms: i64,
    force: bool,
}

#[pymethods]
impl Pending {
    /// Blocks until the token is there (GIL released while waiting). Once only.
    fn run(&self, py: Python<'_>) -> PyResult<Py<PyToken>> {
        let Some((slot, blocked)) = lock(&self.work).take() else {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "this pending token request has already run",
            ));
        };
        finish_blocking(py, &slot, &self.io, blocked, self.min_ttl_ms, self.force)
    }
}

/// A stale token's refresh, run by a daemon thread. Dropping it unrun releases the key.
#[pyclass(frozen)]
struct RefreshJob {
    work: Mutex<Option<(Arc<Slot>, Fetch)>>,
    io: IoHandles,
}

#[pymethods]
impl RefreshJob {
    fn __call__(&self, py: Python<'_>) {
        let Some((slot, fetch)) = lock(&self.work).take() else {
            return;
        };
        let io = self.io.bind(py).with_clock(slot.clock.clone());
        log_fetch(io.logger, &fetch);
        match slot.source.run(fetch, &io) {
            Ok(token) => {
                // Prepare the Python token now, so the next hit costs no conversion.
                let _ = slot.wrap(py, token);
            }
            Err(error) => {
                // The still-valid token keeps being served; the cache schedules the next try.
                let _ = io
                    .logger
                    .call_method1("warning", ("background refresh failed: %s", error.code()));
            }
        }
    }
}

#[pymethods]
impl TokenClient {
    #[new]
    #[pyo3(signature = (
        token_url,
        client_id,
        client_secret = None,
        *,
        auth = "client_secret_basic",
        scope = None,
        audience = None,
        resource = None,
        transport = None,
        timeout = crate::io::DEFAULT_TIMEOUT_S,
        verify = None,
        default_lifetime = 3600,
        revocation_url = None,
        clock = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        token_url: String,
        client_id: String,
        client_secret: Option<String>,
        auth: &str,
        scope: Option<&Bound<'_, PyAny>>,
        audience: Option<String>,
        resource: Option<String>,
        transport: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        verify: Option<&Bound<'_, PyAny>>,
        default_lifetime: i64,
        revocation_url: Option<String>,
        clock: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let clock = Clock::from_arg(clock)?;
        let auth: ClientAuthMethod = auth.parse().map_err(|e| to_py_err(py, &e))?;
        let io = IoHandles::new(py, transport, timeout, verify)?;
        let endpoint = TokenEndpoint {
            url: token_url,
            client_id,
            client_secret: client_secret.map(Secret::new),
            auth,
        };
        let parse = ParseOptions {
            default_lifetime_secs: default_lifetime,
            ..ParseOptions::default()
        };
        let cache = TokenCache::new(CacheConfig::default());
        let scope = scopes_of(scope)?.unwrap_or_default();
        let grant = Grant::ClientCredentials {
            scope: scope.clone(),
            audience: audience.clone(),
            resource: resource.clone(),
        };
        let default = TokenSource::new(endpoint.clone(), grant, cache.clone(), parse)
            .map_err(|e| to_py_err(py, &e))?;
        Ok(TokenClient {
            endpoint,
            cache,
            parse,
            scope,
            audience,
            resource,
            revocation_url,
            default: Slot::new(default, None, clock.clone()),
            slots: Mutex::new(HashMap::new()),
            io,
            clock,
        })
    }

    /// A token for the client's default grant (client credentials with the client's scope).
    #[pyo3(signature = (*, min_ttl = 0.0, force = false))]
    fn token(&self, py: Python<'_>, min_ttl: f64, force: bool) -> PyResult<Py<PyToken>> {
        self.get(py, &self.default, min_ttl, force)
    }

    /// A client-credentials token (RFC 6749 §4.4) for `scope` (default: the client's scope).
    #[pyo3(signature = (scope = None, *, min_ttl = 0.0, force = false))]
    fn client_credentials(
        &self,
        py: Python<'_>,
        scope: Option<&Bound<'_, PyAny>>,
        min_ttl: f64,
        force: bool,
    ) -> PyResult<Py<PyToken>> {
        let slot = self.slot_for_client_credentials(scopes_of(scope)?)?;
        self.get(py, &slot, min_ttl, force)
    }

    /// A password-grant token (RFC 6749 §4.3) for `username`, cached per user and scope and
    /// renewed with its refresh token when there is one.
    #[pyo3(signature = (username, password, scope = None, *, min_ttl = 0.0, force = false))]
    fn password(
        &self,
        py: Python<'_>,
        username: String,
        password: String,
        scope: Option<&Bound<'_, PyAny>>,
        min_ttl: f64,
        force: bool,
    ) -> PyResult<Py<PyToken>> {
        let slot = self.slot_for_password(username, password, scopes_of(scope)?)?;
        self.get(py, &slot, min_ttl, force)
    }

    /// The token a refresh token gives (RFC 6749 §6), cached under that refresh token (an HMAC
    /// of it, never the token itself; core's `TokenSource`): concurrent calls with one refresh
    /// token send one request, and a refresh token presented again after the server rotated it
    /// gets the token its exchange gave instead of a doomed request. `min_ttl`: seconds of
    /// validity the caller needs, as for the other grants (the npm package's `minTtl`).
    #[pyo3(signature = (refresh_token, scope = None, *, min_ttl = 0.0))]
    fn refresh(
        &self,
        py: Python<'_>,
        refresh_token: String,
        scope: Option<&Bound<'_, PyAny>>,
        min_ttl: f64,
    ) -> PyResult<Py<PyToken>> {
        let grant = Grant::RefreshToken {
            refresh_token: Secret::new(refresh_token),
            scope: scopes_of(scope)?.unwrap_or_default(),
        };
        // A slot of its own, not kept in `slots`: the key (with its discriminator) lives in the
        // shared cache, which is where single flight and waiting happen.
        let slot = Slot::new(self.source(grant)?, None, self.clock.clone());
        self.get(py, &slot, min_ttl, false)
    }

    /// Revokes a token at the client's `revocation_url` (RFC 7009 §2.1). `hint` is
    /// `"access_token"` or `"refresh_token"`. Once the server has accepted it, every cached
    /// entry holding the token (as access or refresh token) is dropped, so the next call fetches
    /// a new token with the client's own grant.
    #[pyo3(signature = (token, hint = None))]
    fn revoke(&self, py: Python<'_>, token: String, hint: Option<&str>) -> PyResult<()> {
        let hint = match hint {
            None => None,
            Some(name) => Some(TokenTypeHint::from_name(name).ok_or_else(|| {
                PyValueError::new_err("hint must be \"access_token\", \"refresh_token\" or None")
            })?),
        };
        let Some(url) = self.revocation_url.as_deref() else {
            let e = tokensmith::Error::InvalidInput("the client has no revocation_url".into());
            return Err(to_py_err(py, &e));
        };
        let token = Secret::new(token);
        let request = self
            .endpoint
            .revocation_request(url, &token, hint)
            .map_err(|e| to_py_err(py, &e))?;
        let response = self.io.send(py, &request)?;
        let now = self.clock.now(py)?;
        response
            .and_then(|r| check_revocation_response(&r, now))
            .map_err(|e| to_py_err(py, &e))?;
        self.cache.forget_token(&token);
        Ok(())
    }

    /// A resource server refused `token` (a `Token` or its access token; RFC 6750 §3.1
    /// `invalid_token`): the cache drops it if it is still the cached one, keeping the refresh
    /// token, so the next call gets a new token. If it was already replaced (a concurrent
    /// refusal renewed it), nothing changes and the next call returns the replacement: N
    /// refusals of one token cause one token request. Returns how many entries dropped it.
    fn refused(&self, token: &Bound<'_, PyAny>) -> PyResult<usize> {
        let access_token = if let Ok(t) = token.cast::<PyToken>() {
            t.get().inner().access_token.clone()
        } else if let Ok(s) = token.cast::<PyString>() {
            Secret::new(s.to_cow()?.into_owned())
        } else {
            return Err(PyTypeError::new_err("token must be a Token or a str"));
        };
        Ok(self.cache.refused(&access_token))
    }

    /// The cache's counters (hits, stale_hits, misses, fetches, coalesced, failures, …).
    fn cache_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, value) in self.cache.stats().counters() {
            d.set_item(name, value)?;
        }
        Ok(d)
    }

    /// Saves the cached tokens (with their secrets) to `path`: written atomically, mode 0600.
    fn save_cache(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let json = self.export_text(py, true)?;
        py.detach(|| persist::write_private_atomic(&path, json.expose_secret()))?;
        Ok(())
    }

    /// The cache as JSON text (core's versioned export), for a store other than a file (the
    /// npm package's `exportCache`). The tokens and `extra` only with `include_secrets=True`:
    /// without them the text documents what was cached and imports nothing usable.
    #[pyo3(signature = (*, include_secrets = false))]
    fn export_cache<'py>(
        &self,
        py: Python<'py>,
        include_secrets: bool,
    ) -> PyResult<Bound<'py, PyString>> {
        let json = self.export_text(py, include_secrets)?;
        // The text is the method's output: handing it to the caller is its purpose.
        Ok(PyString::new(py, json.expose_secret()))
    }

    /// Loads an `export_cache` (or `save_cache`) text; expired entries are skipped. A corrupted
    /// or newer-version text raises `CacheError` and leaves the cache as it was. Returns
    /// `{"imported", "skipped"}`.
    fn import_cache<'py>(&self, py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyDict>> {
        self.import_text(py, json)
    }

    /// Loads tokens saved by `save_cache`; expired ones are skipped. A corrupted or newer-version
    /// file, or one that group or others may read or write (POSIX), raises `CacheError` and
    /// leaves the cache as it was. Returns `{"imported", "skipped"}`.
    fn load_cache<'py>(&self, py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyDict>> {
        let text = py
            .detach(|| persist::read_private(&path))?
            .map_err(|e| to_py_err(py, &tokensmith::Error::from(e)))?;
        let text = Secret::new(text);
        self.import_text(py, text.expose_secret())
    }

    /// A token if one can be had without blocking, else a `_Pending` whose `run()` blocks
    /// (for `AsyncTokenClient`, which runs it in an executor). `grant` is
    /// `"client_credentials"` or `"password"`.
    #[pyo3(signature = (grant, scope = None, username = None, password = None, *,
        min_ttl = 0.0, force = false))]
    #[allow(clippy::too_many_arguments)]
    fn _nowait(
        &self,
        py: Python<'_>,
        grant: &str,
        scope: Option<&Bound<'_, PyAny>>,
        username: Option<String>,
        password: Option<String>,
        min_ttl: f64,
        force: bool,
    ) -> PyResult<Py<PyAny>> {
        let min_ttl_ms = seconds_to_ms(min_ttl, "min_ttl")?;
        let scope = scopes_of(scope)?;
        let slot = match (grant, username, password) {
            ("client_credentials", _, _) => self.slot_for_client_credentials(scope)?,
            ("password", Some(username), Some(password)) => {
                self.slot_for_password(username, password, scope)?
            }
            _ => return Err(PyValueError::new_err(
                "grant must be \"client_credentials\", or \"password\" with username and password",
            )),
        };
        let io = self.io.clone_ref(py);
        match step(py, &slot, &io, min_ttl_ms, force)? {
            Next::Token(token) => Ok(token.into_any()),
            Next::Blocked(blocked) => Ok(Py::new(
                py,
                Pending {
                    work: Mutex::new(Some((slot, blocked))),
                    io,
                    min_ttl_ms,
                    force,
                },
            )?
            .into_any()),
        }
    }

    /// An `auth=` object for `requests` and `httpx` (sync and async) that adds the
    /// `Authorization` header of `token()`, and on a 401 with `error="invalid_token"` (RFC 6750
    /// §3.1) forces one new token and retries once.
    #[pyo3(signature = (*, min_ttl = 0.0))]
    fn auth<'py>(slf: &Bound<'py, Self>, min_ttl: f64) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("tokensmith._auth")?
            .getattr("TokenAuth")?
            .call(
                (slf,),
                Some(&[("min_ttl", min_ttl)].into_py_dict(slf.py())?),
            )
    }

    /// Forgets every cached token.
    fn clear_cache(&self) {
        self.cache.clear();
    }

    fn __repr__(&self) -> String {
        // The endpoint's secret is never shown.
        format!(
            "<TokenClient url={:?} client_id={:?} auth={}>",
            tokensmith::http::redact_url(&self.endpoint.url),
            self.endpoint.client_id,
            self.endpoint.auth
        )
    }
}
