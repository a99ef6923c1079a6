//! Starts the server in-process on an ephemeral 127.0.0.1 port for each test.
#![allow(dead_code)]

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Response};
use serde_json::Value;
use tokensmith::Secret;
use tokensmith_devserver::config::{ClientAuth, ClientConfig, Config, UserConfig};

/// A client id and secret using every character RFC 6749 §2.3.1 form-encoding must handle.
pub const WEIRD_ID: &str = "weird:id+%x é";
pub const WEIRD_SECRET: &str = "p@ss:w+rd %2F/é€";

pub struct Server {
    pub base: String,
    pub http: Client,
}

pub fn test_config() -> Config {
    let mut config = Config::demo();
    config.clients.push(ClientConfig {
        id: WEIRD_ID.into(),
        secret: Secret::new(WEIRD_SECRET),
        auth: ClientAuth::FormBasic,
        redirect_uris: vec![],
    });
    config.clients.push(ClientConfig {
        id: "raw-weird".into(),
        secret: Secret::new(WEIRD_SECRET),
        auth: ClientAuth::RawBasic,
        redirect_uris: vec![],
    });
    config.users.push(UserConfig {
        username: "zoë user".into(),
        password: Secret::new("pa ss+wörd:%"),
    });
    config
}

pub async fn start(mut config: Config) -> Server {
    config.server.port = 0;
    let bound = tokensmith_devserver::bind(config).await.expect("bind");
    let base = format!("http://{}", bound.addr);
    tokio::spawn(bound.serve(std::future::pending()));
    Server {
        base,
        http: Client::new(),
    }
}

/// RFC 6749 §2.3.1 Basic: each part form-encoded by core, then base64.
pub fn form_basic(id: &str, secret: &str) -> String {
    tokensmith::basic_authorization(id, secret, tokensmith::BasicEncoding::Form)
        .expect("form basic")
        .expose_secret()
        .to_owned()
}

/// RFC 7617 Basic of `id:secret` as-is.
pub fn raw_basic(id: &str, secret: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// POST a form body built with core's encoder, with an optional Authorization header.
    pub async fn form(&self, path: &str, auth: Option<&str>, pairs: &[(&str, &str)]) -> Response {
        let body = tokensmith::form::encode_pairs(pairs.iter().copied());
        let mut req = self
            .http
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        if let Some(auth) = auth {
            req = req.header("Authorization", auth);
        }
        req.send().await.expect("send")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("send")
    }

    pub async fn restart(&self) {
        let r = self
            .http
            .post(self.url("/admin/restart"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200);
    }

    pub async fn advance_clock(&self, seconds: i64) {
        let r = self
            .post_json("/admin/clock", &serde_json::json!({ "seconds": seconds }))
            .await;
        assert_eq!(r.status(), 200);
    }
}

pub async fn json(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body = r.json::<Value>().await.expect("json body");
    (status, body)
}
