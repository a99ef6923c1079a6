//! Core errors as JS `Error` subclasses.
//!
//! The classes live in `wasm/js/errors.js` (shipped with the package and re-exported from its
//! entry point): `TokenError` (the base of all), `OAuthError`, `ResponseError`, `TransportError`,
//! `JwtError`, `PatError`, one per [`tokensmith::error::ErrorFamily`]; families without a class of
//! their own (input, token, cache) throw a plain `TokenError`. Every error carries `code`, core's
//! stable [`tokensmith::Error::code`]; callers branch on it, never on the message. The message is
//! core's `Display`, which never contains a secret or a raw response body.

use std::sync::Arc;
use tokensmith::error::RetryAfter;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// Base class of every error this package throws.
    #[wasm_bindgen(reexport, extends = js_sys::Error)]
    pub type TokenError;
    /// An OAuth error response (RFC 6749 §5.2): `error`, `description`, `uri`, `status`,
    /// `retryAfter`.
    #[wasm_bindgen(reexport, extends = TokenError, extends = js_sys::Error)]
    pub type OAuthError;
    /// A response that could not be understood: `status`, `reason`, `retryAfter`.
    #[wasm_bindgen(reexport, extends = TokenError, extends = js_sys::Error)]
    pub type ResponseError;
    /// A request that did not complete.
    #[wasm_bindgen(reexport, extends = TokenError, extends = js_sys::Error)]
    pub type TransportError;
    /// A JWT that could not be decoded or verified.
    #[wasm_bindgen(reexport, extends = TokenError, extends = js_sys::Error)]
    pub type JwtError;
    /// A malformed personal access token.
    #[wasm_bindgen(reexport, extends = TokenError, extends = js_sys::Error)]
    pub type PatError;

    // The family-specific fields go as plain arguments (`undefined` when absent) and
    // `createError` builds the details object: one import call, no `Reflect.set` per field.
    // `kind` is an `OAuthError`'s `error` or a `ResponseError`'s `reason`; never both.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = createError)]
    fn create_error(
        family: &str,
        code: &str,
        message: &str,
        status: Option<u16>,
        retry_after: Option<f64>,
        kind: Option<&str>,
        description: Option<&str>,
        uri: Option<&str>,
    ) -> JsValue;
}

/// What the exported functions return: a value, or a thrown `TokenError` (or subclass).
pub type JsResult<T> = Result<T, Thrown>;

/// A core error on its way to JS. Becomes an instance of the family's class when it crosses the
/// boundary (`From<Thrown> for JsValue`). Shared (`Arc`) because the token cache hands one
/// error to every caller waiting on the same fetch.
#[derive(Debug)]
pub struct Thrown(Arc<tokensmith::Error>);

impl From<tokensmith::Error> for Thrown {
    fn from(error: tokensmith::Error) -> Self {
        Thrown(Arc::new(error))
    }
}

impl From<Arc<tokensmith::Error>> for Thrown {
    fn from(error: Arc<tokensmith::Error>) -> Self {
        Thrown(error)
    }
}

impl From<tokensmith::jwt::JwtError> for Thrown {
    fn from(error: tokensmith::jwt::JwtError) -> Self {
        Thrown::from(tokensmith::Error::from(error))
    }
}

impl From<tokensmith::cache::CacheError> for Thrown {
    fn from(error: tokensmith::cache::CacheError) -> Self {
        Thrown::from(tokensmith::Error::from(error))
    }
}

impl From<tokensmith::pat::PatError> for Thrown {
    fn from(error: tokensmith::pat::PatError) -> Self {
        Thrown::from(tokensmith::Error::from(error))
    }
}

impl Thrown {
    /// Core's stable error code, exposed to JS as `err.code`.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// Caller input the binding itself refuses (a wrong argument type, an unknown option).
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Thrown::from(tokensmith::Error::InvalidInput(message.into()))
    }
}

impl From<Thrown> for JsValue {
    fn from(error: Thrown) -> Self {
        let error = &*error.0;
        // The OAuth error response's fields (RFC 6749 §5.2), or a response error's reason.
        let (mut kind, mut description, mut uri) = (None, None, None);
        match error {
            tokensmith::Error::OAuth(oauth) => {
                kind = Some(oauth.code.as_str());
                description = oauth.description.as_deref();
                uri = oauth.uri.as_deref();
            }
            tokensmith::Error::UnexpectedResponse(response) => {
                kind = Some(response.reason.code());
            }
            _ => {}
        }
        create_error(
            error.family().as_str(),
            error.code(),
            &error.to_string(),
            error.status(),
            error.retry_after().map(retry_after_secs),
            kind,
            description,
            uri,
        )
    }
}

/// `Retry-After` as seconds (the unit of the header, RFC 9110 §10.2.3); fractions are kept when
/// core computed the delay from an HTTP-date.
fn retry_after_secs(retry_after: RetryAfter) -> f64 {
    // i64 milliseconds to f64 is exact below 2^53 ms (285 000 years).
    retry_after.delay_ms as f64 / 1000.0
}
