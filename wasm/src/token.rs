//! `Token`: an issued access token with its metadata, as a JS class.
//!
//! Getters hand out the token strings (that is what a caller asks them for); every way of
//! *showing* a token (`toJSON`, `toString`, Node's `util.inspect`) shows at most its first four
//! characters ([`Secret::hint`]).

use crate::convert::{date, now, object_to_js, string_array};
use js_sys::{Array, Date, JSON};
use tokensmith::grant::join_scope;
use tokensmith::json::write_string;
use tokensmith::{RefreshExpiry, Secret};
use wasm_bindgen::prelude::*;

/// An access token issued by a token endpoint.
#[wasm_bindgen]
pub struct Token {
    inner: std::sync::Arc<tokensmith::Token>,
}

impl Token {
    /// The JS object for a core token. (`Token.prototype` gets its `util.inspect` hook from
    /// `js/client.js` when the package loads: wasm-bindgen cannot declare symbol-named methods.)
    pub fn into_js(inner: tokensmith::Token) -> JsValue {
        Self::shared_js(std::sync::Arc::new(inner))
    }

    pub fn shared_js(inner: std::sync::Arc<tokensmith::Token>) -> JsValue {
        Token { inner }.into()
    }

    /// The core token.
    pub fn core(&self) -> &tokensmith::Token {
        &self.inner
    }
}

/// The token string, or `null` (not `undefined`: the property exists, the server sent nothing).
fn optional_secret(secret: Option<&Secret>) -> JsValue {
    secret.map_or(JsValue::NULL, |s| s.expose_secret().into())
}

/// What `toJSON`, `toString` and `util.inspect` show of a token: core's [`Secret::hint`] (the
/// first 4 characters of a token of 16 or more, else none), the same as Python's `repr`.
fn shown(secret: &Secret) -> String {
    secret.hint()
}

#[wasm_bindgen]
impl Token {
    /// The access token (RFC 6749 §5.1 `access_token`).
    #[wasm_bindgen(getter, js_name = accessToken)]
    pub fn access_token(&self) -> String {
        self.inner.access_token.expose_secret().to_owned()
    }

    /// `Bearer` (normalised from any case) or the type the server named.
    #[wasm_bindgen(getter, js_name = tokenType)]
    pub fn token_type(&self) -> String {
        self.inner.token_type.clone()
    }

    /// When the access token stops working. Always known: from `expires_in`, the JWT's `exp`,
    /// or the configured default lifetime.
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> Date {
        date(self.inner.expires_at)
    }

    /// Whole seconds of validity left now (0 once expired).
    #[wasm_bindgen(getter, js_name = expiresIn)]
    pub fn expires_in(&self) -> f64 {
        let left_ms = self.inner.remaining_ms(now()).max(0);
        // Whole seconds, rounded down; the i64 → f64 conversion is exact below 2^53.
        (left_ms / 1000) as f64
    }

    /// The refresh token (RFC 6749 §1.5), or null.
    #[wasm_bindgen(getter, js_name = refreshToken, unchecked_return_type = "string | null")]
    pub fn refresh_token(&self) -> JsValue {
        optional_secret(self.inner.refresh_token.as_ref())
    }

    /// When the refresh token expires, or null when unknown or never (Keycloak offline tokens).
    #[wasm_bindgen(getter, js_name = refreshExpiresAt, unchecked_return_type = "Date | null")]
    pub fn refresh_expires_at(&self) -> JsValue {
        match self.inner.refresh_expiry {
            RefreshExpiry::At(at) => date(at).into(),
            RefreshExpiry::Unknown | RefreshExpiry::Never => JsValue::NULL,
        }
    }

