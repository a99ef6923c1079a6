//! The fault matrix of issue 9 (tests/vectors/faults.json, docs/reliability.md) replayed through
//! core's `TokenSource` against this server's fault injection. The HTTP client is a small
//! blocking `std::net` one written here, so that core's sans-IO loop (`get_blocking` over
//! `SourceIo`) is what is tested, with a clock the test can move.

mod common;

use common::{start, test_config, Server, WEIRD_ID, WEIRD_SECRET};
use serde_json::{json, Value};
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokensmith::cache::{Outcome, TokenCache};
use tokensmith::client::{SourceIo, TokenSource};
use tokensmith::error::TransportErrorKind;
use tokensmith::{
    ClientAuthMethod, Error, Grant, HttpRequest, HttpResponse, ParseOptions, Secret, TokenEndpoint,
    UnixMillis,
};

// ---------------------------------------------------------------------------------------------
// A blocking HTTP/1.1 client over std::net (Connection: close), with the transport contract of
// the bindings: no redirect is followed (a 3xx is `transport_redirect`), a body shorter than its
// Content-Length is `transport_reset`, a read timeout is `transport_timeout`.

struct Url {
    host_port: String,
    path: String,
}

fn split_url(url: &str) -> Url {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host_port, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    Url {
        host_port: host_port.to_owned(),
        path: if path.is_empty() {
            "/".into()
        } else {
            path.into()
        },
    }
}

fn transport(kind: TransportErrorKind, message: &str) -> Error {
    Error::Transport {
        kind,
        message: message.to_owned(),
    }
}

fn io_error(e: &std::io::Error) -> Error {
    match e.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => {
            transport(TransportErrorKind::Timeout, "timed out")
        }
        ErrorKind::ConnectionRefused => transport(TransportErrorKind::Connect, "refused"),
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof => {
            transport(TransportErrorKind::Reset, "reset")
        }
        _ => transport(TransportErrorKind::Other, "io error"),
    }
}

fn send_raw(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout: Duration,
) -> Result<HttpResponse, Error> {
    let url = split_url(url);
    let mut stream = TcpStream::connect(&url.host_port).map_err(|e| io_error(&e))?;
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream.set_write_timeout(Some(timeout)).unwrap();
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        url.path,
        url.host_port,
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| io_error(&e))?;
    let mut raw = Vec::new();
    if let Err(e) = stream.read_to_end(&mut raw) {
        return Err(io_error(&e));
    }
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Result<HttpResponse, Error> {
    let reset = || transport(TransportErrorKind::Reset, "incomplete response");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(reset)?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| reset())?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(reset)?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let mut body = raw[end + 4..].to_vec();
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body).ok_or_else(reset)?;
    } else if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        if body.len() < len {
            return Err(reset());
        }
        body.truncate(len);
    }
    if (300..400).contains(&status) {
        return Err(transport(
            TransportErrorKind::Redirect,
            "redirect not followed",
        ));
    }
    Ok(HttpResponse::new(status, headers, body))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// Core's SourceIo over the client above, with a clock that the test can move.
struct Io {
    timeout: Duration,
    offset_ms: AtomicI64,
    /// `grant_type` and `Authorization` of every request sent, in order.
    sent: Mutex<Vec<(String, Option<String>)>>,
}

impl Io {
    fn new(timeout_ms: u64) -> Self {
        Io {
            timeout: Duration::from_millis(timeout_ms),
            offset_ms: AtomicI64::new(0),
            sent: Mutex::new(Vec::new()),
        }
    }
    fn jump(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }
    /// The grant types sent since the last call.
    fn take_grants(&self) -> Vec<String> {
        self.sent
            .lock()
            .unwrap()
            .drain(..)
            .map(|(g, _)| g)
            .collect()
    }
}

fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

