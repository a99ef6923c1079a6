//! Reading a response body as one JSON object (RFC 8259), with the size cap, and telling apart
//! the ways it can fail: empty, too large, not JSON, truncated, not an object, duplicate names.
//!
//! Duplicate member names (RFC 8259 §4 leaves their meaning undefined): a top-level object with a
//! repeated name is refused. Two `access_token`s or two `error`s are a sign of a broken or
//! spliced response, and a parser that picks one (serde_json keeps the last, others the first)
//! could disagree with a proxy or log that read the other. Nested objects are only kept in
//! `Token::extra`, where the last value wins (as serde_json, the earlier parser, did).

use crate::error::UnexpectedReason;
use crate::json::{self, Duplicates, ErrorKind, Map, Value};

/// Why the body is not a usable JSON object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyProblem {
    Unexpected(UnexpectedReason),
    /// A top-level member name appears twice.
    DuplicateMember,
}

/// A UTF-8 byte order mark, which RFC 8259 §8.1 lets a parser ignore (some Windows servers send
/// one).
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The body as a JSON object, when it is one and is at most `max_bytes` long.
pub(crate) fn read_object(body: &[u8], max_bytes: usize) -> Result<Map, BodyProblem> {
    if body.len() > max_bytes {
        return Err(BodyProblem::Unexpected(UnexpectedReason::TooLarge));
    }
    let body = body.strip_prefix(UTF8_BOM).unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyProblem::Unexpected(UnexpectedReason::Empty));
    }
    match json::parse(body, Duplicates::RejectTopLevel) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyProblem::Unexpected(UnexpectedReason::NotObject)),
        Err(e) => Err(match e.kind {
            // The input ended inside a value: a cut-off transfer.
            ErrorKind::Eof => BodyProblem::Unexpected(UnexpectedReason::Truncated),
            ErrorKind::Duplicate => BodyProblem::DuplicateMember,
            ErrorKind::Syntax => BodyProblem::Unexpected(UnexpectedReason::NotJson),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAP: usize = 1024;

    fn problem(body: &[u8]) -> BodyProblem {
        read_object(body, CAP).unwrap_err()
    }

    #[test]
    fn objects_are_read() {
        let map = read_object(br#" {"a": 1, "b": {"c": [1, 2]}} "#, CAP).unwrap();
        assert_eq!(map.len(), 2);
        let map = read_object(b"\xEF\xBB\xBF{\"a\":1}", CAP).unwrap();
        assert_eq!(map["a"], 1);
        // Nested duplicates keep the last value.
        let map = read_object(br#"{"n":{"x":1,"x":2}}"#, CAP).unwrap();
        assert_eq!(map["n"]["x"], 2);
    }

    #[test]
    fn each_failure_has_its_reason() {
        use UnexpectedReason::*;
        for (body, want) in [
            (&b""[..], BodyProblem::Unexpected(Empty)),
            (b" \r\n\t", BodyProblem::Unexpected(Empty)),
            (b"<html>error</html>", BodyProblem::Unexpected(NotJson)),
            (b"Unauthorized", BodyProblem::Unexpected(NotJson)),
            (b"{\"a\":1} trailing", BodyProblem::Unexpected(NotJson)),
            (b"{\"a\":\"\xff\"}", BodyProblem::Unexpected(NotJson)),
            (b"[1, {\"a\": 2}]", BodyProblem::Unexpected(NotObject)),
            (b"null", BodyProblem::Unexpected(NotObject)),
            (b"\"text\"", BodyProblem::Unexpected(NotObject)),
            (b"42", BodyProblem::Unexpected(NotObject)),
            (b"true", BodyProblem::Unexpected(NotObject)),
            (
                b"{\"access_token\": \"ab",
                BodyProblem::Unexpected(Truncated),
            ),
            (b"{\"a\": [1, 2", BodyProblem::Unexpected(Truncated)),
            (b"{", BodyProblem::Unexpected(Truncated)),
            (b"{\"a\":1,\"a\":2}", BodyProblem::DuplicateMember),
        ] {
            assert_eq!(problem(body), want, "{:?}", String::from_utf8_lossy(body));
        }
        assert_eq!(
            problem(&vec![b' '; CAP + 1]),
            BodyProblem::Unexpected(TooLarge)
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(
            read_object(deep.as_bytes(), usize::MAX).unwrap_err(),
            BodyProblem::Unexpected(UnexpectedReason::NotJson)
        );
    }
}
