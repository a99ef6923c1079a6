//! Core errors as JS `Error` objects.
//!
//! Every error thrown by the package is an `Error` (so `err instanceof Error` holds and stack
//! traces work) with `name` set to its class name and `code` set to core's stable
//! [`tokensmith::Error::code`]. Callers branch on `err.code`, never on the message.
//! The message is core's `Display`, which never contains a secret.

use wasm_bindgen::JsValue;

/// The class name of every error thrown by this package (one family for now).
pub const TOKEN_ERROR_NAME: &str = "TokenError";

/// What the exported functions return: a value, or a thrown [`TokenError`].
pub type JsResult<T> = Result<T, TokenError>;

/// A core error on its way to JS. Converted into a JS `Error` when it crosses the boundary.
#[derive(Debug)]
pub struct TokenError(tokensmith::Error);

impl From<tokensmith::Error> for TokenError {
    fn from(error: tokensmith::Error) -> Self {
        TokenError(error)
    }
}

impl TokenError {
    /// Core's stable error code, exposed to JS as `err.code`.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }
}

impl From<TokenError> for JsValue {
    fn from(error: TokenError) -> Self {
        let js_error = js_sys::Error::new(&error.0.to_string());
        js_error.set_name(TOKEN_ERROR_NAME);
        // Reflect::set only fails on a frozen or proxied target; a fresh Error is neither. If it
        // ever did fail, the error is still thrown, just without `code`.
        let _ = js_sys::Reflect::set(
            &js_error,
            &JsValue::from_str("code"),
            &JsValue::from_str(error.code()),
        );
        js_error.into()
    }
}
