//! `tokensmith.TechnicalTokenManager`: Siemens Insights Hub Technical Token Manager (v3) over
//! core's batch planner (`tokensmith::vendor`). Core decides which tenants are fresh, which to
//! request in which chunks, what to store and when to retry; this file sends the chunks through
//! the transport, waits (GIL released) and converts values. The loop is the npm binding's
//! (`wasm/src/vendor/ttm.rs`), with threads in place of promises.

use crate::clock::Clock;
use crate::errors::to_py_err;
use crate::io::{start_daemon_thread, IoHandles};
use crate::token::PyToken;
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokensmith::cache::{CacheConfig, Settled, TokenCache};
use tokensmith::vendor::{
    unique_tenants, BatchChunk, TechnicalTokenManager as CoreTtm, DEFAULT_BATCH_SIZE,
};
use tokensmith::{Error, Secret, Token};

// The signature's literal default (PyO3 shows a const default as `...`) is core's default.
const _: () = assert!(DEFAULT_BATCH_SIZE == 5);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded map only gets whole entries inserted; a panic leaves it consistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Tokens per user tenant, cached per (host tenant, user tenant), requested in batches.
/// Thread-safe: concurrent calls never request the same tenant twice (core's single-flight).
///
/// `clock` is `TokenClient`'s: a callable returning seconds since the epoch (default
/// `time.time`). The cache's expiry and refresh-ahead (in the background too) and the tokens'
/// `expires_in` and `is_expired` read it; retry sleeps still take real time.
#[pyclass(frozen, name = "TechnicalTokenManager", module = "tokensmith")]
pub struct TechnicalTokenManager {
    inner: Arc<Inner>,
}

struct Inner {
    ttm: CoreTtm,
    cache: TokenCache,
    io: IoHandles,
    /// The Python `Token` last made per tenant, so a cached hit converts nothing.
    objects: Mutex<HashMap<String, Converted>>,
}

/// A core token and the Python `Token` made from it.
type Converted = (Arc<Token>, Py<PyToken>);

/// User tenants as given: an iterable of str (a lone str is refused, since iterating it would
/// ask for one tenant per character).
fn tenant_list(tenants: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if tenants.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "user_tenants must be an iterable of tenant names, not a str",
        ));
    }
    tenants
        .try_iter()?
        .map(|item| item?.extract::<String>())
        .collect()
}

impl Inner {
    fn wrap(&self, py: Python<'_>, tenant: &str, token: &Arc<Token>) -> PyResult<Py<PyToken>> {
        if let Some((cached, object)) = lock(&self.objects).get(tenant) {
            if Arc::ptr_eq(cached, token) {
                return Ok(object.clone_ref(py));
            }
        }
        // Made without the lock held: allocating may run Python code (GC, finalizers).
        let object = Py::new(
            py,
            PyToken::new(py, token.clone())?.with_clock(self.io.clock().clone()),
        )?;
        lock(&self.objects).insert(tenant.to_owned(), (token.clone(), object.clone_ref(py)));
        Ok(object)
    }

    /// The tokens of `user_tenants` in the given order (duplicates once). Raises the first
    /// failing tenant's error.
    fn tokens(
        self: &Arc<Self>,
        py: Python<'_>,
        user_tenants: Vec<String>,
    ) -> PyResult<Vec<(String, Arc<Token>)>> {
        let order = unique_tenants(user_tenants);
        let mut got: HashMap<String, Arc<Token>> = HashMap::new();
        let mut todo = order.clone();
        while !todo.is_empty() {
            let names: Vec<&str> = todo.iter().map(String::as_str).collect();
            let plan = self
                .ttm
                .plan(&self.cache, &names, self.io.now(py)?)
                .map_err(|e| to_py_err(py, &e))?;
            if let Some((_, error)) = plan.failed.first() {
                // Dropping the plan releases the tickets of its chunks.
                return Err(to_py_err(py, error));
            }
            got.extend(plan.fresh);
            // Core's background chunks hold served (aging) tenants only: a daemon thread sends them.
            if !plan.background.is_empty() {
                self.refresh_in_background(py, plan.background)?;
            }
            self.run(py, plan.chunks, &mut got)?;
            todo = Vec::new();
            for (tenant, handle) in plan.waiting {
                // Another call is fetching this tenant: its outcome is ours.
                match py.detach(|| handle.wait()) {
                    Settled::Done(Ok(token)) => {
                        got.insert(tenant, token);
                    }
                    Settled::Done(Err(error)) => return Err(to_py_err(py, &error)),
                    // That call gave up (its transport raised): plan the tenant again.
                    Settled::Abandoned => todo.push(tenant),
                }
            }
        }
        Ok(order
            .into_iter()
            .filter_map(|t| got.get(&t).cloned().map(|token| (t, token)))
            .collect())
    }

