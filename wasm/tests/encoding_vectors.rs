//! Replays tests/vectors/encoding.json through the exported functions, in a real JS engine.
//!
//! The same test binary runs in Node (the default of wasm-bindgen-test-runner) and in headless
//! Chromium (`WASM_BINDGEN_USE_BROWSER=1`, see the justfile's `test-wasm-browser`).
#![cfg(target_arch = "wasm32")]

use js_sys::JsString;
use serde_json::Value;
use tokensmith_wasm::{basic_authorization, errors::JsResult, space_auth_key};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const VECTORS: &str = include_str!("../../tests/vectors/encoding.json");

fn cases(group: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(VECTORS).expect("encoding.json parses");
    all[group].as_array().expect("group is an array").clone()
}

fn field<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {case}"))
}

/// Reads a property of a thrown JS value.
fn property(value: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

/// Checks a result against a vector: the expected header value, or a thrown JS `Error` named
/// `InputError` (a `TokenError`) whose `code` is the expected one and whose message does not
/// leak the secret.
fn check(case: &Value, result: JsResult<JsString>) {
    let name = field(case, "name");
    match (result, case.get("expected"), case.get("error")) {
        (Ok(value), Some(expected), None) => {
            assert_eq!(value.as_string().as_deref(), expected.as_str(), "{name}")
        }
        (Err(error), None, Some(code)) => {
            let thrown = JsValue::from(error);
            let js_error = thrown
                .dyn_ref::<js_sys::Error>()
                .unwrap_or_else(|| panic!("{name}: thrown value is not an Error"));
            // Core's input family: `InputError`, a `TokenError` subclass (as Python's).
            assert_eq!(js_error.name(), "InputError", "{name}");
            assert_eq!(
                property(&thrown, "code").as_deref(),
                code.as_str(),
                "{name}"
            );
            let message = String::from(js_error.message());
            let secret = field(case, "client_secret");
            assert!(
                secret.is_empty() || !message.contains(secret),
                "{name}: message leaks the secret"
            );
        }
        (Ok(value), _, _) => panic!(
            "{name}: got a value of {} UTF-16 units, expected an error",
            value.length()
        ),
        (Err(error), _, _) => panic!("{name}: unexpected error {}", error.code()),
    }
}

#[wasm_bindgen_test]
fn basic_vectors() {
    let cases = cases("basic");
    assert!(cases.len() >= 20, "the vector file lost cases");
    for case in &cases {
        let encoding = Some(field(case, "encoding").to_owned());
        check(
            case,
            basic_authorization(
                field(case, "client_id"),
                field(case, "client_secret"),
                encoding,
            ),
        );
    }
}

#[wasm_bindgen_test]
fn basic_defaults_to_form_encoding() {
    for case in cases("basic")
        .iter()
        .filter(|c| field(c, "encoding") == "form")
    {
        check(
            case,
            basic_authorization(field(case, "client_id"), field(case, "client_secret"), None),
        );
    }
}

#[wasm_bindgen_test]
fn space_auth_key_vectors() {
    let cases = cases("space_auth_key");
    assert!(cases.len() >= 10, "the vector file lost cases");
    for case in &cases {
        check(
            case,
            space_auth_key(field(case, "client_id"), field(case, "client_secret")),
        );
    }
}

#[wasm_bindgen_test]
fn unknown_encoding_is_invalid_input() {
    let thrown = JsValue::from(
        basic_authorization("id", "secret", Some("base64".to_owned())).expect_err("refused"),
    );
    assert!(thrown.is_instance_of::<js_sys::Error>());
    assert_eq!(property(&thrown, "code").as_deref(), Some("invalid_input"));
}
