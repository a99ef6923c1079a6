//! Insights Hub Technical Token Manager: requests, batch planning over the cache, batch and page
//! parsing, with canned responses and a manual clock.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};
use tokensmith::cache::{CacheConfig, TokenCache};
use tokensmith::error::UnexpectedReason;
use tokensmith::http::{HttpResponse, Method};
use tokensmith::vendor::{
    BatchChunk, TechnicalTokenManager, MAX_USER_TENANT_PAGES, USER_TENANTS_PAGE_SIZE,
};
use tokensmith::{Error, Secret, UnixMillis};

const SECRET: &str = "ttm-secret-Q7x";
const T0: i64 = 1_700_000_000_000;

fn ttm() -> TechnicalTokenManager {
    TechnicalTokenManager::new(
        "https://gateway.example/",
        "svc-id",
        Secret::new(SECRET),
        "myapp",
        "v1.0.0",
        "hostco",
    )
    .unwrap()
}

fn cache() -> TokenCache {
    TokenCache::new(CacheConfig {
        jitter_seed: Some(11),
        ..CacheConfig::default()
    })
}

fn fresh_cache() -> TokenCache {
    cache()
}

fn at(ms: i64) -> UnixMillis {
    UnixMillis(T0 + ms)
}

fn token_json(access: &str, timestamp: i64) -> Value {
    json!({
        "access_token": access,
        "token_type": "Bearer",
        "timestamp": timestamp.to_string(),
        "expires_in": 1799,
        "scope": "myapp.v1.0.0",
        "jti": "j-1",
    })
}

fn json_response(status: u16, body: Value) -> HttpResponse {
    HttpResponse::new(
        status,
        vec![("Content-Type".into(), "application/json".into())],
        body.to_string(),
    )
}

/// The batch answer a real TTM gives for the chunk's tenants.
fn batch_answer(chunk: &BatchChunk, timestamp: i64) -> HttpResponse {
    let tokens: Vec<Value> = chunk
        .tenants()
        .iter()
        .map(|t| json!({"userTenantId": t, "token": token_json(&format!("tok-{t}"), timestamp)}))
        .collect();
    json_response(200, json!({ "oauthTokens": tokens }))
}

fn body(req: &tokensmith::HttpRequest) -> Value {
    serde_json::from_slice(&req.body).unwrap()
}

#[test]
fn single_token_request_has_the_documented_shape() {
    let req = ttm().token_request("tenant-a").unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.url,
        "https://gateway.example/api/technicaltokenmanager/v3/oauth/token"
    );
    let expected = format!("Basic {}", STANDARD.encode(format!("svc-id:{SECRET}")));
    assert_eq!(req.header("x-space-auth-key"), Some(expected.as_str()));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(
        body(&req),
        json!({"appName": "myapp", "appVersion": "v1.0.0", "hostTenant": "hostco", "userTenant": "tenant-a"})
    );
    assert!(!req
        .redacted()
        .contains(&STANDARD.encode(format!("svc-id:{SECRET}"))));
    assert!(!format!("{:?}", ttm()).contains(SECRET));
}

#[test]
fn batch_request_has_the_documented_shape_and_limits() {
    let tenants: Vec<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
    let req = ttm().batch_request(&tenants).unwrap();
    assert_eq!(
        req.url,
        "https://gateway.example/api/technicaltokenmanager/v3/oauthTokens"
    );
    assert_eq!(
        body(&req),
        json!({"appName": "myapp", "appVersion": "v1.0.0", "hostTenantId": "hostco", "userTenantIds": ["a", "b"]})
    );
    let six: Vec<String> = (0..6).map(|i| format!("t{i}")).collect();
    assert_eq!(
        ttm().batch_request(&six).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        ttm().batch_request(&[]).unwrap_err().code(),
        "invalid_input"
    );
    assert!(ttm().with_batch_size(0).is_err());
    assert!(ttm().with_batch_size(6).is_err());
    assert_eq!(ttm().with_batch_size(3).unwrap().batch_size(), 3);
}

