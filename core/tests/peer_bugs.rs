//! Bugs users filed against other token libraries, replayed against core. Each test is named
//! after the report it reproduces (reference in its comment) and asserts what tokensmith does
//! instead. The table of all checked reports is in `docs/reliability.md`, "Peer bugs checked".

use std::cell::{Cell, RefCell};
use tokensmith::cache::{CacheConfig, TokenCache};
use tokensmith::client::{SourceIo, TokenSource};
use tokensmith::http::{HttpRequest, HttpResponse};
use tokensmith::response::{parse_token_response, ParseOptions};
use tokensmith::token::ExpirySource;
use tokensmith::{ClientAuthMethod, Grant, Result, Secret, TokenEndpoint, UnixMillis};

const SENT: UnixMillis = UnixMillis(1_700_000_000_000);
/// `ParseOptions::default().max_lifetime_secs`: 365 days.
const YEAR_SECS: i64 = 365 * 24 * 3600;

fn parse(body: &str) -> Result<tokensmith::Token> {
    parse_token_response(
        &HttpResponse::new(200, vec![], body),
        SENT,
        &ParseOptions::default(),
    )
}

fn basic_header(client_id: &str, secret: &str) -> String {
    let endpoint = TokenEndpoint {
        url: "https://idp.example/token".into(),
        client_id: client_id.into(),
        client_secret: Some(Secret::new(secret)),
        auth: ClientAuthMethod::ClientSecretBasic,
    };
    let grant = Grant::ClientCredentials {
        scope: vec![],
        audience: None,
        resource: None,
    };
    let request = endpoint.token_request(&grant).unwrap();
    request.header("authorization").unwrap().to_owned()
}

