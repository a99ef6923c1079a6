//! Redaction audit (issue 9): known secrets (client secret, password, access, refresh and ID
//! tokens, a PAT, an authorization code, a PKCE verifier, a token-exchange subject token, a PAT
//! pepper, an HMAC key) are run through every public type that holds one and every error path
//! that sees one, and no `Debug`, `Display` or `redacted()` output may contain any of them.
//!
//! Every text produced below is collected into one `Audit` and checked at the end, so a new
//! output added here is checked without writing a new assertion. The check is a substring
//! search for the whole secret and for its distinctive core (the part after the `-` prefix),
//! so a secret cut, wrapped or re-quoted is still found.

use std::sync::{Arc, Mutex};
use tokensmith::cache::{
    CacheConfig, CacheEvent, CacheKey, ExportOptions, Lookup, LookupOptions, TokenCache,
};
use tokensmith::client::{FinishStep, Step, TokenSource};
use tokensmith::jwt::{decode_unverified, Algorithm, Jwk, KeySet, SigningKey, Validation};
use tokensmith::pat::{MemoryStore, NewToken, Registry, TokenHasher, TokenKind};
use tokensmith::vendor::TechnicalTokenManager;
use tokensmith::{
    basic_authorization, check_revocation_response, parse_error_response, parse_token_response,
    space_auth_key, BasicEncoding, ClientAuthMethod, Error, Grant, HttpResponse, ParseOptions,
    PkceVerifier, Secret, Token, TokenEndpoint, TokenTypeHint, UnixMillis,
};

type Headers = Vec<(String, String)>;

const NOW: UnixMillis = UnixMillis(1_700_000_000_000);

/// Token-shaped secrets (what servers issue) and the human-chosen ones (with spaces and the
/// characters RFC 6749 §2.3.1 encodes), each with a distinctive core.
const CLIENT_SECRET: &str = "cs-AuditClientSecret7q: +%/é";
const PASSWORD: &str = "pw-AuditUserPassword4z with spaces";
const ACCESS_TOKEN: &str = "at-AuditAccessToken3k9PzQ7vN2xW5mB8";
const REFRESH_TOKEN: &str = "rt-AuditRefreshToken6y2LqR4tM9sV1cD7";
const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdWRpdC1pZC10b2tlbiJ9.AuditIdTokenSig5h8J";
const AUTH_CODE: &str = "ac-AuditAuthorizationCode2w7X";
const PKCE_VERIFIER: &str = "pv-AuditPkceVerifier0123456789abcdefghijKLMNOP";
const SUBJECT_TOKEN: &str = "st-AuditSubjectToken8n3GfH5jK2";
const PEPPER: &str = "pp-AuditPatPepper1r5TyU";
const HMAC_KEY: &str = "hk-AuditJwtHmacKey4e6WsX9zA3bC5dE7fG";

/// What each secret looks like where it could leak: whole, and its core (without the prefix).
fn needles(secrets: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for s in secrets {
        out.push(s.clone());
        if let Some((_, core)) = s.split_once('-') {
            // The core up to the first character a formatter might escape or a mask might split.
            let core: String = core
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if core.len() >= 10 {
                out.push(core);
            }
        }
    }
    out
}

#[derive(Default)]
struct Audit {
    texts: Vec<(String, String)>,
    secrets: Vec<String>,
}

impl Audit {
    fn new() -> Self {
        let mut a = Audit::default();
        for s in [
            CLIENT_SECRET,
            PASSWORD,
            ACCESS_TOKEN,
            REFRESH_TOKEN,
            ID_TOKEN,
            AUTH_CODE,
            PKCE_VERIFIER,
            SUBJECT_TOKEN,
            PEPPER,
            HMAC_KEY,
        ] {
            a.secrets.push(s.to_owned());
        }
        a
    }

    fn secret(&mut self, s: &str) {
        self.secrets.push(s.to_owned());
    }

    fn text(&mut self, what: &str, text: impl Into<String>) {
        self.texts.push((what.to_owned(), text.into()));
    }

