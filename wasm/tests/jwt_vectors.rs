//! Replays tests/vectors/jwt.json through `verify_jwt` in a real JS engine: in Node and, with
//! `test-wasm-browser`, in headless Chromium, whose WebCrypto verifies the RS256, ES256 and EdDSA
//! signatures.
#![cfg(target_arch = "wasm32")]

use js_sys::{Date, Object, Reflect};
use serde_json::Value;
use tokensmith_wasm::jwt::{decode_jwt, verify_jwt};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const VECTORS: &str = include_str!("../../tests/vectors/jwt.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("jwt.json parses")
}

fn js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).expect("valid JSON")
}

fn keys_for(all: &Value, keys: &Value) -> JsValue {
    match keys.as_str() {
        Some("jwks") => js(&all["jwks"]),
        Some("rsa_pem") => JsValue::from_str(all["rsa_public_pem"].as_str().expect("pem")),
        _ => js(&serde_json::json!({"kty": "oct", "k": keys["hmac_secret_b64url"]})),
    }
}

fn options(all: &Value, validation: &Value) -> JsValue {
    let options = Object::new();
    let set = |key: &str, value: JsValue| {
        Reflect::set(&options, &key.into(), &value).expect("set option");
    };
    set("algorithms", js(&validation["algorithms"]));
    set("issuer", js(&validation["issuer"]));
    set("audience", js(&validation["audience"]));
    if let Some(allow) = validation["allow_missing_exp_insecure"].as_bool() {
        set("allowMissingExpInsecure", allow.into());
    }
    let now_ms = all["now"].as_f64().expect("now") * 1000.0;
    set("currentDate", Date::new(&now_ms.into()).into());
    options.into()
}

fn property(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &key.into())
        .ok()
        .and_then(|v| v.as_string())
}

#[wasm_bindgen_test]
async fn verify_vectors() {
    let all = vectors();
    let cases = all["cases"].as_array().expect("cases");
    assert!(cases.len() >= 40, "the vector file lost cases");
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let token = case["token"].as_str().expect("token").to_owned();
        let result = verify_jwt(
            token,
            keys_for(&all, &case["keys"]),
            options(&all, &case["validation"]),
        )
        .await;
        let expect = &case["expect"];
        match result {
            Ok(verified) => {
                assert_eq!(expect["ok"], Value::Bool(true), "{name}: verified");
                let claims = Reflect::get(&verified, &"claims".into()).expect("claims");
                assert_eq!(
                    property(&claims, "iss").as_deref(),
                    case["validation"]["issuer"].as_str(),
                    "{name}"
                );
            }
            Err(thrown) => {
                let want = expect["error"].as_str().or(expect["key_error"].as_str());
                assert!(
                    want.is_some(),
                    "{name}: rejected with {:?}",
                    property(&thrown, "code")
                );
                assert!(thrown.is_instance_of::<js_sys::Error>(), "{name}");
                assert_eq!(
                    property(&thrown, "name").as_deref(),
                    Some("JwtError"),
                    "{name}"
                );
                assert_eq!(property(&thrown, "code").as_deref(), want, "{name}");
            }
        }
    }
}

#[wasm_bindgen_test]
fn decode_refusals() {
    let all = vectors();
    for case in all["cases"].as_array().expect("cases") {
        let Some(code) = case["decode"]["error"].as_str() else {
            continue;
        };
        let thrown =
            JsValue::from(decode_jwt(case["token"].as_str().expect("token")).expect_err("refused"));
        assert_eq!(property(&thrown, "code").as_deref(), Some(code));
    }
}
