//! Replays tests/vectors/encoding.json (shared with the Node and pytest suites).

use serde_json::Value;
use tokensmith::{basic_authorization, form, space_auth_key, BasicEncoding};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/encoding.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read encoding.json"))
        .expect("parse")
}

fn check(name: &str, result: tokensmith::Result<tokensmith::Secret>, case: &Value) {
    match (result, case.get("expected"), case.get("error")) {
        (Ok(v), Some(expected), None) => {
            assert_eq!(v.expose_secret(), expected.as_str().unwrap(), "{name}")
        }
        (Err(e), None, Some(code)) => assert_eq!(e.code(), code.as_str().unwrap(), "{name}"),
        (r, e, c) => panic!("{name}: got {r:?}, expected {e:?} / error {c:?}"),
    }
}

#[test]
fn basic_vectors() {
    let v = vectors();
    let cases = v["basic"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let encoding: BasicEncoding = case["encoding"].as_str().unwrap().parse().unwrap();
        let r = basic_authorization(
            case["client_id"].as_str().unwrap(),
            case["client_secret"].as_str().unwrap(),
            encoding,
        );
        check(name, r, case);
    }
}

#[test]
fn space_auth_key_vectors() {
    let v = vectors();
    for case in v["space_auth_key"].as_array().unwrap() {
        let r = space_auth_key(
            case["client_id"].as_str().unwrap(),
            case["client_secret"].as_str().unwrap(),
        );
        check(case["name"].as_str().unwrap(), r, case);
    }
}

#[test]
fn form_component_vectors() {
    let v = vectors();
    for case in v["form_component"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        assert_eq!(
            form::encode_component(input),
            case["expected"].as_str().unwrap(),
            "{input:?}"
        );
        assert_eq!(
            form::decode_component(&form::encode_component(input)).unwrap(),
            input
        );
    }
}
