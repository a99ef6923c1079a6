//! Core's sans-IO vendor flows (`tokensmith::vendor`) driven against the real dev server: the
//! TTM batch planner and paging, Keycloak's "Token is not active", SDx after a restart.

mod common;

use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use tokensmith::cache::{CacheConfig, CacheKey, Completion, Lookup, LookupOptions, TokenCache};
use tokensmith::client::{FinishStep, Step, TokenSource};
use tokensmith::vendor::{
    keycloak_refresh_error, keycloak_token_url, sdx_refresh_error, with_offline_access,
    TechnicalTokenManager, SDX_TOKEN_PATH,
};
use tokensmith::{
    parse_token_response, ClientAuthMethod, Grant, HttpRequest, HttpResponse, Method, ParseOptions,
    RefreshExpiry, Secret, TokenEndpoint, UnixMillis,
};

fn now() -> UnixMillis {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    UnixMillis(ms)
}

/// Sends core's request with reqwest and counts it.
async fn send(s: &Server, sent: &AtomicUsize, req: &HttpRequest) -> HttpResponse {
    sent.fetch_add(1, Ordering::SeqCst);
    let mut builder = match req.method {
        Method::Get => s.http.get(&req.url),
        Method::Post => s.http.post(&req.url),
        Method::Delete => s.http.delete(&req.url),
    };
    for (name, value) in &req.headers {
        builder = builder.header(name, value);
    }
    let resp = builder.body(req.body.clone()).send().await.expect("send");
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .filter_map(|(n, v)| Some((n.to_string(), v.to_str().ok()?.to_owned())))
        .collect();
    let body = resp.bytes().await.expect("body").to_vec();
    HttpResponse::new(status, headers, body)
}

fn ttm(s: &Server) -> TechnicalTokenManager {
    TechnicalTokenManager::new(
        &s.base,
        "demo-client",
        Secret::new("demo-secret"),
        "myapp",
        "1.0.0",
        "demohost",
    )
    .unwrap()
}

#[tokio::test]
async fn ttm_planner_batches_caches_and_pages() {
    let mut config = test_config();
    config.tenants.generate = 250;
    let s = start(config).await;
    let (ttm, cache, sent) = (
        ttm(&s),
        TokenCache::new(CacheConfig::default()),
        AtomicUsize::new(0),
    );

    // Operator token, then every page of user tenants.
    let mut plan = ttm.plan(&cache, &["demohost"], now()).unwrap();
    let chunk = plan.chunks.pop().unwrap();
    let resp = send(&s, &sent, &chunk.request).await;
    let mut done = ttm.complete_batch(&cache, chunk, Ok(resp), now(), now());
    let operator = done.results.pop().unwrap().1.unwrap();
    let mut tenants = Vec::new();
    let mut page = Some(0);
    while let Some(number) = page {
        let req = ttm
            .user_tenants_request(number, &operator.access_token)
            .unwrap();
        let resp = send(&s, &sent, &req).await;
        let parsed = ttm.parse_user_tenants_page(&resp, number, now()).unwrap();
        tenants.extend(parsed.tenants);
        page = parsed.next_page;
    }
    assert_eq!(tenants.len(), 250);
    assert_eq!(sent.load(Ordering::SeqCst), 1 + 3);

    // All 250 tenants: 50 batch calls of 5; every token stored per tenant.
    sent.store(0, Ordering::SeqCst);
    let names: Vec<&str> = tenants.iter().map(String::as_str).collect();
    let plan = ttm.plan(&cache, &names, now()).unwrap();
    assert_eq!(plan.chunks.len(), 50);
    let mut ok = 0;
    for chunk in plan.chunks {
        let sent_at = now();
        let resp = send(&s, &sent, &chunk.request).await;
        let done = ttm.complete_batch(&cache, chunk, Ok(resp), sent_at, now());
        assert!(done.retry.is_empty());
        for (tenant, outcome) in done.results {
            let token = outcome.unwrap_or_else(|e| panic!("{tenant}: {e}"));
            assert!(token.remaining_ms(now()) > 1_700_000);
            ok += 1;
        }
    }
    assert_eq!((ok, sent.load(Ordering::SeqCst)), (250, 50));

    // Asked again: everything from the cache, nothing sent.
    let again = ttm.plan(&cache, &names, now()).unwrap();
    assert!(again.is_complete());
    assert_eq!(again.fresh.len(), 250);

    // The server refuses an unknown tenant in a batch: every tenant of that call fails.
    let fresh = TokenCache::new(CacheConfig::default());
    let mut plan = ttm.plan(&fresh, &["tenant-001", "nobody"], now()).unwrap();
    let chunk = plan.chunks.pop().unwrap();
    let resp = send(&s, &sent, &chunk.request).await;
    let done = ttm.complete_batch(&fresh, chunk, Ok(resp), now(), now());
    assert_eq!(done.results.len(), 2);
    assert!(done.results.iter().all(|(_, o)| o.is_err()));
}

