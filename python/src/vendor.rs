//! What the vendor classes share: their transport and logger, and one request sent through them.
//!
//! The vendor flows (`vendor_ttm.rs`, `vendor_keycloak.rs`, `vendor_sdx.rs`) are core's
//! `tokensmith::vendor` and `tokensmith::client` driven with the binding's transports (urllib,
//! requests, httpx or a callable, `tokensmith._transport`); they hold no rule of their own.

use crate::io::PyIo;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use tokensmith::client::SourceIo;
use tokensmith::{HttpRequest, HttpResponse};

/// The transport (made by `tokensmith._transport.make_transport`) and the `tokensmith` logger.
pub struct VendorIo {
    pub transport: Py<PyAny>,
    pub logger: Py<PyAny>,
}

impl VendorIo {
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
        Ok(VendorIo { transport, logger })
    }

    /// Sends one request. The outer error is a bug of the transport (an exception other than
    /// `TransportError`), to raise as it is; the inner one is core's (`Error::Transport`).
    pub fn send(
        &self,
        py: Python<'_>,
        request: &HttpRequest,
    ) -> PyResult<tokensmith::Result<HttpResponse>> {
        let transport = self.transport.bind(py);
        let logger = self.logger.bind(py);
        let io = PyIo::new(transport, logger);
        let response = io.send(request);
        match io.take_bug() {
            Some(bug) => Err(bug),
            None => Ok(response),
        }
    }

    /// A log line at `level` (never a secret: callers pass tenant counts and error codes only).
    pub fn log(&self, py: Python<'_>, level: &str, message: &str) {
        // Logging failures (a broken handler) must not fail the token request.
        let _ = self.logger.bind(py).call_method1(level, (message,));
    }
}