    /// Sends the chunks one after the other, and the retries core hands back after their delay;
    /// every token is stored in the cache by `complete_batch`. Stops at the first tenant that
    /// gets no token (the unsent chunks are dropped, which releases their tenants).
    fn run(
        &self,
        py: Python<'_>,
        chunks: Vec<BatchChunk>,
        got: &mut HashMap<String, Arc<Token>>,
    ) -> PyResult<()> {
        let mut chunks = VecDeque::from(chunks);
        while let Some(chunk) = chunks.pop_front() {
            self.io.log(
                py,
                "debug",
                &format!(
                    "technical token manager call: {} user tenant(s), {}",
                    chunk.tenants().len(),
                    if chunk.is_single() {
                        "oauth/token"
                    } else {
                        "oauthTokens"
                    }
                ),
            );
            // A failing clock is raised before the chunk is sent; dropping the chunks releases
            // their tenants.
            let sent_at = self.io.now(py)?;
            let (response, bug) = match self.io.send(py, &chunk.request) {
                Ok(response) => (response, None),
                // A transport bug: the chunk completes as a transport failure, then it is raised.
                Err(bug) => (
                    Err(Error::Transport {
                        kind: tokensmith::error::TransportErrorKind::Other,
                        message: "the transport raised an exception".into(),
                    }),
                    Some(bug),
                ),
            };
            // The clock is read once the answer is in; if it fails now, the chunk still
            // completes (at `sent_at`) so its tenants are settled, and the clock's error is raised.
            let (now, clock_bug) = match self.io.now(py) {
                Ok(now) => (now, None),
                Err(err) => (sent_at, Some(err)),
            };
            let done = self
                .ttm
                .complete_batch(&self.cache, chunk, response, sent_at, now);
            // A transport bug first (it happened first), else the clock's.
            if let Some(bug) = bug.or(clock_bug) {
                return Err(bug);
            }
            for (tenant, outcome) in done.results {
                match outcome {
                    Ok(token) => {
                        got.insert(tenant, token);
                    }
                    Err(error) => return Err(to_py_err(py, &error)),
                }
            }
            if !done.retry.is_empty() {
                let delay = Duration::from_millis(u64::try_from(done.retry_delay_ms).unwrap_or(0));
                py.detach(|| std::thread::sleep(delay));
                chunks.extend(done.retry);
            }
        }
        Ok(())
    }

    /// Every user tenant, reading all pages with the host tenant's own (operator) token. A page
    /// that refuses the operator token (core's `read_user_tenants_page`, which then forgets it)
    /// is sent again once with a new one; a second refusal is raised.
    fn user_tenants(self: &Arc<Self>, py: Python<'_>) -> PyResult<Vec<String>> {
        let mut operator = self.operator_token(py)?;
        let mut renewed = false;
        let mut tenants = Vec::new();
        let mut page = Some(0);
        while let Some(number) = page {
            let request = self
                .ttm
                .user_tenants_request(number, &operator.access_token)
                .map_err(|e| to_py_err(py, &e))?;
            let read = self
                .io
                .fetch(py, &request, |resp, sent_at| {
                    self.ttm.read_user_tenants_page(
                        &self.cache,
                        resp,
                        number,
                        &operator.access_token,
                        renewed,
                        sent_at,
                    )
                })?
                .map_err(|e| to_py_err(py, &e))?;
            match read {
                Some(parsed) => {
                    tenants.extend(parsed.tenants);
                    page = parsed.next_page;
                }
                // Refused and forgotten: the same page again with a new operator token.
                None => {
                    renewed = true;
                    operator = self.operator_token(py)?;
                }
            }
        }
        Ok(tenants)
    }

    /// The host tenant's own token (from the cache while fresh), which `userTenants` requires.
    fn operator_token(self: &Arc<Self>, py: Python<'_>) -> PyResult<Arc<Token>> {
        let host = self.ttm.host_tenant().to_owned();
        let (_, operator) = self
            .tokens(py, vec![host])?
            .pop()
            .ok_or_else(|| PyRuntimeError::new_err("no operator token"))?;
        Ok(operator)
    }

    fn refresh_in_background(
        self: &Arc<Self>,
        py: Python<'_>,
        chunks: Vec<BatchChunk>,
    ) -> PyResult<()> {
        let job = RefreshJob {
            work: Mutex::new(Some((self.clone(), chunks))),
        };
        start_daemon_thread(py, Py::new(py, job)?.into_any(), "tokensmith-ttm-refresh")
    }

    fn to_dict<'py>(
        &self,
        py: Python<'py>,
        tokens: &[(String, Arc<Token>)],
    ) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (tenant, token) in tokens {
            dict.set_item(tenant, self.wrap(py, tenant, token)?)?;
        }
        Ok(dict)
    }
}

/// The refresh of aging tokens, run by a daemon thread. Dropping it unrun releases the tenants.
#[pyclass(frozen)]
struct RefreshJob {
    work: Mutex<Option<(Arc<Inner>, Vec<BatchChunk>)>>,
}

