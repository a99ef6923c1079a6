//! TokenSource with a manual clock and canned responses (no network).

use super::*;
use crate::cache::{CacheConfig, FetchReason, Outcome, PlanKind, Settled, TokenCache};
use crate::client_auth::ClientAuthMethod;
use crate::endpoint::TokenEndpoint;
use crate::error::{Error, Result, TransportErrorKind};
use crate::grant::Grant;
use crate::http::{HttpRequest, HttpResponse};
use crate::response::ParseOptions;
use crate::secret::Secret;
use crate::time::UnixMillis;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

const SECRET: &str = "client-secret-Zq9";

fn source() -> TokenSource {
    let endpoint = TokenEndpoint {
        url: "https://idp.example/token".into(),
        client_id: "svc".into(),
        client_secret: Some(Secret::new(SECRET)),
        auth: ClientAuthMethod::ClientSecretBasic,
    };
    let grant = Grant::ClientCredentials {
        scope: vec!["read".into()],
        audience: None,
        resource: None,
    };
    let cache = TokenCache::new(CacheConfig {
        jitter_seed: Some(7),
        ..CacheConfig::default()
    });
    TokenSource::new(endpoint, grant, cache, ParseOptions::default()).unwrap()
}

/// A source for `grant` at `base`'s endpoint, sharing its cache.
fn sibling(base: &TokenSource, grant: Grant) -> TokenSource {
    TokenSource::new(
        base.endpoint().clone(),
        grant,
        base.cache().clone(),
        ParseOptions::default(),
    )
    .unwrap()
}

fn ok(access: &str, expires_in: i64, refresh: Option<&str>) -> Result<HttpResponse> {
    let refresh = refresh.map_or(String::new(), |r| format!(",\"refresh_token\":\"{r}\""));
    Ok(HttpResponse::new(
        200,
        vec![("Content-Type".into(), "application/json".into())],
        format!(
            "{{\"access_token\":\"{access}\",\"token_type\":\"Bearer\",\"expires_in\":{expires_in}{refresh}}}"
        ),
    ))
}

fn status(code: u16, body: &str) -> Result<HttpResponse> {
    Ok(HttpResponse::new(
        code,
        vec![("Content-Type".into(), "application/json".into())],
        body,
    ))
}

fn send(step: Step) -> Fetch {
    match step {
        Step::Send(fetch) => fetch,
        other => panic!("expected Send, got {other:?}"),
    }
}

fn done(step: FinishStep) -> Outcome {
    match step {
        FinishStep::Done(outcome) => outcome,
        other => panic!("expected Done, got {other:?}"),
    }
}

fn at(ms: i64) -> UnixMillis {
    UnixMillis(ms)
}

#[test]
fn cold_lookup_sends_the_primary_grant_then_serves_from_cache() {
    let s = source();
    let fetch = send(s.begin(at(0), 0, false));
    assert_eq!(fetch.plan_kind(), PlanKind::Primary);
    assert_eq!(fetch.reason(), FetchReason::Missing);
    assert!(fetch
        .request
        .body_text()
        .contains("grant_type=client_credentials"));
    assert!(fetch.request.body_text().contains("scope=read"));
    assert!(fetch.request.header("authorization").is_some());
    assert!(!format!("{fetch:?}").contains(SECRET));
    let token = done(s.finish(fetch, ok("AT-1", 3600, None), at(0), at(10))).unwrap();
    assert_eq!(token.access_token.expose_secret(), "AT-1");
    match s.begin(at(1_000), 0, false) {
        Step::Ready(t) => assert_eq!(t.access_token.expose_secret(), "AT-1"),
        other => panic!("expected Ready, got {other:?}"),
    }
}

#[test]
fn a_second_caller_waits_for_the_first_and_gets_its_token() {
    let s = source();
    let fetch = send(s.begin(at(0), 0, false));
    let Step::Wait(handle) = s.begin(at(1), 0, false) else {
        panic!("second caller should wait");
    };
    assert!(handle.try_result().is_none());
    done(s.finish(fetch, ok("AT-1", 3600, None), at(0), at(5))).unwrap();
    match handle.try_result() {
        Some(Settled::Done(Ok(t))) => assert_eq!(t.access_token.expose_secret(), "AT-1"),
        other => panic!("waiter got {other:?}"),
    }
}