#[test]
fn constructor_refuses_unusable_settings() {
    let make = |base: &str, secret: &str, host: &str| {
        TechnicalTokenManager::new(base, "id", Secret::new(secret), "app", "1", host)
    };
    assert_eq!(
        make("ftp://x", "s", "h").unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        make("https://x", "", "h").unwrap_err().code(),
        "missing_client_secret"
    );
    assert_eq!(
        make("https://x", "s", "").unwrap_err().code(),
        "invalid_input"
    );
}

#[test]
fn seven_tenants_take_two_calls_then_none() {
    let (ttm, cache) = (ttm(), cache());
    let tenants: Vec<String> = (1..=7).map(|i| format!("tenant-{i}")).collect();
    let names: Vec<&str> = tenants.iter().map(String::as_str).collect();

    let plan = ttm.plan(&cache, &names, at(0)).unwrap();
    assert!(plan.fresh.is_empty());
    assert_eq!(plan.chunks.len(), 2);
    assert_eq!(plan.chunks[0].tenants(), &names[..5]);
    assert_eq!(plan.chunks[1].tenants(), &names[5..]);
    assert!(plan
        .chunks
        .iter()
        .all(|c| c.request.url.ends_with("/oauthTokens")));
    let mut stored = 0;
    for chunk in plan.chunks {
        let answer = batch_answer(&chunk, T0);
        let done = ttm.complete_batch(&cache, chunk, Ok(answer), at(0), at(10));
        assert!(done.retry.is_empty());
        for (tenant, outcome) in done.results {
            let token = outcome.unwrap();
            assert_eq!(token.access_token.expose_secret(), format!("tok-{tenant}"));
            stored += 1;
        }
    }
    assert_eq!(stored, 7);

    let again = ttm.plan(&cache, &names, at(60_000)).unwrap();
    assert!(again.is_complete());
    assert_eq!(again.fresh.len(), 7);
    assert_eq!(again.fresh[6].0, "tenant-7");
    assert_eq!(
        again.fresh[6].1.access_token.expose_secret(),
        "tok-tenant-7"
    );
}

#[test]
fn only_missing_tenants_are_requested_and_duplicates_once() {
    let (ttm, cache) = (ttm(), cache());
    let first = ttm.plan(&cache, &["a", "b"], at(0)).unwrap();
    for chunk in first.chunks {
        let answer = batch_answer(&chunk, T0);
        ttm.complete_batch(&cache, chunk, Ok(answer), at(0), at(0));
    }
    let plan = ttm
        .plan(&cache, &["a", "c", "b", "c", "d"], at(1000))
        .unwrap();
    assert_eq!(plan.fresh.len(), 2);
    assert_eq!(plan.chunks.len(), 1);
    assert_eq!(plan.chunks[0].tenants(), vec!["c", "d"]);
}

#[test]
fn a_chunk_of_one_uses_the_single_token_call() {
    let (ttm, cache) = (ttm(), cache());
    let mut plan = ttm.plan(&cache, &["solo"], at(0)).unwrap();
    let chunk = plan.chunks.pop().unwrap();
    assert!(chunk.is_single());
    assert!(chunk.request.url.ends_with("/oauth/token"));
    let done = ttm.complete_batch(
        &cache,
        chunk,
        Ok(json_response(200, token_json("single-tok", T0))),
        at(0),
        at(5),
    );
    assert_eq!(done.results.len(), 1);
    assert_eq!(
        done.results[0]
            .1
            .as_ref()
            .unwrap()
            .access_token
            .expose_secret(),
        "single-tok"
    );
}

#[test]
fn the_servers_timestamp_sets_the_issue_time() {
    let (ttm, cache) = (ttm(), cache());
    let mut plan = ttm.plan(&cache, &["a", "b"], at(0)).unwrap();
    let chunk = plan.chunks.pop().unwrap();
    // The TTM handed out tokens it issued 10 minutes ago.
    let issued = T0 - 600_000;
    let answer = batch_answer(&chunk, issued);
    let done = ttm.complete_batch(&cache, chunk, Ok(answer), at(0), at(0));
    assert_eq!(done.results.len(), 2);
    for (_, outcome) in done.results {
        let token = outcome.unwrap();
        assert_eq!(token.issued_at, UnixMillis(issued));
        assert_eq!(token.expires_at, UnixMillis(issued + 1_799_000));
    }
}

