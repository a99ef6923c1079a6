//! Replays tests/vectors/responses.json (shared with the Node and pytest suites).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;
use tokensmith::token::ExpirySource;
use tokensmith::{
    check_revocation_response, parse_token_response, Error, HttpResponse, ParseOptions,
    RefreshExpiry, Token, UnixMillis,
};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/responses.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read responses.json"))
        .expect("parse responses.json")
}

fn response(v: &Value) -> HttpResponse {
    let mut body = match v.get("body_base64") {
        Some(b) => STANDARD.decode(b.as_str().unwrap()).unwrap(),
        None => v["body"].as_str().unwrap().as_bytes().to_vec(),
    };
    if let Some(rep) = v.get("body_repeat") {
        let unit = rep["unit"].as_str().unwrap();
        let count = rep["count"].as_u64().unwrap() as usize;
        body.extend(unit.repeat(count).into_bytes());
    }
    if let Some(suffix) = v.get("body_suffix") {
        body.extend(suffix.as_str().unwrap().as_bytes());
    }
    let headers = v["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_owned(),
                h[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    HttpResponse::new(v["status"].as_u64().unwrap() as u16, headers, body)
}

fn options(v: Option<&Value>) -> ParseOptions {
    let mut o = ParseOptions::default();
    if let Some(v) = v {
        if let Some(n) = v.get("default_lifetime_secs") {
            o.default_lifetime_secs = n.as_i64().unwrap();
        }
        if let Some(n) = v.get("max_lifetime_secs") {
            o.max_lifetime_secs = n.as_i64().unwrap();
        }
        if let Some(n) = v.get("max_body_bytes") {
            o.max_body_bytes = n.as_u64().unwrap() as usize;
        }
    }
    o
}

fn expiry_source(s: ExpirySource) -> &'static str {
    s.as_str()
}

fn refresh_expiry(r: RefreshExpiry) -> Value {
    match r {
        RefreshExpiry::Unknown => "unknown".into(),
        RefreshExpiry::Never => "never".into(),
        RefreshExpiry::At(at) => serde_json::json!({ "at": at.as_millis() }),
    }
}

fn check_token(name: &str, t: &Token, exp: &Value) {
    assert_eq!(
        t.access_token.expose_secret(),
        exp["access_token"],
        "{name}"
    );
    assert_eq!(t.token_type, exp["token_type"], "{name}");
    assert_eq!(
        t.issued_at.as_millis(),
        exp["issued_at"],
        "{name}: issued_at"
    );
    assert_eq!(
        t.expires_at.as_millis(),
        exp["expires_at"],
        "{name}: expires_at"
    );
    assert_eq!(
        expiry_source(t.expiry_source),
        exp["expiry_source"],
        "{name}"
    );
    let rt = t
        .refresh_token
        .as_ref()
        .map(|s| s.expose_secret().to_owned());
    assert_eq!(rt.as_deref(), exp["refresh_token"].as_str(), "{name}");
    assert_eq!(
        refresh_expiry(t.refresh_expiry),
        exp["refresh_expiry"],
        "{name}"
    );
    let scope = serde_json::to_value(&t.scope).unwrap();
    assert_eq!(scope, exp["scope"], "{name}: scope");
    let it = t.id_token.as_ref().map(|s| s.expose_secret().to_owned());
    assert_eq!(it.as_deref(), exp["id_token"].as_str(), "{name}");
    let mut keys: Vec<&String> = t.extra.keys().collect();
    keys.sort();
    assert_eq!(
        serde_json::to_value(keys).unwrap(),
        exp["extra_keys"],
        "{name}"
    );
    // Debug never shows a credential.
    let debug = format!("{t:?}");
    assert!(!debug.contains(t.access_token.expose_secret()), "{name}");
}

fn check_error(name: &str, e: &Error, exp: &Value) {
    assert_eq!(e.code(), exp["code"], "{name}: code ({e})");
    assert_eq!(e.family().as_str(), exp["family"], "{name}: family");
    assert_eq!(
        serde_json::to_value(e.status()).unwrap(),
        exp["status"],
        "{name}: status"
    );
    if let Some(want) = exp.get("retry_after") {
        let got = e.retry_after().map(
            |r| serde_json::json!({"delay_ms": r.delay_ms, "not_before": r.not_before.as_millis()}),
        );
        assert_eq!(
            &serde_json::to_value(got).unwrap(),
            want,
            "{name}: retry_after"
        );
    }
    let (www, description, uri, error_value) = match e {
        Error::OAuth(o) => (
            o.www_authenticate.as_ref(),
            Some(o.description.clone()),
            Some(o.uri.clone()),
            Some(o.code.as_str().to_owned()),
        ),
        Error::UnexpectedResponse(u) => (u.www_authenticate.as_ref(), None, None, None),
        _ => (None, None, None, None),
    };
    if let Some(want) = exp.get("www_authenticate") {
        let www = www.unwrap_or_else(|| panic!("{name}: no WWW-Authenticate parsed"));
        assert_eq!(www.scheme, want["scheme"], "{name}");
        assert_eq!(
            serde_json::to_value(&www.params).unwrap(),
            want["params"],
            "{name}: challenge params"
        );
    }
    if let Some(want) = exp.get("description") {
        let got = description.unwrap_or_else(|| panic!("{name}: not an OAuth error"));
        assert_eq!(
            &serde_json::to_value(got).unwrap(),
            want,
            "{name}: description"
        );
    }
    if let Some(want) = exp.get("uri") {
        assert_eq!(
            &serde_json::to_value(uri.flatten()).unwrap(),
            want,
            "{name}"
        );
    }
    if let Some(want) = exp.get("error_value") {
        assert_eq!(error_value.as_deref(), want.as_str(), "{name}");
    }
    let unexpected = match e {
        Error::UnexpectedResponse(u) => Some(u),
        _ => None,
    };
    let needs_unexpected = [
        "reason",
        "content_type",
        "excerpt",
        "excerpt_contains",
        "excerpt_excludes",
        "excerpt_max_chars",
    ];
    if needs_unexpected.iter().any(|k| exp.get(k).is_some()) {
        let u = unexpected.unwrap_or_else(|| panic!("{name}: not an unexpected response"));
        if let Some(want) = exp.get("reason") {
            assert_eq!(u.reason.code(), want, "{name}: reason");
        }
        if let Some(want) = exp.get("content_type") {
            assert_eq!(u.content_type.as_deref(), want.as_str(), "{name}");
        }
        if let Some(want) = exp.get("excerpt") {
            assert_eq!(u.excerpt, want.as_str().unwrap(), "{name}: excerpt");
        }
        for s in exp
            .get("excerpt_contains")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            assert!(
                u.excerpt.contains(s.as_str().unwrap()),
                "{name}: {:?}",
                u.excerpt
            );
        }
        for s in exp
            .get("excerpt_excludes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            assert!(
                !u.excerpt.contains(s.as_str().unwrap()),
                "{name}: {:?}",
                u.excerpt
            );
        }
        if let Some(max) = exp.get("excerpt_max_chars") {
            let n = u.excerpt.chars().count();
            assert!(n as u64 <= max.as_u64().unwrap(), "{name}: {n} chars");
        }
        // Every excerpt stays within the documented bound.
        assert!(u.excerpt.chars().count() <= tokensmith::response::MAX_EXCERPT_CHARS);
    }
}

