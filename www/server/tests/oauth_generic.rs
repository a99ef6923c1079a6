//! Generic OAuth 2 endpoints: token (RFC 6749 §4.3, §4.4, §6), errors (§5.2), client
//! authentication (§2.3.1), revocation (RFC 7009), introspection (RFC 7662), discovery, JWKS.

mod common;

use common::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

#[tokio::test]
async fn form_basic_decodes_every_special_character() {
    let s = start(test_config()).await;
    let auth = form_basic(WEIRD_ID, WEIRD_SECRET);
    let (status, body) = json(
        s.form(
            "/oauth/token",
            Some(&auth),
            &[("grant_type", "client_credentials")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body.get("refresh_token").is_none(), "RFC 6749 §4.4.3");

    // The same credentials sent raw are not what a form-basic client registered.
    let raw = raw_basic(WEIRD_ID, WEIRD_SECRET);
    let r = s
        .form(
            "/oauth/token",
            Some(&raw),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        "Basic realm=\"tokensmith-devserver\""
    );
    let (_, body) = json(r).await;
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn malformed_percent_encoding_is_invalid_client() {
    let s = start(test_config()).await;
    // `%zz` is not a valid escape: strict decoding refuses it rather than passing it through.
    let auth = raw_basic("demo-client", "demo-secret%zz");
    let (status, body) = json(
        s.form(
            "/oauth/token",
            Some(&auth),
            &[("grant_type", "client_credentials")],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

#[tokio::test]
async fn raw_basic_and_post_clients() {
    let s = start(test_config()).await;
    let raw = raw_basic("raw-weird", WEIRD_SECRET);
    let (status, _) = json(
        s.form(
            "/oauth/token",
            Some(&raw),
            &[("grant_type", "client_credentials")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);

    let (status, body) = json(
        s.form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "demo-post-client"),
                ("client_secret", "demo-secret"),
                ("scope", "a b"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "a b");

    // A Basic client may not use client_secret_post.
    let (status, body) = json(
        s.form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "demo-client"),
                ("client_secret", "demo-secret"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

#[tokio::test]
async fn request_errors_follow_rfc6749_5_2() {
    let s = start(test_config()).await;
    let auth = form_basic("demo-client", "demo-secret");
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("grant_type", "implicit")], "unsupported_grant_type"),
        (&[("scope", "x")], "invalid_request"),
        (
            &[
                ("grant_type", "client_credentials"),
                ("client_secret", "demo-secret"),
            ],
            "invalid_request",
        ),
        (&[("grant_type", "refresh_token")], "invalid_request"),
        (
            &[("grant_type", "refresh_token"), ("refresh_token", "nope")],
            "invalid_grant",
        ),
        (
            &[
                ("grant_type", "password"),
                ("username", "demo-user"),
                ("password", "bad"),
            ],
            "invalid_grant",
        ),
    ];
    for (pairs, code) in cases {
        let (status, body) = json(s.form("/oauth/token", Some(&auth), pairs).await).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some(*code)),
            "{pairs:?}"
        );
    }
    // Repeated parameter (RFC 6749 §3.2) and wrong media type.
    let r = s
        .http
        .post(s.url("/oauth/token"))
        .header("Authorization", &auth)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&grant_type=password")
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await.1["error"], "invalid_request");
    let r = s
        .http
        .post(s.url("/oauth/token"))
        .header("Authorization", &auth)
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await.1["error"], "invalid_request");
    // No client authentication at all.
    let (status, body) = json(
        s.form(
            "/oauth/token",
            None,
            &[("grant_type", "client_credentials")],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

async fn password_grant(s: &Server) -> Value {
    let auth = form_basic(WEIRD_ID, WEIRD_SECRET);
    let (status, body) = json(
        s.form(
            "/oauth/token",
            Some(&auth),
            &[
                ("grant_type", "password"),
                ("username", "zoë user"),
                ("password", "pa ss+wörd:%"),
                ("scope", "read write"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn refresh(s: &Server, token: &str, extra: &[(&str, &str)]) -> (u16, Value) {
    let auth = form_basic(WEIRD_ID, WEIRD_SECRET);
    let mut pairs = vec![("grant_type", "refresh_token"), ("refresh_token", token)];
    pairs.extend_from_slice(extra);
    json(s.form("/oauth/token", Some(&auth), &pairs).await).await
}

#[tokio::test]
async fn refresh_rotation_and_reuse_detection() {
    let s = start(test_config()).await;
    let first = password_grant(&s).await;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();

    let (status, second) = refresh(&s, &r1, &[("scope", "read")]).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["scope"], "read");
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2, "refresh tokens rotate");

    // Broadening the scope is refused (RFC 6749 §6).
    let (status, body) = refresh(&s, &r2, &[("scope", "read admin")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );

    // The refused request did not consume r2.
    let (status, third) = refresh(&s, &r2, &[]).await;
    assert_eq!(status, 200, "{third}");
    // RFC 6749 §6: an omitted scope means the scope originally granted, not the narrowed one.
    assert_eq!(third["scope"], "read write");
    let a = r2;
    let b = third["refresh_token"].as_str().unwrap().to_owned();
    // Replaying `a` revokes the family: `b` stops working as well.
    let (status, body) = refresh(&s, &a, &[]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = refresh(&s, &b, &[]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // Another client cannot redeem a token it was not issued.
    let other = password_grant(&s).await;
    let token = other["refresh_token"].as_str().unwrap();
    let auth = form_basic("demo-client", "demo-secret");
    let (status, body) = json(
        s.form(
            "/oauth/token",
            Some(&auth),
            &[("grant_type", "refresh_token"), ("refresh_token", token)],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn refresh_tokens_expire() {
    let mut config = test_config();
    config.lifetimes.refresh_seconds = 60;
    let s = start(config).await;
    let grant = password_grant(&s).await;
    s.advance_clock(61).await;
    let (status, body) = refresh(&s, grant["refresh_token"].as_str().unwrap(), &[]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

async fn introspect(s: &Server, token: &str) -> Value {
    let auth = form_basic("demo-client", "demo-secret");
    let (status, body) = json(
        s.form("/oauth/introspect", Some(&auth), &[("token", token)])
            .await,
    )
    .await;
    assert_eq!(status, 200);
    body
}

#[tokio::test]
async fn introspection_and_revocation() {
    let s = start(test_config()).await;
    let grant = password_grant(&s).await;
    let access = grant["access_token"].as_str().unwrap();
    let refresh_token = grant["refresh_token"].as_str().unwrap();

    let info = introspect(&s, access).await;
    assert_eq!(info["active"], true);
    assert_eq!(info["sub"], "zoë user");
    assert_eq!(info["client_id"], WEIRD_ID);
    assert_eq!(info["scope"], "read write");
    let info = introspect(&s, refresh_token).await;
    assert_eq!(info["active"], true);
    assert_eq!(info["token_type"], "refresh_token");
    assert_eq!(
        introspect(&s, "garbage").await,
        serde_json::json!({"active": false})
    );

    // Introspection requires client authentication (RFC 7662 §2.1).
    let r = s
        .form("/oauth/introspect", None, &[("token", access)])
        .await;
    assert_eq!(r.status(), 401);

    // Only the owning client may revoke (RFC 7009 §2.1).
    let other = form_basic("demo-client", "demo-secret");
    let r = s
        .form("/oauth/revoke", Some(&other), &[("token", access)])
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(introspect(&s, access).await["active"], true);

    let owner = form_basic(WEIRD_ID, WEIRD_SECRET);
    for token in [access, refresh_token, "unknown-token"] {
        let r = s
            .form("/oauth/revoke", Some(&owner), &[("token", token)])
            .await;
        assert_eq!(r.status(), 200, "RFC 7009 §2.2: unknown tokens succeed too");
    }
    assert_eq!(introspect(&s, access).await["active"], false);
    assert_eq!(introspect(&s, refresh_token).await["active"], false);
    let (status, _) = refresh(&s, refresh_token, &[]).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn access_tokens_verify_against_jwks_and_expire() {
    let s = start(test_config()).await;
    let grant = password_grant(&s).await;
    let access = grant["access_token"].as_str().unwrap();

    let config: Value = s
        .http
        .get(s.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["issuer"], s.base);
    assert_eq!(config["token_endpoint"], format!("{}/oauth/token", s.base));
    let jwks: Value = s
        .http
        .get(config["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(key["alg"], "RS256");
    let header = jsonwebtoken::decode_header(access).unwrap();
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());
    let decoding =
        DecodingKey::from_rsa_components(key["n"].as_str().unwrap(), key["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[s.base.as_str()]);
    let data = jsonwebtoken::decode::<Value>(access, &decoding, &validation).unwrap();
    assert_eq!(data.claims["sub"], "zoë user");
    let exp = data.claims["exp"].as_i64().unwrap();
    let iat = data.claims["iat"].as_i64().unwrap();
    assert_eq!(exp - iat, 3600);

    s.advance_clock(3601).await;
    assert_eq!(introspect(&s, access).await["active"], false);
}
