//! Redaction audit of the dev server's own output (issue 9): the real binary, configured with
//! known secrets, is driven through token, refresh, revocation, introspection, PAT, Keycloak,
//! Insights Hub and SDx flows (successes and failures, credentials also in query strings), and
//! nothing it prints on stdout or stderr may contain a client secret, a password or any token
//! it issued or was shown.
//!
//! The server has one log level (info, one JSON line per request); `RUST_LOG=trace` is set
//! anyway so that a future verbose mode is audited by this same test.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, Response};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use tokensmith::{basic_authorization, BasicEncoding};

const CLIENT_ID: &str = "audit-client";
const CLIENT_SECRET: &str = "cs-AuditServerSecret8w: +%/é";
const USER: &str = "audit-user";
const PASSWORD: &str = "pw-AuditServerPassword3q with spaces";
const TTM_HOST: &str = "audithost";

fn config() -> String {
    format!(
        r#"realms = ["demo"]

[pat]
database = ":memory:"
prefix = "tsm"

[[clients]]
id = "{CLIENT_ID}"
secret = "{CLIENT_SECRET}"
auth = "form-basic"

[[users]]
username = "{USER}"
password = "{PASSWORD}"

[tenants]
host = "{TTM_HOST}"
users = ["tenant-a"]
generate = 0
"#
    )
}

struct Server {
    child: Child,
    base: String,
    /// Everything printed on stdout after the URL line.
    stdout_rest: std::thread::JoinHandle<String>,
}

fn start(config_path: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokensmith-devserver"))
        .args(["--port", "0", "--config"])
        .arg(config_path)
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the dev server");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the URL line");
    let base = first.trim().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base:?}");
    let stdout_rest = std::thread::spawn(move || {
        let mut rest = first;
        stdout.read_to_string(&mut rest).ok();
        rest
    });
    Server {
        child,
        base,
        stdout_rest,
    }
}

fn basic() -> String {
    basic_authorization(CLIENT_ID, CLIENT_SECRET, BasicEncoding::Form)
        .expect("basic")
        .expose_secret()
        .to_owned()
}

