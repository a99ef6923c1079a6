//! Core errors as Python exceptions.
//!
//! Every exception raised by `tokensmith` is a `tokensmith.TokenError` (a subclass of
//! `Exception`) whose `code` attribute is core's stable [`tokensmith::Error::code`]. Callers branch
//! on `exc.code`, never on the message. The message is core's `Display`, which never contains a
//! secret, so `str(exc)` and `repr(exc)` are safe to log.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;

pyo3::create_exception!(
    tokensmith,
    TokenError,
    PyException,
    "Base class of every tokensmith error; `code` is a stable snake_case identifier."
);

/// Converts a core error into a raised `TokenError` carrying `code`.
pub fn to_py_err(py: Python<'_>, error: &tokensmith::Error) -> PyErr {
    let err = TokenError::new_err(error.to_string());
    // setattr on a fresh exception instance only fails on memory exhaustion; the exception is
    // still raised then, without `code`.
    let _ = err.value(py).setattr("code", error.code());
    err
}

/// Adds the exception classes to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("TokenError", module.py().get_type::<TokenError>())
}
