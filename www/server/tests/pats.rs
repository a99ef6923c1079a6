//! Personal access tokens: issue → use → list → revoke → fails; revoke all; deactivate user →
//! every token fails; expiry; SQLite file persistence.

mod common;

use common::*;
use serde_json::{json, Value};

async fn issue(s: &Server, extra: Value) -> (u16, Value) {
    let mut body = json!({
        "username": "demo-user",
        "password": "demo-password",
        "description": "ci runner",
        "kind": "personal",
        "scopes": ["read"],
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    json(s.post_json("/api/tokens", &body).await).await
}

async fn get(s: &Server, path: &str, bearer: &str) -> reqwest::Response {
    s.http
        .get(s.url(path))
        .header("Authorization", format!("Bearer {bearer}"))
        .send()
        .await
        .unwrap()
}

async fn delete(s: &Server, path: &str, bearer: &str) -> reqwest::Response {
    s.http
        .delete(s.url(path))
        .header("Authorization", format!("Bearer {bearer}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn lifecycle_issue_use_list_revoke() {
    let s = start(test_config()).await;
    let (status, created) = issue(&s, json!({})).await;
    assert_eq!(status, 201, "{created}");
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("tsm_"));
    let id = created["id"].as_str().unwrap().to_owned();

    let (status, me) = json(get(&s, "/api/me", &token).await).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"], "demo-user");
    assert_eq!(me["auth"], "pat");
    assert_eq!(me["token_id"], id.as_str());
    assert_eq!(me["scopes"], json!(["read"]));

    let r = get(&s, "/api/tokens", &token).await;
    let text = r.text().await.unwrap();
    assert!(!text.contains(&token), "lists never contain the plaintext");
    let listed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(listed["tokens"][0]["id"], id.as_str());
    assert!(
        listed["tokens"][0]["last_used_at"].is_i64(),
        "use is recorded"
    );

    let (_, second) = issue(&s, json!({"description": "second"})).await;
    let second = second["token"].as_str().unwrap().to_owned();
    assert_eq!(
        delete(&s, &format!("/api/tokens/{id}"), &second)
            .await
            .status(),
        204
    );
    let r = get(&s, "/api/me", &token).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    assert_eq!(get(&s, "/api/me", &second).await.status(), 200);
    assert_eq!(
        delete(&s, "/api/tokens/unknown-id", &second).await.status(),
        404
    );

    let (status, body) = json(delete(&s, "/api/tokens", &second).await).await;
    assert_eq!((status, body["revoked"].as_i64()), (200, Some(1)));
    assert_eq!(get(&s, "/api/me", &second).await.status(), 401);
}

#[tokio::test]
async fn issuing_requires_the_password_and_a_known_kind() {
    let s = start(test_config()).await;
    let (status, _) = issue(&s, json!({"password": "wrong"})).await;
    assert_eq!(status, 401);
    let (status, _) = issue(&s, json!({"kind": "root"})).await;
    assert_eq!(status, 400);
    // A damaged token (bad checksum) and garbage are refused.
    let (_, created) = issue(&s, json!({})).await;
    let mut damaged = created["token"].as_str().unwrap().to_owned();
    let last = damaged.pop().unwrap();
    damaged.push(if last == 'a' { 'b' } else { 'a' });
    assert_eq!(get(&s, "/api/me", &damaged).await.status(), 401);
    assert_eq!(get(&s, "/api/me", "garbage").await.status(), 401);
    assert_eq!(
        s.http.get(s.url("/api/me")).send().await.unwrap().status(),
        401
    );
}

#[tokio::test]
async fn deactivating_a_user_stops_every_token() {
    let s = start(test_config()).await;
    let (_, a) = issue(&s, json!({})).await;
    let (_, b) = issue(&s, json!({"kind": "client"})).await;
    let auth = form_basic("demo-client", "demo-secret");
    let (_, grant) = json(
        s.form(
            "/oauth/token",
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
    let access = grant["access_token"].as_str().unwrap().to_owned();
    let (status, me) = json(get(&s, "/api/me", &access).await).await;
    assert_eq!((status, me["auth"].as_str()), (200, Some("access_token")));

    let r = s
        .http
        .post(s.url("/api/users/demo-user/deactivate"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    for token in [
        a["token"].as_str().unwrap(),
        b["token"].as_str().unwrap(),
        &access,
    ] {
        assert_eq!(get(&s, "/api/me", token).await.status(), 401);
    }
    let (status, _) = issue(&s, json!({})).await;
    assert_eq!(status, 403);

    let r = s
        .http
        .post(s.url("/api/users/demo-user/activate"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        get(&s, "/api/me", a["token"].as_str().unwrap())
            .await
            .status(),
        200
    );
    let r = s
        .http
        .post(s.url("/api/users/nobody/deactivate"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn tokens_with_a_lifetime_expire() {
    let s = start(test_config()).await;
    let (_, created) = issue(&s, json!({"lifetime_seconds": 60})).await;
    let token = created["token"].as_str().unwrap();
    assert_eq!(get(&s, "/api/me", token).await.status(), 200);
    s.advance_clock(61).await;
    assert_eq!(get(&s, "/api/me", token).await.status(), 401);
}

#[tokio::test]
async fn sqlite_file_keeps_tokens_across_restarts() {
    let path = std::env::temp_dir().join(format!(
        "tokensmith-devserver-pats-{}.db",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let mut config = test_config();
    config.pat.database = path.to_string_lossy().into_owned();
    let first = start(config.clone()).await;
    let (_, created) = issue(&first, json!({})).await;
    let token = created["token"].as_str().unwrap().to_owned();
    // A second server on the same file (a restarted process) still knows the token.
    let second = start(config).await;
    assert_eq!(get(&second, "/api/me", &token).await.status(), 200);
    let stored = std::fs::read(&path).unwrap();
    let needle = token.as_bytes();
    assert!(
        !stored.windows(needle.len()).any(|w| w == needle),
        "only hashes are stored"
    );
    let _ = std::fs::remove_file(&path);
}
