//! Replays tests/vectors/jwt.json through the Rust half of `verifyJwt` in a real JS engine (Node
//! and, with `test-wasm-browser`, headless Chromium): `__prepareVerify` (header rules, key
//! selection, HS256 verified in Rust) and, for the other algorithms, the `next` of the
//! `__VendorCall` it returns (the key's WebCrypto form, then the claim rules) called as
//! `wasm/js/jwt.js` calls it. WebCrypto's part
//! (importKey + verify of RS256, ES256 and EdDSA) is `jwt.js`'s and is replayed by the Node
//! suites (tests/node/jwt.test.mjs) against the built package.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Reflect, Uint8Array, JSON};
use serde_json::Value;
use tokensmith_wasm::jwt::{decode_jwt, prepare_verify};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const VECTORS: &str = include_str!("../../tests/vectors/jwt.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("jwt.json parses")
}

/// The key set as `jwt.js` hands it over: text (JSON or PEM).
fn keys_for(all: &Value, keys: &Value) -> String {
    match keys.as_str() {
        Some("jwks") => all["jwks"].to_string(),
        Some("rsa_pem") => all["rsa_public_pem"].as_str().expect("pem").to_owned(),
        _ => serde_json::json!({"kty": "oct", "k": keys["hmac_secret_b64url"]}).to_string(),
    }
}

/// `__prepareVerify` with the case's options as `jwt.js` passes them (`verifyArgs`: algorithms,
/// issuer, audience, leeway, allowMissingExpInsecure, understoodCrit, time in ms), at the vector
/// file's `now`.
fn prepare(all: &Value, case: &Value) -> Result<JsValue, JsValue> {
    let v = &case["validation"];
    let absent = |value: &Value| {
        if value.is_null() {
            JsValue::UNDEFINED
        } else {
            js(value)
        }
    };
    let options = Array::new();
    for value in [
        js(&v["algorithms"]),
        absent(&v["issuer"]),
        absent(&v["audience"]),
        JsValue::UNDEFINED,
        v["allow_missing_exp_insecure"]
            .as_bool()
            .unwrap_or(false)
            .into(),
        Array::new().into(),
        (all["now"].as_f64().expect("now") * 1000.0).into(),
    ] {
        options.push(&value);
    }
    prepare_verify(
        case["token"].as_str().expect("token"),
        &keys_for(all, &case["keys"]),
        &options,
    )
    .map_err(JsValue::from)
}

fn js(value: &Value) -> JsValue {
    JSON::parse(&value.to_string()).expect("valid JSON")
}

/// `finish.next(verdict)`, through the JS class as `jwt.js` calls it.
fn next(step: &Array, verdict: JsValue) -> Result<JsValue, JsValue> {
    let finisher = step.get(0);
    let method: Function = Reflect::get(&finisher, &"next".into())
        .expect("next")
        .dyn_into()
        .expect("a method");
    method.call1(&finisher, &verdict)
}

/// `finish.next(verdict)[1]` (`next` answers `[DONE, { header, claims }]`).
fn finish(step: &Array, verdict: JsValue) -> Result<JsValue, JsValue> {
    Ok(next(step, verdict)?.unchecked_into::<Array>().get(1))
}

fn property(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &key.into())
        .ok()
        .and_then(|v| v.as_string())
}

/// What WebCrypto is given for `token`: the signed bytes and the signature of the token (RFC 7515
/// §5.2), a public key's identity (a number), and the key's form `[jwk, importAlgorithm,
/// verifyAlgorithm]` from `next(null)`.
fn check_webcrypto_inputs(name: &str, token: &str, step: &Array) {
    assert_eq!(step.length(), 4, "{name}");
    let (signed, signature) = token.rsplit_once('.').expect("three segments");
    let bytes = |i| {
        step.get(i)
            .dyn_into::<Uint8Array>()
            .expect("bytes")
            .to_vec()
    };
    assert_eq!(bytes(2), signed.as_bytes(), "{name}: signing input");
    let signature = signature.trim_end_matches('=');
    assert!(!bytes(3).is_empty(), "{name}: signature");
    assert!(
        signature.len() * 6 / 8 >= bytes(3).len(),
        "{name}: signature length"
    );
    assert!(
        step.get(1).as_f64().is_some(),
        "{name}: a public key has an identity"
    );
    let form: Array = next(step, JsValue::NULL).expect("form").unchecked_into();
    assert_eq!(form.length(), 3, "{name}");
    let jwk = form.get(0);
    assert!(property(&jwk, "kty").is_some(), "{name}: jwk");
    assert!(property(&jwk, "d").is_none(), "{name}: private member");
    for i in 1..=2 {
        assert!(
            property(&form.get(i), "name").is_some(),
            "{name}: algorithm"
        );
    }
}

#[wasm_bindgen_test]
fn verify_vectors() {
    let all = vectors();
    let cases = all["cases"].as_array().expect("cases");
    assert!(cases.len() >= 40, "the vector file lost cases");
    let (mut in_rust, mut finished) = (0, 0);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let expect = &case["expect"];
        let want = expect["error"].as_str().or(expect["key_error"].as_str());
        let result = match prepare(&all, case) {
            Ok(step) if Array::is_array(&step) => {
                let step = Array::from(&step);
                check_webcrypto_inputs(name, case["token"].as_str().expect("token"), &step);
                finished += 1;
                // WebCrypto's verdict as the vector states it: only a jwt_signature case has a
                // signature that does not verify; every other one is signed by its key.
                finish(&step, (want != Some("jwt_signature")).into())
            }
            Ok(verified) => {
                in_rust += 1;
                Ok(verified)
            }
            Err(thrown) => Err(thrown),
        };
        match result {
            Ok(verified) => {
                assert_eq!(expect["ok"], Value::Bool(true), "{name}: verified");
                let claims = Reflect::get(&verified, &"claims".into()).expect("claims");
                assert_eq!(
                    property(&claims, "iss").as_deref(),
                    case["validation"]["issuer"].as_str(),
                    "{name}"
                );
                let header = Reflect::get(&verified, &"header".into()).expect("header");
                assert!(property(&header, "alg").is_some(), "{name}");
            }
            Err(thrown) => {
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
    // Both halves ran: HS256 in Rust, the other algorithms through finish.
    assert!(in_rust >= 1, "no token was verified in Rust");
    assert!(finished >= 10, "only {finished} tokens reached finish");
}

#[wasm_bindgen_test]
fn a_key_webcrypto_refuses_is_jwt_invalid_key() {
    let all = vectors();
    let cases = all["cases"].as_array().expect("cases");
    for name in ["valid RS256", "valid ES256", "valid EdDSA"] {
        let case = cases.iter().find(|c| c["name"] == name).expect(name);
        let step = Array::from(&prepare(&all, case).expect("prepared"));
        // `undefined`: importKey threw (say Ed25519 in an engine without Secure Curves).
        let thrown = finish(&step, JsValue::UNDEFINED).expect_err("refused");
        assert_eq!(
            property(&thrown, "code").as_deref(),
            Some("jwt_invalid_key")
        );
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
