//! Replays tests/vectors/jwt.json (made by tests/vectors/gen_jwt.py with Python `cryptography`,
//! shared with the Node and pytest suites): decode, native verify, the WebCrypto split, and sign.

use base64::Engine as _;
use serde_json::{Map, Value};
use tokensmith::jwt::webcrypto::{prepare, Prepared};
use tokensmith::jwt::{decode_unverified, Algorithm, Jwk, JwtError, KeySet, Validation};
use tokensmith::UnixMillis;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/jwt.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read jwt.json")).expect("parse")
}

fn b64url(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .expect("b64url")
}

fn keys_for(v: &Value, case: &Value) -> Result<KeySet, JwtError> {
    match &case["keys"] {
        Value::String(s) if s == "jwks" => KeySet::from_jwks_json(&v["jwks"].to_string()),
        Value::String(s) if s == "rsa_pem" => Ok(KeySet::new(vec![Jwk::from_pem(
            v["rsa_public_pem"].as_str().unwrap(),
            None,
        )?])),
        Value::Object(o) => {
            let secret = b64url(o["hmac_secret_b64url"].as_str().unwrap());
            Ok(KeySet::new(vec![Jwk::from_hmac_secret(&secret, None)?]))
        }
        other => panic!("unknown key source {other}"),
    }
}

fn validation_for(case: &Value) -> Validation {
    let v = &case["validation"];
    let algs: Vec<Algorithm> = v["algorithms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| Algorithm::parse(a.as_str().unwrap()).unwrap())
        .collect();
    let mut validation = Validation::new(&algs);
    validation.issuer = v.get("issuer").and_then(Value::as_str).map(str::to_owned);
    validation.audience = v.get("audience").and_then(Value::as_str).map(str::to_owned);
    validation.allow_missing_exp_insecure = v
        .get("allow_missing_exp_insecure")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    validation
}

fn code<T>(r: &Result<T, JwtError>) -> &'static str {
    r.as_ref().err().map_or("ok", JwtError::code)
}

fn expected(case: &Value) -> &str {
    case["expect"]
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or("ok")
}

#[test]
fn decode_vectors() {
    let v = vectors();
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let got = decode_unverified(case["token"].as_str().unwrap());
        let want = case
            .get("decode")
            .map_or("ok", |d| d["error"].as_str().unwrap());
        assert_eq!(code(&got), want, "{name}");
        // Through the crate-wide error, the code and family are the same.
        if let Err(e) = got {
            let e: tokensmith::Error = e.into();
            assert_eq!(e.code(), want);
            assert_eq!(e.family(), tokensmith::error::ErrorFamily::Jwt);
        }
    }
}

#[cfg(feature = "native-crypto")]
#[test]
fn verify_vectors() {
    let v = vectors();
    let now = UnixMillis::from_secs(v["now"].as_i64().unwrap());
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let keys = keys_for(&v, case);
        if let Some(key_error) = case["expect"].get("key_error") {
            assert_eq!(code(&keys), key_error.as_str().unwrap(), "{name}");
            continue;
        }
        let keys = keys.unwrap_or_else(|e| panic!("{name}: keys: {e}"));
        let got = tokensmith::jwt::verify(
            case["token"].as_str().unwrap(),
            &keys,
            &validation_for(case),
            now,
        );
        assert_eq!(code(&got), expected(case), "{name}");
        if let Ok(jwt) = got {
            assert_eq!(jwt.claims["sub"], "user-1", "{name}");
        }
    }
}

/// The WebCrypto split applies the same rules: header and key errors from `prepare`, claim errors
/// from `finish` (told here that the signature is valid unless the vector says it is not).
#[test]
fn webcrypto_split_vectors() {
    let v = vectors();
    let now = UnixMillis::from_secs(v["now"].as_i64().unwrap());
    let mut asymmetric = 0;
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let Ok(keys) = keys_for(&v, case) else {
            continue;
        };
        let validation = validation_for(case);
        let want = expected(case);
        let got = match prepare(case["token"].as_str().unwrap(), &keys, &validation, now) {
            Err(e) => Err(e),
            Ok(Prepared::Verified(jwt)) => Ok(jwt),
            Ok(Prepared::NeedsWebCrypto(step)) => {
                asymmetric += 1;
                assert!(!step.signing_input.is_empty());
                let jwk: Map<String, Value> = serde_json::from_str(&step.jwk_json).unwrap();
                assert!(!jwk.contains_key("d"), "{name}: private member exported");
                let _: Value = serde_json::from_str(&step.import_params_json).unwrap();
                step.finish(want != "jwt_signature", &validation, now)
            }
        };
        assert_eq!(code(&got), want, "{name}");
    }
    assert!(asymmetric >= 10);
}

#[cfg(feature = "native-crypto")]
#[test]
fn sign_then_verify_round_trips() {
    use tokensmith::jwt::{sign, KeyFamily, SigningKey};
    let v = vectors();
    let now = UnixMillis::from_secs(v["now"].as_i64().unwrap());
    let sk = &v["signing_keys"];
    let keys = KeySet::from_jwks_json(&v["jwks"].to_string()).unwrap();
    let mut claims = tokensmith::json::Map::new();
    claims.insert("sub".into(), "signed".into());
    claims.insert("exp".into(), (v["now"].as_i64().unwrap() + 60).into());
    let signers = [
        (
            Algorithm::RS256,
            SigningKey::rsa_pem(sk["rsa_private_pem"].as_str().unwrap())
                .unwrap()
                .with_kid("rsa1"),
        ),
        (
            Algorithm::ES256,
            SigningKey::ec_pem(sk["ec_private_pem"].as_str().unwrap(), KeyFamily::EcP256)
                .unwrap()
                .with_kid("ec1"),
        ),
        (
            Algorithm::EdDSA,
            SigningKey::ed25519_pem(sk["ed_private_pem"].as_str().unwrap())
                .unwrap()
                .with_kid("ed1"),
        ),
        (
            Algorithm::HS256,
            SigningKey::hmac(&b64url(sk["hmac_secret_b64url"].as_str().unwrap())).with_kid("hs1"),
        ),
    ];
    let validation = Validation::new(&[
        Algorithm::RS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
        Algorithm::HS256,
    ]);
    for (alg, key) in signers {
        let token = sign(&claims, alg, &key).unwrap();
        let jwt = tokensmith::jwt::verify(token.expose_secret(), &keys, &validation, now)
            .unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(jwt.claims["sub"], "signed");
        assert_eq!(jwt.header["alg"], alg.as_str());
        // An algorithm of another key type is refused before signing.
        let other = if alg == Algorithm::RS256 {
            Algorithm::ES256
        } else {
            Algorithm::RS256
        };
        assert_eq!(
            sign(&claims, other, &key).unwrap_err(),
            JwtError::KeyAlgorithmMismatch,
            "{alg}"
        );
    }
}