    /// Granted scopes (RFC 6749 §3.3); empty when the server did not list them.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn scope(&self) -> Array {
        string_array(self.inner.scope.as_deref().unwrap_or_default())
    }

    /// The OpenID Connect ID token, or null.
    #[wasm_bindgen(getter, js_name = idToken, unchecked_return_type = "string | null")]
    pub fn id_token(&self) -> JsValue {
        optional_secret(self.inner.id_token.as_ref())
    }

    /// Every other member of the token response, as sent.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown>")]
    pub fn extra(&self) -> JsValue {
        object_to_js(&self.inner.extra)
    }

    /// Whether the token is expired now, counting it as expired `leeway` seconds early
    /// (default 0).
    #[wasm_bindgen(js_name = isExpired)]
    pub fn is_expired(&self, leeway: Option<f64>) -> bool {
        // Seconds to milliseconds; `as` saturates NaN to 0 and huge values to the i64 range.
        let leeway_ms = (leeway.unwrap_or(0.0) * 1000.0) as i64;
        self.inner.is_expired(now(), leeway_ms)
    }

    /// The `Authorization` header value (RFC 6750 §2.1), e.g. `Bearer eyJ…`.
    #[wasm_bindgen(getter)]
    pub fn authorization(&self) -> String {
        self.inner.authorization().expose_secret().to_owned()
    }

    /// A JSON view safe to log: token strings cut to their first four characters.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsValue {
        // Written as JSON text and parsed once: one `JSON.parse` instead of a property set per
        // field (and its key string) across the boundary. Members keep this order.
        let t = &self.inner;
        let hint = |s: Option<&Secret>| s.map(shown);
        let refresh_expires_at = match t.refresh_expiry {
            RefreshExpiry::At(at) => Some(iso(at)),
            RefreshExpiry::Unknown | RefreshExpiry::Never => None,
        };
        let mut out = String::from("{");
        member(&mut out, "accessToken", Some(&shown(&t.access_token)));
        member(&mut out, "tokenType", Some(&t.token_type));
        member(&mut out, "expiresAt", Some(&iso(t.expires_at)));
        member(
            &mut out,
            "refreshToken",
            hint(t.refresh_token.as_ref()).as_deref(),
        );
        member(&mut out, "refreshExpiresAt", refresh_expires_at.as_deref());
        out.push_str(",\"scope\":");
        json_strings(&mut out, t.scope.iter().flatten());
        member(&mut out, "idToken", hint(t.id_token.as_ref()).as_deref());
        // Only the names of extra members: a server may put anything in them.
        out.push_str(",\"extraKeys\":");
        json_strings(&mut out, t.extra.keys());
        out.push('}');
        // Valid JSON by construction (strings escaped by core's writer).
        JSON::parse(&out).unwrap_or_default()
    }

    /// `Token(Bearer abcd…, expires 2026-01-01T00:00:00.000Z, scope "a b")`.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        let t = &self.inner;
        let mut text = String::from("Token(");
        text.push_str(&t.token_type);
        text.push(' ');
        text.push_str(&shown(&t.access_token));
        text.push_str(", expires ");
        text.push_str(&iso(t.expires_at));
        if let Some(scope) = &t.scope {
            text.push_str(", scope ");
            text.push_str(&tokensmith::quoted::quoted(&join_scope(scope)));
        }
        if t.refresh_token.is_some() {
            text.push_str(", with refresh token");
        }
        text.push(')');
        text
    }
}

/// `at` as `Date.prototype.toISOString` writes it.
fn iso(at: tokensmith::UnixMillis) -> String {
    date(at).to_iso_string().into()
}

/// `,"key":value` (the `{` before the first member has no comma after it): a JSON string, or
/// `null`.
fn member(out: &mut String, key: &str, value: Option<&str>) {
    if !out.ends_with('{') {
        out.push(',');
    }
    write_string(out, key);
    out.push(':');
    match value {
        Some(value) => write_string(out, value),
        None => out.push_str("null"),
    }
}

/// A JSON array of strings.
fn json_strings<'a>(out: &mut String, items: impl Iterator<Item = &'a String>) {
    out.push('[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, item);
    }
    out.push(']');
}