/// golang/oauth2#279: `expires_in` was read into an int32, so a server announcing a very long
/// life ("permanent" tokens) overflowed into an expiry in the past. Core reads the number as a
/// float and clamps the lifetime to 365 days: such a token is long-lived, never already expired.
#[test]
fn golang_oauth2_279_expires_in_beyond_int32_is_clamped_not_wrapped() {
    for expires_in in ["2147483648", "4294967296", "9999999999", "\"86400000000\""] {
        let body =
            format!(r#"{{"access_token":"at","token_type":"Bearer","expires_in":{expires_in}}}"#);
        let token = parse(&body).unwrap();
        assert_eq!(token.expiry_source, ExpirySource::ExpiresIn, "{expires_in}");
        assert_eq!(token.expires_at, SENT.plus_secs(YEAR_SECS), "{expires_in}");
    }
}

/// golang/oauth2#239: a server sending `"expires_in": null` made the exchange fail with
/// `strconv.ParseInt: parsing "": invalid syntax`. RFC 6749 §5.1 `expires_in` is optional; core
/// treats `null` as absent: the JWT's `exp` when the access token is a JWT, else the default
/// lifetime.
#[test]
fn golang_oauth2_239_expires_in_null_counts_as_absent() {
    let token =
        parse(r#"{"access_token":"opaque","token_type":"Bearer","expires_in":null}"#).unwrap();
    assert_eq!(token.expiry_source, ExpirySource::DefaultLifetime);
    assert_eq!(
        token.expires_at,
        SENT.plus_secs(ParseOptions::default().default_lifetime_secs)
    );
}

/// authlib/authlib#833 (and #841, fixed by #842): `OAuth2Token` ran `int()` on a non-standard
/// `expires_at` member, so a server sending it as an ISO date made every token response fail
/// with `ValueError`, although `expires_in` was there. Core never reads `expires_at` (it is not
/// in RFC 6749 §5.1): the token parses, its expiry comes from `expires_in`, and the member is
/// kept in `extra`.
#[test]
fn authlib_833_an_unparseable_expires_at_does_not_break_the_response() {
    let token = parse(
        r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,
            "expires_at":"2025-10-10T12:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(token.expiry_source, ExpirySource::ExpiresIn);
    assert_eq!(token.expires_at, SENT.plus_secs(3600));
    assert_eq!(token.extra.keys().collect::<Vec<_>>(), ["expires_at"]);
    // Without `expires_in`, `expires_at` alone is not trusted either: the default lifetime.
    let token =
        parse(r#"{"access_token":"at","token_type":"Bearer","expires_at":"soon"}"#).unwrap();
    assert_eq!(token.expiry_source, ExpirySource::DefaultLifetime);
}

/// openid/AppAuth-Android#337: client_secret_basic sent the raw id and secret; RFC 6749 §2.3.1
/// form-encodes both before Basic. The report gives the exact header for its example id and
/// secret (`/`, space, `+`, `:` and `=`); core produces it byte for byte. The same rule is what
/// golang/oauth2#783 (a secret ending in `=` padding) and panva/openid-client#134 and #236
/// asked to remove: core keeps it (servers decode the form encoding), and the fault matrix case
/// 12 shows the dev server accepting such a secret.
#[test]
fn appauth_android_337_basic_credentials_are_form_encoded_first() {
    assert_eq!(
        basic_header("1PpG/Q 1", "z/tZ9VwFZqApmIQ+ZH1I5pLk/uB4ud:X2/8bL+wfFTt1rFw="),
        "Basic MVBwRyUyRlErMTp6JTJGdFo5VndGWnFBcG1JUSUyQlpIMUk1cExrJTJGdUI0dWQlM0FYMiUyRjhiTCUyQndmRlR0MXJGdyUzRA=="
    );
    // golang/oauth2#783's secret: the padding `=` becomes `%3D` (base64 of
    // "abc123:secret-with-padding%3D").
    assert_eq!(
        basic_header("abc123", "secret-with-padding="),
        "Basic YWJjMTIzOnNlY3JldC13aXRoLXBhZGRpbmclM0Q="
    );
}

/// An authorization server that keeps handing out the same token until shortly before it
/// expires, as the GCE metadata server does: the same access token and absolute expiry, with
/// `expires_in` counting down; a new one-hour token only once fewer than 30 s are left.
struct ReissuingServer {
    now: Cell<i64>,
    serial: Cell<u32>,
    expires_at: Cell<i64>,
    requests: Cell<u32>,
    log: RefCell<Vec<i64>>,
}

/// Seconds before expiry from which the metadata server issues a new token (google-auth#581).
const REISSUE_WINDOW_MS: i64 = 30_000;
const LIFETIME_MS: i64 = 3_600_000;

impl SourceIo for ReissuingServer {
    fn now(&self) -> UnixMillis {
        UnixMillis(self.now.get())
    }
    fn sleep_ms(&self, ms: i64) {
        self.now.set(self.now.get() + ms);
    }
    fn send(&self, _request: &HttpRequest) -> Result<HttpResponse> {
        let now = self.now.get();
        self.requests.set(self.requests.get() + 1);
        self.log.borrow_mut().push(now);
        if self.expires_at.get() - now <= REISSUE_WINDOW_MS {
            self.serial.set(self.serial.get() + 1);
            self.expires_at.set(now + LIFETIME_MS);
        }
        // Whole seconds, rounded down, as servers send them.
        let expires_in = (self.expires_at.get() - now) / 1000;
        let body = format!(
            r#"{{"access_token":"AT-{}","token_type":"Bearer","expires_in":{expires_in}}}"#,
            self.serial.get()
        );
        Ok(HttpResponse::new(200, vec![], body))
    }
}

/// googleapis/google-auth-library-python#581 (and #862, #1146): credentials counted as expired
/// 5 minutes before their expiry, but the metadata server only issues a new token 30 s before
/// it, so for 4.5 minutes of every hour each call refreshed and got the same token back — an
/// endless refresh loop and a CPU spike. Core's refresh point is a fraction of the lifetime the
/// server announced (75 % ± 5 %, skew ≤ 10 %), so a re-served token with `expires_in` counting
/// down is refreshed after ever shorter but proportional intervals: a handful of requests per
/// server token, never one per call, and never an expired token served.
#[test]
fn google_auth_581_a_server_reissuing_the_same_token_causes_no_refresh_loop() {
    let io = ReissuingServer {
        now: Cell::new(SENT.as_millis()),
        serial: Cell::new(0),
        expires_at: Cell::new(0),
        requests: Cell::new(0),
        log: RefCell::new(Vec::new()),
    };
    let endpoint = TokenEndpoint {
        url: "http://metadata.example/token".into(),
        client_id: "svc".into(),
        client_secret: Some(Secret::new("metadata-client-secret")),
        auth: ClientAuthMethod::ClientSecretBasic,
    };
    let grant = Grant::ClientCredentials {
        scope: vec!["cloud-platform".into()],
        audience: None,
        resource: None,
    };
    let cache = TokenCache::new(CacheConfig {
        jitter_seed: Some(581),
        ..CacheConfig::default()
    });
    let source = TokenSource::new(endpoint, grant, cache, ParseOptions::default()).unwrap();
    const HOURS: i64 = 3;
    // One call per second for three hours.
    for _ in 0..HOURS * 3600 {
        let token = source.get_blocking(0, false, &io).unwrap();
        assert!(
            token.expires_at.as_millis() > io.now.get(),
            "an expired token was served"
        );
        io.now.set(io.now.get() + 1000);
    }
    // The server issued a token per hour plus the first: 4 generations.
    assert_eq!(io.serial.get(), 4);
    // Each generation is asked for at most 6 times: the first request, then a refresh at about
    // 75 % of what is left (3600 s → ~1080 → ~320 → ~70 → ~18 s left, below the 30 s window):
    // 13 requests for the 4 generations with this seed. google-auth with its
    // 5-minute threshold sent one request per call for 270 s of each hour (~800 here).
    let requests = io.requests.get();
    // The scenario happened: tokens were re-served (more requests than server tokens).
    assert!(requests > io.serial.get(), "{:?}", io.log.borrow());
    assert!(
        requests <= 6 * io.serial.get(),
        "{requests} requests: {:?}",
        io.log.borrow()
    );
    // Never two requests within the same second (no loop inside a call).
    let log = io.log.borrow();
    assert!(log.windows(2).all(|w| w[1] - w[0] >= 1000), "{log:?}");
}

/// googleapis/google-auth-library-python#889 (also #583): `verify_oauth2_token` compared `iat`
/// with the local clock without leeway, so a verifier whose clock ran a second behind the
/// issuer's failed with "Token used too early". RFC 7519 §4.1.6 makes `iat` informational:
/// core checks only that it is a NumericDate, and `nbf` (§4.1.5) gets the 30 s default leeway.
#[cfg(feature = "native-crypto")]
#[test]
fn google_auth_889_a_token_issued_by_a_clock_slightly_ahead_is_not_used_too_early() {
    use tokensmith::jwt::{sign, verify, Algorithm, Jwk, JwtError, KeySet, SigningKey, Validation};
    let secret = b"peer-bugs-hmac-secret-of-32-bytes!!";
    let keys = KeySet::new(vec![Jwk::from_hmac_secret(secret, None).unwrap()]);
    let validation = Validation::new(&[Algorithm::HS256]);
    let now = SENT.as_secs();
    let token = |iat_ahead: i64, nbf_ahead: i64| {
        let mut claims = tokensmith::json::Map::new();
        claims.insert("sub".into(), "user".into());
        claims.insert("iat".into(), (now + iat_ahead).into());
        claims.insert("nbf".into(), (now + nbf_ahead).into());
        claims.insert("exp".into(), (now + 3600).into());
        sign(&claims, Algorithm::HS256, &SigningKey::hmac(secret)).unwrap()
    };
    // The report's case: issued one second "in the future"; also 20 s ahead with `nbf` = `iat`.
    for ahead in [1, 20] {
        let t = token(ahead, ahead);
        verify(t.expose_secret(), &keys, &validation, SENT)
            .unwrap_or_else(|e| panic!("{ahead} s ahead: {e}"));
    }
    // Beyond the leeway `nbf` still holds the token back.
    let t = token(0, 31);
    assert_eq!(
        verify(t.expose_secret(), &keys, &validation, SENT).unwrap_err(),
        JwtError::NotYetValid
    );
}

/// authlib/authlib#913 (`import_key_set` raised `KeyError: 'AKP'` on a post-quantum key) and
/// jpadilla/pyjwt#722 (`PyJWKSet` raised on Keycloak's `use: enc`, `alg: RSA-OAEP` key): one
/// key the library could not use failed the whole JWK Set, so no token from that issuer could
/// be verified. RFC 7517 §5: keys whose `kty` is not understood SHOULD be ignored. Core leaves
/// such keys out (remembering why, for a token that names one) and verifies with the others.
#[cfg(feature = "native-crypto")]
#[test]
fn authlib_913_pyjwt_722_an_unusable_key_does_not_fail_the_whole_set() {
    use tokensmith::jwt::{sign, verify, Algorithm, KeySet, SigningKey, Validation};
    let secret = b"classical-hmac-key-of-32-bytes!!";
    let k = tokensmith::b64::URL_SAFE_NO_PAD.encode(secret);
    let jwks = format!(
        r#"{{"keys":[
            {{"kty":"AKP","alg":"ML-DSA-65","kid":"pq","pub":"AAAA"}},
            {{"kty":"RSA","use":"enc","alg":"RSA-OAEP","kid":"enc","n":"xTT6GOIMi7GXWUNQ","e":"AQAB"}},
            {{"kty":"oct","kid":"classical","alg":"HS256","k":"{k}"}}
        ]}}"#
    );
    let keys = KeySet::from_jwks_json(&jwks).unwrap();
    assert_eq!(keys.keys().len(), 1);
    let mut claims = tokensmith::json::Map::new();
    claims.insert("sub".into(), "user".into());
    claims.insert("exp".into(), (SENT.as_secs() + 600).into());
    let validation = Validation::new(&[Algorithm::HS256]);
    let token = sign(
        &claims,
        Algorithm::HS256,
        &SigningKey::hmac(secret).with_kid("classical"),
    )
    .unwrap();
    let verified = verify(token.expose_secret(), &keys, &validation, SENT).unwrap();
    assert_eq!(verified.claims["sub"], "user");
    // A token naming the encryption key is refused with that key's own reason (its `alg`,
    // RSA-OAEP, is no signature algorithm), not "no key" and not verified.
    let token = sign(
        &claims,
        Algorithm::HS256,
        &SigningKey::hmac(secret).with_kid("enc"),
    )
    .unwrap();
    let error = verify(token.expose_secret(), &keys, &validation, SENT).unwrap_err();
    assert_eq!(error.code(), "jwt_unsupported_alg", "{error}");
}

/// auth0/nextjs-auth0#2326 (fixed by #2337): after a refresh the stored token set lost its
/// `scope`. RFC 6749 §6: a refresh request without `scope` asks for "the scope originally
/// granted", and §5.1: a response may omit `scope` when it is identical to the one requested —
/// so a refresh answer without `scope` grants what the previous token had.
#[test]
fn nextjs_auth0_2326_a_refresh_answer_without_scope_keeps_the_granted_scope() {
    struct Server {
        now: Cell<i64>,
        requests: RefCell<Vec<String>>,
    }
    impl SourceIo for Server {
        fn now(&self) -> UnixMillis {
            UnixMillis(self.now.get())
        }
        fn sleep_ms(&self, ms: i64) {
            self.now.set(self.now.get() + ms);
        }
        fn send(&self, request: &HttpRequest) -> Result<HttpResponse> {
            let body = request.body_text().to_owned();
            let answer = if body.contains("grant_type=password") {
                r#"{"access_token":"AT-1","token_type":"Bearer","expires_in":60,
                    "refresh_token":"RT-1","scope":"read write"}"#
            } else {
                r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":60}"#
            };
            self.requests.borrow_mut().push(body);
            Ok(HttpResponse::new(200, vec![], answer))
        }
    }
    let io = Server {
        now: Cell::new(SENT.as_millis()),
        requests: RefCell::new(Vec::new()),
    };
    let endpoint = TokenEndpoint {
        url: "https://idp.example/token".into(),
        client_id: "app".into(),
        client_secret: Some(Secret::new("app-client-secret")),
        auth: ClientAuthMethod::ClientSecretBasic,
    };
    let grant = Grant::Password {
        username: "alice".into(),
        password: Secret::new("alice-password-123"),
        scope: vec!["read".into(), "write".into()],
    };
    let cache = TokenCache::new(CacheConfig {
        jitter_seed: Some(2326),
        ..CacheConfig::default()
    });
    let source = TokenSource::new(endpoint, grant, cache, ParseOptions::default()).unwrap();
    let first = source.get_blocking(0, false, &io).unwrap();
    assert_eq!(
        first.scope.as_deref(),
        Some(&["read".to_owned(), "write".to_owned()][..])
    );
    // Past the token's life: the cache refreshes with RT-1, without `scope`.
    io.now.set(io.now.get() + 61_000);
    let second = source.get_blocking(0, false, &io).unwrap();
    assert_eq!(second.access_token.expose_secret(), "AT-2");
    assert!(io.requests.borrow()[1].contains("grant_type=refresh_token"));
    assert!(!io.requests.borrow()[1].contains("scope="));
    assert_eq!(
        second.scope.as_deref(),
        Some(&["read".to_owned(), "write".to_owned()][..]),
        "the refreshed token lost the granted scope"
    );
}
