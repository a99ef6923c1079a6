//! Fault injection: the next N responses of a path are replaced or damaged, then the route
//! behaves normally again.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::Instant;

async fn plan(s: &Server, fault: Value) {
    let r = s.post_json("/admin/faults", &fault).await;
    assert_eq!(r.status(), 204, "{fault}");
}

async fn client_credentials(s: &Server) -> reqwest::Response {
    let auth = form_basic("demo-client", "demo-secret");
    s.form(
        "/oauth/token",
        Some(&auth),
        &[("grant_type", "client_credentials")],
    )
    .await
}

#[tokio::test]
async fn server_error_for_the_next_n_then_normal() {
    let s = start(test_config()).await;
    plan(
        &s,
        json!({"path": "/oauth/token", "kind": "server_error", "count": 2}),
    )
    .await;
    let listed: Value = s
        .http
        .get(s.url("/admin/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["faults"][0]["count"], 2);
    assert_eq!(client_credentials(&s).await.status(), 500);
    assert_eq!(client_credentials(&s).await.status(), 500);
    assert_eq!(client_credentials(&s).await.status(), 200);
}

#[tokio::test]
async fn rate_limited_html_and_clear() {
    let s = start(test_config()).await;
    plan(
        &s,
        json!({"path": "/oauth/token", "kind": "rate_limited", "retry_after_secs": 7, "count": 1}),
    )
    .await;
    let r = client_credentials(&s).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");

    plan(&s, json!({"path": "/v1/token", "kind": "html", "count": 1})).await;
    let auth = form_basic("demo-client", "demo-secret");
    let r = s
        .form(
            "/v1/token",
            Some(&auth),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(r.status(), 502);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.text().await.unwrap().starts_with("<!DOCTYPE html>"));

    plan(
        &s,
        json!({"path": "/oauth/token", "kind": "server_error", "count": 5}),
    )
    .await;
    let r = s.http.delete(s.url("/admin/faults")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(client_credentials(&s).await.status(), 200);
}

#[tokio::test]
async fn slow_response_still_succeeds() {
    let s = start(test_config()).await;
    plan(
        &s,
        json!({"path": "/oauth/token", "kind": "slow", "delay_ms": 300, "count": 1}),
    )
    .await;
    let started = Instant::now();
    let r = client_credentials(&s).await;
    assert_eq!(r.status(), 200);
    // The delay is a lower bound, not a timing goal.
    assert!(started.elapsed().as_millis() >= 300);
}

#[tokio::test]
async fn damaged_bodies() {
    let s = start(test_config()).await;
    plan(
        &s,
        json!({"path": "/oauth/token", "kind": "truncated", "count": 1}),
    )
    .await;
    let text = client_credentials(&s).await.text().await.unwrap();
    assert!(text.starts_with("{\"access_token\""));
    assert!(serde_json::from_str::<Value>(&text).is_err());

    let cases = [
        ("expires_in_string", json!("3600")),
        ("expires_in_negative", json!(-3600)),
        ("expires_in_missing", Value::Null),
    ];
    for (kind, expected) in cases {
        plan(
            &s,
            json!({"path": "/oauth/token", "kind": kind, "count": 1}),
        )
        .await;
        let body: Value = client_credentials(&s).await.json().await.unwrap();
        assert!(body["access_token"].is_string(), "{kind}");
        assert_eq!(body["expires_in"], expected, "{kind}");
    }
    let body: Value = client_credentials(&s).await.json().await.unwrap();
    assert_eq!(body["expires_in"], 3600);

    // TTM keeps its own lifetime under damage too.
    plan(
        &s,
        json!({"path": "/api/technicaltokenmanager/v3/oauth/token", "kind": "expires_in_string", "count": 1}),
    )
    .await;
    let r = s
        .http
        .post(s.url("/api/technicaltokenmanager/v3/oauth/token"))
        .header("X-SPACE-AUTH-KEY", raw_basic("demo-client", "demo-secret"))
        .json(&json!({"appName": "a", "appVersion": "1", "hostTenant": "demohost", "userTenant": "tenant-001"}))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["expires_in"], "1799");
}

#[tokio::test]
async fn unknown_fault_kind_is_rejected() {
    let s = start(test_config()).await;
    let r = s
        .post_json(
            "/admin/faults",
            &json!({"path": "/oauth/token", "kind": "explode", "count": 1}),
        )
        .await;
    assert!(r.status().is_client_error());
    assert_eq!(client_credentials(&s).await.status(), 200);
}
