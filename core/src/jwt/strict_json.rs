//! JSON objects parsed with duplicate member names rejected.
//!
//! RFC 7515 §4 and RFC 7519 §4 require member names to be unique, and RFC 7515 §4 lets a parser
//! either reject duplicates or keep the last one. `serde_json` keeps the last one silently, so two
//! parsers (ours and the signer's, or a WAF's) could disagree on which `alg`, `exp` or `sub` a token
//! carries. We reject, at every nesting level ([`Duplicates::Reject`]).

use crate::json::{self, Duplicates, ErrorKind, Map, Value};

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

/// Parses `bytes` as one JSON object, rejecting duplicate member names at any depth.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map, StrictJsonError> {
    match json::parse(bytes, Duplicates::Reject) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(StrictJsonError::NotObject),
        Err(e) if e.kind == ErrorKind::Duplicate => Err(StrictJsonError::Duplicate),
        Err(_) => Err(StrictJsonError::Invalid),
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
        // Repeated names in different objects are not duplicates.
        assert!(parse_object(br#"{"a":{"b":1},"c":{"b":2},"d":[{"b":1},{"b":2}]}"#).is_ok());
    }
}