#[pymethods]
impl RefreshJob {
    fn __call__(&self, py: Python<'_>) {
        let Some((inner, chunks)) = lock(&self.work).take() else {
            return;
        };
        if let Err(error) = inner.run(py, chunks, &mut HashMap::new()) {
            // The served tokens stay valid until they expire; the cache schedules the next try.
            let code = error
                .value(py)
                .getattr("code")
                .and_then(|c| c.extract::<String>())
                .unwrap_or_else(|_| "exception".into());
            inner.io.log(
                py,
                "warning",
                &format!("background refresh of user tenant tokens failed: {code}"),
            );
        }
    }
}

#[pymethods]
impl TechnicalTokenManager {
    #[new]
    #[pyo3(signature = (
        base_url,
        client_id,
        client_secret,
        app_name,
        app_version,
        host_tenant,
        *,
        batch_size = 5,
        transport = None,
        timeout = crate::io::DEFAULT_TIMEOUT_S,
        verify = None,
        clock = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: &str,
        client_id: &str,
        client_secret: String,
        app_name: &str,
        app_version: &str,
        host_tenant: &str,
        batch_size: usize,
        transport: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        verify: Option<&Bound<'_, PyAny>>,
        clock: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let clock = Clock::from_arg(clock)?;
        let ttm = CoreTtm::new(
            base_url,
            client_id,
            Secret::new(client_secret),
            app_name,
            app_version,
            host_tenant,
        )
        .and_then(|ttm| ttm.with_batch_size(batch_size))
        .map_err(|e| to_py_err(py, &e))?;
        Ok(TechnicalTokenManager {
            inner: Arc::new(Inner {
                ttm,
                cache: TokenCache::new(CacheConfig::default()),
                io: IoHandles::new(py, transport, timeout, verify)?.with_clock(clock),
                objects: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The token of one user tenant (from the cache while fresh).
    fn token(&self, py: Python<'_>, user_tenant: String) -> PyResult<Py<PyToken>> {
        let (tenant, token) = self
            .inner
            .tokens(py, vec![user_tenant])?
            .pop()
            .ok_or_else(|| PyRuntimeError::new_err("no token for the user tenant"))?;
        self.inner.wrap(py, &tenant, &token)
    }

    /// Tokens of many user tenants, as a dict in the given order (duplicates once). Only
    /// missing or aging tokens are requested, in chunks of `batch_size`.
    fn tokens<'py>(
        &self,
        py: Python<'py>,
        user_tenants: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let tokens = self.inner.tokens(py, tenant_list(user_tenants)?)?;
        self.inner.to_dict(py, &tokens)
    }

    /// Every user tenant of the host tenant (all pages, with the operator token).
    fn user_tenants<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.user_tenants(py)?)
    }

    /// The three steps of the Siemens documentation: the operator token, every user tenant,
    /// then their tokens in batches.
    fn all_tokens<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let tenants = self.inner.user_tenants(py)?;
        let tokens = self.inner.tokens(py, tenants)?;
        self.inner.to_dict(py, &tokens)
    }

    /// The tokens if every tenant has a fresh one in the cache, else None; never sends a
    /// request (`AsyncTechnicalTokenManager` answers cached calls with it on the event loop).
    fn _cached<'py>(
        &self,
        py: Python<'py>,
        user_tenants: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let tenants = tenant_list(user_tenants)?;
        let names: Vec<&str> = tenants.iter().map(String::as_str).collect();
        let plan = self
            .inner
            .ttm
            .plan(&self.inner.cache, &names, self.inner.io.now(py)?)
            .map_err(|e| to_py_err(py, &e))?;
        if !plan.is_complete() {
            // Dropping the plan releases any ticket it took.
            return Ok(None);
        }
        let fresh: HashMap<String, Arc<Token>> = plan.fresh.into_iter().collect();
        let dict = PyDict::new(py);
        for tenant in &tenants {
            if let Some(token) = fresh.get(tenant) {
                dict.set_item(tenant, self.inner.wrap(py, tenant, token)?)?;
            }
        }
        Ok(Some(dict))
    }

    #[getter]
    fn batch_size(&self) -> usize {
        self.inner.ttm.batch_size()
    }

    #[getter]
    fn host_tenant(&self) -> &str {
        self.inner.ttm.host_tenant()
    }

    /// The cache's counters (hits, stale_hits, misses, fetches, …).
    fn cache_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, value) in self.inner.cache.stats().counters() {
            d.set_item(name, value)?;
        }
        Ok(d)
    }

    /// Forgets every cached token.
    fn clear_cache(&self) {
        self.inner.cache.clear();
        lock(&self.inner.objects).clear();
    }

    fn __repr__(&self) -> String {
        // Never the secret: the token URL, the host tenant and the chunk size only.
        format!(
            "<TechnicalTokenManager url={:?} host_tenant={:?} batch_size={}>",
            tokensmith::http::redact_url(&self.inner.ttm.token_url()),
            self.inner.ttm.host_tenant(),
            self.inner.ttm.batch_size()
        )
    }
}
