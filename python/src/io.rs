//! [`SourceIo`] over a Python transport: core's blocking driver sends through a Python callable
//! and waits with the GIL released, so other Python threads run meanwhile.
//!
//! The transport contract (`tokensmith._transport`): `transport(method, url, headers, body)`
//! with `headers` a list of `(name, value)` and `body` bytes, returning `(status, headers,
//! body)`; a failure to get any response raises `tokensmith.TransportError` with a
//! `transport_*` code. Any other exception is a bug of the transport: it is kept and re-raised to
//! the caller once the fetch is over (the cache meanwhile counts it as a transport failure).

use crate::clock::Clock;
use crate::errors::transport_error_from_py;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use std::cell::RefCell;
use tokensmith::cache::{Settled, WaitHandle};
use tokensmith::client::SourceIo;
use tokensmith::error::{Error, TransportErrorKind};
use tokensmith::{HttpRequest, HttpResponse, UnixMillis};

/// The `timeout=` default of every client, in seconds: core's [`DEFAULT_REQUEST_TIMEOUT_MS`]
/// (10 s), the value the npm package applies too. `tokensmith.DEFAULT_TIMEOUT` in Python.
///
/// [`DEFAULT_REQUEST_TIMEOUT_MS`]: tokensmith::DEFAULT_REQUEST_TIMEOUT_MS
pub const DEFAULT_TIMEOUT_S: f64 = tokensmith::DEFAULT_REQUEST_TIMEOUT_MS as f64 / 1000.0;

/// A client's transport (made by `tokensmith._transport.make_transport`) and the `tokensmith`
/// logger, owned: what every client class (`TokenClient` and the vendor clients) sends through.
/// The vendor clients keep their `clock=` here too (`with_clock`), so every request they send
/// and every `now` they give core reads it; `TokenClient` keeps its clock per grant slot and
/// leaves this one the system clock.
pub struct IoHandles {
    pub transport: Py<PyAny>,
    pub logger: Py<PyAny>,
    /// The system clock unless `with_clock`.
    clock: Clock,
}

impl IoHandles {
    /// `transport`, `timeout` and `verify` as `TokenClient` takes them.
    pub fn new(
        py: Python<'_>,
        transport: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        verify: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        if !timeout.is_finite() || timeout <= 0.0 {
            return Err(PyValueError::new_err(
                "timeout must be a number of seconds > 0",
            ));
        }
        let transport = py
            .import("tokensmith._transport")?
            .getattr("make_transport")?
            .call1((transport, timeout, verify))?
            .unbind();
        let logger = py
            .import("logging")?
            .call_method1("getLogger", ("tokensmith",))?
            .unbind();
        Ok(IoHandles {
            transport,
            logger,
            clock: Clock::default(),
        })
    }

    /// The same handles reading `clock` (a client's `clock=`, see `Clock::from_arg`) for the
    /// time requests are sent and for `now`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The clock these handles read.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Now by this clock; a Python clock that raises (or returns no finite number) is raised.
    pub fn now(&self, py: Python<'_>) -> PyResult<UnixMillis> {
        self.clock.now(py)
    }

    /// Another handle on the same transport and logger (a pending fetch outlives its call).
    pub fn clone_ref(&self, py: Python<'_>) -> Self {
        IoHandles {
            transport: self.transport.clone_ref(py),
            logger: self.logger.clone_ref(py),
            clock: self.clock.clone(),
        }
    }

    /// Core's `SourceIo` over these handles, reading their clock (`PyIo::with_clock` replaces
    /// it).
    pub fn bind<'a, 'py>(&'a self, py: Python<'py>) -> PyIo<'a, 'py> {
        PyIo::new(self.transport.bind(py), self.logger.bind(py)).with_clock(self.clock.clone())
    }

    /// Sends one request. The outer error is a bug of the transport (an exception other than
    /// `TransportError`), to raise as it is; the inner one is core's (`Error::Transport`).
    pub fn send(
        &self,
        py: Python<'_>,
        request: &HttpRequest,
    ) -> PyResult<tokensmith::Result<HttpResponse>> {
        let io = self.bind(py);
        let response = io.send(request);
        match io.take_bug() {
            Some(bug) => Err(bug),
            None => Ok(response),
        }
    }

    /// Sends one request and reads its answer with `parse`, which gets the time the request was
    /// sent (token lifetimes count from then, RFC 6749 §5.1 `expires_in`).
    pub fn fetch<T>(
        &self,
        py: Python<'_>,
        request: &HttpRequest,
        parse: impl FnOnce(&HttpResponse, UnixMillis) -> tokensmith::Result<T>,
    ) -> PyResult<tokensmith::Result<T>> {
        let sent_at = self.now(py)?;
        Ok(self
            .send(py, request)?
            .and_then(|response| parse(&response, sent_at)))
    }