impl SourceIo for Io {
    fn now(&self) -> UnixMillis {
        UnixMillis(system_now() + self.offset_ms.load(Ordering::SeqCst))
    }
    fn sleep_ms(&self, ms: i64) {
        std::thread::sleep(Duration::from_millis(ms.max(0) as u64));
    }
    fn send(&self, request: &HttpRequest) -> tokensmith::Result<HttpResponse> {
        let grant = request
            .body_text()
            .split('&')
            .find_map(|p| p.strip_prefix("grant_type="))
            .unwrap_or("-")
            .to_owned();
        let authorization = request.header("authorization").map(str::to_owned);
        self.sent.lock().unwrap().push((grant, authorization));
        send_raw(
            request.method.as_str(),
            &request.url,
            &request.headers,
            &request.body,
            self.timeout,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// The server, its admin routes, and a second listener standing for "another origin".

struct Harness {
    _rt: tokio::runtime::Runtime,
    server: Server,
}

impl Harness {
    fn new() -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt.block_on(start(test_config()));
        Harness { _rt: rt, server }
    }
    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }
    fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let r = send_raw(
            method,
            &self.url(path),
            &[("Content-Type".into(), "application/json".into())],
            body.as_bytes(),
            Duration::from_secs(5),
        )
        .expect("admin request");
        assert!(r.status < 300, "{method} {path}: {}", r.status);
        serde_json::from_slice(&r.body).unwrap_or(Value::Null)
    }
    fn plan(&self, fault: &Value) {
        let mut fault = fault.clone();
        fault
            .as_object_mut()
            .unwrap()
            .entry("path")
            .or_insert(json!("/oauth/token"));
        self.admin("POST", "/admin/faults", Some(&fault));
    }
    /// Clears the fault plan and the request counts.
    fn reset(&self) {
        self.admin("DELETE", "/admin/faults", None);
    }
    fn requests(&self, path: &str) -> u64 {
        self.admin("GET", "/admin/faults", None)["requests"][path]
            .as_u64()
            .unwrap_or(0)
    }
}

/// A listener on another port that records what it receives and answers 200 with a token, as a
/// foreign origin that would gladly take credentials.
struct Recorder {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

fn recorder() -> Recorder {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/steal", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            stream
                .set_read_timeout(Some(Duration::from_millis(500)))
                .unwrap();
            let mut buf = vec![0u8; 65536];
            let n = stream.read(&mut buf).unwrap_or(0);
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf[..n]).into_owned());
            let body = r#"{"access_token":"stolen","token_type":"Bearer","expires_in":60}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    Recorder { url, seen }
}

// ---------------------------------------------------------------------------------------------
// The vector cases.

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/faults.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn endpoint(url: String, id: &str, secret: &str) -> TokenEndpoint {
    TokenEndpoint {
        url,
        client_id: id.into(),
        client_secret: Some(Secret::new(secret)),
        auth: ClientAuthMethod::ClientSecretBasic,
    }
}

fn client_credentials() -> Grant {
    Grant::ClientCredentials {
        scope: vec![],
        audience: None,
        resource: None,
    }
}

fn source_for(h: &Harness, client: &Value, token_url: Option<&str>) -> TokenSource {
    let url = match token_url {
        Some("refused") => {
            // A port that was just free: nothing listens there.
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}/oauth/token", l.local_addr().unwrap());
            drop(l);
            url
        }
        _ => h.url(client["path"].as_str().unwrap()),
    };
    let parse = ParseOptions {
        default_lifetime_secs: client["default_lifetime"].as_i64().unwrap(),
        ..ParseOptions::default()
    };
    TokenSource::new(
        endpoint(
            url,
            client["client_id"].as_str().unwrap(),
            client["client_secret"].as_str().unwrap(),
        ),
        client_credentials(),
        TokenCache::default(),
        parse,
    )
    .unwrap()
}

