//! Keycloak (realm URL, offline tokens, "Token is not active") and SDx/TruView (refresh rejected
//! after a restart: re-authentication with kept credentials, else "regenerate"), with canned
//! responses and a manual clock.

use tokensmith::cache::{CacheConfig, CacheKey, Completion, Lookup, LookupOptions, TokenCache};
use tokensmith::client::{FinishStep, Step, TokenSource};
use tokensmith::vendor::{
    is_token_not_active, keycloak_refresh_error, keycloak_token_url, sdx_refresh_error,
    with_offline_access, SDX_TOKEN_PATH,
};
use tokensmith::{
    parse_token_response, ClientAuthMethod, Grant, HttpResponse, ParseOptions, RefreshExpiry,
    Secret, TokenEndpoint, UnixMillis,
};

const T0: i64 = 1_700_000_000_000;

fn at(ms: i64) -> UnixMillis {
    UnixMillis(T0 + ms)
}

fn json(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        vec![("Content-Type".into(), "application/json".into())],
        body,
    )
}

fn cache() -> TokenCache {
    TokenCache::new(CacheConfig {
        jitter_seed: Some(3),
        ..CacheConfig::default()
    })
}

const NOT_ACTIVE: &str = r#"{"error":"invalid_grant","error_description":"Token is not active"}"#;

#[test]
fn keycloak_token_url_normalises_base_and_encodes_the_realm() {
    assert_eq!(
        keycloak_token_url("https://kc.example/", "demo").unwrap(),
        "https://kc.example/realms/demo/protocol/openid-connect/token"
    );
    assert_eq!(
        keycloak_token_url("https://kc.example/auth///", "my realm/x?y").unwrap(),
        "https://kc.example/auth/realms/my%20realm%2Fx%3Fy/protocol/openid-connect/token"
    );
    assert_eq!(
        keycloak_token_url("https://kc.example", "réalm").unwrap(),
        "https://kc.example/realms/r%C3%A9alm/protocol/openid-connect/token"
    );
    assert!(keycloak_token_url("https://kc.example", "").is_err());
    assert!(keycloak_token_url("kc.example", "demo").is_err());
    assert!(keycloak_token_url("https://kc.example/#x", "demo").is_err());
}

#[test]
fn offline_adds_offline_access_once() {
    assert_eq!(
        with_offline_access(vec!["openid".into()]),
        vec!["openid".to_string(), "offline_access".to_string()]
    );
    assert_eq!(
        with_offline_access(vec!["openid offline_access".into()]),
        vec!["openid offline_access".to_string()]
    );
}

#[test]
fn an_offline_refresh_token_never_expires() {
    let resp = json(
        200,
        r#"{"access_token":"at-1","token_type":"bearer","expires_in":300,
            "refresh_token":"offline-rt","refresh_expires_in":0,"scope":"openid offline_access"}"#,
    );
    let token = parse_token_response(&resp, at(0), &ParseOptions::default()).unwrap();
    assert_eq!(token.refresh_expiry, RefreshExpiry::Never);
    assert!(token.refresh_usable(UnixMillis(i64::MAX)));
}

#[test]
fn token_not_active_becomes_a_clear_error() {
    let err = tokensmith::parse_error_response(&json(400, NOT_ACTIVE), at(0));
    assert!(is_token_not_active(&err));
    let clear = keycloak_refresh_error(&err).unwrap();
    assert_eq!(clear.code(), "refresh_token_inactive");
    assert_eq!(clear.family().as_str(), "token");
    assert!(clear.to_string().contains("sign in again"), "{clear}");

    let other = tokensmith::parse_error_response(
        &json(
            400,
            r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#,
        ),
        at(0),
    );
    assert!(!is_token_not_active(&other));
    assert!(keycloak_refresh_error(&other).is_none());
}

/// A client that only holds tokens (no credentials): the rejected refresh reaches the caller,
/// who turns it into the clear error.
#[test]
fn keycloak_refresh_without_credentials_fails_clearly() {
    let cache = cache();
    let key = CacheKey::builder(
        keycloak_token_url("https://kc.example", "demo").unwrap(),
        "app",
        ClientAuthMethod::ClientSecretBasic,
        "password",
    )
    .subject(Some("alice"))
    .build();
    let first = json(
        200,
        r#"{"access_token":"at-1","token_type":"Bearer","expires_in":60,
            "refresh_token":"rt-1","refresh_expires_in":1800}"#,
    );
    let token = parse_token_response(&first, at(0), &ParseOptions::default()).unwrap();
    cache.insert(&key, token, at(0));
    let options = LookupOptions {
        primary_grant_available: false,
        ..LookupOptions::default()
    };
    let Lookup::Fetch(ticket) = cache.lookup(&key, at(61_000), options) else {
        panic!("expected a refresh fetch");
    };
    assert_eq!(ticket.plan().kind().as_str(), "refresh");
    let rejected = tokensmith::parse_error_response(&json(400, NOT_ACTIVE), at(61_000));
    let Completion::Done(Err(error)) = cache.complete(ticket, Err(rejected), at(61_100)) else {
        panic!("expected the rejection");
    };
    assert_eq!(
        keycloak_refresh_error(&error).unwrap().code(),
        "refresh_token_inactive"
    );
}

fn sdx_source(cache: TokenCache) -> TokenSource {
    let endpoint = TokenEndpoint {
        url: format!("https://sdx.example{SDX_TOKEN_PATH}"),
        client_id: "sdx-app".into(),
        client_secret: Some(Secret::new("sdx-secret")),
        auth: ClientAuthMethod::ClientSecretBasic,
    };
    let grant = Grant::Password {
        username: "alice".into(),
        password: Secret::new("alice-pw"),
        scope: Vec::new(),
    };
    TokenSource::new(endpoint, grant, cache, ParseOptions::default()).unwrap()
}

