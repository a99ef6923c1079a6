//! The granted `scope` of a token response (RFC 6749 §5.1, §3.3): a space-delimited string, or
//! (as several servers send it) a JSON array of strings.

use crate::error::{Error, Result};
use crate::json::Value;

/// `None` when absent or `null`. Scope tokens are split on whitespace in both forms, empty ones
/// dropped (a doubled space is a sloppy server, not an empty scope), order and duplicates kept.
pub(crate) fn parse_scope(value: Option<Value>) -> Result<Option<Vec<String>>> {
    let mut out = Vec::new();
    match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => push_split(&mut out, &s),
        Some(Value::Array(items)) => {
            for item in items {
                match item {
                    Value::String(s) => push_split(&mut out, &s),
                    _ => return Err(invalid()),
                }
            }
        }
        Some(_) => return Err(invalid()),
    }
    Ok(Some(out))
}

/// Appends the scope tokens of `s` (no list per string).
fn push_split(out: &mut Vec<String>, s: &str) {
    out.extend(s.split_ascii_whitespace().map(str::to_owned));
}

fn invalid() -> Error {
    Error::InvalidTokenResponse("scope is neither a string nor an array of strings".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::test_json as json;

    #[test]
    fn string_and_array_forms() {
        assert_eq!(parse_scope(None).unwrap(), None);
        assert_eq!(parse_scope(Some(Value::Null)).unwrap(), None);
        assert_eq!(
            parse_scope(Some(json!(" read  write:all "))).unwrap(),
            Some(vec!["read".to_string(), "write:all".to_string()])
        );
        assert_eq!(
            parse_scope(Some(json!(["read", "a b"]))).unwrap(),
            Some(vec!["read".to_string(), "a".to_string(), "b".to_string()])
        );
        assert_eq!(parse_scope(Some(json!(""))).unwrap(), Some(vec![]));
        for bad in [json!(1), json!({}), json!(["a", 1]), json!(true)] {
            assert_eq!(
                parse_scope(Some(bad)).unwrap_err().code(),
                "invalid_token_response"
            );
        }
    }
}