#[test]
fn expired_tokens_are_requested_again() {
    let (ttm, cache) = (ttm(), cache());
    let plan = ttm.plan(&cache, &["a", "b"], at(0)).unwrap();
    for chunk in plan.chunks {
        let answer = batch_answer(&chunk, T0);
        ttm.complete_batch(&cache, chunk, Ok(answer), at(0), at(0));
    }
    // Past expires_in (1799 s): nothing usable, both requested.
    let later = ttm.plan(&cache, &["a", "b"], at(1_800_000)).unwrap();
    assert!(later.fresh.is_empty());
    assert_eq!(later.chunks.len(), 1);
    assert_eq!(later.chunks[0].tenants(), vec!["a", "b"]);
}

#[test]
fn a_tenant_missing_from_the_answer_fails_alone() {
    let (ttm, cache) = (ttm(), cache());
    let mut plan = ttm.plan(&cache, &["a", "b", "c"], at(0)).unwrap();
    let chunk = plan.chunks.pop().unwrap();
    let answer = json_response(
        200,
        json!({"oauthTokens": [
            {"userTenantId": "a", "token": token_json("tok-a", T0)},
            {"userTenantId": "zzz", "token": token_json("tok-z", T0)},
            {"userTenantId": "c", "token": {"token_type": "Bearer"}},
        ]}),
    );
    let done = ttm.complete_batch(&cache, chunk, Ok(answer), at(0), at(0));
    let by: std::collections::HashMap<_, _> = done.results.into_iter().collect();
    assert!(by["a"].is_ok());
    assert_eq!(
        by["b"].as_ref().unwrap_err().code(),
        "invalid_token_response"
    );
    assert_eq!(
        by["c"].as_ref().unwrap_err().code(),
        "invalid_token_response"
    );
    assert!(!by.contains_key("zzz"));
}

#[test]
fn an_error_answer_fails_every_tenant_of_the_chunk() {
    let (ttm, cache) = (ttm(), cache());
    let mut plan = ttm.plan(&cache, &["a", "b"], at(0)).unwrap();
    let chunk = plan.chunks.pop().unwrap();
    let answer = json_response(
        400,
        json!({"error": "invalid_request", "error_description": "too many"}),
    );
    let done = ttm.complete_batch(&cache, chunk, Ok(answer), at(0), at(0));
    assert_eq!(done.results.len(), 2);
    for (_, outcome) in &done.results {
        assert_eq!(outcome.as_ref().unwrap_err().code(), "invalid_request");
    }

    // A gateway's HTML page: a 5xx is retryable, so the cache hands both tenants back in one
    // retry chunk instead of failing them.
    let other = fresh_cache();
    let mut plan = ttm.plan(&other, &["x", "y"], at(0)).unwrap();
    let chunk = plan.chunks.pop().unwrap();
    let html = HttpResponse::new(
        502,
        vec![("Content-Type".into(), "text/html".into())],
        "<html>",
    );
    let done = ttm.complete_batch(&other, chunk, Ok(html), at(0), at(0));
    assert!(done.results.is_empty(), "{:?}", done.results);
    assert_eq!(done.retry.len(), 1);
    assert_eq!(done.retry[0].tenants(), vec!["x", "y"]);
    assert!(done.retry_delay_ms > 0);
}

#[test]
fn a_transport_error_reaches_every_tenant() {
    let (ttm, cache) = (ttm(), cache());
    let mut plan = ttm.plan(&cache, &["a", "b"], at(0)).unwrap();
    let chunk = plan.chunks.pop().unwrap();
    let error = Error::Transport {
        kind: tokensmith::error::TransportErrorKind::Connect,
        message: "refused".into(),
    };
    let done = ttm.complete_batch(&cache, chunk, Err(error), at(0), at(0));
    let total = done.results.len() + done.retry.iter().map(|c| c.tenants().len()).sum::<usize>();
    assert_eq!(total, 2);
    for (_, outcome) in &done.results {
        assert_eq!(outcome.as_ref().unwrap_err().code(), "transport_connect");
    }
}

