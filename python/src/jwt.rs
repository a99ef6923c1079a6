//! `decode_jwt` and `verify_jwt`: core's JWT decoding and verification (RFC 7519, RFC 7515).
//! Verification runs in Rust (aws-lc-rs for RSA/ECDSA/EdDSA, core's HMAC), with the GIL held: it
//! takes microseconds, less than releasing and re-taking the GIL would cost.

use crate::clock;
use crate::errors::to_py_err;
use crate::json_value::map_to_py;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use tokensmith::json::{self, Duplicates, Map};
use tokensmith::jwt::{
    decode_unverified, verify, Algorithm, Jwk, JwtError, KeySet, Validation, DEFAULT_LEEWAY_SECS,
};
use tokensmith::Error;

/// The `leeway = 30` default of `verify_jwt` (a literal, so Python's signature shows it) is
/// core's default.
const _: () = assert!(DEFAULT_LEEWAY_SECS == 30);

fn jwt_err(py: Python<'_>, e: JwtError) -> PyErr {
    to_py_err(py, &Error::from(e))
}

/// `{"header": {...}, "claims": {...}}` as Python dicts (the types `json.loads` would give).
pub(crate) fn header_and_claims<'py>(
    py: Python<'py>,
    header: &Map,
    claims: &Map,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("header", map_to_py(py, header)?)?;
    out.set_item("claims", map_to_py(py, claims)?)?;
    Ok(out)
}

/// A JWT's header and claims WITHOUT verifying anything: for display and debugging only.
/// Strict like the verifier (RFC 7515 §7.1 compact form, unpadded base64url, unique member
/// names); raises `JwtError` otherwise.
#[pyfunction]
pub fn decode_jwt<'py>(py: Python<'py>, token: &str) -> PyResult<Bound<'py, PyDict>> {
    let jwt = decode_unverified(token).map_err(|e| jwt_err(py, e))?;
    header_and_claims(py, &jwt.header, &jwt.claims)
}

/// A parsed key set, to verify many tokens without parsing the keys each time.
#[pyclass(frozen, name = "Jwks", module = "tokensmith")]
pub struct PyJwks {
    keys: KeySet,
}

#[pymethods]
impl PyJwks {
    /// `jwks`: a JWK Set or one JWK (dict or JSON text), or a PEM public key.
    #[new]
    fn new(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyJwks {
            keys: parse_key_set(py, jwks)?,
        })
    }

    fn __len__(&self) -> usize {
        self.keys.keys().len()
    }

    fn __repr__(&self) -> String {
        format!("<Jwks keys={}>", self.keys.keys().len())
    }
}

/// The keys a token may be verified with: a JWK Set (RFC 7517 §5), one JWK, as a dict or JSON
/// text, or a PEM `PUBLIC KEY`. Never keys named by the token (`jku`, `x5u`, `jwk`, `x5c`;
/// RFC 8725 §3.10).
fn parse_key_set(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<KeySet> {
    let text: String = if let Ok(s) = jwks.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if let Ok(b) = jwks.cast::<PyBytes>() {
        String::from_utf8(b.as_bytes().to_vec())
            .map_err(|_| jwt_err(py, JwtError::InvalidKey("the key set is not UTF-8")))?
    } else if jwks.cast::<PyDict>().is_ok() {
        py.import("json")?
            .call_method1("dumps", (jwks,))?
            .extract::<String>()?
    } else {
        return Err(PyTypeError::new_err(
            "jwks must be a Jwks, a JWK Set or JWK (dict or JSON text) or a PEM public key",
        ));
    };
    if text.trim_start().starts_with("-----BEGIN") {
        let key = Jwk::from_pem(&text, None).map_err(|e| jwt_err(py, e))?;
        return Ok(KeySet::new(vec![key]));
    }
    let value = json::parse_str(&text, Duplicates::KeepLast)
        .map_err(|_| jwt_err(py, JwtError::InvalidKey("the key set is not valid JSON")))?;
    let keys = if value.get("keys").is_some() {
        KeySet::from_jwks_json(&text)
    } else {
        Jwk::from_json(&text).map(|k| KeySet::new(vec![k]))
    };
    keys.map_err(|e| jwt_err(py, e))
}

/// Verifies a JWT's signature with a key of `jwks`, then its claims; returns
/// `{"header": ..., "claims": ...}` or raises `JwtError`.
///
/// `algorithms` is required (e.g. `["RS256"]`); `leeway` is in seconds (default 30, for clock
/// skew on `exp`/`nbf`, core's `DEFAULT_LEEWAY_SECS`); `now` (seconds since the epoch) defaults to the current time.
#[pyfunction]
#[pyo3(signature = (token, jwks, *, algorithms, issuer = None, audience = None,
    leeway = 30, now = None, allow_missing_exp_insecure = false,
    understood_crit = None))]
#[allow(clippy::too_many_arguments)]
pub fn verify_jwt<'py>(
    py: Python<'py>,
    token: &str,
    jwks: &Bound<'py, PyAny>,
    algorithms: Vec<String>,
    issuer: Option<String>,
    audience: Option<String>,
    leeway: u32,
    now: Option<f64>,
    allow_missing_exp_insecure: bool,
    understood_crit: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyDict>> {
    let parsed;
    let keys = match jwks.cast::<PyJwks>() {
        Ok(ready) => &ready.get().keys,
        Err(_) => {
            parsed = parse_key_set(py, jwks)?;
            &parsed
        }
    };
    let algorithms = algorithms
        .iter()
        .map(|name| Algorithm::parse(name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| jwt_err(py, e))?;
    let mut validation = Validation::new(&algorithms);
    validation.issuer = issuer;
    validation.audience = audience;
    validation.leeway_secs = leeway;
    validation.allow_missing_exp_insecure = allow_missing_exp_insecure;
    validation.understood_crit = understood_crit.unwrap_or_default();
    let at = match now {
        Some(secs) => clock::from_secs(secs),
        None => clock::now(),
    };
    let jwt = verify(token, keys, &validation, at).map_err(|e| jwt_err(py, e))?;
    header_and_claims(py, &jwt.header, &jwt.claims)
}