#[test]
fn a_dropped_fetch_releases_the_key() {
    let s = source();
    let fetch = send(s.begin(at(0), 0, false));
    let Step::Wait(handle) = s.begin(at(1), 0, false) else {
        panic!("second caller should wait");
    };
    drop(fetch);
    assert!(matches!(handle.try_result(), Some(Settled::Abandoned)));
    send(s.begin(at(2), 0, false));
}

#[test]
fn an_aging_token_is_served_while_the_refresh_token_renews_it() {
    let s = source();
    let fetch = send(s.begin(at(0), 0, false));
    done(s.finish(fetch, ok("AT-1", 100, Some("RT-1")), at(0), at(0))).unwrap();
    // Past 75 % (plus at most 5 % jitter) of a 100 s lifetime, before 90 % (the 10 % skew).
    let Step::ReadyAndRefresh(token, refresh) = s.begin(at(85_000), 0, false) else {
        panic!("expected a background refresh");
    };
    assert_eq!(token.access_token.expose_secret(), "AT-1");
    assert_eq!(refresh.plan_kind(), PlanKind::Refresh);
    assert!(refresh
        .request
        .body_text()
        .contains("grant_type=refresh_token"));
    assert!(refresh.request.body_text().contains("refresh_token=RT-1"));
    assert!(!format!("{refresh:?}").contains("RT-1"));
    let new = done(s.finish(refresh, ok("AT-2", 100, None), at(85_000), at(85_010))).unwrap();
    assert_eq!(new.access_token.expose_secret(), "AT-2");
    // RFC 6749 §6: no new refresh token in the answer keeps the old one.
    assert_eq!(new.refresh_token.as_ref().unwrap().expose_secret(), "RT-1");
}

#[test]
fn a_failed_background_refresh_keeps_serving_the_valid_token() {
    let s = source();
    let fetch = send(s.begin(at(0), 0, false));
    done(s.finish(fetch, ok("AT-1", 100, None), at(0), at(0))).unwrap();
    let Step::ReadyAndRefresh(_, refresh) = s.begin(at(85_000), 0, false) else {
        panic!("expected a background refresh");
    };
    let failed = s.finish(refresh, status(500, "{}"), at(85_000), at(85_001));
    assert!(matches!(failed, FinishStep::Done(Err(_))), "{failed:?}");
    match s.begin(at(85_500), 0, false) {
        Step::Ready(t) | Step::ReadyAndRefresh(t, _) => {
            assert_eq!(t.access_token.expose_secret(), "AT-1")
        }
        other => panic!("expected the cached token, got {other:?}"),
    }
}

#[test]
fn a_transient_failure_without_a_token_is_retried_in_flight() {
    let s = source();
    let fetch = send(s.begin(at(0), 0, false));
    let transport = Err(Error::Transport {
        kind: TransportErrorKind::Connect,
        message: "connection refused".into(),
    });
    let FinishStep::RetryAfter { fetch, delay_ms } = s.finish(fetch, transport, at(0), at(1))
    else {
        panic!("expected a retry");
    };
    assert!(delay_ms > 0);
    assert_eq!(fetch.attempt(), 2);
    let token = done(s.finish(fetch, ok("AT-1", 3600, None), at(300), at(301))).unwrap();
    assert_eq!(token.access_token.expose_secret(), "AT-1");
}

#[test]
fn a_permanent_error_ends_the_flight_without_retry() {
    let s = source();
    let fetch = send(s.begin(at(0), 0, false));
    let body = r#"{"error":"invalid_scope","error_description":"no such scope"}"#;
    let err = done(s.finish(fetch, status(400, body), at(0), at(1))).unwrap_err();
    assert_eq!(err.code(), "invalid_scope");
    assert_eq!(err.status(), Some(400));
}