#[test]
fn user_tenant_pages_are_followed_to_the_end() {
    let ttm = ttm();
    let op = Secret::new("operator-token");
    let req = ttm.user_tenants_request(2, &op).unwrap();
    assert_eq!(req.method, Method::Get);
    assert_eq!(
        req.url,
        format!(
            "https://gateway.example/api/technicaltokenmanager/v3/userTenants?page=2&size={USER_TENANTS_PAGE_SIZE}"
        )
    );
    assert_eq!(req.header("authorization"), Some("Bearer operator-token"));

    let page = |number: u64, total_pages: u64| {
        json_response(
            200,
            json!({"userTenants": [{"id": format!("t{number}")}],
                   "page": {"size": 100, "totalElements": 250, "totalPages": total_pages, "number": number}}),
        )
    };
    let first = ttm.parse_user_tenants_page(&page(0, 3), 0, at(0)).unwrap();
    assert_eq!(first.tenants, vec!["t0"]);
    assert_eq!(first.next_page, Some(1));
    assert_eq!(first.total_elements, Some(250));
    let last = ttm.parse_user_tenants_page(&page(2, 3), 2, at(0)).unwrap();
    assert_eq!(last.next_page, None);
    // A server that ignores `page` (answers page 0 again) would loop forever: the server's
    // fault, an unexpected response with reason `paging` (not the caller's invalid input).
    let paging = |error: Error| match error {
        Error::UnexpectedResponse(e) => (e.reason, e.status),
        other => panic!("expected an unexpected response, got {other:?}"),
    };
    let ignored = ttm
        .parse_user_tenants_page(&page(0, 3), 1, at(0))
        .unwrap_err();
    assert_eq!(ignored.code(), "unexpected_response");
    assert_eq!(paging(ignored), (UnexpectedReason::Paging, 200));
    // A listing that never ends is cut at the cap, with the same typed error.
    let cap = u64::from(MAX_USER_TENANT_PAGES);
    let endless = ttm
        .parse_user_tenants_page(&page(cap - 1, u64::MAX), MAX_USER_TENANT_PAGES - 1, at(0))
        .unwrap_err();
    assert_eq!(paging(endless).0, UnexpectedReason::Paging);
    assert_eq!(UnexpectedReason::Paging.code(), "paging");
    // The page just below the cap still has a successor.
    assert_eq!(
        ttm.parse_user_tenants_page(&page(cap - 2, u64::MAX), MAX_USER_TENANT_PAGES - 2, at(0))
            .unwrap()
            .next_page,
        Some(MAX_USER_TENANT_PAGES - 1)
    );
    // Asking for a page past the cap is the caller's mistake.
    assert_eq!(
        ttm.user_tenants_request(MAX_USER_TENANT_PAGES, &op)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let forbidden = json_response(403, json!({"error": "access_denied"}));
    assert_eq!(
        ttm.parse_user_tenants_page(&forbidden, 0, at(0))
            .unwrap_err()
            .code(),
        "access_denied"
    );
    let malformed = json_response(200, json!({"userTenants": "nope"}));
    assert_eq!(
        ttm.parse_user_tenants_page(&malformed, 0, at(0))
            .unwrap_err()
            .code(),
        "unexpected_response"
    );
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    fn json_ish() -> impl Strategy<Value = String> {
        // Fragments of TTM answers, recombined, reach deeper than random bytes.
        let piece = prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "null",
            "0",
            "-1",
            "1e300",
            "\"oauthTokens\"",
            "\"userTenantId\"",
            "\"token\"",
            "\"a\"",
            "\"b\"",
            "\"access_token\"",
            "\"x\"",
            "\"token_type\"",
            "\"Bearer\"",
            "\"timestamp\"",
            "\"expires_in\"",
            "\"userTenants\"",
            "\"id\"",
            "\"page\"",
            "\"number\"",
            "\"totalPages\"",
            "18446744073709551615",
        ]);
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn batch_and_page_parsing_never_panic(
            status in prop::sample::select(vec![200u16, 201, 400, 401, 500, 502]),
            body in prop_oneof![json_ish(), any::<String>()],
            page in 0u32..1200,
        ) {
            let (ttm, cache) = (ttm(), cache());
            let resp = json_response_raw(status, &body);
            let _ = ttm.parse_user_tenants_page(&resp, page, at(0));
            let mut plan = ttm.plan(&cache, &["a", "b"], at(0)).unwrap();
            let chunk = plan.chunks.pop().unwrap();
            let done = ttm.complete_batch(&cache, chunk, Ok(resp.clone()), at(0), at(0));
            let answered = done.results.len()
                + done.retry.iter().map(|c| c.tenants().len()).sum::<usize>();
            prop_assert_eq!(answered, 2);
            let other = fresh_cache();
            let mut plan = ttm.plan(&other, &["solo"], at(0)).unwrap();
            let chunk = plan.chunks.pop().unwrap();
            let done = ttm.complete_batch(&other, chunk, Ok(resp), at(0), at(0));
            prop_assert_eq!(done.results.len() + done.retry.len(), 1);
        }
    }

    fn json_response_raw(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            vec![("Content-Type".into(), "application/json".into())],
            body.to_owned(),
        )
    }
}

