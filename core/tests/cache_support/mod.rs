//! Shared helpers for the cache integration tests (a manual clock, tokens, errors, matchers).
#![allow(dead_code)]

use std::sync::Arc;
use tokensmith::cache::{
    CacheConfig, CacheKey, Completion, Lookup, LookupOptions, Outcome, Settled, Ticket, TokenCache,
    WaitHandle,
};
use tokensmith::error::{OAuthError, OAuthErrorCode, RetryAfter, TransportErrorKind};
use tokensmith::token::ExpirySource;
use tokensmith::{ClientAuthMethod, Error, RefreshExpiry, Secret, Token, UnixMillis};

pub const T0: i64 = 1_700_000_000_000;

pub fn at(ms_after_t0: i64) -> UnixMillis {
    UnixMillis(T0 + ms_after_t0)
}

pub fn key(name: &str) -> CacheKey {
    CacheKey::builder(
        "https://idp.example/token",
        name,
        ClientAuthMethod::ClientSecretBasic,
        "client_credentials",
    )
    .scopes(["read"])
    .build()
}

pub fn cache() -> TokenCache {
    TokenCache::new(CacheConfig {
        jitter_seed: Some(42),
        ..CacheConfig::default()
    })
}

pub fn opts() -> LookupOptions {
    LookupOptions::default()
}

/// A token issued at `issued` (ms after T0) living `lifetime_ms`.
pub fn token(access: &str, issued: i64, lifetime_ms: i64) -> Token {
    Token {
        access_token: Secret::new(access),
        token_type: "Bearer".into(),
        issued_at: at(issued),
        expires_at: at(issued + lifetime_ms),
        expiry_source: ExpirySource::ExpiresIn,
        refresh_token: None,
        refresh_expiry: RefreshExpiry::Unknown,
        scope: None,
        id_token: None,
        extra: Default::default(),
    }
}

pub fn with_refresh(mut t: Token, rt: &str, expiry: RefreshExpiry) -> Token {
    t.refresh_token = Some(Secret::new(rt));
    t.refresh_expiry = expiry;
    t
}

pub fn oauth(code: &str, status: u16, retry_after_ms: Option<i64>) -> Error {
    Error::OAuth(Box::new(OAuthError {
        code: OAuthErrorCode::parse(code),
        description: None,
        uri: None,
        status,
        retry_after: retry_after_ms.map(|d| RetryAfter {
            delay_ms: d,
            not_before: UnixMillis(0),
        }),
        www_authenticate: None,
    }))
}

pub fn transport() -> Error {
    Error::Transport {
        kind: TransportErrorKind::Connect,
        message: "connection refused".into(),
    }
}

pub fn access(t: &Token) -> &str {
    t.access_token.expose_secret()
}

#[track_caller]
pub fn fresh(l: Lookup) -> Arc<Token> {
    match l {
        Lookup::Fresh(t) => t,
        other => panic!("expected Fresh, got {other:?}"),
    }
}

#[track_caller]
pub fn stale(l: Lookup) -> (Arc<Token>, Ticket) {
    match l {
        Lookup::Stale(t, k) => (t, k),
        other => panic!("expected Stale, got {other:?}"),
    }
}

#[track_caller]
pub fn fetch(l: Lookup) -> Ticket {
    match l {
        Lookup::Fetch(k) => k,
        other => panic!("expected Fetch, got {other:?}"),
    }
}

#[track_caller]
pub fn wait(l: Lookup) -> WaitHandle {
    match l {
        Lookup::Wait(w) => w,
        other => panic!("expected Wait, got {other:?}"),
    }
}

#[track_caller]
pub fn backoff(l: Lookup) -> (Arc<Error>, i64) {
    match l {
        Lookup::Backoff {
            error, retry_in_ms, ..
        } => (error, retry_in_ms),
        other => panic!("expected Backoff, got {other:?}"),
    }
}

#[track_caller]
pub fn done(c: Completion) -> Outcome {
    match c {
        Completion::Done(o) => o,
        other => panic!("expected Done, got {other:?}"),
    }
}

#[track_caller]
pub fn retry(c: Completion) -> (Ticket, i64) {
    match c {
        Completion::Retry { ticket, delay_ms } => (*ticket, delay_ms),
        other => panic!("expected Retry, got {other:?}"),
    }
}

#[track_caller]
pub fn settled_token(s: Option<Settled>) -> Arc<Token> {
    match s {
        Some(Settled::Done(Ok(t))) => t,
        other => panic!("expected a token, got {other:?}"),
    }
}

/// Fills `key` with `token` through a Fetch at `now`.
pub fn fill(c: &TokenCache, k: &CacheKey, token: Token, now: UnixMillis) -> Arc<Token> {
    let ticket = fetch(c.lookup(k, now, opts()));
    done(c.complete(ticket, Ok(token), now)).expect("stored")
}
