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
//!
//! Single flight: while one caller fetches ([`JwksStep::Fetch`]), every other caller that needs
//! keys it lacks ([`JwksStep::Wait`]) waits for that fetch, then asks again: a cold start under
//! load sends one request and verifies every token. A failed fetch gives each of its waiters the
//! fetch's own error, and the interval still counts from it (no retry storm); a fetch dropped
//! without an answer releases its waiters, and one of them fetches instead.

use super::error::JwtError;
use super::jwk::KeySet;
use super::jwks_flight::{FlightSlot, JwksFetch, JwksSettled, JwksWait};
use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::response::{parse_error_response, DEFAULT_MAX_BODY_BYTES};
use crate::time::UnixMillis;
use std::fmt;
use std::sync::Arc;

/// Shortest time between two fetches of the key set: 30 s, the `cooldownDuration` default of
/// `jose`'s remote key sets. A legitimate rotation is seen at most 30 s late, while an attacker
/// sending unknown `kid`s causes at most two requests a minute.
pub const DEFAULT_MIN_REFETCH_INTERVAL_MS: i64 = 30_000;

/// How many times a binding asks [`JwksRefresh::step`] for one token before it refuses it
/// (`jwt_key_not_found`): wait for a fetch in flight that is then abandoned, fetch itself, use
/// the keys. Every other path ends sooner (`Use`, `Unknown`, or the fetch's error).
pub const MAX_STEPS_PER_TOKEN: usize = 3;

/// What the caller should do for a token.
#[derive(Debug)]
pub enum JwksStep<'a> {
    /// Verify with these keys (the `kid` is known, or the token names none).
    Use(&'a KeySet),
    /// Fetch the key set now (this caller alone), then hand the answer to
    /// [`JwksRefresh::receive`] (or [`JwksRefresh::store`] / [`JwksRefresh::fetch_failed`]),
    /// then ask again.
    Fetch(JwksFetch),
    /// Another caller is fetching the key set: wait for it ([`JwksWait::wait`], or the
    /// binding's promise for [`JwksWait::flight_id`]); on [`JwksSettled::Failed`] fail with that
    /// error, otherwise ask again.
    Wait(JwksWait),
    /// The `kid` is unknown and a fetch happened too recently to try again: refuse the token
    /// (`jwt_key_not_found`) without a request.
    Unknown,
}

/// The fetch in flight, and the fetch time to restore if it is abandoned.
struct InFlight {
    slot: Arc<FlightSlot>,
    previous_fetch: Option<UnixMillis>,
}

/// The cached key set of one issuer, when it was last fetched, and the fetch in flight.
pub struct JwksRefresh {
    keys: Option<KeySet>,
    /// When the last fetch was started (successful or not).
    last_fetch: Option<UnixMillis>,
    min_interval_ms: i64,
    /// Fetches started, for observability and tests.
    fetches: u64,
    flight: Option<InFlight>,
}

