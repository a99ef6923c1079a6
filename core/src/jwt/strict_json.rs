//! JSON objects parsed with duplicate member names rejected.
//!
//! RFC 7515 §4 and RFC 7519 §4 require member names to be unique, and RFC 7515 §4 lets a parser
//! either reject duplicates or keep the last one. `serde_json` keeps the last one silently, so two
//! parsers (ours and the signer's, or a WAF's) could disagree on which `alg`, `exp` or `sub` a token
//! carries. We reject, at every nesting level.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Why [`parse_object`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StrictJsonError {
    /// Not UTF-8, not JSON, trailing data, or too deeply nested.
    Invalid,
    /// Valid JSON, but not an object.
    NotObject,
    /// An object with the same member name twice.
    Duplicate,
}

/// Marker in the serde error message that tells a duplicate from other syntax errors.
const DUPLICATE_MARKER: &str = "tokensmith: duplicate member name";

/// Parses `bytes` as one JSON object, rejecting duplicate member names at any depth.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, StrictJsonError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue::deserialize(&mut de).map_err(|e| classify(&e))?;
    de.end().map_err(|_| StrictJsonError::Invalid)?;
    match value.0 {
        Value::Object(map) => Ok(map),
        _ => Err(StrictJsonError::NotObject),
    }
}

fn classify(e: &serde_json::Error) -> StrictJsonError {
    if e.to_string().contains(DUPLICATE_MARKER) {
        StrictJsonError::Duplicate
    } else {
        StrictJsonError::Invalid
    }
}

/// A `serde_json::Value` whose objects never contain a name twice.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // serde_json never produces NaN or infinity from text, but stay total: map them to null
        // as `serde_json::Value` does.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            if map.contains_key(&name) {
                return Err(de::Error::custom(DUPLICATE_MARKER));
            }
            let StrictValue(value) = access.next_value()?;
            map.insert(name, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_objects() {
        let map = parse_object(br#"{"a":1,"b":[1,{"c":null}],"d":1.5,"e":-3}"#).unwrap();
        assert_eq!(map.len(), 4);
        assert_eq!(map["e"], Value::from(-3));
    }

    #[test]
    fn rejects_duplicates_at_any_depth() {
        assert_eq!(
            parse_object(br#"{"a":1,"a":2}"#),
            Err(StrictJsonError::Duplicate)
        );
        assert_eq!(
            parse_object(br#"{"a":{"b":1,"b":1}}"#),
            Err(StrictJsonError::Duplicate)
        );
        assert_eq!(
            parse_object(br#"{"a":[{"b":1,"b":1}]}"#),
            Err(StrictJsonError::Duplicate)
        );
        // An escaped spelling of the same name is the same name once unescaped.
        assert_eq!(
            parse_object(br#"{"alg":1,"\u0061lg":2}"#),
            Err(StrictJsonError::Duplicate)
        );
    }

    #[test]
    fn rejects_non_objects_and_garbage() {
        assert_eq!(parse_object(b"[1]"), Err(StrictJsonError::NotObject));
        assert_eq!(parse_object(b"{} x"), Err(StrictJsonError::Invalid));
        assert_eq!(parse_object(b"{\"a\":"), Err(StrictJsonError::Invalid));
        assert_eq!(parse_object(b"\xff"), Err(StrictJsonError::Invalid));
        // A string value that merely contains the marker text is not a duplicate error.
        let text = format!("{{\"a\":\"{DUPLICATE_MARKER}\"}}");
        assert!(parse_object(text.as_bytes()).is_ok());
    }
}
