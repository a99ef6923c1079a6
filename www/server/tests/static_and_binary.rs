//! Static pages and package, the example config, and the binary's startup contract.

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use tokensmith_devserver::config::{ClientAuth, Config};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tokensmith-devserver-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn serves_pages_and_package() {
    let www = temp_dir("www");
    let pkg = temp_dir("pkg");
    std::fs::write(www.join("index.html"), "<h1>pages</h1>").unwrap();
    std::fs::create_dir_all(www.join("sub")).unwrap();
    std::fs::write(www.join("sub/app.js"), "export const x = 1;").unwrap();
    std::fs::write(pkg.join("tokensmith_bg.wasm"), b"\0asm").unwrap();
    let mut config = test_config();
    config.server.www_dir = www;
    config.server.pkg_dir = pkg;
    let s = start(config).await;

    let r = s.http.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(r.text().await.unwrap(), "<h1>pages</h1>");
    let r = s.http.get(s.url("/sub/app.js")).send().await.unwrap();
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let r = s
        .http
        .get(s.url("/pkg/tokensmith_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"\0asm");
    for missing in ["/nope.html", "/server/Cargo.toml"] {
        let r = s.http.get(s.url(missing)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{missing}");
    }
    // Clients normalise `..` away, so send raw requests to check the server refuses them.
    let addr = s.base.trim_start_matches("http://").to_owned();
    for path in [
        "/sub/../index.html",
        "/sub/%2e%2e/index.html",
        "/sub\\..\\index.html",
    ] {
        let status = raw_get(&addr, path).await;
        assert!(
            status.starts_with("HTTP/1.1 404") || status.starts_with("HTTP/1.1 400"),
            "{path}: {status}"
        );
    }
}

async fn raw_get(addr: &str, path: &str) -> String {
    let addr = addr.to_owned();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = stream.read_to_string(&mut out);
        out.lines().next().unwrap_or("").to_owned()
    })
    .await
    .unwrap()
}

#[test]
fn example_config_parses() {
    let text = include_str!("../devserver.example.toml");
    let config = Config::from_toml(text).expect("example config");
    assert!(config
        .clients
        .iter()
        .any(|c| c.auth == ClientAuth::FormBasic));
    assert!(config
        .clients
        .iter()
        .any(|c| c.auth == ClientAuth::RawBasic));
    assert!(config.clients.iter().any(|c| c.auth == ClientAuth::Post));
    assert!(config
        .clients
        .iter()
        .any(|c| c.auth == ClientAuth::None && !c.redirect_uris.is_empty()));
    assert!(!config.tenants.user_tenants().is_empty());
    assert!(Config::from_toml("clients = 3").is_err());
    // Secrets never reach Debug output.
    let debug = format!("{config:?}");
    for c in config.clients.iter().filter(|c| !c.secret.is_empty()) {
        assert!(!debug.contains(c.secret.expose_secret()));
    }
}

#[test]
fn binary_prints_bound_address_first_serves_and_logs_no_secrets() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokensmith-devserver"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    // Collect the log until the process exits.
    let log = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut text);
        text
    });
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").expect("utf-8");
    let second = lines.next().expect("a line").expect("utf-8");
    let rest: Vec<String> = lines.take(4).map(|l| l.unwrap_or_default()).collect();
    let auth = form_basic("demo-client", "demo-secret");
    let result = std::panic::catch_unwind(|| {
        assert!(first.starts_with("http://127.0.0.1:"), "{first}");
        let port: u16 = first.rsplit(':').next().unwrap().parse().unwrap();
        assert_ne!(port, 0);
        assert!(second.starts_with("demo configuration"), "{second}");
        assert!(rest.iter().any(|l| l.contains("demo-client / demo-secret")));
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let s = Server {
                base: first.clone(),
                http: reqwest::Client::new(),
            };
            let r = s
                .form(
                    "/oauth/token?access_token=leak-me-in-query",
                    Some(&auth),
                    &[("grant_type", "client_credentials")],
                )
                .await;
            assert_eq!(r.status(), 200);
            let r = s
                .form(
                    "/oauth/token",
                    None,
                    &[
                        ("grant_type", "password"),
                        ("client_id", "demo-post-client"),
                        ("client_secret", "demo-secret"),
                        ("username", "demo-user"),
                        ("password", "demo-password"),
                    ],
                )
                .await;
            assert_eq!(r.status(), 200);
        });
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    let log = log.join().expect("log reader");
    assert!(log.contains("\"event\":\"listening\""), "{log}");
    assert_eq!(log.matches("\"path\":\"/oauth/token\"").count(), 2, "{log}");
    let token = auth.trim_start_matches("Basic ");
    for secret in ["demo-secret", "demo-password", "leak-me-in-query", token] {
        assert!(!log.contains(secret), "{secret} leaked into the log");
    }
}

#[tokio::test]
async fn cors_answers_loopback_origins_only() {
    let s = start(test_config()).await;
    let preflight = s
        .http
        .request(reqwest::Method::OPTIONS, s.url("/oauth/token"))
        .header("Origin", "http://127.0.0.1:8000")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    let h = preflight.headers();
    assert_eq!(h["access-control-allow-origin"], "http://127.0.0.1:8000");
    assert!(h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("authorization"));

    let auth = form_basic("demo-client", "demo-secret");
    let r = s
        .http
        .post(s.url("/oauth/token"))
        .header("Origin", "http://localhost:5173")
        .header("Authorization", &auth)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert!(r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .contains("retry-after"));

    let r = s
        .http
        .get(s.url("/.well-known/jwks.json"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
}