#[test]
fn invalid_client_backs_the_key_off() {
    let s = source();
    let fetch = send(s.begin(at(0), 0, false));
    let body = r#"{"error":"invalid_client"}"#;
    let err = done(s.finish(fetch, status(401, body), at(0), at(1))).unwrap_err();
    assert_eq!(err.code(), "invalid_client");
    match s.begin(at(2), 0, false) {
        Step::Fail(again) => assert_eq!(again.code(), "invalid_client"),
        other => panic!("expected Fail during backoff, got {other:?}"),
    }
    // The 2 s negative-cache interval is over: the next lookup may ask again.
    send(s.begin(at(2_100), 0, false));
}

#[test]
fn a_rejected_refresh_token_falls_back_to_the_primary_grant() {
    let s = source();
    let fetch = send(s.begin(at(0), 0, false));
    done(s.finish(fetch, ok("AT-1", 100, Some("RT-1")), at(0), at(0))).unwrap();
    // Expired: no usable token, so the refresh is a foreground fetch.
    let refresh = send(s.begin(at(200_000), 0, false));
    assert_eq!(refresh.plan_kind(), PlanKind::Refresh);
    let rejected = status(400, r#"{"error":"invalid_grant"}"#);
    let FinishStep::RetryAfter { fetch, .. } =
        s.finish(refresh, rejected, at(200_000), at(200_001))
    else {
        panic!("expected the fallback");
    };
    assert_eq!(fetch.plan_kind(), PlanKind::Primary);
    assert!(fetch
        .request
        .body_text()
        .contains("grant_type=client_credentials"));
}

#[test]
fn an_unbuildable_request_fails_without_sending() {
    let endpoint = TokenEndpoint {
        url: "not a url".into(),
        client_id: "svc".into(),
        client_secret: Some(Secret::new(SECRET)),
        auth: ClientAuthMethod::ClientSecretBasic,
    };
    let grant = Grant::ClientCredentials {
        scope: vec![],
        audience: None,
        resource: None,
    };
    let s = TokenSource::new(
        endpoint,
        grant,
        TokenCache::default(),
        ParseOptions::default(),
    )
    .unwrap();
    match s.begin(at(0), 0, false) {
        Step::Fail(e) => assert_eq!(e.code(), "invalid_input"),
        other => panic!("expected Fail, got {other:?}"),
    }
}

#[test]
fn invalid_parse_options_are_refused() {
    let base = source();
    let parse = ParseOptions {
        default_lifetime_secs: 0,
        ..ParseOptions::default()
    };
    let endpoint = base.endpoint().clone();
    let grant = Grant::ClientCredentials {
        scope: vec![],
        audience: None,
        resource: None,
    };
    assert!(TokenSource::new(endpoint, grant, TokenCache::default(), parse).is_err());
}

/// A manual clock and a queue of canned responses.
struct FakeIo {
    clock: Cell<i64>,
    responses: RefCell<VecDeque<Result<HttpResponse>>>,
    sent: RefCell<Vec<String>>,
    slept: RefCell<Vec<i64>>,
}

impl FakeIo {
    fn new(responses: Vec<Result<HttpResponse>>) -> Self {
        FakeIo {
            clock: Cell::new(0),
            responses: RefCell::new(responses.into()),
            sent: RefCell::new(Vec::new()),
            slept: RefCell::new(Vec::new()),
        }
    }
}

impl SourceIo for FakeIo {
    fn now(&self) -> UnixMillis {
        UnixMillis(self.clock.get())
    }
    fn sleep_ms(&self, ms: i64) {
        self.slept.borrow_mut().push(ms);
        self.clock.set(self.clock.get() + ms);
    }
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse> {
        self.sent.borrow_mut().push(request.body_text().to_owned());
        self.responses
            .borrow_mut()
            .pop_front()
            .unwrap_or_else(|| status(599, "{}"))
    }
}

#[test]
fn get_blocking_retries_then_serves_from_cache() {
    let s = source();
    let io = FakeIo::new(vec![status(503, "{}"), ok("AT-1", 3600, None)]);
    let token = s.get_blocking(0, false, &io).unwrap();
    assert_eq!(token.access_token.expose_secret(), "AT-1");
    assert_eq!(io.sent.borrow().len(), 2);
    assert_eq!(io.slept.borrow().len(), 1);
    io.clock.set(io.clock.get() + 60_000);
    let again = s.get_blocking(0, false, &io).unwrap();
    assert_eq!(again.access_token.expose_secret(), "AT-1");
    assert_eq!(io.sent.borrow().len(), 2, "a fresh token needs no request");
    let forced = FakeIo::new(vec![ok("AT-2", 3600, None)]);
    forced.clock.set(io.clock.get());
    let new = s.get_blocking(0, true, &forced).unwrap();
    assert_eq!(new.access_token.expose_secret(), "AT-2");
}

#[test]
fn get_blocking_returns_the_stale_token_when_its_refresh_fails() {
    let s = source();
    let io = FakeIo::new(vec![ok("AT-1", 100, None), status(500, "{}")]);
    s.get_blocking(0, false, &io).unwrap();
    io.clock.set(85_000);
    let token = s.get_blocking(0, false, &io).unwrap();
    assert_eq!(token.access_token.expose_secret(), "AT-1");
    assert_eq!(io.sent.borrow().len(), 2);
}

#[test]
fn min_ttl_beyond_the_cached_lifetime_fetches() {
    let s = source();
    let io = FakeIo::new(vec![ok("AT-1", 100, None), ok("AT-2", 3600, None)]);
    s.get_blocking(0, false, &io).unwrap();
    let token = s.get_blocking(200_000, false, &io).unwrap();
    assert_eq!(token.access_token.expose_secret(), "AT-2");
}

#[test]
fn a_wrong_password_never_gets_the_token_cached_for_the_right_one() {
    let base = source();
    let password = |pw: &str| {
        sibling(
            &base,
            Grant::Password {
                username: "alice".into(),
                password: Secret::new(pw),
                scope: vec![],
            },
        )
    };
    let right = password("right-pw");
    let fetch = send(right.begin(at(0), 0, false));
    done(right.finish(fetch, ok("AT-alice", 3600, None), at(0), at(0))).unwrap();
    assert!(matches!(
        password("right-pw").begin(at(1), 0, false),
        Step::Ready(_)
    ));
    let wrong = send(password("wrong-pw").begin(at(1), 0, false));
    assert!(wrong.request.body_text().contains("password=wrong-pw"));
    assert!(!format!("{:?}", right.key()).contains("right-pw"));
}

#[test]
fn two_refresh_tokens_at_one_client_never_share_a_cached_token() {
    let base = source();
    let refresh = |rt: &str| {
        sibling(
            &base,
            Grant::RefreshToken {
                refresh_token: Secret::new(rt),
                scope: vec![],
            },
        )
    };
    let alice = refresh("rt-alice-1");
    let fetch = send(alice.begin(at(0), 0, false));
    done(alice.finish(
        fetch,
        ok("AT-alice", 3600, Some("rt-alice-2")),
        at(0),
        at(0),
    ))
    .unwrap();
    // The same refresh token again: the cached token, no request.
    assert!(matches!(
        refresh("rt-alice-1").begin(at(1), 0, false),
        Step::Ready(_)
    ));
    // Another user's refresh token: its own request, never alice's token.
    let bob = send(refresh("rt-bob-1").begin(at(1), 0, false));
    assert!(bob.request.body_text().contains("refresh_token=rt-bob-1"));
    assert!(!format!("{:?}", alice.key()).contains("rt-alice"));
}

#[test]
fn a_token_type_other_than_bearer_is_refused_and_not_cached() {
    // RFC 6749 §7.1; fault matrix case 5 (tests/vectors/faults.json).
    let s = source();
    for token_type in ["MAC", "DPoP", "N_A"] {
        let fetch = send(s.begin(at(0), 0, false));
        let body =
            format!(r#"{{"access_token":"at-1","token_type":"{token_type}","expires_in":3600}}"#);
        let error = done(s.finish(fetch, status(200, &body), at(0), at(0))).unwrap_err();
        assert_eq!(error.code(), "invalid_token_response", "{token_type}");
        assert!(error.to_string().contains(token_type), "{error}");
    }
    // "bearer" in any case is Bearer.
    let fetch = send(s.begin(at(0), 0, false));
    let body = r#"{"access_token":"at-2","token_type":"bEaReR","expires_in":3600}"#;
    let token = done(s.finish(fetch, status(200, body), at(0), at(0))).unwrap();
    assert_eq!(token.token_type, "Bearer");
}
