//! The parser against serde_json (the earlier parser, a dev-dependency here): same values, same
//! error kinds; the writer round trip; arbitrary bytes never panic.

use super::*;
use proptest::prelude::*;

fn ok(text: &str) -> Value {
    parse_str(text, Duplicates::KeepLast).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
}

fn kind(text: &[u8]) -> ErrorKind {
    parse(text, Duplicates::KeepLast).unwrap_err().kind
}

#[test]
fn values_of_every_type() {
    let v = ok(
        r#" {"s":"a\"b\\c\/\b\f\n\r\t\u00e9\ud83d\ude00","n":[0,-1,1.5,1e300,-0,3600.5],"t":true,"f":false,"z":null,"o":{}} "#,
    );
    assert_eq!(v["s"], "a\"b\\c/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}");
    assert_eq!(v["n"].as_array().unwrap().len(), 6);
    assert_eq!(v["n"].as_array().unwrap()[0], 0);
    assert_eq!(v["n"].as_array().unwrap()[1].as_i64(), Some(-1));
    assert_eq!(v["n"].as_array().unwrap()[2].as_f64(), Some(1.5));
    assert_eq!(v["n"].as_array().unwrap()[3].as_f64(), Some(1e300));
    assert_eq!(v["t"], true);
    assert_eq!(v["f"], false);
    assert!(v["z"].is_null());
    assert!(v["o"].as_object().unwrap().is_empty());
    assert!(v["missing"].is_null());
}

#[test]
fn numbers_are_classified_as_serde_json_did() {
    for text in [
        "0",
        "-0",
        "1",
        "-1",
        "3600",
        "3600.5",
        "1e3",
        "1E+3",
        "1e-3",
        "-1.5e2",
        "1.0",
        "9007199254740993",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "123456789012345678901234567890",
        "1e300",
        "4.9e-324",
        "1e-400",
    ] {
        let ours = ok(text);
        let n = ours.as_number().unwrap();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(n.as_i64(), theirs.as_i64(), "{text} as i64");
        assert_eq!(n.as_u64(), theirs.as_u64(), "{text} as u64");
        assert_eq!(n.as_f64(), theirs.as_f64(), "{text} as f64");
        assert_eq!(n.is_f64(), theirs.is_f64(), "{text} is f64");
        // The source text is kept.
        assert_eq!(ours.to_json(), text);
    }
}

#[test]
fn error_kinds() {
    use ErrorKind::*;
    for (text, want) in [
        (&b""[..], Eof),
        (b"   ", Eof),
        (b"{", Eof),
        (b"{\"a\"", Eof),
        (b"{\"a\":", Eof),
        (b"{\"a\":1", Eof),
        (b"[1,", Eof),
        (b"\"abc", Eof),
        (b"\"a\\", Eof),
        (b"\"\\u12", Eof),
        (b"tru", Eof),
        (b"-", Eof),
        (b"1.", Eof),
        (b"1e", Eof),
        (b"1e+", Eof),
        (b"trux", Syntax),
        (b"nul", Eof),
        (b"{} x", Syntax),
        (b"{\"a\":1,}", Syntax),
        (b"[1,]", Syntax),
        (b"[01]", Syntax),
        (b"01", Syntax),
        (b"+1", Syntax),
        (b".5", Syntax),
        (b"1.e3", Syntax),
        (b"NaN", Syntax),
        (b"Infinity", Syntax),
        (b"1e400", Syntax),
        (b"-1e400", Syntax),
        (b"{'a':1}", Syntax),
        (b"{a:1}", Syntax),
        (b"\"a\nb\"", Syntax),
        (b"\"\\x\"", Syntax),
        (b"\"\\ud800\"", Syntax),
        (b"\"\\udc00\"", Syntax),
        (b"\"\\ud800\\u0041\"", Syntax),
        (b"\"\xff\"", Syntax),
        (b"\"\xe2\x82\"", Syntax),
        (b"\xef\xbb\xbf{}", Syntax),
        (b"// c\n{}", Syntax),
        (b"{}\x00", Syntax),
    ] {
        assert_eq!(kind(text), want, "{:?}", String::from_utf8_lossy(text));
        // serde_json agrees that it is an error, and on which kind.
        let theirs = serde_json::from_slice::<serde_json::Value>(text).unwrap_err();
        assert_eq!(
            theirs.is_eof(),
            want == Eof,
            "{:?}",
            String::from_utf8_lossy(text)
        );
    }
}