fn check_outcome(
    id: &str,
    outcome: &Outcome,
    expect: &Value,
    io: &Io,
    elapsed: Duration,
    warm: Option<&str>,
    previous: &mut Option<String>,
) {
    let ms = elapsed.as_millis() as u64;
    if let Some(min) = expect
        .get("token")
        .or(expect.get("error"))
        .and_then(|e| e.get("min_elapsed_ms"))
    {
        assert!(ms >= min.as_u64().unwrap(), "{id}: took {ms} ms");
    }
    if let Some(max) = expect
        .get("token")
        .or(expect.get("error"))
        .and_then(|e| e.get("max_elapsed_ms"))
    {
        assert!(ms <= max.as_u64().unwrap(), "{id}: took {ms} ms");
    }
    match (outcome, expect.get("token"), expect.get("error")) {
        (Ok(token), Some(want), None) => {
            let access = token.access_token.expose_secret().to_owned();
            if want["same_as_warm"] == json!(true) {
                assert_eq!(Some(access.as_str()), warm, "{id}: the cached token");
            }
            if want["cached"] == json!(true) {
                assert_eq!(Some(&access), previous.as_ref(), "{id}: served from cache");
            }
            if let Some(t) = want["token_type"].as_str() {
                assert_eq!(token.token_type, t, "{id}");
            }
            if let Some(a) = want["access_token"].as_str() {
                assert_eq!(access, a, "{id}");
            }
            if let Some(range) = want.get("expires_in") {
                let left = token.remaining_ms(io.now()) as f64 / 1000.0;
                let (lo, hi) = (
                    range["min"].as_f64().unwrap(),
                    range["max"].as_f64().unwrap(),
                );
                assert!(
                    lo <= left && left <= hi,
                    "{id}: expires in {left} s, want [{lo}, {hi}]"
                );
            }
            if let Some(source) = want["expiry_source"].as_str() {
                assert_eq!(token.expiry_source.as_str(), source, "{id}");
            }
            *previous = Some(access);
        }
        (Err(error), None, Some(want)) => {
            assert_eq!(error.family().as_str(), want["family"], "{id}: {error}");
            assert_eq!(error.code(), want["code"], "{id}: {error}");
            if let Some(status) = want["status"].as_u64() {
                assert_eq!(error.status(), Some(status as u16), "{id}");
            }
            if let Some(reason) = want["reason"].as_str() {
                match &**error {
                    Error::UnexpectedResponse(u) => assert_eq!(u.reason.code(), reason, "{id}"),
                    other => panic!("{id}: {other:?}"),
                }
            }
            if let Some(min) = want["retry_after_min"].as_f64() {
                let secs = error.retry_after().expect("retry_after").delay_ms as f64 / 1000.0;
                let max = want["retry_after_max"].as_f64().unwrap();
                assert!(min <= secs && secs <= max, "{id}: retry after {secs}");
            }
            if let Error::OAuth(e) = &**error {
                if let Some(code) = want["error"].as_str() {
                    assert_eq!(e.code.as_str(), code, "{id}");
                }
                if want.get("description").is_some() {
                    assert_eq!(
                        e.description.as_deref(),
                        want["description"].as_str(),
                        "{id}"
                    );
                }
            }
        }
        (other, _, _) => panic!("{id}: got {other:?}, want {expect}"),
    }
}

fn run_case(h: &Harness, client: &Value, case: &Value) {
    let id = case["id"].as_str().unwrap();
    h.reset();
    let source = source_for(h, client, case["token_url"].as_str());
    let io = Io::new(client["timeout_ms"].as_u64().unwrap());
    let mut warm_token = None;
    if let Some(warm) = case.get("warm") {
        h.plan(&json!({"kind": "patch", "set": {"expires_in": warm["expires_in"]}, "count": 1}));
        let started = Instant::now();
        let token = source.get_blocking(0, false, &io).expect("warm-up token");
        warm_token = Some(token.access_token.expose_secret().to_owned());
        // The age counts from just before the call (the token's issue time is its send time).
        io.jump(warm["age_ms"].as_i64().unwrap() - started.elapsed().as_millis() as i64);
        h.reset();
    }
    for fault in case["faults"].as_array().unwrap() {
        h.plan(fault);
    }
    let mut previous = None;
    for expect in case["calls"].as_array().unwrap() {
        if let Some(ms) = expect["sleep_ms"].as_u64() {
            std::thread::sleep(Duration::from_millis(ms));
        }
        let started = Instant::now();
        let outcome = source.get_blocking(0, false, &io);
        check_outcome(
            id,
            &outcome,
            expect,
            &io,
            started.elapsed(),
            warm_token.as_deref(),
            &mut previous,
        );
    }
    if let Some(n) = case["requests"].as_u64() {
        assert_eq!(h.requests("/oauth/token"), n, "{id}: requests");
    }
}