    fn debug(&mut self, what: &str, value: &dyn std::fmt::Debug) {
        self.text(what, format!("{value:?}"));
        self.text(what, format!("{value:#?}"));
    }

    fn error(&mut self, what: &str, e: &Error) {
        self.text(&format!("{what} (Display)"), e.to_string());
        self.debug(&format!("{what} (Debug)"), e);
        // The chain a logger that walks `source()` would print.
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            self.text(&format!("{what} (source)"), s.to_string());
            source = s.source();
        }
    }

    /// Fails listing every leak, not only the first.
    fn check(self) {
        let needles = needles(&self.secrets);
        let mut leaks = Vec::new();
        for (what, text) in &self.texts {
            for n in &needles {
                if text.contains(n.as_str()) {
                    leaks.push(format!("{what} shows {n:?}: {text}"));
                }
            }
        }
        assert!(
            leaks.is_empty(),
            "{} leaks:\n{}",
            leaks.len(),
            leaks.join("\n")
        );
        assert!(self.texts.len() > 20, "the audit looked at too little");
    }
}

fn endpoint(auth: ClientAuthMethod) -> TokenEndpoint {
    TokenEndpoint {
        url: "https://as.example/oauth/token".into(),
        client_id: "audit-client".into(),
        client_secret: (auth != ClientAuthMethod::None).then(|| Secret::new(CLIENT_SECRET)),
        auth,
    }
}

fn grants() -> Vec<Grant> {
    vec![
        Grant::ClientCredentials {
            scope: vec!["read".into()],
            audience: Some("api".into()),
            resource: None,
        },
        Grant::Password {
            username: "alice".into(),
            password: Secret::new(PASSWORD),
            scope: vec![],
        },
        Grant::RefreshToken {
            refresh_token: Secret::new(REFRESH_TOKEN),
            scope: vec!["read".into()],
        },
        Grant::AuthorizationCode {
            code: Secret::new(AUTH_CODE),
            redirect_uri: "http://127.0.0.1/callback".into(),
            code_verifier: Some(Secret::new(PKCE_VERIFIER)),
        },
        // RFC 8693 token exchange: the subject token is a plain parameter value.
        Grant::Extension {
            grant_type: "urn:ietf:params:oauth:grant-type:token-exchange".into(),
            params: vec![
                ("subject_token".into(), SUBJECT_TOKEN.into()),
                (
                    "subject_token_type".into(),
                    "urn:ietf:params:oauth:token-type:access_token".into(),
                ),
            ],
        },
    ]
}

fn json_response(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        vec![("Content-Type".into(), "application/json".into())],
        body,
    )
}

/// A full token response carrying every token secret.
fn token_body() -> String {
    format!(
        r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"Bearer","expires_in":3600,"refresh_token":"{REFRESH_TOKEN}","id_token":"{ID_TOKEN}","scope":"read","session_state":"{SUBJECT_TOKEN}"}}"#
    )
}

fn token() -> Token {
    parse_token_response(
        &json_response(200, &token_body()),
        NOW,
        &ParseOptions::default(),
    )
    .expect("the audit's token response parses")
}