#[test]
fn duplicates() {
    let text = br#"{"a":{"x":1,"x":2},"a":3}"#;
    assert_eq!(parse(text, Duplicates::KeepLast).unwrap()["a"], 3);
    assert_eq!(
        parse(text, Duplicates::Reject).unwrap_err().kind,
        ErrorKind::Duplicate
    );
    assert_eq!(
        parse(text, Duplicates::RejectTopLevel).unwrap_err().kind,
        ErrorKind::Duplicate
    );
    let nested = br#"{"a":{"x":1,"x":2}}"#;
    assert_eq!(
        parse(nested, Duplicates::RejectTopLevel).unwrap()["a"]["x"],
        2
    );
    assert_eq!(
        parse(nested, Duplicates::Reject).unwrap_err().kind,
        ErrorKind::Duplicate
    );
    // The same name spelled with an escape is the same name.
    assert_eq!(
        parse(br#"{"alg":1,"\u0061lg":2}"#, Duplicates::Reject)
            .unwrap_err()
            .kind,
        ErrorKind::Duplicate
    );
}

#[test]
fn nesting_limit() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(parse_str(&nested(MAX_DEPTH), Duplicates::KeepLast).is_ok());
    assert_eq!(
        parse_str(&nested(MAX_DEPTH + 1), Duplicates::KeepLast)
            .unwrap_err()
            .kind,
        ErrorKind::Syntax
    );
    // serde_json drew the line at the same depth.
    assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH)).is_ok());
    assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH + 1)).is_err());
    let deep = "[".repeat(100_000);
    assert_eq!(
        parse_str(&deep, Duplicates::KeepLast).unwrap_err().kind,
        ErrorKind::Syntax
    );
}

#[test]
fn error_positions() {
    let e = parse_str("{\n  \"a\": tx\n}", Duplicates::KeepLast).unwrap_err();
    assert_eq!((e.kind, e.line, e.column), (ErrorKind::Syntax, 2, 9));
    let e = parse_str("[1,\n", Duplicates::KeepLast).unwrap_err();
    assert_eq!((e.kind, e.line, e.column), (ErrorKind::Eof, 2, 1));
}

#[test]
fn writer_escapes_as_serde_json() {
    let s: String = (0u32..0x80)
        .filter_map(char::from_u32)
        .chain("é😀\u{2028}".chars())
        .collect();
    let mut ours = String::new();
    write_string(&mut ours, &s);
    assert_eq!(ours, serde_json::to_string(&s).unwrap());
}