impl fmt::Debug for JwksRefresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksRefresh")
            .field("keys", &self.keys.as_ref().map(|k| k.keys().len()))
            .field("last_fetch", &self.last_fetch)
            .field("fetches", &self.fetches)
            .field("in_flight", &self.flight.is_some())
            .finish()
    }
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
            flight: None,
        }
    }

    /// What to do for a token whose header names `kid`, at `now`. A known `kid` is used at once,
    /// even while a fetch is in flight. Otherwise, while a fetch is in flight the answer is
    /// [`JwksStep::Wait`]; with none, [`JwksStep::Fetch`] if the interval since the last fetch
    /// has passed (answering it counts as starting the fetch), else [`JwksStep::Unknown`].
    pub fn step(&mut self, kid: Option<&str>, now: UnixMillis) -> JwksStep<'_> {
        self.forget_abandoned_flight();
        let known = match (&self.keys, kid) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(keys), Some(kid)) => keys.keys().iter().any(|k| k.kid.as_deref() == Some(kid)),
        };
        if known {
            return JwksStep::Use(self.keys.as_ref().expect("known implies keys"));
        }
        if let Some(flight) = &self.flight {
            return JwksStep::Wait(JwksWait {
                slot: flight.slot.clone(),
            });
        }
        // A clock that went back counts as "just fetched": never a refetch storm on a clock jump.
        let due = match self.last_fetch {
            None => true,
            Some(at) => now.as_millis().saturating_sub(at.as_millis()) >= self.min_interval_ms,
        };
        if !due {
            return JwksStep::Unknown;
        }
        self.fetches += 1;
        let slot = FlightSlot::new(self.fetches);
        self.flight = Some(InFlight {
            slot: slot.clone(),
            previous_fetch: self.last_fetch.replace(now),
        });
        JwksStep::Fetch(JwksFetch { slot })
    }

    /// A fetch dropped without an answer sent no usable request as far as core knows: it does
    /// not count for the interval, so a waiter asking again fetches instead.
    fn forget_abandoned_flight(&mut self) {
        if let Some(flight) = &self.flight {
            if let Some(JwksSettled::Abandoned) = flight.slot.get() {
                self.last_fetch = flight.previous_fetch;
                self.flight = None;
            }
        }
    }

    /// Ends `fetch`'s flight and tells its waiters `result`.
    fn finish(&mut self, fetch: JwksFetch, result: JwksSettled) {
        if self
            .flight
            .as_ref()
            .is_some_and(|f| Arc::ptr_eq(&f.slot, &fetch.slot))
        {
            self.flight = None;
        }
        fetch.complete(result);
    }

    /// The key set `fetch` got replaces the cached one; its waiters ask again.
    pub fn store(&mut self, fetch: JwksFetch, keys: KeySet) {
        self.keys = Some(keys);
        self.finish(fetch, JwksSettled::Stored);
    }

    /// `fetch` failed with `error` (the transport's, say): the old set (if any) stays, the next
    /// fetch waits the interval, and every waiter fails with the returned shared error.
    pub fn fetch_failed(&mut self, fetch: JwksFetch, error: Error) -> Arc<Error> {
        let error = Arc::new(error);
        self.finish(fetch, JwksSettled::Failed(error.clone()));
        error
    }

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

    /// The answer to `fetch`: a 2xx carrying a JWK Set (at most [`DEFAULT_MAX_BODY_BYTES`],
    /// UTF-8 JSON as RFC 8259 §8.1 requires) replaces the cached set, as
    /// [`JwksRefresh::store`] does. Anything else is returned as the error it is (shared with
    /// the waiters) and leaves the old set, as [`JwksRefresh::fetch_failed`] does.
    pub fn receive(
        &mut self,
        fetch: JwksFetch,
        response: &HttpResponse,
        now: UnixMillis,
    ) -> Result<(), Arc<Error>> {
        match Self::parse(response, now) {
            Ok(keys) => {
                self.store(fetch, keys);
                Ok(())
            }
            Err(error) => Err(self.fetch_failed(fetch, error)),
        }
    }

    fn parse(response: &HttpResponse, now: UnixMillis) -> crate::Result<KeySet> {
        if !(200..300).contains(&response.status) {
            return Err(parse_error_response(response, now));
        }
        if response.body.len() > DEFAULT_MAX_BODY_BYTES {
            return Err(JwtError::InvalidKey("the JWK Set is larger than 1 MiB").into());
        }
        let text = std::str::from_utf8(&response.body)
            .map_err(|_| JwtError::InvalidKey("the JWK Set is not UTF-8"))?;
        Ok(KeySet::from_jwks_json(text)?)
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
    use crate::error::TransportErrorKind;
    use crate::jwt::Jwk;
    use std::time::Duration;

    fn set(kids: &[&str]) -> KeySet {
        KeySet::new(
            kids.iter()
                .map(|kid| Jwk::from_hmac_secret(&[7u8; 32], Some(kid)).unwrap())
                .collect(),
        )
    }

    const T0: UnixMillis = UnixMillis(1_800_000_000_000);

    fn fetch(r: &mut JwksRefresh, kid: &str, now: UnixMillis) -> JwksFetch {
        match r.step(Some(kid), now) {
            JwksStep::Fetch(fetch) => fetch,
            other => panic!("expected Fetch, got {other:?}"),
        }
    }

    fn wait(r: &mut JwksRefresh, kid: &str, now: UnixMillis) -> JwksWait {
        match r.step(Some(kid), now) {
            JwksStep::Wait(wait) => wait,
            other => panic!("expected Wait, got {other:?}"),
        }
    }

    fn refused() -> Error {
        Error::Transport {
            kind: TransportErrorKind::Connect,
            message: "connection refused".to_owned(),
        }
    }

    #[test]
    fn first_use_fetches_then_known_kids_use_the_cache() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        r.store(f, set(&["a"]));
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Use(_)));
        assert!(matches!(r.step(None, T0.plus_secs(3600)), JwksStep::Use(_)));
        assert_eq!(r.fetches(), 1);
    }

    #[test]
    fn unknown_kid_refetches_at_most_once_per_interval() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        r.store(f, set(&["a"]));
        let later = T0.plus_secs(60);
        // Rotation: the first unknown kid fetches; the next ones within 30 s do not.
        let f = fetch(&mut r, "b", later);
        r.store(f, set(&["b"]));
        assert!(matches!(r.step(Some("b"), later), JwksStep::Use(_)));
        for i in 0..1000 {
            assert!(matches!(
                r.step(Some("forged"), later.plus_millis(i * 29)),
                JwksStep::Unknown
            ));
        }
        assert_eq!(r.fetches(), 2);
        let _f = fetch(&mut r, "forged", later.plus_millis(30_000));
        assert_eq!(r.fetches(), 3);
    }

    #[test]
    fn while_one_caller_fetches_the_others_wait_and_then_use_the_new_set() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        // Cold start: every concurrent caller waits on the same flight; none fetches.
        let waits: Vec<JwksWait> = (0..5).map(|_| wait(&mut r, "a", T0)).collect();
        let forged = wait(&mut r, "forged", T0);
        assert!(waits.iter().all(|w| w.flight_id() == f.flight_id()));
        assert!(waits[0].try_result().is_none());
        r.store(f, set(&["a"]));
        for w in &waits {
            assert!(matches!(w.try_result(), Some(JwksSettled::Stored)));
            assert!(matches!(r.step(Some("a"), T0), JwksStep::Use(_)));
        }
        // A kid the new set lacks is refused without a second request.
        assert!(matches!(forged.wait(), JwksSettled::Stored));
        assert!(matches!(r.step(Some("forged"), T0), JwksStep::Unknown));
        assert_eq!(r.fetches(), 1);
    }

    #[test]
    fn a_known_kid_does_not_wait_for_a_refetch_in_flight() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        r.store(f, set(&["a"]));
        let t = T0.plus_secs(40);
        let _f = fetch(&mut r, "b", t);
        assert!(matches!(r.step(Some("a"), t), JwksStep::Use(_)));
        assert!(matches!(r.step(Some("b"), t), JwksStep::Wait(_)));
    }

    #[test]
    fn a_waiting_thread_is_woken_with_the_fetch_result() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        let w = wait(&mut r, "a", T0);
        let waiter = std::thread::spawn(move || w.wait());
        std::thread::sleep(Duration::from_millis(20));
        r.store(f, set(&["a"]));
        assert!(matches!(waiter.join().unwrap(), JwksSettled::Stored));
    }

    #[test]
    fn a_failure_reaches_every_waiter_and_the_interval_still_holds() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        let waits: Vec<JwksWait> = (0..3).map(|_| wait(&mut r, "a", T0)).collect();
        let own = r.fetch_failed(f, refused());
        assert_eq!(own.code(), "transport_connect");
        for w in &waits {
            match w.wait_timeout(Duration::from_secs(1)) {
                Some(JwksSettled::Failed(e)) => assert!(Arc::ptr_eq(&e, &own)),
                other => panic!("expected the fetch's error, got {other:?}"),
            }
        }
        // No retry storm: asking again within 30 s sends nothing.
        assert!(matches!(
            r.step(Some("a"), T0.plus_millis(29_999)),
            JwksStep::Unknown
        ));
        assert_eq!(r.fetches(), 1);
        let _f = fetch(&mut r, "a", T0.plus_millis(30_000));
    }

    #[test]
    fn a_failed_refetch_keeps_the_old_set() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        r.store(f, set(&["a"]));
        let t = T0.plus_secs(40);
        let f = fetch(&mut r, "b", t);
        let w = wait(&mut r, "b", t);
        let _ = r.fetch_failed(f, refused());
        assert!(matches!(w.try_result(), Some(JwksSettled::Failed(_))));
        assert!(matches!(r.step(Some("a"), t), JwksStep::Use(_)));
        assert!(matches!(r.step(Some("b"), t), JwksStep::Unknown));
        assert_eq!(r.fetches(), 2);
    }

    #[test]
    fn a_dropped_fetch_releases_its_waiters_and_one_of_them_fetches() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        let w1 = wait(&mut r, "a", T0);
        let w2 = wait(&mut r, "a", T0);
        let blocked = {
            let w = w1.clone();
            std::thread::spawn(move || w.wait())
        };
        drop(f);
        assert!(matches!(blocked.join().unwrap(), JwksSettled::Abandoned));
        assert!(matches!(w2.try_result(), Some(JwksSettled::Abandoned)));
        // The abandoned fetch does not count for the interval: the first waiter to ask again
        // fetches, the second waits for it.
        let f = fetch(&mut r, "a", T0);
        let w = wait(&mut r, "a", T0);
        assert_ne!(w1.flight_id(), f.flight_id());
        r.store(f, set(&["a"]));
        assert!(matches!(w.try_result(), Some(JwksSettled::Stored)));
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Use(_)));
    }

    #[test]
    fn a_completed_fetch_is_not_reported_abandoned_when_dropped() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        let w = wait(&mut r, "a", T0);
        let _ = r.fetch_failed(f, refused());
        assert!(matches!(w.try_result(), Some(JwksSettled::Failed(_))));
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Unknown));
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
        let f = fetch(&mut r, "a", T0);
        r.receive(f, &ok, T0).unwrap();
        assert!(matches!(r.step(Some("a"), T0), JwksStep::Use(_)));
        let down = HttpResponse::new(503, vec![], "<html>down</html>");
        let garbage = HttpResponse::new(200, vec![], "[1]");
        let huge = HttpResponse::new(200, vec![], vec![b' '; DEFAULT_MAX_BODY_BYTES + 1]);
        for (i, (answer, code)) in [
            (down, "unexpected_response"),
            (garbage, "jwt_invalid_key"),
            (huge, "jwt_invalid_key"),
        ]
        .into_iter()
        .enumerate()
        {
            let t = T0.plus_secs(40 * (i as i64 + 1));
            let f = fetch(&mut r, "b", t);
            let w = wait(&mut r, "b", t);
            let error = r.receive(f, &answer, t).unwrap_err();
            assert_eq!(error.code(), code);
            match w.try_result() {
                Some(JwksSettled::Failed(e)) => assert_eq!(e.code(), code),
                other => panic!("expected {code}, got {other:?}"),
            }
            assert!(matches!(r.step(Some("a"), t), JwksStep::Use(_)));
        }
    }

    #[test]
    fn a_clock_jumping_back_never_refetches() {
        let mut r = JwksRefresh::default();
        let f = fetch(&mut r, "a", T0);
        r.store(f, set(&["a"]));
        assert!(matches!(
            r.step(Some("b"), T0.plus_secs(-86_400)),
            JwksStep::Unknown
        ));
        assert_eq!(r.fetches(), 1);
    }
}
