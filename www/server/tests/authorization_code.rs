//! Authorization code grant with PKCE S256 (RFC 6749 §4.1, RFC 7636) and the consent page.

mod common;

use common::*;
use reqwest::redirect::Policy;
use reqwest::Client;
use serde_json::Value;
use std::collections::HashMap;
use tokensmith::PkceVerifier;

const CLIENT: &str = "demo-public-client";
/// The demo registration is `http://127.0.0.1/callback.html`; any loopback port matches
/// (RFC 8252 §7.3).
const REDIRECT: &str = "http://127.0.0.1:9/callback.html";

fn no_redirects() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

fn authorize_query(challenge: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", CLIENT),
        ("redirect_uri", REDIRECT),
        ("scope", "openid profile"),
        ("state", "st&te=1"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    pairs.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    pairs.extend_from_slice(extra);
    tokensmith::form::encode_pairs(pairs.into_iter().filter(|(_, v)| !v.is_empty()))
}

/// The query parameters of a redirect `Location`.
fn location_params(r: &reqwest::Response) -> HashMap<String, String> {
    let location = r.headers()["location"].to_str().unwrap();
    let (base, query) = location.split_once('?').unwrap();
    assert_eq!(base, REDIRECT);
    tokensmith::form::decode_pairs(query)
        .unwrap()
        .into_iter()
        .collect()
}

async fn consent(s: &Server, challenge: &str, password: &str, decision: &str) -> reqwest::Response {
    let body = format!(
        "{}&{}",
        authorize_query(challenge, &[]),
        tokensmith::form::encode_pairs([
            ("username", "demo-user"),
            ("password", password),
            ("decision", decision),
        ])
    );
    no_redirects()
        .post(s.url("/oauth/authorize"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn exchange(s: &Server, code: &str, verifier: &str) -> (u16, Value) {
    json(
        s.form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn full_flow_with_pkce_and_code_replay() {
    let s = start(test_config()).await;
    let verifier = PkceVerifier::generate().unwrap();
    let challenge = verifier.challenge_s256();

    let page = s
        .http
        .get(format!(
            "{}?{}",
            s.url("/oauth/authorize"),
            authorize_query(&challenge, &[])
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\" action=\"/oauth/authorize\">"));
    assert!(
        html.contains("value=\"st&amp;te=1\""),
        "hidden fields are escaped"
    );

    let wrong = consent(&s, &challenge, "nope", "approve").await;
    assert_eq!(wrong.status(), 200);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("Wrong username or password."));

    let r = consent(&s, &challenge, "demo-password", "approve").await;
    assert_eq!(r.status(), 303);
    let params = location_params(&r);
    assert_eq!(params["state"], "st&te=1");
    assert_eq!(params["iss"], s.base, "RFC 9207");
    let code = params["code"].clone();

    // A wrong verifier fails and burns the code.
    let other = PkceVerifier::generate().unwrap();
    let (status, body) = exchange(&s, &code, other.secret().expose_secret()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let r = consent(&s, &challenge, "demo-password", "approve").await;
    let code = location_params(&r)["code"].clone();
    let (status, tokens) = exchange(&s, &code, verifier.secret().expose_secret()).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["scope"], "openid profile");
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();

    // The public client refreshes with its client_id only.
    let (status, refreshed) = json(
        s.form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT),
                ("refresh_token", &refresh_token),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    let rotated = refreshed["refresh_token"].as_str().unwrap().to_owned();

    // Replaying the code fails and revokes everything it produced (RFC 6749 §4.1.2).
    let (status, body) = exchange(&s, &code, verifier.secret().expose_secret()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let auth = form_basic("demo-client", "demo-secret");
    let (_, info) = json(
        s.form("/oauth/introspect", Some(&auth), &[("token", &access)])
            .await,
    )
    .await;
    assert_eq!(info["active"], false);
    let (status, _) = json(
        s.form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT),
                ("refresh_token", &rotated),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn deny_and_request_errors() {
    let s = start(test_config()).await;
    let challenge = PkceVerifier::generate().unwrap().challenge_s256();
    let r = consent(&s, &challenge, "", "deny").await;
    assert_eq!(r.status(), 303);
    let params = location_params(&r);
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], "st&te=1");

    let get = |query: String| {
        let url = format!("{}?{}", s.url("/oauth/authorize"), query);
        async move { no_redirects().get(url).send().await.unwrap() }
    };
    // Errors before the redirect URI is trusted are shown, never redirected (§4.1.2.1).
    for extra in [
        [("redirect_uri", "http://evil.example/cb")],
        [("client_id", "unknown")],
        [(
            "redirect_uri",
            "http://127.0.0.1:9@evil.example/callback.html",
        )],
    ] {
        let r = get(authorize_query(&challenge, &extra)).await;
        assert_eq!(r.status(), 400, "{extra:?}");
        assert!(r.headers().get("location").is_none());
    }
    // Errors after it are redirected with the error code.
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("response_type", "token")], "unsupported_response_type"),
        (&[("code_challenge_method", "plain")], "invalid_request"),
        (&[("code_challenge", "")], "invalid_request"),
        (&[("code_challenge", "short")], "invalid_request"),
    ];
    for (extra, code) in cases {
        let r = get(authorize_query(&challenge, extra)).await;
        assert_eq!(r.status(), 303, "{extra:?}");
        assert_eq!(location_params(&r)["error"], code, "{extra:?}");
    }
}

#[tokio::test]
async fn public_clients_cannot_use_other_grants() {
    let s = start(test_config()).await;
    let (status, body) = json(
        s.form(
            "/oauth/token",
            None,
            &[("grant_type", "client_credentials"), ("client_id", CLIENT)],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unauthorized_client"))
    );
    // Other endpoints need confidential clients.
    let (status, _) = json(
        s.form(
            "/v1/token",
            None,
            &[("grant_type", "client_credentials"), ("client_id", CLIENT)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
    // A code is bound to the redirect URI it was issued for.
    let verifier = PkceVerifier::generate().unwrap();
    let r = consent(&s, &verifier.challenge_s256(), "demo-password", "approve").await;
    let code = location_params(&r)["code"].clone();
    let (status, body) = json(
        s.form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT),
                ("code", &code),
                ("redirect_uri", "http://127.0.0.1:9/other.html"),
                ("code_verifier", verifier.secret().expose_secret()),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}