fn run_matrix(range: std::ops::RangeInclusive<u64>) {
    let v = vectors();
    let h = Harness::new();
    let mut ran = 0;
    for case in v["cases"].as_array().unwrap() {
        if case["scenario"] == json!(true) || !range.contains(&case["matrix"].as_u64().unwrap()) {
            continue;
        }
        run_case(&h, &v["client"], case);
        ran += 1;
    }
    assert!(ran > 0);
}

// One test per group, so that they run in parallel, each against its own server.
#[test]
fn m1_server_errors() {
    run_matrix(1..=1);
}
#[test]
fn m2_retry_after() {
    run_matrix(2..=2);
}
#[test]
fn m3_transport_failures() {
    run_matrix(3..=3);
}
#[test]
fn m4_unusable_bodies() {
    run_matrix(4..=4);
}
#[test]
fn m5_token_fields() {
    run_matrix(5..=5);
}
#[test]
fn m6_expires_in() {
    run_matrix(6..=6);
}
#[test]
fn m7_m8_oauth_errors() {
    run_matrix(7..=8);
}

// ---------------------------------------------------------------------------------------------
// Scenarios 9–16 (faults.json lists their expected results; the steps need code of their own).

fn scenario(id: &str) -> Value {
    vectors()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} in faults.json"))
        .clone()
}

fn password_source(h: &Harness) -> TokenSource {
    TokenSource::new(
        endpoint(h.url("/oauth/token"), "demo-client", "demo-secret"),
        Grant::Password {
            username: "demo-user".into(),
            password: Secret::new("demo-password"),
            scope: vec![],
        },
        TokenCache::default(),
        ParseOptions::default(),
    )
    .unwrap()
}

/// The next token answer lives 6 s (so that a jump of 7 s expires it).
fn short_lived(h: &Harness, more: Value) {
    let mut set = json!({"expires_in": 6});
    set.as_object_mut()
        .unwrap()
        .extend(more.as_object().unwrap().clone());
    h.plan(&json!({"kind": "patch", "set": set, "count": 1}));
}

fn secret_of(token: &tokensmith::Token) -> String {
    token.access_token.expose_secret().to_owned()
}

