//! Personal access tokens (docs/pat-format.md): generate, check offline, hash for storage.

use crate::errors::to_py_err;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use tokensmith::pat::{self, TokenHasher};
use tokensmith::{Error, Secret};

fn hasher(pepper: Option<&Bound<'_, PyAny>>) -> PyResult<TokenHasher> {
    let Some(pepper) = pepper.filter(|p| !p.is_none()) else {
        return Ok(TokenHasher::Sha256);
    };
    if let Ok(s) = pepper.cast::<PyString>() {
        return Ok(TokenHasher::with_pepper(s.to_cow()?.as_bytes()));
    }
    let bytes = pepper.cast::<PyBytes>()?;
    Ok(TokenHasher::with_pepper(bytes.as_bytes()))
}

/// A new token: `prefix_` + 30 random base62 characters + a 6-character CRC-32 checksum.
/// `prefix` is 2 to 10 lowercase ASCII letters (`PatError` `pat_invalid_prefix` otherwise).
#[pyfunction]
pub fn generate_pat<'py>(py: Python<'py>, prefix: &str) -> PyResult<Bound<'py, PyString>> {
    let token = pat::generate(prefix).map_err(|e| to_py_err(py, &Error::from(e)))?;
    // The new token is the function's output: handing it to the caller is its purpose.
    Ok(PyString::new(py, token.expose_secret()))
}

/// Whether the token's checksum matches (a typo or truncation fails), with no lookup.
#[pyfunction]
pub fn pat_checksum_ok(token: &str) -> bool {
    pat::checksum_ok(token)
}

/// Raises `PatError` with the reason when the token is malformed (non-ASCII, whitespace,
/// prefix, length, alphabet, checksum); `prefix` also refuses other issuers' tokens. Returns
/// the token's prefix.
#[pyfunction]
#[pyo3(signature = (token, *, prefix = None))]
pub fn pat_check(py: Python<'_>, token: &str, prefix: Option<&str>) -> PyResult<String> {
    pat::parse(token, prefix)
        .map(|parsed| parsed.prefix.to_owned())
        .map_err(|e| to_py_err(py, &Error::from(e)))
}

/// The hash to store for a token: SHA-256, or HMAC-SHA-256 keyed with `pepper` (str as UTF-8,
/// or bytes), as 64 lowercase hex digits.
#[pyfunction]
#[pyo3(signature = (token, *, pepper = None))]
pub fn pat_hash(token: &str, pepper: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    Ok(hasher(pepper)?.hash_hex(&Secret::new(token)))
}

/// Whether `token` hashes to `stored_hash` (from `pat_hash` with the same `pepper`), compared
/// in constant time.
#[pyfunction]
#[pyo3(signature = (token, stored_hash, *, pepper = None))]
pub fn pat_verify(
    token: &str,
    stored_hash: &str,
    pepper: Option<&Bound<'_, PyAny>>,
) -> PyResult<bool> {
    Ok(pat::verify(&hasher(pepper)?, token, stored_hash))
}

/// `prefix_…` and the last four characters (checksum characters only), to list tokens without
/// showing them (the npm package's `patHint`).
#[pyfunction]
pub fn pat_hint(token: &str) -> String {
    pat::display_hint(&Secret::new(token))
}