#[tokio::test]
async fn keycloak_offline_token_and_token_not_active() {
    let s = start(test_config()).await;
    let sent = AtomicUsize::new(0);
    let endpoint = TokenEndpoint {
        url: keycloak_token_url(&format!("{}/", s.base), "demo").unwrap(),
        client_id: "demo-client".into(),
        client_secret: Some(Secret::new("demo-secret")),
        auth: ClientAuthMethod::ClientSecretBasic,
    };
    let grant = Grant::Password {
        username: "demo-user".into(),
        password: Secret::new("demo-password"),
        scope: with_offline_access(vec!["openid".into()]),
    };
    let resp = send(&s, &sent, &endpoint.token_request(&grant).unwrap()).await;
    let token = parse_token_response(&resp, now(), &ParseOptions::default()).unwrap();
    assert_eq!(token.refresh_expiry, RefreshExpiry::Never);
    let old = token.refresh_token.clone().unwrap();
    let refresh = |rt: Secret| Grant::RefreshToken {
        refresh_token: rt,
        scope: Vec::new(),
    };
    let resp = send(
        &s,
        &sent,
        &endpoint.token_request(&refresh(old.clone())).unwrap(),
    )
    .await;
    assert!(parse_token_response(&resp, now(), &ParseOptions::default()).is_ok());
    // Rotated: the old refresh token is "not active" any more.
    let resp = send(&s, &sent, &endpoint.token_request(&refresh(old)).unwrap()).await;
    let error = parse_token_response(&resp, now(), &ParseOptions::default()).unwrap_err();
    assert_eq!(
        keycloak_refresh_error(&error).unwrap().code(),
        "refresh_token_inactive"
    );
}

async fn drive(s: &Server, sent: &AtomicUsize, source: &TokenSource, force: bool) -> FinishStep {
    let Step::Send(mut fetch) = source.begin(now(), 0, force) else {
        panic!("expected a request");
    };
    loop {
        let sent_at = now();
        let resp = send(s, sent, &fetch.request).await;
        match source.finish(fetch, Ok(resp), sent_at, now()) {
            FinishStep::RetryAfter { fetch: next, .. } => fetch = next,
            done => return done,
        }
    }
}

#[tokio::test]
async fn sdx_restart_with_and_without_kept_credentials() {
    let s = start(test_config()).await;
    let sent = AtomicUsize::new(0);
    let endpoint = TokenEndpoint {
        url: s.url(SDX_TOKEN_PATH),
        client_id: "demo-client".into(),
        client_secret: Some(Secret::new("demo-secret")),
        auth: ClientAuthMethod::ClientSecretBasic,
    };
    let grant = Grant::Password {
        username: "demo-user".into(),
        password: Secret::new("demo-password"),
        scope: Vec::new(),
    };

    // Kept credentials: after the restart the forced refresh is refused (core drops the refresh
    // token) and, in the same flight, core signs in again with the password: two requests.
    let source = TokenSource::new(
        endpoint.clone(),
        grant.clone(),
        TokenCache::new(CacheConfig::default()),
        ParseOptions::default(),
    )
    .unwrap();
    let FinishStep::Done(Ok(first)) = drive(&s, &sent, &source, false).await else {
        panic!("sign in");
    };
    s.restart().await;
    let before = sent.load(Ordering::SeqCst);
    let FinishStep::Done(Ok(second)) = drive(&s, &sent, &source, true).await else {
        panic!("password grant after the restart");
    };
    assert_eq!(
        sent.load(Ordering::SeqCst) - before,
        2,
        "refused refresh, then password"
    );
    assert_ne!(second.access_token, first.access_token);

    // Without the credentials: the refusal says to regenerate the tokens.
    let resp = send(&s, &sent, &endpoint.token_request(&grant).unwrap()).await;
    let token = parse_token_response(&resp, now(), &ParseOptions::default()).unwrap();
    let cache = TokenCache::new(CacheConfig::default());
    let key = CacheKey::builder(
        endpoint.url.clone(),
        "demo-client",
        endpoint.auth,
        "password",
    )
    .subject(Some("demo-user"))
    .build();
    cache.insert(&key, token, now());
    s.restart().await;
    let options = LookupOptions {
        primary_grant_available: false,
        force: true,
        ..LookupOptions::default()
    };
    let Lookup::Fetch(ticket) = cache.lookup(&key, now(), options) else {
        panic!("expected a refresh");
    };
    let tokensmith::cache::FetchPlan::Refresh(rt) = ticket.plan().clone() else {
        panic!("expected the refresh plan");
    };
    let req = endpoint
        .token_request(&Grant::RefreshToken {
            refresh_token: rt,
            scope: Vec::new(),
        })
        .unwrap();
    let resp = send(&s, &sent, &req).await;
    let result = parse_token_response(&resp, now(), &ParseOptions::default());
    let Completion::Done(Err(error)) = cache.complete(ticket, result, now()) else {
        panic!("the refresh should be refused");
    };
    let clear = sdx_refresh_error(&error).unwrap();
    assert!(
        clear.to_string().contains("regenerate the tokens"),
        "{clear}"
    );
}
