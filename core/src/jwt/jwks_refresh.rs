//! When to fetch an issuer's JWK Set again (sans-IO; the caller fetches and passes `now`).
//!
//! Issuers rotate signing keys by publishing a new key under a new `kid` (RFC 7517 §4.5; OpenID
//! Connect Core 1.0 §10.1.1: "the verifier knows to go back to the jwks_uri location to
//! re-retrieve the keys when it sees an unfamiliar kid value"). A verifier holding the old set
//! must therefore refetch on an unknown `kid`, but a stream of tokens with made-up `kid`s must
//! not turn it into a request amplifier against the issuer. The rule here: an unknown `kid`
//! triggers a refetch only if no fetch was started in the last
//! [`DEFAULT_MIN_REFETCH_INTERVAL_MS`]; otherwise the token fails with `jwt_key_not_found`
//! without any request.

use super::error::JwtError;
use super::jwk::KeySet;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::response::{parse_error_response, DEFAULT_MAX_BODY_BYTES};
use crate::time::UnixMillis;

/// Shortest time between two fetches of the key set: 30 s, the `cooldownDuration` default of
/// `jose`'s remote key sets. A legitimate rotation is seen at most 30 s late, while an attacker
/// sending unknown `kid`s causes at most two requests a minute.
pub const DEFAULT_MIN_REFETCH_INTERVAL_MS: i64 = 30_000;

/// What the caller should do for a token.
#[derive(Debug)]
pub enum JwksStep<'a> {
    /// Verify with these keys (the `kid` is known, or the token names none).
    Use(&'a KeySet),
    /// Fetch the key set now, then [`JwksRefresh::store`] it (or [`JwksRefresh::fetch_failed`]),
    /// then ask again.
    Fetch,
    /// The `kid` is unknown and a fetch happened too recently to try again: refuse the token
    /// (`jwt_key_not_found`) without a request.
    Unknown,
}

/// The cached key set of one issuer and when it was last fetched.
#[derive(Debug, Clone)]
pub struct JwksRefresh {
    keys: Option<KeySet>,
    /// When the last fetch was started (successful or not).
    last_fetch: Option<UnixMillis>,
    min_interval_ms: i64,
    /// Fetches started, for observability and tests.
    fetches: u64,
}

impl Default for JwksRefresh {
    fn default() -> Self {
        JwksRefresh::new(DEFAULT_MIN_REFETCH_INTERVAL_MS)
    }
}

impl JwksRefresh {
    /// `min_interval_ms`: shortest time between fetches (negative values count as 0).
    pub fn new(min_interval_ms: i64) -> Self {
        JwksRefresh {
            keys: None,
            last_fetch: None,
            min_interval_ms: min_interval_ms.max(0),
            fetches: 0,
        }
    }

