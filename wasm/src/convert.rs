//! Conversions between JS values and core types: option-bag reading, JSON, dates, bytes.
//!
//! JSON crosses the boundary as text (core's `json` module ↔ `JSON.parse`/`JSON.stringify`): it
//! links no serde and keeps the package small; values are small (JWT claims, token extras).

use crate::errors::{JsResult, Thrown};
use js_sys::{Array, Date, Reflect, Uint8Array, JSON};
use tokensmith::UnixMillis;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

// Header pairs are read in JS: walking an iterable from Rust links js-sys's iterator protocol
// (`Symbol.iterator`, `next`, `done`, `value`, each an import with its own glue), and
// `Object.entries` besides; one small function instead is smaller (issue 6's size budget).
#[wasm_bindgen(inline_js = r#"
export function flatPairs(value, entries) {
  try {
    const pairs = !entries || Array.isArray(value) ? value : value instanceof Object ? Object.entries(value) : 0;
    const flat = [];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || (!entries && pair.length !== 2)) return;
      const [name, text] = pair;
      if (typeof name !== "string" || typeof text !== "string") return;
      flat.push(name, text);
    }
    return flat;
  } catch {}
}
export function millis(value) {
  try {
    return value instanceof Date ? value.getTime() : value;
  } catch {}
}
"#)]
extern "C" {
    /// `value`'s `[name, value]` pairs of strings as one flat array `[name, value, …]`, or
    /// `undefined` when it has anything else. Without `entries`: any iterable of pairs of exactly
    /// two items (a `Headers` too). With `entries`: an array of pairs (extra items ignored), or a
    /// plain object's own entries.
    #[wasm_bindgen(js_name = flatPairs)]
    fn flat_pairs(value: &JsValue, entries: bool) -> JsValue;

    /// A `Date`'s time value, else `value` itself (one import instead of js-sys's `instanceof
    /// Date` and `getTime`).
    fn millis(value: &JsValue) -> JsValue;
}

/// [`flat_pairs`] as Rust pairs; `None` when refused.
pub fn pairs(value: &JsValue, entries: bool) -> Option<Vec<(String, String)>> {
    // `flatPairs` returns an array or `undefined`: no `Array.isArray` check (an import) needed.
    let flat = flat_pairs(value, entries);
    if flat.is_undefined() {
        return None;
    }
    let flat: Array = flat.unchecked_into();
    let mut pairs = Vec::new();
    let mut i = 0;
    while i + 1 < flat.length() {
        pairs.push((flat.get(i).as_string()?, flat.get(i + 1).as_string()?));
        i += 2;
    }
    Some(pairs)
}

/// The current time from the JS clock (`Date.now()`); core never reads a clock itself.
pub fn now() -> UnixMillis {
    // Date.now() is an integral number of milliseconds well inside i64.
    UnixMillis(Date::now() as i64)
}

/// A JS `Date` for a core time.
pub fn date(at: UnixMillis) -> Date {
    // Milliseconds to f64: exact below 2^53 ms (year 285 616).
    Date::new(&JsValue::from_f64(at.as_millis() as f64))
}

/// A core time from a JS `Date` or a number of milliseconds since the epoch; `refused` is the
/// error message for anything else.
pub fn time_from_js(value: &JsValue, refused: &'static str) -> JsResult<UnixMillis> {
    let ms = millis(value).as_f64().unwrap_or(f64::NAN);
    if !ms.is_finite() {
        return Err(Thrown::invalid_input(refused));
    }
    // Rounded toward zero: sub-millisecond precision has no meaning to core.
    Ok(UnixMillis(ms as i64))
}

/// A JSON object as a plain JS object.
pub fn object_to_js(map: &tokensmith::json::Map) -> JsValue {
    // Core writes valid JSON (numbers keep the text they were parsed from), so `JSON.parse`
    // cannot throw here; the unreachable fallback is `undefined` rather than a made-up `{}`,
    // which would link js-sys's `Object::new` import for nothing.
    JSON::parse(&map.to_json()).unwrap_or_default()
}

/// An option bag property; `None` when the bag or the property is `undefined` or `null`.
pub fn property(bag: &JsValue, key: &str) -> Option<JsValue> {
    if bag.is_undefined() || bag.is_null() {
        return None;
    }
    Reflect::get(bag, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// A finite, non-negative number option; anything else present is refused.
pub fn number_option(bag: &JsValue, key: &str) -> JsResult<Option<f64>> {
    match property(bag, key) {
        None => Ok(None),
        Some(value) => match value.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
            _ => Err(Thrown::invalid_input(format!(
                "option {key} must be a non-negative number"
            ))),
        },
    }
}

/// Bytes from a string (UTF-8) or a `Uint8Array`.
pub fn bytes(value: &JsValue, what: &str) -> JsResult<Vec<u8>> {
    if let Some(text) = value.as_string() {
        return Ok(text.into_bytes());
    }
    value
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .ok_or_else(|| Thrown::invalid_input(format!("{what} must be a string or a Uint8Array")))
}

/// A list of strings sent as JSON text: `listArg` in `js/options.js` writes it from an array
/// whose items it checked to be strings (one string crosses the boundary instead of an array,
/// whose wasm-bindgen conversion is WebAssembly bytes of its own; issue 6's size budget).
pub fn string_list(json: &str) -> Vec<String> {
    // Always an array of strings (written by `JSON.stringify`): no error path for anything else.
    let Ok(tokensmith::json::Value::Array(items)) =
        tokensmith::json::parse_str(json, tokensmith::json::Duplicates::KeepLast)
    else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let tokensmith::json::Value::String(s) = item {
            out.push(s);
        }
    }
    out
}

/// A JS array of strings.
pub fn string_array(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}