#[test]
fn requests_grants_and_endpoints_never_show_a_secret() {
    let mut audit = Audit::new();
    audit.debug("Secret", &Secret::new(CLIENT_SECRET));
    audit.text("Secret Display", Secret::new(CLIENT_SECRET).to_string());
    audit.text("Secret hint", Secret::new(ACCESS_TOKEN).hint());
    for auth in ClientAuthMethod::ALL {
        let ep = endpoint(auth);
        audit.debug("TokenEndpoint", &ep);
        for grant in grants() {
            audit.debug("Grant", &grant);
            match ep.token_request(&grant) {
                Ok(req) => {
                    // The request really carries the secret; only its printed forms hide it.
                    assert!(!req.body.is_empty());
                    audit.debug("HttpRequest", &req);
                    audit.text("HttpRequest::redacted", req.redacted());
                }
                Err(e) => audit.error("token_request", &e),
            }
        }
        for hint in [
            None,
            Some(TokenTypeHint::AccessToken),
            Some(TokenTypeHint::RefreshToken),
        ] {
            match ep.revocation_request(
                "https://as.example/oauth/revoke",
                &Secret::new(REFRESH_TOKEN),
                hint,
            ) {
                Ok(req) => {
                    audit.debug("revocation HttpRequest", &req);
                    audit.text("revocation redacted", req.redacted());
                }
                Err(e) => audit.error("revocation_request", &e),
            }
        }
    }
    // Credentials reaching the URL: userinfo (RFC 9110 §4.2.4 forbids sending it) and a query.
    for url in [
        format!(
            "https://audit-client:{}@as.example/token",
            "pw-AuditUrlUserinfo5t8Y"
        ),
        format!(
            "https://as.example/token?client_secret={}",
            "qs-AuditUrlQuery3p6R"
        ),
    ] {
        audit.secret("pw-AuditUrlUserinfo5t8Y");
        audit.secret("qs-AuditUrlQuery3p6R");
        let ep = TokenEndpoint {
            url,
            ..endpoint(ClientAuthMethod::ClientSecretBasic)
        };
        audit.debug("TokenEndpoint with credentials in the URL", &ep);
        match ep.token_request(&grants()[0]) {
            Ok(req) => {
                audit.debug("HttpRequest to a URL with credentials", &req);
                audit.text("redacted() of a URL with credentials", req.redacted());
            }
            Err(e) => audit.error("token_request to a URL with credentials", &e),
        }
    }
    // Extension grants may not smuggle client credentials; the refusal names the parameter only.
    let smuggled = Grant::Extension {
        grant_type: "urn:example:custom".into(),
        params: vec![("client_secret".into(), CLIENT_SECRET.into())],
    };
    audit.debug("smuggling Grant", &smuggled);
    if let Err(e) = endpoint(ClientAuthMethod::ClientSecretBasic).token_request(&smuggled) {
        audit.error("reserved extension parameter", &e);
    }
    // Input errors from inputs that contain secrets.
    let raw = basic_authorization("audit:client", CLIENT_SECRET, BasicEncoding::Raw);
    audit.error(
        "raw Basic with ':' in the id",
        &raw.expect_err("raw Basic refuses ':'"),
    );
    for (id, secret) in [
        ("audit-client", CLIENT_SECRET),
        ("audit:client", CLIENT_SECRET),
    ] {
        if let Ok(h) = basic_authorization(id, secret, BasicEncoding::Form) {
            audit.debug("basic_authorization", &h);
            audit.text("basic_authorization Display", h.to_string());
        }
        match space_auth_key(id, secret) {
            Ok(h) => audit.debug("space_auth_key", &h),
            Err(e) => audit.error("space_auth_key", &e),
        }
    }
    let no_secret = TokenEndpoint {
        client_secret: None,
        ..endpoint(ClientAuthMethod::ClientSecretPost)
    };
    audit.error(
        "missing client secret",
        &no_secret
            .token_request(&grants()[1])
            .expect_err("needs a secret"),
    );
    audit.error(
        "empty token to revoke",
        &endpoint(ClientAuthMethod::ClientSecretBasic)
            .revocation_request("https://as.example/revoke", &Secret::new(""), None)
            .expect_err("empty token"),
    );
    let pkce = PkceVerifier::from_secret(Secret::new(PKCE_VERIFIER.replace('-', "_")))
        .expect("a valid verifier");
    audit.secret(&PKCE_VERIFIER.replace('-', "_"));
    audit.debug("PkceVerifier", &pkce);
    audit.text("PKCE challenge", pkce.challenge_s256());
    for bad in [
        "short pv-AuditBadPkce1",
        &format!("{PKCE_VERIFIER} with space"),
    ] {
        audit.secret("pv-AuditBadPkce1");
        audit.error(
            "PkceVerifier::from_secret",
            &PkceVerifier::from_secret(Secret::new(bad)).expect_err("invalid verifier"),
        );
    }
    audit.check();
}

