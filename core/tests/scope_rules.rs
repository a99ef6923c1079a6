//! The scope of a token whose answer omits `scope`: RFC 6749 §5.1 lets a server leave it out
//! when it is the one requested, so the token's scope is the request's; and a refresh without
//! `scope` asks for the scope originally granted (§6), so the renewed token keeps the scope of
//! the grant it came from, even after its access token was refused (`TokenCache::refused`).

use std::cell::{Cell, RefCell};
use tokensmith::cache::{CacheConfig, TokenCache};
use tokensmith::client::{SourceIo, TokenSource};
use tokensmith::http::{HttpRequest, HttpResponse};
use tokensmith::response::ParseOptions;
use tokensmith::{ClientAuthMethod, Grant, Result, Secret, TokenEndpoint, UnixMillis};

/// Answers each token request with the next body of `answers` (the last one repeated).
struct Server {
    now: Cell<i64>,
    answers: Vec<&'static str>,
    forms: RefCell<Vec<String>>,
}

impl SourceIo for Server {
    fn now(&self) -> UnixMillis {
        UnixMillis(self.now.get())
    }
    fn sleep_ms(&self, ms: i64) {
        self.now.set(self.now.get() + ms);
    }
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse> {
        let mut forms = self.forms.borrow_mut();
        let answer = self.answers[forms.len().min(self.answers.len() - 1)];
        forms.push(request.body_text().to_owned());
        Ok(HttpResponse::new(200, vec![], answer))
    }
}

fn server(answers: Vec<&'static str>) -> Server {
    Server {
        now: Cell::new(1_700_000_000_000),
        answers,
        forms: RefCell::new(Vec::new()),
    }
}

fn source(grant: Grant, cache: &TokenCache) -> TokenSource {
    let endpoint = TokenEndpoint {
        url: "https://idp.example/token".into(),
        client_id: "app".into(),
        client_secret: Some(Secret::new("app-secret")),
        auth: ClientAuthMethod::ClientSecretBasic,
    };
    TokenSource::new(endpoint, grant, cache.clone(), ParseOptions::default()).unwrap()
}

fn scopes(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(|s| (*s).to_owned()).collect())
}

fn password(scope: &[&str]) -> Grant {
    Grant::Password {
        username: "ann".into(),
        password: Secret::new("ann-password"),
        scope: scope.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn an_answer_without_scope_has_the_requested_scope() {
    let io = server(vec![
        r#"{"access_token":"at-1","token_type":"Bearer","expires_in":60}"#,
    ]);
    let cache = TokenCache::new(CacheConfig::default());
    let grant = Grant::ClientCredentials {
        scope: vec!["read".into(), "write".into()],
        audience: None,
        resource: None,
    };
    let token = source(grant, &cache).get_blocking(0, false, &io).unwrap();
    assert_eq!(token.scope, scopes(&["read", "write"]));
}

#[test]
fn an_answer_without_scope_to_a_request_without_scope_has_none() {
    let io = server(vec![
        r#"{"access_token":"at-1","token_type":"Bearer","expires_in":60}"#,
    ]);
    let cache = TokenCache::new(CacheConfig::default());
    let token = source(password(&[]), &cache)
        .get_blocking(0, false, &io)
        .unwrap();
    assert_eq!(token.scope, None);
}

#[test]
fn the_scope_the_server_names_wins() {
    // The server granted less than asked (RFC 6749 §3.3): its `scope` is the token's.
    let io = server(vec![
        r#"{"access_token":"at-1","token_type":"Bearer","expires_in":60,"scope":"read"}"#,
    ]);
    let cache = TokenCache::new(CacheConfig::default());
    let token = source(password(&["read", "write"]), &cache)
        .get_blocking(0, false, &io)
        .unwrap();
    assert_eq!(token.scope, scopes(&["read"]));
}

#[test]
fn a_refresh_after_a_refusal_keeps_the_granted_scope() {
    let io = server(vec![
        r#"{"access_token":"at-1","token_type":"Bearer","expires_in":600,"refresh_token":"rt-1","scope":"read"}"#,
        r#"{"access_token":"at-2","token_type":"Bearer","expires_in":600}"#,
    ]);
    let cache = TokenCache::new(CacheConfig::default());
    let src = source(password(&["read", "write"]), &cache);
    let first = src.get_blocking(0, false, &io).unwrap();
    assert_eq!(first.scope, scopes(&["read"]));
    // The access token is refused: the cache drops it, and with it the only place the scope
    // was kept before the refresh grant kept it too.
    assert_eq!(cache.refused(&Secret::new("at-1")), 1);
    let second = src.get_blocking(0, false, &io).unwrap();
    assert_eq!(second.access_token.expose_secret(), "at-2");
    assert!(io.forms.borrow()[1].contains("grant_type=refresh_token"));
    assert!(!io.forms.borrow()[1].contains("scope="));
    // The grant's scope ("read"), not the request's ("read write").
    assert_eq!(second.scope, scopes(&["read"]));
}
