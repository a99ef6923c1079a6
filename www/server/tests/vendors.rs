//! Vendor shapes: Smart Completions, Keycloak, Insights Hub TTM, SDx/TruView.

mod common;

use common::*;
use serde_json::{json, Value};

const KC: &str = "/realms/demo/protocol/openid-connect/token";
const TTM_TOKEN: &str = "/api/technicaltokenmanager/v3/oauth/token";
const TTM_TOKENS: &str = "/api/technicaltokenmanager/v3/oauthTokens";
const TTM_TENANTS: &str = "/api/technicaltokenmanager/v3/userTenants";

#[tokio::test]
async fn smart_completions_client_credentials() {
    let s = start(test_config()).await;
    let auth = form_basic("demo-client", "demo-secret");
    let (status, body) = json(
        s.form(
            "/v1/token",
            Some(&auth),
            &[("grant_type", "client_credentials"), ("scope", "ingr.api")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "ingr.api");
    assert_eq!(body["expires_in"], 3600);
    let (status, body) = json(
        s.form(
            "/v1/token",
            Some(&auth),
            &[("grant_type", "client_credentials"), ("scope", "other")],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    let (status, body) = json(
        s.form(
            "/v1/token",
            Some(&auth),
            &[
                ("grant_type", "password"),
                ("username", "demo-user"),
                ("password", "demo-password"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
}

async fn kc_password(s: &Server, scope: &str) -> (u16, Value) {
    let auth = form_basic("demo-client", "demo-secret");
    json(
        s.form(
            KC,
            Some(&auth),
            &[
                ("grant_type", "password"),
                ("username", "demo-user"),
                ("password", "demo-password"),
                ("scope", scope),
            ],
        )
        .await,
    )
    .await
}

async fn kc_refresh(s: &Server, token: &str) -> (u16, Value) {
    let auth = form_basic("demo-client", "demo-secret");
    json(
        s.form(
            KC,
            Some(&auth),
            &[("grant_type", "refresh_token"), ("refresh_token", token)],
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn keycloak_online_session_expires() {
    let s = start(test_config()).await;
    let (status, body) = kc_password(&s, "openid").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refresh_expires_in"], 1800);
    assert_eq!(body["not-before-policy"], 0);
    assert!(body["session_state"].is_string());
    let token = body["refresh_token"].as_str().unwrap().to_owned();

    let (status, body) = kc_refresh(&s, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refresh_expires_in"], 1800);
    let next = body["refresh_token"].as_str().unwrap().to_owned();

    s.advance_clock(1801).await;
    let (status, body) = kc_refresh(&s, &next).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "Token is not active");

    let (status, body) = kc_refresh(&s, "not-a-token").await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("Token is not active"))
    );
}

#[tokio::test]
async fn keycloak_offline_tokens_never_expire() {
    let s = start(test_config()).await;
    let (status, body) = kc_password(&s, "openid offline_access").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refresh_expires_in"], 0);
    let token = body["refresh_token"].as_str().unwrap().to_owned();
    // Ten years later the offline token still works.
    s.advance_clock(10 * 365 * 86_400).await;
    let (status, body) = kc_refresh(&s, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refresh_expires_in"], 0);
}

#[tokio::test]
async fn keycloak_errors() {
    let s = start(test_config()).await;
    let auth = form_basic("demo-client", "demo-secret");
    let r = s
        .form(
            "/realms/nope/protocol/openid-connect/token",
            Some(&auth),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(r.status(), 404);
    let bad = form_basic("demo-client", "wrong");
    let (status, body) = json(
        s.form(KC, Some(&bad), &[("grant_type", "client_credentials")])
            .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized_client"))
    );
    let (status, body) = json(
        s.form(
            KC,
            Some(&auth),
            &[
                ("grant_type", "password"),
                ("username", "demo-user"),
                ("password", "x"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["error_description"], "Invalid user credentials");
    // Client credentials: no refresh token.
    let (status, body) = json(
        s.form(KC, Some(&auth), &[("grant_type", "client_credentials")])
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["refresh_expires_in"], 0);
}

fn ttm_key(id: &str, secret: &str) -> String {
    raw_basic(id, secret)
}

async fn ttm_token(s: &Server, key: &str, user_tenant: &str) -> (u16, Value) {
    let r = s
        .http
        .post(s.url(TTM_TOKEN))
        .header("X-SPACE-AUTH-KEY", key)
        .json(&json!({
            "appName": "app", "appVersion": "1.0.0",
            "hostTenant": "demohost", "userTenant": user_tenant
        }))
        .send()
        .await
        .unwrap();
    json(r).await
}

#[tokio::test]
async fn ttm_single_token() {
    let s = start(test_config()).await;
    // X-SPACE-AUTH-KEY is raw Basic, even with characters form-encoding would change.
    // (An id with `:` cannot be sent raw at all, RFC 7617 §2.)
    let key = ttm_key("raw-weird", WEIRD_SECRET);
    let (status, body) = ttm_token(&s, &key, "tenant-001").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 1799);
    assert_eq!(body["token_type"], "Bearer");
    let ts = body["timestamp"].as_str().expect("timestamp is a string");
    let ts: i64 = ts.parse().unwrap();
    assert!(ts > 1_600_000_000_000, "milliseconds");
    assert!(body["jti"].is_string() && body["scope"].is_string());

    let (status, _) = ttm_token(&s, &form_basic("raw-weird", WEIRD_SECRET), "tenant-001").await;
    assert_eq!(status, 401);
    let (status, _) = ttm_token(&s, &ttm_key("demo-client", "bad"), "tenant-001").await;
    assert_eq!(status, 401);
    let (status, _) = ttm_token(&s, &key, "unknown-tenant").await;
    assert_eq!(status, 400);
    let r = s
        .http
        .post(s.url(TTM_TOKEN))
        .header("X-SPACE-AUTH-KEY", &key)
        .json(&json!({"appName": "app"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn ttm_batch_limit() {
    let s = start(test_config()).await;
    let key = ttm_key("demo-client", "demo-secret");
    let batch = |n: usize| {
        let ids: Vec<String> = (1..=n).map(|i| format!("tenant-{i:03}")).collect();
        json!({"appName": "app", "appVersion": "1.0.0", "hostTenantId": "demohost", "userTenantIds": ids})
    };
    let r = s
        .http
        .post(s.url(TTM_TOKENS))
        .header("X-SPACE-AUTH-KEY", &key)
        .json(&batch(5))
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    let tokens = body["oauthTokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 5);
    assert_eq!(tokens[4]["userTenantId"], "tenant-005");
    assert_eq!(tokens[4]["token"]["expires_in"], 1799);
    for n in [0, 6] {
        let r = s
            .http
            .post(s.url(TTM_TOKENS))
            .header("X-SPACE-AUTH-KEY", &key)
            .json(&batch(n))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{n} tenants");
    }
}

#[tokio::test]
async fn ttm_user_tenants_paging_across_250() {
    let mut config = test_config();
    config.tenants.generate = 250;
    let s = start(config).await;
    let key = ttm_key("demo-client", "demo-secret");
    let (_, host) = ttm_token(&s, &key, "demohost").await;
    let bearer = format!("Bearer {}", host["access_token"].as_str().unwrap());
    let mut seen = Vec::new();
    let mut page = 0;
    loop {
        let r = s
            .http
            .get(format!("{}?page={page}&size=100", s.url(TTM_TENANTS)))
            .header("Authorization", &bearer)
            .send()
            .await
            .unwrap();
        let (status, body) = json(r).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["page"]["totalElements"], 250);
        assert_eq!(body["page"]["totalPages"], 3);
        assert_eq!(body["page"]["number"], page);
        let items = body["userTenants"].as_array().unwrap();
        seen.extend(items.iter().map(|t| t["id"].as_str().unwrap().to_owned()));
        page += 1;
        if page >= body["page"]["totalPages"].as_i64().unwrap() {
            break;
        }
    }
    assert_eq!(seen.len(), 250);
    assert_eq!(seen.first().map(String::as_str), Some("tenant-001"));
    assert_eq!(seen.last().map(String::as_str), Some("tenant-250"));

    let r = s
        .http
        .get(format!("{}?size=101", s.url(TTM_TENANTS)))
        .header("Authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = s.http.get(s.url(TTM_TENANTS)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // A user tenant's token is not the operator's.
    let (_, user) = ttm_token(&s, &key, "tenant-001").await;
    let r = s
        .http
        .get(s.url(TTM_TENANTS))
        .header(
            "Authorization",
            format!("Bearer {}", user["access_token"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

async fn sdx_password(s: &Server) -> (u16, Value) {
    let auth = form_basic("demo-client", "demo-secret");
    json(
        s.form(
            "/sdx/oauth/token",
            Some(&auth),
            &[
                ("grant_type", "password"),
                ("username", "demo-user"),
                ("password", "demo-password"),
            ],
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn sdx_impersonation_and_restart_invalidation() {
    let s = start(test_config()).await;
    let (status, body) = sdx_password(&s).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 3600);
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh_token = body["refresh_token"].as_str().unwrap().to_owned();
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&access)
        .unwrap()
        .claims;
    assert_eq!(claims["sub"], "demo-user");
    assert_eq!(claims["act"]["sub"], "demo-client", "RFC 8693 §4.1 actor");

    let auth = form_basic("demo-client", "demo-secret");
    let refresh_pairs = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.as_str()),
    ];
    let (status, body) = json(
        s.form("/sdx/oauth/token", Some(&auth), &refresh_pairs)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let rotated = body["refresh_token"].as_str().unwrap().to_owned();
    // SDx refresh tokens are not valid at the generic endpoint.
    let generic = [
        ("grant_type", "refresh_token"),
        ("refresh_token", rotated.as_str()),
    ];
    let (status, _) = json(s.form("/oauth/token", Some(&auth), &generic).await).await;
    assert_eq!(status, 400);

    let kid_before = jwks_kid(&s).await;
    s.restart().await;
    assert_ne!(
        jwks_kid(&s).await,
        kid_before,
        "restart rotates the signing key"
    );
    let pairs = [
        ("grant_type", "refresh_token"),
        ("refresh_token", rotated.as_str()),
    ];
    let (status, body) = json(s.form("/sdx/oauth/token", Some(&auth), &pairs).await).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (_, info) = json(
        s.form("/oauth/introspect", Some(&auth), &[("token", &access)])
            .await,
    )
    .await;
    assert_eq!(info["active"], false, "old access tokens no longer verify");
    // Re-authenticating works.
    assert_eq!(sdx_password(&s).await.0, 200);
}

async fn jwks_kid(s: &Server) -> String {
    let jwks: Value = s
        .http
        .get(s.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"][0]["kid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn keycloak_realm_discovery_and_certs_verify_tokens() {
    let s = start(test_config()).await;
    let config: Value = s
        .http
        .get(s.url("/realms/demo/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let issuer = format!("{}/realms/demo", s.base);
    assert_eq!(config["issuer"], issuer.as_str());
    assert_eq!(
        config["token_endpoint"],
        format!("{issuer}/protocol/openid-connect/token")
    );
    let jwks: Value = s
        .http
        .get(config["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (_, body) = kc_password(&s, "openid").await;
    let key = &jwks["keys"][0];
    let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap(),
        key["e"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[issuer.as_str()]);
    let data = jsonwebtoken::decode::<Value>(
        body["access_token"].as_str().unwrap(),
        &decoding,
        &validation,
    )
    .unwrap();
    assert_eq!(data.claims["sub"], "demo-user");
    let r = s
        .http
        .get(s.url("/realms/nope/protocol/openid-connect/certs"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