#[test]
fn objects_iterate_in_name_order() {
    let v = ok(r#"{"b":1,"a":2,"c":{"z":1,"y":2}}"#);
    assert_eq!(v.to_json(), r#"{"a":2,"b":1,"c":{"y":2,"z":1}}"#);
    let theirs: serde_json::Value =
        serde_json::from_str(r#"{"b":1,"a":2,"c":{"z":1,"y":2}}"#).unwrap();
    assert_eq!(v.to_json(), theirs.to_string());
}

/// Whether our value and serde_json's are the same tree (numbers compared as serde_json reads them).
fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as S;
    match (ours, theirs) {
        (Value::Null, S::Null) => true,
        (Value::Bool(a), S::Bool(b)) => a == b,
        (Value::Number(a), S::Number(b)) => {
            a.as_i64() == b.as_i64() && a.as_u64() == b.as_u64() && a.as_f64() == b.as_f64()
        }
        (Value::String(a), S::String(b)) => a == b,
        (Value::Array(a), S::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), S::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => false,
    }
}

#[test]
fn a_unicode_escape_cut_short_is_truncation() {
    // Fewer than 4 bytes after `\u`: the body was cut off whatever they are (serde_json agrees;
    // proptest found `"\u ` read as a syntax error while serde_json called it EOF).
    for text in ["\"\\u ", "\"\\u1", "\"\\u12 ", "\"\\uD800\\u12"] {
        let err = parse_str(text, Duplicates::KeepLast).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Eof, "{text:?}");
        assert!(serde_json::from_str::<serde_json::Value>(text)
            .unwrap_err()
            .is_eof());
    }
    // 4 bytes that are not hex digits: a syntax error in both.
    let err = parse_str("\"\\u 123\"", Duplicates::KeepLast).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert!(serde_json::from_str::<serde_json::Value>("\"\\u 123\"")
        .unwrap_err()
        .is_syntax());
}

/// Arbitrary JSON values built from integers, strings and nesting.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((".*", inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Integer literals read as `i64` / `u64` exactly as `str::parse` read them before (core now
    /// uses its own digit reader); `-0` stays a float, as in serde_json.
    #[test]
    fn integers_read_as_std_parse_did(text in "-?(0|[1-9][0-9]{0,20})") {
        let n = ok(&text).as_number().cloned().unwrap();
        let want_i64 = text.parse::<i64>().ok().filter(|&v| v != 0 || !text.starts_with('-'));
        prop_assert_eq!(n.as_i64(), want_i64);
        let want_u64 = if text.starts_with('-') { None } else { text.parse::<u64>().ok() };
        prop_assert_eq!(n.as_u64(), want_u64);
    }

    #[test]
    fn write_then_parse_round_trips(v in value()) {
        let text = v.to_json();
        prop_assert_eq!(parse_str(&text, Duplicates::Reject), Ok(v));
        // serde_json reads what we write, as the same text.
        let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(theirs.to_string(), text);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_agree_with_serde_json(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let ours = parse(&bytes, Duplicates::KeepLast);
        let theirs = serde_json::from_slice::<serde_json::Value>(&bytes);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok());
        match (ours, theirs) {
            (Ok(o), Ok(t)) => prop_assert!(same(&o, &t)),
            (Err(o), Err(t)) => prop_assert_eq!(o.kind == ErrorKind::Eof, t.is_eof()),
            _ => {}
        }
    }

    #[test]
    fn json_like_text_agrees_with_serde_json(text in r#"[\[\]{}",:0-9eE.+\- tfnrulas\\]{0,24}"#) {
        let ours = parse_str(&text, Duplicates::KeepLast);
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", text);
        match (ours, theirs) {
            (Ok(o), Ok(t)) => prop_assert!(same(&o, &t), "{:?}", text),
            (Err(o), Err(t)) => prop_assert_eq!(o.kind == ErrorKind::Eof, t.is_eof(), "{:?}", text),
            _ => {}
        }
    }
}

#[test]
fn many_members_parse_in_n_log_n() {
    // 200 000 members in reverse name order: inserting one by one into the sorted vector would
    // move ~10^10 entries; sorting once does not. A regression shows as this test hanging.
    let mut text = String::from("{");
    for i in (0..200_000).rev() {
        if i != 199_999 {
            text.push(',');
        }
        text.push_str(&format!("\"k{i:06}\":{i}"));
    }
    text.push_str(",\"k000000\":\"last\"}");
    let v = parse_str(&text, Duplicates::KeepLast).unwrap();
    let map = v.as_object().unwrap();
    assert_eq!(map.len(), 200_000);
    assert_eq!(map["k000000"], "last");
    assert_eq!(map["k199999"], 199_999);
    assert!(map.keys().zip(map.keys().skip(1)).all(|(a, b)| a < b));
    let e = parse_str(&text, Duplicates::Reject).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Duplicate);
}

#[test]
fn duplicate_is_reported_before_a_later_syntax_error() {
    for dup in [Duplicates::Reject, Duplicates::RejectTopLevel] {
        assert_eq!(
            parse(br#"{"a":1,"a":2,"#, dup).unwrap_err().kind,
            ErrorKind::Duplicate
        );
        assert_eq!(
            parse(br#"{"a":1,"a":"#, dup).unwrap_err().kind,
            ErrorKind::Duplicate
        );
    }
    assert_eq!(
        parse(br#"{"a":1,"a":2,"#, Duplicates::KeepLast)
            .unwrap_err()
            .kind,
        ErrorKind::Eof
    );
}