    /// What to do for a token whose header names `kid`, at `now`. Answering [`JwksStep::Fetch`]
    /// counts as starting the fetch, so that concurrent callers asking before `store` are told
    /// [`JwksStep::Unknown`] (or `Use`) rather than fetching again.
    pub fn step(&mut self, kid: Option<&str>, now: UnixMillis) -> JwksStep<'_> {
        let known = match (&self.keys, kid) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(keys), Some(kid)) => keys.keys().iter().any(|k| k.kid.as_deref() == Some(kid)),
        };
        if known {
            return JwksStep::Use(self.keys.as_ref().expect("known implies keys"));
        }
        // A clock that went back counts as "just fetched": never a refetch storm on a clock jump.
        let due = match self.last_fetch {
            None => true,
            Some(at) => now.as_millis().saturating_sub(at.as_millis()) >= self.min_interval_ms,
        };
        if due {
            self.last_fetch = Some(now);
            self.fetches += 1;
            JwksStep::Fetch
        } else {
            JwksStep::Unknown
        }
    }

    /// The key set the fetch returned replaces the cached one.
    pub fn store(&mut self, keys: KeySet) {
        self.keys = Some(keys);
    }

    /// The fetch failed: the old set (if any) stays, and the next fetch waits the interval.
    pub fn fetch_failed(&mut self) {}

    /// The request for the key set at `url` (RFC 7517 §5): a GET without credentials, since a
    /// JWK Set holds public keys only.
    pub fn request(url: &str) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url: url.to_owned(),
            headers: vec![("Accept".to_owned(), "application/json".to_owned())],
            body: Vec::new(),
        }
    }

    /// The answer to the fetch [`JwksStep::Fetch`] asked for: a 2xx carrying a JWK Set (at most
    /// [`DEFAULT_MAX_BODY_BYTES`], UTF-8 JSON as RFC 8259 §8.1 requires) replaces the cached set.
    /// Anything else is returned as the error it is and leaves the old set, as
    /// [`JwksRefresh::fetch_failed`] does.
    pub fn receive(&mut self, response: &HttpResponse, now: UnixMillis) -> crate::Result<()> {
        if !(200..300).contains(&response.status) {
            return Err(parse_error_response(response, now));
        }
        if response.body.len() > DEFAULT_MAX_BODY_BYTES {
            return Err(JwtError::InvalidKey("the JWK Set is larger than 1 MiB").into());
        }
        let text = std::str::from_utf8(&response.body)
            .map_err(|_| JwtError::InvalidKey("the JWK Set is not UTF-8"))?;
        self.store(KeySet::from_jwks_json(text)?);
        Ok(())
    }

    /// The cached key set, if any.
    pub fn keys(&self) -> Option<&KeySet> {
        self.keys.as_ref()
    }

    /// Fetches started so far.
    pub fn fetches(&self) -> u64 {
        self.fetches
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::Jwk;

    fn set(kids: &[&str]) -> KeySet {
        KeySet::new(
            kids.iter()
                .map(|kid| Jwk::from_hmac_secret(&[7u8; 32], Some(kid)).unwrap())
                .collect(),
        )
    }

    const T0: UnixMillis = UnixMillis(1_800_000_000_000);

    #[test]
    fn first_use_fetches_then_known_kids_use_the_cache() {
        let mut r = JwksRefresh::default();
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Fetch));
        r.store(set(&["a"]));
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Use(_)));
        assert!(matches!(r.step(None, T0.plus_secs(3600)), JwksStep::Use(_)));
        assert_eq!(r.fetches(), 1);
    }

    #[test]
    fn unknown_kid_refetches_at_most_once_per_interval() {
        let mut r = JwksRefresh::default();
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Fetch));
        r.store(set(&["a"]));
        let later = T0.plus_secs(60);
        // Rotation: the first unknown kid fetches; the next ones within 30 s do not.
        assert!(matches!(r.step(Some("b"), later), JwksStep::Fetch));
        r.store(set(&["b"]));
        assert!(matches!(r.step(Some("b"), later), JwksStep::Use(_)));
        for i in 0..1000 {
            assert!(matches!(
                r.step(Some("forged"), later.plus_millis(i * 29)),
                JwksStep::Unknown
            ));
        }
        assert_eq!(r.fetches(), 2);
        assert!(matches!(
            r.step(Some("forged"), later.plus_millis(30_000)),
            JwksStep::Fetch
        ));
        assert_eq!(r.fetches(), 3);
    }

    #[test]
    fn a_concurrent_caller_does_not_fetch_twice_and_a_failure_keeps_the_old_set() {
        let mut r = JwksRefresh::default();
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Fetch));
        r.store(set(&["a"]));
        let t = T0.plus_secs(40);
        assert!(matches!(r.step(Some("b"), t), JwksStep::Fetch));
        // Asked again before the fetch is stored: no second fetch.
        assert!(matches!(r.step(Some("b"), t), JwksStep::Unknown));
        r.fetch_failed();
        assert!(matches!(r.step(Some("a"), t), JwksStep::Use(_)));
        assert_eq!(r.fetches(), 2);
    }

    #[test]
    fn receive_stores_a_jwk_set_and_keeps_the_old_one_on_a_bad_answer() {
        let mut r = JwksRefresh::default();
        assert_eq!(
            JwksRefresh::request("https://i.example/jwks").method,
            Method::Get
        );
        let jwks = r#"{"keys":[{"kty":"oct","kid":"a","k":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc"}]}"#;
        let ok = HttpResponse::new(200, vec![], jwks);
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Fetch));
        r.receive(&ok, T0).unwrap();
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Use(_)));
        let down = HttpResponse::new(503, vec![], "<html>down</html>");
        assert_eq!(
            r.receive(&down, T0).unwrap_err().code(),
            "unexpected_response"
        );
        let garbage = HttpResponse::new(200, vec![], "[1]");
        assert_eq!(
            r.receive(&garbage, T0).unwrap_err().code(),
            "jwt_invalid_key"
        );
        let huge = HttpResponse::new(200, vec![], vec![b' '; DEFAULT_MAX_BODY_BYTES + 1]);
        assert_eq!(r.receive(&huge, T0).unwrap_err().code(), "jwt_invalid_key");
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Use(_)));
    }

    #[test]
    fn a_clock_jumping_back_never_refetches() {
        let mut r = JwksRefresh::default();
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Fetch));
        r.store(set(&["a"]));
        assert!(matches!(
            r.step(Some("b"), T0.plus_secs(-86_400)),
            JwksStep::Unknown
        ));
        assert_eq!(r.fetches(), 1);
    }
}