fn raw_basic(id: &str, secret: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

async fn form(http: &Client, url: &str, auth: Option<&str>, pairs: &[(&str, &str)]) -> Response {
    let mut req = http
        .post(url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(tokensmith::form::encode_pairs(pairs.iter().copied()));
    if let Some(a) = auth {
        req = req.header(AUTHORIZATION, a);
    }
    req.send().await.expect("request")
}

async fn body(resp: Response) -> Value {
    resp.json().await.unwrap_or(Value::Null)
}

/// Every string member named like a credential, anywhere in `v`.
fn collect_secrets(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if let (true, Some(s)) = (
                    matches!(
                        k.as_str(),
                        "access_token" | "refresh_token" | "id_token" | "token"
                    ),
                    v.as_str(),
                ) {
                    out.push(s.to_owned());
                }
                collect_secrets(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_secrets(i, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_server_logs_no_secret_of_any_flow() {
    let dir = std::env::temp_dir().join(format!("tokensmith-redaction-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config_path = dir.join("devserver.toml");
    std::fs::write(&config_path, config()).expect("config");
    let server = start(&config_path);
    let http = Client::new();
    let base = server.base.clone();
    let url = |p: &str| format!("{base}{p}");
    let auth = basic();
    let mut seen: Vec<Value> = Vec::new();
    let mut requests = 0usize;

    // Generic OAuth 2: client credentials, password, refresh (rotation, then theft of the old
    // refresh token), failures, revocation, introspection, the token in a query string.
    let cc = body(
        form(
            &http,
            &url("/oauth/token"),
            Some(&auth),
            &[("grant_type", "client_credentials")],
        )
        .await,
    )
    .await;
    let pw = body(
        form(
            &http,
            &url("/oauth/token"),
            Some(&auth),
            &[
                ("grant_type", "password"),
                ("username", USER),
                ("password", PASSWORD),
            ],
        )
        .await,
    )
    .await;
    let refresh = pw["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    let rotated = body(
        form(
            &http,
            &url("/oauth/token"),
            Some(&auth),
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await,
    )
    .await;
    let replay = form(
        &http,
        &url("/oauth/token"),
        Some(&auth),
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(replay.status(), 400);
    requests += 4;
    let access = pw["access_token"]
        .as_str()
        .expect("access token")
        .to_owned();
    for pairs in [
        vec![
            ("grant_type", "password"),
            ("username", USER),
            ("password", "wrong pw-AuditWrong7"),
        ],
        vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", "rt-AuditUnknownRefresh5x"),
        ],
        vec![
            ("grant_type", "client_credentials"),
            ("client_secret", CLIENT_SECRET),
        ],
    ] {
        let r = form(&http, &url("/oauth/token"), Some(&auth), &pairs).await;
        assert!(r.status().is_client_error());
        requests += 1;
    }
    let wrong = raw_basic(CLIENT_ID, "cs-AuditWrongSecret4m");
    let r = form(
        &http,
        &url("/oauth/token"),
        Some(&wrong),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(r.status(), 401);
    let r = form(
        &http,
        &url(&format!(
            "/oauth/token?client_secret={CLIENT_SECRET}&password={PASSWORD}"
        )),
        Some(&auth),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert!(r.status().is_success() || r.status().is_client_error());
    requests += 2;
    let r = form(
        &http,
        &url("/oauth/introspect"),
        Some(&auth),
        &[("token", &access)],
    )
    .await;
    seen.push(body(r).await);
    let r = form(
        &http,
        &url("/oauth/revoke"),
        Some(&auth),
        &[("token", &access)],
    )
    .await;
    assert!(r.status().is_success());
    requests += 2;
    let r = http
        .get(url(&format!("/api/me?access_token={access}")))
        .send()
        .await
        .expect("me");
    assert!(r.status().is_client_error());
    requests += 1;

    // Personal access tokens: issue, use, list, a wrong one, revoke.
    let created = http
        .post(url("/api/tokens"))
        .json(&json!({"username": USER, "password": PASSWORD, "description": "audit"}))
        .send()
        .await
        .expect("create PAT");
    assert_eq!(created.status(), 201);
    let created = body(created).await;
    let pat = created["token"].as_str().expect("PAT").to_owned();
    for bearer in [pat.clone(), format!("{pat}x"), "tsm_wrong".into()] {
        http.get(url("/api/me"))
            .bearer_auth(&bearer)
            .send()
            .await
            .expect("me");
        requests += 1;
    }
    let list = http
        .get(url("/api/tokens"))
        .bearer_auth(&pat)
        .send()
        .await
        .expect("list");
    seen.push(body(list).await);
    let wrong_pw = http
        .post(url("/api/tokens"))
        .json(&json!({"username": USER, "password": "pw-AuditWrongPatPassword2"}))
        .send()
        .await
        .expect("wrong password");
    assert_eq!(wrong_pw.status(), 401);
    http.delete(url("/api/tokens"))
        .bearer_auth(&pat)
        .send()
        .await
        .expect("revoke all");
    requests += 4;

    // Keycloak (password, offline, refresh), Insights Hub TTM, SDx (sign in, refresh).
    let kc_url = url("/realms/demo/protocol/openid-connect/token");
    let kc = body(
        form(
            &http,
            &kc_url,
            Some(&auth),
            &[
                ("grant_type", "password"),
                ("username", USER),
                ("password", PASSWORD),
                ("scope", "openid offline_access"),
            ],
        )
        .await,
    )
    .await;
    let kc_refresh = kc["refresh_token"].as_str().unwrap_or_default().to_owned();
    let kc2 = body(
        form(
            &http,
            &kc_url,
            Some(&auth),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &kc_refresh),
            ],
        )
        .await,
    )
    .await;
    let ttm = body(
        http.post(url("/api/technicaltokenmanager/v3/oauth/token"))
            .header("X-SPACE-AUTH-KEY", raw_basic(CLIENT_ID, CLIENT_SECRET))
            .json(&json!({"appName": "app", "appVersion": "1.0.0", "hostTenant": TTM_HOST, "userTenant": "tenant-a"}))
            .send()
            .await
            .expect("ttm"),
    )
    .await;
    let ttm_bad = http
        .post(url("/api/technicaltokenmanager/v3/oauth/token"))
        .header("X-SPACE-AUTH-KEY", raw_basic(CLIENT_ID, "cs-AuditWrongTtm6z"))
        .json(&json!({"appName": "app", "appVersion": "1.0.0", "hostTenant": TTM_HOST, "userTenant": "tenant-a"}))
        .send()
        .await
        .expect("ttm");
    assert_eq!(ttm_bad.status(), 401);
    let sdx = body(
        form(
            &http,
            &url("/sdx/oauth/token"),
            Some(&auth),
            &[
                ("grant_type", "password"),
                ("username", USER),
                ("password", PASSWORD),
            ],
        )
        .await,
    )
    .await;
    let sdx_refresh = sdx["refresh_token"].as_str().unwrap_or_default().to_owned();
    let sdx2 = body(
        form(
            &http,
            &url("/sdx/oauth/token"),
            Some(&auth),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &sdx_refresh),
            ],
        )
        .await,
    )
    .await;
    requests += 6;

    let mut secrets = vec![
        CLIENT_SECRET.to_owned(),
        PASSWORD.to_owned(),
        "pw-AuditWrong7".into(),
        "rt-AuditUnknownRefresh5x".into(),
        "cs-AuditWrongSecret4m".into(),
        "pw-AuditWrongPatPassword2".into(),
        "cs-AuditWrongTtm6z".into(),
        raw_basic(CLIENT_ID, CLIENT_SECRET),
        auth.clone(),
        pat.clone(),
    ];
    for v in [&cc, &pw, &rotated, &kc, &kc2, &ttm, &sdx, &sdx2, &created]
        .into_iter()
        .chain(seen.iter())
    {
        collect_secrets(v, &mut secrets);
    }
    // Every flow really produced its tokens (a failed flow would make the audit vacuous).
    for (name, v) in [
        ("cc", &cc),
        ("pw", &pw),
        ("rotated", &rotated),
        ("kc", &kc),
        ("kc2", &kc2),
        ("ttm", &ttm),
        ("sdx", &sdx),
        ("sdx2", &sdx2),
    ] {
        assert!(v["access_token"].is_string(), "{name}: {v}");
    }
    assert!(secrets.len() >= 20, "{secrets:?}");

    // Stop the server (SIGKILL: stdout and stderr are complete once the pipes close).
    let mut child = server.child;
    child.kill().expect("kill");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    child.wait().expect("wait");
    let stdout = server.stdout_rest.join().expect("stdout reader");
    std::fs::remove_dir_all(&dir).ok();

    let request_lines = stderr
        .lines()
        .filter(|l| l.contains("\"event\":\"request\""))
        .count();
    assert!(
        request_lines >= requests,
        "{request_lines} request lines for {requests} requests:\n{stderr}"
    );
    for secret in &secrets {
        // The secret itself, and its form-encoded and Basic-encoded shapes.
        let encoded = tokensmith::form::encode_pairs([("x", secret.as_str())]);
        for needle in [secret.as_str(), &encoded[2..]] {
            if needle.len() < 8 {
                continue;
            }
            assert!(
                !stdout.contains(needle),
                "stdout shows {needle:?}:\n{stdout}"
            );
            assert!(
                !stderr.contains(needle),
                "stderr shows {needle:?}:\n{stderr}"
            );
        }
    }
}
