//! Python bindings of tokensmith: the extension module `tokensmith._native`.
//!
//! Thin wrappers over `tokensmith` core; errors become `tokensmith.TokenError` with `.code`
//! (see [`errors`]). The pure-Python package `tokensmith` re-exports everything from here.
#![forbid(unsafe_code)]

mod errors;

use pyo3::prelude::*;
use pyo3::types::PyString;
use tokensmith::BasicEncoding;

/// The `Authorization` header value `Basic base64(id:secret)` for a client.
///
/// `encoding="form"` (default) applies RFC 6749 §2.3.1 (id and secret each form-urlencoded
/// first); `encoding="raw"` uses them as-is and refuses an id containing `:` (RFC 7617 §2).
#[pyfunction]
#[pyo3(signature = (client_id, client_secret, *, encoding = "form"))]
fn basic_authorization<'py>(
    py: Python<'py>,
    client_id: &str,
    client_secret: &str,
    encoding: &str,
) -> PyResult<Bound<'py, PyString>> {
    let value = encoding
        .parse::<BasicEncoding>()
        .and_then(|encoding| tokensmith::basic_authorization(client_id, client_secret, encoding))
        .map_err(|e| errors::to_py_err(py, &e))?;
    // The header value is the function's output: handing it to the caller is its purpose. It is
    // copied straight into a Python str; the Rust copy is zeroized when `value` drops.
    Ok(PyString::new(py, value.expose_secret()))
}

/// The `X-SPACE-AUTH-KEY` header value (`Basic base64(id:secret)`, raw) that Siemens Insights
/// Hub's Technical Token Manager expects. An id containing `:` is refused.
#[pyfunction]
fn space_auth_key<'py>(
    py: Python<'py>,
    client_id: &str,
    client_secret: &str,
) -> PyResult<Bound<'py, PyString>> {
    let value = tokensmith::space_auth_key(client_id, client_secret)
        .map_err(|e| errors::to_py_err(py, &e))?;
    Ok(PyString::new(py, value.expose_secret()))
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(basic_authorization, module)?)?;
    module.add_function(wrap_pyfunction!(space_auth_key, module)?)?;
    errors::register(module)?;
    Ok(())
}
