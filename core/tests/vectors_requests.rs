//! Replays tests/vectors/requests.json (shared with the Node and pytest suites).

use serde_json::Value;
use tokensmith::{
    ClientAuthMethod, Grant, HttpRequest, PkceVerifier, Secret, TokenEndpoint, TokenTypeHint,
};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/requests.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read requests.json"))
        .expect("parse requests.json")
}

fn s(v: &Value) -> String {
    v.as_str().expect("string").to_owned()
}

fn opt(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("array").iter().map(s).collect()
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|p| (s(&p[0]), s(&p[1])))
        .collect()
}

fn endpoint(v: &Value) -> TokenEndpoint {
    TokenEndpoint {
        url: s(&v["url"]),
        client_id: s(&v["client_id"]),
        client_secret: opt(&v["client_secret"]).map(Secret::new),
        auth: v["auth"]
            .as_str()
            .unwrap()
            .parse::<ClientAuthMethod>()
            .unwrap(),
    }
}

fn grant(v: &Value) -> Grant {
    match v["type"].as_str().unwrap() {
        "client_credentials" => Grant::ClientCredentials {
            scope: strings(&v["scope"]),
            audience: opt(&v["audience"]),
            resource: opt(&v["resource"]),
        },
        "password" => Grant::Password {
            username: s(&v["username"]),
            password: Secret::new(s(&v["password"])),
            scope: strings(&v["scope"]),
        },
        "refresh_token" => Grant::RefreshToken {
            refresh_token: Secret::new(s(&v["refresh_token"])),
            scope: strings(&v["scope"]),
        },
        "authorization_code" => Grant::AuthorizationCode {
            code: Secret::new(s(&v["code"])),
            redirect_uri: s(&v["redirect_uri"]),
            code_verifier: opt(&v["code_verifier"]).map(Secret::new),
        },
        "extension" => Grant::Extension {
            grant_type: s(&v["grant_type"]),
            params: pairs(&v["params"]),
        },
        other => panic!("unknown grant type {other}"),
    }
}

fn hint(v: &Value) -> Option<TokenTypeHint> {
    match v.as_str() {
        None => None,
        Some("access_token") => Some(TokenTypeHint::AccessToken),
        Some("refresh_token") => Some(TokenTypeHint::RefreshToken),
        Some(other) => panic!("unknown hint {other}"),
    }
}

fn build(case: &Value) -> tokensmith::Result<HttpRequest> {
    let ep = endpoint(&case["endpoint"]);
    let req = &case["request"];
    match req["kind"].as_str().unwrap() {
        "token" => ep.token_request(&grant(&req["grant"])),
        "revocation" => ep.revocation_request(
            req["url"].as_str().unwrap(),
            &Secret::new(s(&req["token"])),
            hint(&req["hint"]),
        ),
        other => panic!("unknown request kind {other}"),
    }
}

#[test]
fn request_vectors() {
    let v = vectors();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 40, "only {} request cases", cases.len());
    let mut auth_methods = std::collections::BTreeSet::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        auth_methods.insert(s(&case["endpoint"]["auth"]));
        match (build(case), case.get("expected"), case.get("error")) {
            (Ok(req), Some(exp), None) => {
                assert_eq!(
                    req.method.as_str(),
                    exp["method"].as_str().unwrap(),
                    "{name}"
                );
                assert_eq!(req.url, s(&exp["url"]), "{name}");
                assert_eq!(req.headers, pairs(&exp["headers"]), "{name}: headers");
                assert_eq!(
                    req.body_text(),
                    exp["body"].as_str().unwrap(),
                    "{name}: body"
                );
            }
            (Err(e), None, Some(code)) => {
                assert_eq!(e.code(), code.as_str().unwrap(), "{name}");
                assert_eq!(e.family(), tokensmith::error::ErrorFamily::Input, "{name}");
            }
            (r, exp, err) => panic!("{name}: got {r:?}, expected {exp:?} / error {err:?}"),
        }
    }
    assert_eq!(auth_methods.len(), ClientAuthMethod::ALL.len());
}

#[test]
fn pkce_vectors() {
    let v = vectors();
    for case in v["pkce"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let r = PkceVerifier::from_secret(Secret::new(s(&case["verifier"])));
        match (r, case.get("challenge"), case.get("error")) {
            (Ok(p), Some(c), None) => assert_eq!(p.challenge_s256(), s(c), "{name}"),
            (Err(e), None, Some(code)) => assert_eq!(e.code(), s(code), "{name}"),
            (r, c, e) => panic!("{name}: got {r:?}, expected {c:?} / {e:?}"),
        }
    }
}