#[test]
fn response_vectors() {
    let v = vectors();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 45, "only {} response cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let resp = response(&case["response"]);
        let sent_at = UnixMillis(case["sent_at"].as_i64().unwrap());
        let expected = &case["expected"];
        match case["kind"].as_str().unwrap() {
            "token" => {
                let r = parse_token_response(&resp, sent_at, &options(case.get("options")));
                match (r, expected.get("token"), expected.get("error")) {
                    (Ok(t), Some(exp), None) => check_token(name, &t, exp),
                    (Err(e), None, Some(exp)) => check_error(name, &e, exp),
                    (r, t, e) => panic!("{name}: got {r:?}, expected token {t:?} / error {e:?}"),
                }
            }
            "revocation" => {
                let r = check_revocation_response(&resp, sent_at);
                match (r, expected.get("ok"), expected.get("error")) {
                    (Ok(()), Some(_), None) => {}
                    (Err(e), None, Some(exp)) => check_error(name, &e, exp),
                    (r, ok, e) => panic!("{name}: got {r:?}, expected ok {ok:?} / error {e:?}"),
                }
            }
            other => panic!("{name}: unknown kind {other}"),
        }
    }
}

/// The issue names these cases; each must be present so that the other runtimes replay them too.
#[test]
fn every_named_case_is_present() {
    let v = vectors();
    let names: Vec<&str> = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for needle in [
        "expires_in as float",
        "expires_in as numeric string",
        "expires_in 0",
        "expires_in negative",
        "expires_in 1e300",
        "expires_in missing, opaque token",
        "expires_in missing, JWT access token",
        "Insights Hub timestamp (ms, string)",
        "refresh_expires_in 0",
        "scope as JSON array",
        "scope as space-delimited string",
        "error inside a 200",
        "HTML 500",
        "text/plain 502",
        "JSON array",
        "JSON null",
        "truncated JSON",
        "body over 1 MiB",
        "Retry-After seconds",
        "Retry-After HTTP date",
        "WWW-Authenticate",
        "empty access_token",
        "numeric access_token",
        "missing access_token",
        "missing token_type",
        "unknown token_type",
    ] {
        assert!(
            names.iter().any(|n| n.contains(needle)),
            "no case named like {needle:?}"
        );
    }
}