#[test]
fn m9_refresh_rotation_omission_invalid_grant() {
    let h = Harness::new();
    let io = Io::new(2000);
    let source = password_source(&h);
    short_lived(&h, json!({}));
    let first = source.get_blocking(0, false, &io).unwrap();
    assert_eq!(io.take_grants(), ["password"]);

    // Rotation: the refresh answer carries a new refresh token; the one after it must use it
    // (the server treats a reused refresh token as theft: invalid_grant and family revoked).
    short_lived(&h, json!({}));
    io.jump(7_000);
    let second = source.get_blocking(0, false, &io).unwrap();
    assert_ne!(secret_of(&second), secret_of(&first));
    assert_eq!(io.take_grants(), ["refresh_token"], "m9-refresh-rotation");

    // Omission: this refresh answer has no refresh_token, so core keeps the previous one…
    short_lived(&h, json!({"refresh_token": null}));
    io.jump(7_000);
    source.get_blocking(0, false, &io).unwrap();
    assert_eq!(io.take_grants(), ["refresh_token"], "m9-refresh-rotation");
    // …and sends it next time (RFC 6749 §6). The server already consumed it, so it answers
    // invalid_grant, and core falls back to the password grant once, in the same call.
    io.jump(7_000);
    let fallback = source.get_blocking(0, false, &io).unwrap();
    assert_eq!(
        io.take_grants(),
        ["refresh_token", "password"],
        "m9-refresh-omitted / m9-refresh-invalid-grant"
    );
    assert!(fallback.remaining_ms(io.now()) > 3_500_000);

    // An explicit invalid_grant on refresh: one fallback, no loop.
    io.jump(3_600_000);
    h.plan(&json!({"kind": "respond", "status": 400, "count": 5,
        "body": r#"{"error":"invalid_grant","error_description":"refresh token revoked"}"#}));
    let outcome = source.get_blocking(0, false, &io);
    // The fallback password request met the same planned fault: a typed error, no third request.
    assert_eq!(outcome.unwrap_err().code(), "invalid_grant");
    assert_eq!(
        io.take_grants(),
        ["refresh_token", "password"],
        "{}",
        scenario("m9-refresh-invalid-grant")["title"]
    );
}

#[test]
fn m9_concurrent_refresh_of_one_rotating_token_sends_one_request() {
    let want = scenario("m9-concurrent-refresh")["expect"].clone();
    let h = Harness::new();
    let io = Arc::new(Io::new(2000));
    let source = Arc::new(password_source(&h));
    short_lived(&h, json!({}));
    source.get_blocking(0, false, &*io).unwrap();
    io.take_grants();
    // The token is expired for everyone: one flight, every caller waits for it.
    io.jump(7_000);
    h.plan(&json!({"kind": "slow", "delay_ms": 200, "count": 1}));
    let barrier = Arc::new(std::sync::Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (io, source, barrier) =
                (Arc::clone(&io), Arc::clone(&source), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                secret_of(&source.get_blocking(0, false, &*io).unwrap())
            })
        })
        .collect();
    let tokens: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(tokens.iter().all(|t| *t == tokens[0]));
    assert_eq!(io.take_grants(), ["refresh_token"]);
    assert_eq!(
        h.requests("/oauth/token") as i64,
        2 + want["refresh_requests"].as_i64().unwrap() - 1
    );
}

fn kid_of(jwt: &str) -> String {
    use base64::Engine as _;
    let header = jwt.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    serde_json::from_slice::<Value>(&bytes).unwrap()["kid"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Verifies `jwt` with core, fetching the server's JWK Set when `JwksRefresh` says so. Returns
/// whether it verified.
fn verify_with_refresh(
    h: &Harness,
    jwks: &mut tokensmith::jwt::JwksRefresh,
    jwt: &str,
    kid: &str,
    now: UnixMillis,
) -> bool {
    use tokensmith::jwt::{Algorithm, JwksStep, KeySet, Validation};
    loop {
        match jwks.step(Some(kid), now) {
            JwksStep::Use(keys) => {
                let validation = Validation::new(&[Algorithm::RS256]);
                return tokensmith::jwt::verify(jwt, keys, &validation, now).is_ok();
            }
            JwksStep::Fetch(fetch) => {
                let r = send_raw(
                    "GET",
                    &h.url("/.well-known/jwks.json"),
                    &[],
                    b"",
                    Duration::from_secs(5),
                )
                .unwrap();
                let keys = KeySet::from_jwks_json(std::str::from_utf8(&r.body).unwrap()).unwrap();
                jwks.store(fetch, keys);
            }
            // One caller here: nobody else fetches.
            JwksStep::Wait(_) => unreachable!("a single caller never waits"),
            JwksStep::Unknown => return false,
        }
    }
}

#[test]
fn m10_m15_server_restart_rotates_keys_and_forgets_refresh_tokens() {
    let h = Harness::new();
    let io = Io::new(2000);
    let source = password_source(&h);
    let mut jwks = tokensmith::jwt::JwksRefresh::default();
    short_lived(&h, json!({}));
    let before = secret_of(&source.get_blocking(0, false, &io).unwrap());
    assert!(verify_with_refresh(
        &h,
        &mut jwks,
        &before,
        &kid_of(&before),
        io.now()
    ));
    io.take_grants();
    h.reset();

    h.admin("POST", "/admin/restart", None);
    io.jump(7_000);
    let after = secret_of(&source.get_blocking(0, false, &io).unwrap());
    // m10: the forgotten refresh token is refused, core falls back to the password grant once.
    assert_eq!(io.take_grants(), ["refresh_token", "password"]);
    assert_eq!(h.requests("/oauth/token"), 2);
    let new_kid = kid_of(&after);
    assert_ne!(new_kid, kid_of(&before));

    // m15: the new kid is unknown; 7 s after the last JWKS fetch a refetch is not allowed yet
    // (30 s interval), so the token is refused without a request…
    assert!(!verify_with_refresh(
        &h,
        &mut jwks,
        &after,
        &new_kid,
        io.now()
    ));
    assert_eq!(h.requests("/.well-known/jwks.json"), 0);
    // …30 s later one refetch happens and the token verifies with the new key.
    io.jump(30_000);
    assert!(verify_with_refresh(
        &h,
        &mut jwks,
        &after,
        &new_kid,
        io.now()
    ));
    // A stream of forged kids right after causes no request at all.
    for i in 0..100 {
        assert!(!verify_with_refresh(
            &h,
            &mut jwks,
            &after,
            &format!("forged-{i}"),
            io.now()
        ));
    }
    assert_eq!(h.requests("/.well-known/jwks.json"), 1);
    assert_eq!(jwks.fetches(), 2);
}

#[test]
fn m11_client_clock_jumps() {
    let h = Harness::new();
    let io = Io::new(2000);
    let source = password_source(&h);
    let first = secret_of(&source.get_blocking(0, false, &io).unwrap());
    // Forward past the expiry: one new fetch.
    io.jump(2 * 3_600_000);
    let second = source.get_blocking(0, false, &io).unwrap();
    assert_ne!(secret_of(&second), first);
    assert_eq!(
        io.take_grants(),
        ["password", "refresh_token"],
        "m11-clock-forward"
    );
    assert!(second.remaining_ms(io.now()) > 3_500_000);

    // Backward: a 6 s token, the clock moves past its expiry while the server fails, then the
    // clock goes back a day. The expired token must not come back to life.
    short_lived(&h, json!({}));
    io.jump(3_600_000);
    let short = secret_of(&source.get_blocking(0, false, &io).unwrap());
    io.jump(7_000);
    h.plan(&json!({"kind": "html", "count": 3}));
    assert!(source.get_blocking(0, false, &io).is_err());
    h.reset();
    io.take_grants();
    io.jump(-86_400_000);
    // Right after the jump: neither the expired token nor a request (the key backs off).
    assert!(source.get_blocking(0, false, &io).is_err());
    assert_eq!(h.requests("/oauth/token"), 0);
    // The backoff (at most 1 s) runs at the clock's pace from the moment the jump was seen, not
    // until the clock is back where it was a day later: then one fetch, and a new token.
    std::thread::sleep(Duration::from_millis(1100));
    let back = source.get_blocking(0, false, &io);
    let back = back.unwrap_or_else(|e| panic!("m11-clock-backward: {e}"));
    assert_ne!(secret_of(&back), short);
    assert_eq!(h.requests("/oauth/token"), 1, "m11-clock-backward");
}

#[test]
fn m12_credentials_with_special_characters() {
    let case = scenario("m12-credentials-special-chars");
    let h = Harness::new();
    for cred in case["expect"]["credentials"].as_array().unwrap() {
        let (id, secret) = (
            cred["client_id"].as_str().unwrap(),
            cred["client_secret"].as_str().unwrap(),
        );
        let endpoint = endpoint(h.url("/oauth/token"), id, secret);
        let request = endpoint.token_request(&client_credentials()).unwrap();
        assert_eq!(
            request.header("authorization"),
            cred["authorization"].as_str(),
            "{id}"
        );
        if cred["server_accepts"] == json!(true) {
            let io = Io::new(2000);
            let source = TokenSource::new(
                endpoint,
                client_credentials(),
                TokenCache::default(),
                ParseOptions::default(),
            )
            .unwrap();
            source.get_blocking(0, false, &io).unwrap();
        }
    }
    // The id and secret the dev server's test configuration really holds.
    assert_eq!(
        case["expect"]["credentials"][0]["client_id"].as_str(),
        Some(WEIRD_ID)
    );
    assert_eq!(
        case["expect"]["credentials"][0]["client_secret"].as_str(),
        Some(WEIRD_SECRET)
    );
}

#[test]
fn m13_redirect_to_another_origin_is_not_followed() {
    let case = scenario("m13-redirect-other-origin");
    let h = Harness::new();
    let other = recorder();
    let io = Io::new(2000);
    let source = source_for(&h, &vectors()["client"], None);
    h.reset();
    h.plan(&json!({"kind": "redirect", "location": other.url, "count": 3}));
    let error = source.get_blocking(0, false, &io).unwrap_err();
    assert_eq!(error.code(), case["expect"]["error"]["code"]);
    assert_eq!(error.family().as_str(), case["expect"]["error"]["family"]);
    // A redirect is a configuration error, not an outage: not retried.
    assert_eq!(h.requests("/oauth/token"), 1);
    std::thread::sleep(Duration::from_millis(100));
    assert!(other.seen.lock().unwrap().is_empty());
}

#[test]
fn m14_cache_import_of_damaged_data_leaves_the_cache_intact() {
    use tokensmith::cache::ExportOptions;
    let want = scenario("m14-cache-file")["expect"].clone();
    let h = Harness::new();
    let io = Io::new(2000);
    let source = source_for(&h, &vectors()["client"], None);
    let token = secret_of(&source.get_blocking(0, false, &io).unwrap());
    let export = source
        .cache()
        .export(
            io.now(),
            ExportOptions {
                include_secrets: true,
            },
        )
        .unwrap();
    let text = export.expose_secret();
    let newer = text.replacen("\"version\":1", "\"version\":2", 1);
    assert_ne!(newer, text);
    let damaged = [
        ("corrupted", text.replacen('{', "{,", 1)),
        ("truncated", text[..text.len() / 2].to_owned()),
        ("newer_version", newer),
    ];
    for (name, data) in damaged {
        let error = source.cache().import(&data, io.now()).unwrap_err();
        assert_eq!(Error::from(error).code(), want[name], "{name}");
    }
    h.reset();
    assert_eq!(
        secret_of(&source.get_blocking(0, false, &io).unwrap()),
        token
    );
    assert_eq!(
        h.requests("/oauth/token"),
        0,
        "the in-memory cache is intact"
    );
}

#[test]
fn m16_malformed_pats_are_invalid_tokens() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/pat.json");
    let pats: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let want = scenario("m16-pat")["expect"].clone();
    let h = Harness::new();
    let malformed = pats["malformed"].as_array().unwrap();
    assert!(!malformed.is_empty());
    let mut checked = 0;
    for case in malformed {
        let token = case["token"].as_str().unwrap();
        // Header values cannot carry control characters or non-ASCII; those shapes never reach
        // a server as a Bearer token.
        if !token.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            continue;
        }
        let r = send_raw(
            "GET",
            &h.url("/api/me"),
            &[("Authorization".into(), format!("Bearer {token}"))],
            b"",
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(r.status as u64, want["status"].as_u64().unwrap(), "{token}");
        let challenge = r.header("www-authenticate").unwrap_or_default();
        assert!(
            challenge.contains(&format!(
                "error=\"{}\"",
                want["www_authenticate_error"].as_str().unwrap()
            )),
            "{token}: {challenge}"
        );
        checked += 1;
    }
    assert!(checked > 5, "{checked}");
}