fn sdx_token(access: &str, refresh: &str) -> HttpResponse {
    json(
        200,
        &format!(
            r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":3600,"refresh_token":"{refresh}"}}"#
        ),
    )
}

/// With the credentials kept, core's cache falls back from the rejected refresh token to the
/// password grant: the restart costs one extra request and no error.
#[test]
fn sdx_restart_with_kept_credentials_re_authenticates() {
    let source = sdx_source(cache());
    let Step::Send(fetch) = source.begin(at(0), 0, false) else {
        panic!("expected a first fetch");
    };
    assert!(fetch.request.body_text().contains("grant_type=password"));
    let FinishStep::Done(Ok(_)) = source.finish(fetch, Ok(sdx_token("at-1", "rt-1")), at(0), at(0))
    else {
        panic!("first token");
    };

    // The server restarted; the access token has expired: the cache refreshes first.
    let Step::Send(refresh) = source.begin(at(3_600_000), 0, false) else {
        panic!("expected a refresh");
    };
    assert_eq!(refresh.plan_kind().as_str(), "refresh");
    assert!(refresh
        .request
        .body_text()
        .contains("grant_type=refresh_token"));
    let rejected = json(
        400,
        r#"{"error":"invalid_grant","error_description":"unknown refresh token"}"#,
    );
    let FinishStep::RetryAfter { fetch, .. } =
        source.finish(refresh, Ok(rejected), at(3_600_000), at(3_600_010))
    else {
        panic!("expected the fallback to the password grant");
    };
    assert_eq!(fetch.plan_kind().as_str(), "primary");
    assert!(fetch.request.body_text().contains("grant_type=password"));
    let FinishStep::Done(Ok(token)) = source.finish(
        fetch,
        Ok(sdx_token("at-2", "rt-2")),
        at(3_600_020),
        at(3_600_030),
    ) else {
        panic!("expected the new token");
    };
    assert_eq!(token.access_token.expose_secret(), "at-2");
}

/// Without the credentials, the rejection becomes an error that says to regenerate the tokens.
#[test]
fn sdx_restart_without_credentials_says_regenerate() {
    let cache = cache();
    let key = CacheKey::builder(
        format!("https://sdx.example{SDX_TOKEN_PATH}"),
        "sdx-app",
        ClientAuthMethod::ClientSecretBasic,
        "password",
    )
    .subject(Some("alice"))
    .build();
    let token =
        parse_token_response(&sdx_token("at-1", "rt-1"), at(0), &ParseOptions::default()).unwrap();
    cache.insert(&key, token, at(0));
    let options = LookupOptions {
        primary_grant_available: false,
        ..LookupOptions::default()
    };
    let Lookup::Fetch(ticket) = cache.lookup(&key, at(3_600_000), options) else {
        panic!("expected a refresh fetch");
    };
    let rejected =
        tokensmith::parse_error_response(&json(400, r#"{"error":"invalid_grant"}"#), at(3_600_000));
    let Completion::Done(Err(error)) = cache.complete(ticket, Err(rejected), at(3_600_010)) else {
        panic!("expected the rejection");
    };
    let clear = sdx_refresh_error(&error).unwrap();
    assert_eq!(clear.code(), "refresh_token_inactive");
    assert!(
        clear.to_string().contains("regenerate the tokens"),
        "{clear}"
    );
    assert!(!clear.to_string().contains("rt-1"));
    // Other failures are left as they are.
    let transport = tokensmith::Error::Transport {
        kind: tokensmith::error::TransportErrorKind::Timeout,
        message: "slow".into(),
    };
    assert!(sdx_refresh_error(&transport).is_none());
}

/// Without kept credentials the password is used once: the session goes on over a source on the
/// refresh token, which holds the new token; an answer without a refresh token is refused.
#[test]
fn sdx_sign_in_keeps_the_password_only_when_asked() {
    use tokensmith::vendor::{sdx_client_error, SdxSignIn};
    let endpoint = sdx_source(cache()).endpoint().clone();
    let sign_in = |keep: bool, cache: TokenCache| {
        SdxSignIn::new(
            endpoint.clone(),
            cache,
            "alice".into(),
            Secret::new("alice-pw"),
            keep,
        )
        .unwrap()
    };
    assert!(matches!(sign_in(true, cache()), SdxSignIn::Kept(_)));
    let cache = cache();
    let SdxSignIn::Exchange(exchange) = sign_in(false, cache.clone()) else {
        panic!("expected a one-time exchange");
    };
    assert!(exchange.request.body_text().contains("grant_type=password"));
    let (source, token) = exchange
        .finish(&sdx_token("at-1", "rt-1"), at(0), at(0))
        .unwrap();
    assert_eq!(token.access_token.expose_secret(), "at-1");
    assert!(matches!(source.begin(at(1), 0, false), Step::Ready(_)));
    let SdxSignIn::Exchange(again) = sign_in(false, cache) else {
        panic!("expected a one-time exchange");
    };
    let no_refresh = json(
        200,
        r#"{"access_token":"at-2","token_type":"Bearer","expires_in":3600}"#,
    );
    assert_eq!(
        again.finish(&no_refresh, at(0), at(0)).unwrap_err().code(),
        "invalid_input"
    );
    // A refused refresh becomes "regenerate" only when the password was not kept.
    let refused =
        tokensmith::parse_error_response(&json(400, r#"{"error":"invalid_grant"}"#), at(0));
    assert!(sdx_client_error(&refused, true).is_none());
    assert_eq!(
        sdx_client_error(&refused, false).unwrap().code(),
        "refresh_token_inactive"
    );
}