    /// A log line at `level` (never a secret: callers pass tenant counts and error codes only).
    pub fn log(&self, py: Python<'_>, level: &str, message: &str) {
        // Logging failures (a broken handler) must not fail the token request.
        let _ = self.logger.bind(py).call_method1(level, (message,));
    }
}

/// Runs `target()` on a new daemon thread named `name` (Python's `threading`, so the callable
/// takes the GIL as any Python thread does): background refreshes, which must not keep the
/// interpreter from exiting.
pub fn start_daemon_thread(py: Python<'_>, target: Py<PyAny>, name: &str) -> PyResult<()> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("target", target)?;
    kwargs.set_item("name", name)?;
    kwargs.set_item("daemon", true)?;
    py.import("threading")?
        .getattr("Thread")?
        .call((), Some(&kwargs))?
        .call_method0("start")?;
    Ok(())
}

pub struct PyIo<'a, 'py> {
    pub py: Python<'py>,
    pub transport: &'a Bound<'py, PyAny>,
    pub logger: &'a Bound<'py, PyAny>,
    /// The first non-transport exception a transport (or the clock) raised.
    pub bug: RefCell<Option<PyErr>>,
    /// The client's clock (the system clock unless `with_clock`).
    clock: Clock,
}

impl<'a, 'py> PyIo<'a, 'py> {
    pub fn new(transport: &'a Bound<'py, PyAny>, logger: &'a Bound<'py, PyAny>) -> Self {
        PyIo {
            py: transport.py(),
            transport,
            logger,
            bug: RefCell::new(None),
            clock: Clock::default(),
        }
    }

    /// The same, reading `clock` for core's `now`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    fn keep_bug(&self, err: PyErr) {
        let mut bug = self.bug.borrow_mut();
        if bug.is_none() {
            *bug = Some(err);
        }
    }

    /// The exception to raise instead of the outcome, if the transport had a bug.
    pub fn take_bug(&self) -> Option<PyErr> {
        self.bug.borrow_mut().take()
    }

    fn call(&self, request: &HttpRequest) -> PyResult<HttpResponse> {
        let headers = PyList::empty(self.py);
        for (name, value) in &request.headers {
            headers.append((name.as_str(), value.as_str()))?;
        }
        let body = PyBytes::new(self.py, &request.body);
        let answer =
            self.transport
                .call1((request.method.as_str(), request.url.as_str(), headers, body))?;
        let (status, headers, body): (u16, Vec<(String, String)>, Bound<'_, PyAny>) =
            answer.extract()?;
        let body = body.cast_into::<PyBytes>()?;
        Ok(HttpResponse::new(status, headers, body.as_bytes()))
    }
}

/// The host of a URL, for log lines (never its path or query, which may carry parameters).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or(rest);
    // Drop any userinfo (RFC 3986 §3.2.1), which could hold credentials.
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

/// The `grant_type` of a form body (core writes it first), for log lines; not a secret.
pub fn grant_type_of(request: &HttpRequest) -> &str {
    request
        .body_text()
        .split('&')
        .find_map(|pair| pair.strip_prefix("grant_type="))
        .unwrap_or("-")
}

impl SourceIo for PyIo<'_, '_> {
    fn now(&self) -> UnixMillis {
        // core's driver cannot take an error here: a failing Python clock is kept and raised
        // to the caller like a transport bug, and the system clock stands in meanwhile.
        self.clock.now(self.py).unwrap_or_else(|err| {
            self.keep_bug(err);
            crate::clock::now()
        })
    }

    fn sleep_ms(&self, ms: i64) {
        let duration = std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0));
        self.py.detach(|| std::thread::sleep(duration));
    }

    fn send(&self, request: &HttpRequest) -> tokensmith::Result<HttpResponse> {
        let grant = grant_type_of(request);
        let host = host_of(&request.url);
        match self.call(request) {
            Ok(response) => {
                let _ = self.logger.call_method1(
                    "debug",
                    (
                        "token request grant=%s host=%s status=%d",
                        grant,
                        host,
                        response.status,
                    ),
                );
                Ok(response)
            }
            Err(err) => {
                let error = match transport_error_from_py(self.py, &err) {
                    Some(error) => error,
                    None => {
                        let kind = err
                            .get_type(self.py)
                            .name()
                            .map_or_else(|_| "exception".to_owned(), |n| n.to_string());
                        self.keep_bug(err);
                        Error::Transport {
                            kind: TransportErrorKind::Other,
                            message: format!("the transport raised {kind}"),
                        }
                    }
                };
                let _ = self.logger.call_method1(
                    "warning",
                    (
                        "token request grant=%s host=%s failed: %s",
                        grant,
                        host,
                        error.code(),
                    ),
                );
                Err(error)
            }
        }
    }

    fn wait(&self, handle: &WaitHandle) -> Settled {
        self.py.detach(|| handle.wait())
    }
}
