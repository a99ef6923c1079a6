//! `tokensmith.Token`: an immutable view of a core [`Token`] for Python.
//!
//! The access token and the `Authorization` value are converted to Python `str` once, when the
//! token arrives, and kept: a cached hit hands out the same object and converts nothing.
//! `repr`/`str` show the type, the scope and the remaining lifetime, and at most the first 4
//! characters of the access token.

use crate::clock::Clock;
use crate::json_value::map_to_py;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use std::sync::Arc;
use tokensmith::{RefreshExpiry, Token};

/// An access token with its metadata (RFC 6749 §5.1). Immutable.
#[pyclass(frozen, name = "Token", module = "tokensmith")]
pub struct PyToken {
    inner: Arc<Token>,
    /// The access token, as a Python str made once.
    #[pyo3(get)]
    access_token: Py<PyString>,
    /// `"<token_type> <access_token>"`, as a Python str made once.
    #[pyo3(get)]
    authorization: Py<PyString>,
    #[pyo3(get)]
    token_type: Py<PyString>,
    #[pyo3(get)]
    scope: Py<PyTuple>,
    /// The clock `expires_in` and `is_expired` read: the client's (system clock by default).
    clock: Clock,
}

impl PyToken {
    pub fn new(py: Python<'_>, inner: Arc<Token>) -> PyResult<Self> {
        let scope = PyTuple::new(py, inner.scope.as_deref().unwrap_or_default())?.unbind();
        Ok(PyToken {
            access_token: PyString::new(py, inner.access_token.expose_secret()).unbind(),
            authorization: PyString::new(py, inner.authorization().expose_secret()).unbind(),
            token_type: PyString::new(py, &inner.token_type).unbind(),
            scope,
            inner,
            clock: Clock::default(),
        })
    }

    /// The same token, aging by `clock` (the clock of the client that got it).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn inner(&self) -> &Arc<Token> {
        &self.inner
    }

    fn describe(&self, py: Python<'_>) -> String {
        let secs = self.inner.remaining_ms(self.clock.now_or_system(py)) as f64 / 1000.0;
        let scope = self.inner.scope.as_ref().map(|s| s.join(" "));
        let hint = self.inner.access_token.hint();
        format!(
            "<Token type={:?} scope={:?} expires_in={secs:.1}s access_token={hint:?}>",
            self.inner.token_type,
            scope.unwrap_or_default()
        )
    }
}

fn datetime_of(py: Python<'_>, ms: i64) -> PyResult<Py<PyAny>> {
    let datetime = py.import("datetime")?;
    let utc = datetime.getattr("timezone")?.getattr("utc")?;
    let value = datetime
        .getattr("datetime")?
        .call_method1("fromtimestamp", (ms as f64 / 1000.0, utc))?;
    Ok(value.unbind())
}

#[pymethods]
impl PyToken {
    /// When the access token expires, as an aware UTC `datetime`.
    #[getter]
    fn expires_at(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        datetime_of(py, self.inner.expires_at.as_millis())
    }

    /// Seconds of validity left (negative once expired).
    #[getter]
    fn expires_in(&self, py: Python<'_>) -> PyResult<f64> {
        Ok(self.inner.remaining_ms(self.clock.now(py)?) as f64 / 1000.0)
    }

    #[getter]
    fn refresh_token(&self) -> Option<&str> {
        self.inner.refresh_token.as_ref().map(|s| s.expose_secret())
    }

    /// When the refresh token expires (`refresh_expires_in`), or None when unknown or never.
    #[getter]
    fn refresh_expires_at(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        match self.inner.refresh_expiry {
            RefreshExpiry::At(at) => datetime_of(py, at.as_millis()).map(Some),
            _ => Ok(None),
        }
    }

    #[getter]
    fn id_token(&self) -> Option<&str> {
        self.inner.id_token.as_ref().map(|s| s.expose_secret())
    }

    /// Response members beyond RFC 6749 §5.1, as a new dict.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.inner.extra)
    }

    /// True if the token has expired, or will within `leeway` seconds.
    #[pyo3(signature = (leeway = 0.0))]
    fn is_expired(&self, py: Python<'_>, leeway: f64) -> PyResult<bool> {
        Ok(self
            .inner
            .is_expired(self.clock.now(py)?, (leeway * 1000.0) as i64))
    }

    /// The token as a dict. Secrets (access, refresh and ID token) and the values of the `extra`
    /// members (a server may put session data there; core's `Debug`, cache export and the npm
    /// package's `toJSON` show only their names) only with `include_secrets=True`;
    /// `extra_keys` always lists the names.
    #[pyo3(signature = (include_secrets = false))]
    fn to_dict<'py>(&self, py: Python<'py>, include_secrets: bool) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("token_type", &self.inner.token_type)?;
        d.set_item("expires_at", self.expires_at(py)?)?;
        d.set_item("expires_in", self.expires_in(py)?)?;
        d.set_item("scope", self.scope.bind(py))?;
        d.set_item("refresh_expires_at", self.refresh_expires_at(py)?)?;
        let mut names: Vec<&String> = self.inner.extra.keys().collect();
        names.sort();
        d.set_item("extra_keys", names)?;
        if include_secrets {
            d.set_item("extra", self.extra(py)?)?;
            d.set_item("access_token", self.access_token.bind(py))?;
            d.set_item("refresh_token", self.refresh_token())?;
            d.set_item("id_token", self.id_token())?;
        }
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        self.describe(py)
    }

    fn __str__(&self, py: Python<'_>) -> String {
        self.describe(py)
    }
}