#[test]
fn responses_and_every_response_error_never_show_a_secret() {
    let mut audit = Audit::new();
    let t = token();
    assert_eq!(t.access_token.expose_secret(), ACCESS_TOKEN);
    audit.debug("Token", &t);
    audit.debug(
        "HttpResponse with a token body",
        &json_response(200, &token_body()),
    );

    let opts = ParseOptions::default();
    let echo = format!(
        "access token {ACCESS_TOKEN}, refresh token {REFRESH_TOKEN}, id token {ID_TOKEN}, \
         exchange {SUBJECT_TOKEN}"
    );
    let bodies: Vec<(u16, Headers, String)> = vec![
        // RFC 6749 §5.2 error, also inside a 200, with every secret in the description.
        (
            400,
            vec![],
            format!(r#"{{"error":"invalid_grant","error_description":"{echo}"}}"#),
        ),
        (
            200,
            vec![],
            format!(
                r#"{{"error":"invalid_request","error_description":"{echo}","access_token":"{ACCESS_TOKEN}"}}"#
            ),
        ),
        // An unknown error code that is itself a token.
        (400, vec![], format!(r#"{{"error":"{REFRESH_TOKEN}"}}"#)),
        // Not JSON, not an object, truncated, empty, oversized, wrong type.
        (502, vec![], format!("<html><body>{echo}</body></html>")),
        (
            200,
            vec![],
            format!(r#"["{ACCESS_TOKEN}","{REFRESH_TOKEN}"]"#),
        ),
        (
            200,
            vec![],
            format!(r#"{{"access_token":"{ACCESS_TOKEN}","refresh_token":"{REFRESH_TOKEN}","#),
        ),
        (
            200,
            vec![],
            format!("access_token={ACCESS_TOKEN}&refresh_token={REFRESH_TOKEN}"),
        ),
        (
            200,
            vec![],
            format!("{}{echo}", " ".repeat(2 * 1024 * 1024)),
        ),
        (500, vec![], format!(r#"{{"message":"{echo}"}}"#)),
        // RFC 6749 §5.1 violations, each with secrets in the object.
        (
            200,
            vec![],
            format!(r#"{{"access_token":"{ACCESS_TOKEN} x","token_type":"Bearer"}}"#),
        ),
        (
            200,
            vec![],
            format!(r#"{{"access_token":"{ACCESS_TOKEN}"}}"#),
        ),
        (
            200,
            vec![],
            format!(r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"{REFRESH_TOKEN} x"}}"#),
        ),
        (
            200,
            vec![],
            format!(
                r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"Bearer","expires_in":"{REFRESH_TOKEN}"}}"#
            ),
        ),
        (
            200,
            vec![],
            format!(
                r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"Bearer","refresh_token":42,"id_token":["{ID_TOKEN}"]}}"#
            ),
        ),
        (
            200,
            vec![],
            format!(
                r#"{{"access_token":"{ACCESS_TOKEN}","access_token":"{REFRESH_TOKEN}","token_type":"Bearer"}}"#
            ),
        ),
        (
            200,
            vec![],
            format!(
                r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"Bearer","scope":{{"s":"{REFRESH_TOKEN}"}}}}"#
            ),
        ),
        // RFC 6750 §3: the error only in the challenge.
        (
            401,
            vec![(
                "WWW-Authenticate".into(),
                format!(r#"Bearer realm="as", error="invalid_token", error_description="{echo}""#),
            )],
            String::new(),
        ),
    ];
    for (status, mut headers, body) in bodies {
        headers.push(("Content-Type".into(), "application/json".into()));
        let resp = HttpResponse::new(status, headers, body.clone());
        audit.debug("HttpResponse", &resp);
        match parse_token_response(&resp, NOW, &opts) {
            Ok(t) => panic!("{body:.80} parsed as a token: {t:?}"),
            Err(e) => audit.error(&format!("parse_token_response({status}, {body:.40})"), &e),
        }
        audit.error(
            &format!("parse_error_response({status}, {body:.40})"),
            &parse_error_response(&resp, NOW),
        );
        if let Err(e) = check_revocation_response(&resp, NOW) {
            audit.error("check_revocation_response", &e);
        }
        let tiny = ParseOptions {
            max_body_bytes: 16,
            ..opts
        };
        if let Err(e) = parse_token_response(&resp, NOW, &tiny) {
            audit.error("parse_token_response over the size cap", &e);
        }
    }
    audit.check();
}

#[test]
fn cache_client_and_exports_never_show_a_secret() {
    let mut audit = Audit::new();
    let events = Arc::new(Mutex::new(Vec::<CacheEvent>::new()));
    let cache = TokenCache::new(CacheConfig::default());
    let sink = events.clone();
    cache.set_event_callback(Some(Box::new(move |e: &CacheEvent| {
        sink.lock().unwrap().push(e.clone())
    })));

    // A password-grant source: the request carries the password, the response every token.
    let source = TokenSource::new(
        endpoint(ClientAuthMethod::ClientSecretBasic),
        grants()[1].clone(),
        cache.clone(),
        ParseOptions::default(),
    )
    .expect("source");
    audit.debug("TokenSource", &source);
    audit.debug("CacheKey", source.key());
    let step = source.begin(NOW, 0, false);
    audit.debug("Step::Send", &step);
    let Step::Send(fetch) = step else {
        panic!("a cold source sends")
    };
    audit.debug("Fetch", &fetch);
    let done = source.finish(fetch, Ok(json_response(200, &token_body())), NOW, NOW);
    audit.debug("FinishStep::Done", &done);
    assert!(matches!(done, FinishStep::Done(_)));
    audit.debug("Step::Ready", &source.begin(NOW, 0, false));
    // Near expiry the refresh-token request is built (stale-while-revalidate or fetch).
    let later = NOW.plus_millis(3_590_000);
    let refresh = source.begin(later, 0, false);
    audit.debug("Step with a refresh request", &refresh);
    match refresh {
        Step::ReadyAndRefresh(_, fetch) | Step::Send(fetch) => {
            audit.text("refresh request redacted", fetch.request.redacted());
            // The server refuses the refresh token, echoing it.
            let refused = json_response(
                400,
                &format!(
                    r#"{{"error":"invalid_grant","error_description":"{REFRESH_TOKEN} is revoked"}}"#
                ),
            );
            let next = source.finish(fetch, Ok(refused), later, later);
            audit.debug("FinishStep after a refused refresh", &next);
            if let FinishStep::RetryAfter { fetch, .. } = next {
                audit.debug("retry Fetch", &fetch);
                let failed = source.finish(
                    fetch,
                    Ok(json_response(503, &format!("<p>{ACCESS_TOKEN}</p>"))),
                    later,
                    later,
                );
                audit.debug("FinishStep after a 503", &failed);
            }
        }
        other => audit.debug("Step", &other),
    }
    audit.debug("Step after failures", &source.begin(later, 0, true));

    // Plain cache use: insert, lookups, failures, backoff.
    let key = CacheKey::builder(
        "https://as.example/token",
        "audit-client",
        ClientAuthMethod::ClientSecretBasic,
        "client_credentials",
    )
    .build();
    cache.insert(&key, token(), NOW);
    audit.debug(
        "Lookup::Fresh",
        &cache.lookup(&key, NOW, LookupOptions::default()),
    );
    let cold = CacheKey::builder(
        "https://as.example/token",
        "audit-cold",
        ClientAuthMethod::ClientSecretBasic,
        "client_credentials",
    )
    .build();
    if let Lookup::Fetch(ticket) = cache.lookup(&cold, NOW, LookupOptions::default()) {
        audit.debug("Ticket", &ticket);
        let err = parse_error_response(
            &json_response(
                400,
                &format!(
                    r#"{{"error":"invalid_client","error_description":"secret {ACCESS_TOKEN}"}}"#
                ),
            ),
            NOW,
        );
        audit.debug("Completion", &cache.complete(ticket, Err(err), NOW));
        audit.debug(
            "Lookup after a failure",
            &cache.lookup(&cold, NOW, LookupOptions::default()),
        );
    }
    audit.debug("TokenCache", &cache);
    audit.debug("CacheStats", &cache.stats());

    // Exports: without secrets nothing; with secrets the document is itself a `Secret`.
    let plain = cache.export(NOW, ExportOptions::default()).expect("export");
    audit.text("export without secrets", plain.expose_secret());
    let full = cache
        .export(
            NOW,
            ExportOptions {
                include_secrets: true,
            },
        )
        .expect("export with secrets");
    assert!(full.expose_secret().contains(ACCESS_TOKEN));
    audit.debug("export with secrets (Debug)", &full);
    // Imports of broken documents that carry secrets.
    let cut = &full.expose_secret()[..full.expose_secret().len() / 2];
    for doc in [
        cut.to_owned(),
        full.expose_secret()
            .replace("\"version\":1", "\"version\":7"),
        full.expose_secret().replace("\"Bearer\"", "\"\""),
        full.expose_secret()
            .replace("\"expires_in\"", &format!("\"{ACCESS_TOKEN}\"")),
        full.expose_secret()
            .replace("\"entries\"", "\"entries\":[],\"x\""),
        format!(
            r#"{{"version":1,"exported_at":0,"secrets_included":true,"entries":[{{"key":"{REFRESH_TOKEN}"}}]}}"#
        ),
    ] {
        let other = TokenCache::new(CacheConfig::default());
        match other.import(&doc, NOW) {
            Ok(report) => audit.debug("ImportReport", &report),
            Err(e) => {
                audit.text("CacheError Display", e.to_string());
                audit.debug("CacheError", &e);
                audit.error("Error::Cache", &Error::from(e));
            }
        }
    }
    for e in events.lock().unwrap().iter() {
        audit.debug("CacheEvent", e);
    }
    assert!(!events.lock().unwrap().is_empty());
    audit.check();
}

#[test]
fn jwt_pat_and_vendor_types_never_show_a_secret() {
    let mut audit = Audit::new();
    // JWT: keys, signing, decoding and verification failures.
    let key = SigningKey::hmac(HMAC_KEY.as_bytes());
    audit.debug("SigningKey", &key);
    let jwk = Jwk::from_hmac_secret(HMAC_KEY.as_bytes(), Some("k1")).expect("jwk");
    audit.debug("Jwk", &jwk);
    let keys = KeySet::new(vec![jwk]);
    audit.debug("KeySet", &keys);
    let jwks = format!(r#"{{"keys":[{{"kty":"oct","k":"{HMAC_KEY}","kid":"k2"}}]}}"#);
    match KeySet::from_jwks_json(&jwks) {
        Ok(k) => audit.debug("KeySet from JSON", &k),
        Err(e) => audit.error("KeySet::from_jwks_json", &Error::from(e)),
    }
    for broken in [
        ACCESS_TOKEN.to_owned(),
        format!("{ID_TOKEN}.{ACCESS_TOKEN}"),
        format!("eyJhbGciOiJIUzI1NiJ9.{REFRESH_TOKEN}.sig"),
        ID_TOKEN.replace("eyJzdWIi", "eyJzdWIi!"),
    ] {
        let e = decode_unverified(&broken).expect_err("not a JWT");
        audit.error("decode_unverified", &Error::from(e));
    }
    match decode_unverified(ID_TOKEN) {
        Ok(jwt) => audit.debug("UnverifiedJwt", &jwt),
        Err(e) => audit.error("decode_unverified(id token)", &Error::from(e)),
    }
    let validation = Validation::new(&[Algorithm::HS256]);
    match tokensmith::jwt::verify(ID_TOKEN, &keys, &validation, NOW) {
        Ok(v) => panic!("verified a token with a wrong key: {v:?}"),
        Err(e) => audit.error("jwt::verify", &Error::from(e)),
    }

    // PAT: generation, parsing, hashing, the registry and its failures.
    let pat = tokensmith::pat::generate("tsm").expect("pat");
    audit.secret(pat.expose_secret());
    audit.debug("generated PAT", &pat);
    let mut broken = pat.expose_secret().to_owned();
    broken.pop();
    broken.push('!');
    audit.secret(&broken);
    for presented in [broken.as_str(), &pat.expose_secret()[4..], "tsm_short"] {
        if let Err(e) = tokensmith::pat::parse(presented, Some("tsm")) {
            audit.error("pat::parse", &Error::from(e));
        }
    }
    let hasher = TokenHasher::with_pepper(PEPPER.as_bytes());
    audit.debug("TokenHasher", &hasher);
    let mut registry = Registry::new(MemoryStore::default(), hasher, "tsm").expect("registry");
    let (issued, record) = registry
        .issue(
            NewToken {
                owner: "alice".into(),
                kind: TokenKind::Personal,
                description: "audit".into(),
                scopes: vec!["read".into()],
                lifetime_secs: Some(60),
            },
            NOW,
        )
        .expect("issue");
    audit.secret(issued.expose_secret());
    audit.debug("issued PAT", &issued);
    audit.debug("TokenRecord", &record);
    audit.debug("MemoryStore", registry.store());
    audit.debug(
        "authenticated",
        &registry.authenticate(issued.expose_secret(), NOW),
    );
    for (presented, at) in [
        (pat.expose_secret(), NOW),
        (issued.expose_secret(), NOW.plus_millis(120_000)),
        (broken.as_str(), NOW),
    ] {
        if let Err(e) = registry.authenticate(presented, at) {
            audit.error("Registry::authenticate", &Error::from(e));
        }
    }
    registry.set_owner_deactivated("alice", true);
    if let Err(e) = registry.authenticate(issued.expose_secret(), NOW) {
        audit.error("authenticate of a deactivated owner", &Error::from(e));
    }

    // Insights Hub TTM: the client secret travels in X-SPACE-AUTH-KEY (raw Basic).
    let ttm = TechnicalTokenManager::new(
        "https://gateway.example",
        "audit-client",
        Secret::new(CLIENT_SECRET),
        "app",
        "1.0.0",
        "host",
    )
    .expect("ttm");
    audit.debug("TechnicalTokenManager", &ttm);
    for req in [
        ttm.token_request("tenant-1"),
        ttm.operator_token_request(),
        ttm.batch_request(&["tenant-1".into(), "tenant-2".into()]),
    ] {
        let req = req.expect("ttm request");
        audit.debug("TTM HttpRequest", &req);
        audit.text("TTM redacted", req.redacted());
    }
    let ttm_answer = format!(
        r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"Bearer","timestamp":"1700000000000","expires_in":1799}}"#
    );
    audit.debug(
        "TTM token",
        &ttm.parse_token(&json_response(200, &ttm_answer), NOW),
    );
    if let Err(e) = ttm.parse_token(&json_response(200, &format!("[{ttm_answer}]")), NOW) {
        audit.error("TTM parse_token", &e);
    }
    // SDx and Keycloak rewrite refused refresh tokens into their own errors.
    let refused = parse_error_response(
        &json_response(
            400,
            &format!(
                r#"{{"error":"invalid_grant","error_description":"Token is not active {REFRESH_TOKEN}"}}"#
            ),
        ),
        NOW,
    );
    for mapped in [
        tokensmith::vendor::sdx_refresh_error(&refused),
        tokensmith::vendor::keycloak_refresh_error(&refused),
    ]
    .into_iter()
    .flatten()
    {
        audit.error("vendor refresh error", &mapped);
    }
    audit.check();
}