/// Between the refresh point and expiry a token is still served, and its tenant is requested
/// again in the same plan (stale-while-revalidate, per tenant).
#[test]
fn aging_tokens_are_served_and_requested() {
    let (ttm, cache) = (ttm(), cache());
    let plan = ttm.plan(&cache, &["a", "b"], at(0)).unwrap();
    for chunk in plan.chunks {
        let answer = batch_answer(&chunk, T0);
        ttm.complete_batch(&cache, chunk, Ok(answer), at(0), at(0));
    }
    let bounds = tokensmith::cache::TimingBounds::for_lifetime(1_799_000).unwrap();
    let aging = bounds.refresh_at_max_ms + 1;
    assert!(aging < bounds.usable_for_ms);
    let plan = ttm.plan(&cache, &["a", "b"], at(aging)).unwrap();
    assert_eq!(plan.fresh.len(), 2);
    // All served: the call goes to the background, the caller waits for nothing.
    assert!(plan.chunks.is_empty());
    assert_eq!(plan.background.len(), 1);
    assert_eq!(plan.background[0].tenants(), vec!["a", "b"]);
    // While that refresh is in flight, another plan serves the tokens and requests nothing.
    let meanwhile = ttm.plan(&cache, &["a", "b"], at(aging + 1)).unwrap();
    assert_eq!(meanwhile.fresh.len(), 2);
    assert!(meanwhile.chunks.is_empty());
    assert!(meanwhile.background.is_empty());
}

/// An aging tenant and a missing one fit in one call, which the caller awaits.
#[test]
fn an_aging_tenant_rides_along_with_a_missing_one() {
    let (ttm, cache) = (ttm(), cache());
    let plan = ttm.plan(&cache, &["a", "c"], at(0)).unwrap();
    for chunk in plan.chunks {
        let answer = batch_answer(&chunk, T0);
        ttm.complete_batch(&cache, chunk, Ok(answer), at(0), at(0));
    }
    let bounds = tokensmith::cache::TimingBounds::for_lifetime(1_799_000).unwrap();
    let aging = bounds.refresh_at_max_ms + 1;
    let plan = ttm.plan(&cache, &["a", "c", "b"], at(aging)).unwrap();
    assert_eq!(plan.fresh.len(), 2);
    assert!(plan.background.is_empty());
    assert_eq!(plan.chunks.len(), 1);
    assert_eq!(plan.chunks[0].tenants(), vec!["a", "c", "b"]);
    assert_eq!(
        tokensmith::vendor::unique_tenants(vec!["b".into(), "a".into(), "b".into()]),
        vec!["b".to_string(), "a".to_string()]
    );
}
