//! Authorization endpoint (RFC 6749 §3.1, §4.1.1) with mandatory PKCE S256 (RFC 7636) and a
//! minimal consent page: the user signs in with a configured username and password and approves
//! or denies; the browser is then redirected with `code` or `error` (§4.1.2, §4.1.2.1) plus `iss`
//! (RFC 9207). A development tool: no sessions, no CSRF token, loopback only by default.

use crate::auth_codes::NewCode;
use crate::config::{ClientConfig, Config};
use crate::state::{lock, AppState};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use tokensmith::Secret;

/// RFC 7636 §4.2: an S256 challenge is base64url without padding; §4.1 bounds its length.
fn valid_challenge(c: &str) -> bool {
    (43..=128).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `http://127.0.0.1:PORT/path` → `http://127.0.0.1/path` for loopback literals, else `None`.
fn without_loopback_port(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("http://")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    // Userinfo (`127.0.0.1@evil`) would send the browser elsewhere (RFC 3986 §3.2.1).
    if authority.contains('@') {
        return None;
    }
    let host = if let Some(v6) = authority.strip_prefix("[::1]") {
        (v6.is_empty() || v6.starts_with(':')).then_some("[::1]")?
    } else {
        let host = authority.split(':').next().unwrap_or("");
        (host == "127.0.0.1").then_some("127.0.0.1")?
    };
    Some(format!("http://{host}{path}"))
}

/// RFC 6749 §3.1.2.3 exact comparison, with RFC 8252 §7.3's any-port rule for loopback IPs.
pub fn redirect_allowed(client: &ClientConfig, uri: &str) -> bool {
    client.redirect_uris.iter().any(|registered| {
        registered == uri
            || matches!(
                (without_loopback_port(registered), without_loopback_port(uri)),
                (Some(a), Some(b)) if a == b
            )
    })
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The validated parameters of an authorization request.
struct AuthRequest<'a> {
    client: &'a ClientConfig,
    redirect_uri: String,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: String,
}

/// Where validation failed: before the redirect URI is trusted (show a page, §4.1.2.1), or
/// after (redirect with an error code).
enum Invalid {
    Page(String),
    Redirect(String, &'static str, &'static str, Option<String>),
}

fn params(text: &str) -> Result<HashMap<String, String>, Invalid> {
    let pairs = tokensmith::form::decode_pairs(text)
        .map_err(|_| Invalid::Page("malformed parameters".into()))?;
    let mut map = HashMap::new();
    for (k, v) in pairs {
        // RFC 6749 §3.1: parameters must not be included more than once.
        if map.insert(k.clone(), v).is_some() {
            return Err(Invalid::Page(format!("parameter {k:?} is repeated")));
        }
    }
    Ok(map)
}

fn validate<'a>(
    config: &'a Config,
    p: &HashMap<String, String>,
) -> Result<AuthRequest<'a>, Invalid> {
    let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let client = get("client_id")
        .and_then(|id| config.client(id))
        .ok_or_else(|| Invalid::Page("unknown client_id".into()))?;
    let redirect_uri = get("redirect_uri")
        .filter(|uri| redirect_allowed(client, uri))
        .ok_or_else(|| {
            Invalid::Page("redirect_uri is missing or not registered for this client".into())
        })?
        .to_owned();
    let state = get("state").map(str::to_owned);
    let fail = |code, description| {
        Invalid::Redirect(redirect_uri.clone(), code, description, state.clone())
    };
    if get("response_type") != Some("code") {
        return Err(fail(
            "unsupported_response_type",
            "only response_type=code is supported",
        ));
    }
    // RFC 7636 §4.4.1 / RFC 9700 §2.1.1: PKCE is required, and only S256 (never plain).
    if get("code_challenge_method") != Some("S256") {
        return Err(fail(
            "invalid_request",
            "PKCE with code_challenge_method=S256 is required",
        ));
    }
    let code_challenge = get("code_challenge")
        .filter(|c| valid_challenge(c))
        .ok_or_else(|| fail("invalid_request", "code_challenge is missing or malformed"))?
        .to_owned();
    Ok(AuthRequest {
        client,
        redirect_uri,
        scope: get("scope").map(str::to_owned),
        state,
        code_challenge,
    })
}

fn redirect(state: &AppState, uri: &str, mut pairs: Vec<(&str, String)>) -> Response {
    // RFC 9207 §2: name the issuer so the client can detect mix-up attacks.
    pairs.push(("iss", state.issuer.clone()));
    let query = tokensmith::form::encode_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
    let sep = if uri.contains('?') { '&' } else { '?' };
    let location = format!("{uri}{sep}{query}");
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn invalid(state: &AppState, e: Invalid) -> Response {
    match e {
        Invalid::Page(message) => (
            StatusCode::BAD_REQUEST,
            Html(format!(
                "<!DOCTYPE html><title>Authorization error</title><h1>Authorization error</h1><p>{}</p>",
                escape(&message)
            )),
        )
            .into_response(),
        Invalid::Redirect(uri, code, description, st) => {
            let mut pairs = vec![("error", code.to_owned()), ("error_description", description.to_owned())];
            if let Some(st) = st {
                pairs.push(("state", st));
            }
            redirect(state, &uri, pairs)
        }
    }
}

fn consent_page(req: &AuthRequest<'_>, message: Option<&str>) -> Html<String> {
    let hidden = |name: &str, value: &str| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(value)
        )
    };
    let fields = [
        hidden("response_type", "code"),
        hidden("client_id", &req.client.id),
        hidden("redirect_uri", &req.redirect_uri),
        hidden("scope", req.scope.as_deref().unwrap_or("")),
        hidden("state", req.state.as_deref().unwrap_or("")),
        hidden("code_challenge", &req.code_challenge),
        hidden("code_challenge_method", "S256"),
    ]
    .concat();
    let message = message
        .map(|m| format!("<p role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    Html(format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sign in</title></head><body>\
         <h1>Sign in to tokensmith-devserver</h1>{message}\
         <p><b>{client}</b> asks for access{scope}.</p>\
         <form method=\"post\" action=\"/oauth/authorize\">{fields}\
         <label>Username <input name=\"username\" autocomplete=\"username\"></label>\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\
         <button name=\"decision\" value=\"approve\">Approve</button>\
         <button name=\"decision\" value=\"deny\">Deny</button></form></body></html>",
        client = escape(&req.client.id),
        scope = req
            .scope
            .as_deref()
            .map(|s| format!(" with scope <code>{}</code>", escape(s)))
            .unwrap_or_default(),
    ))
}

/// `GET /oauth/authorize`: validate and show the consent page.
pub async fn page(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let result = params(query.as_deref().unwrap_or("")).and_then(|p| {
        validate(&state.config, &p).map(|req| consent_page(&req, None).into_response())
    });
    result.unwrap_or_else(|e| invalid(&state, e))
}

/// `POST /oauth/authorize`: the consent form. Every hidden field is validated again.
pub async fn decide(State(state): State<AppState>, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    let p = match params(&text) {
        Ok(p) => p,
        Err(e) => return invalid(&state, e),
    };
    let req = match validate(&state.config, &p) {
        Ok(req) => req,
        Err(e) => return invalid(&state, e),
    };
    let mut pairs = Vec::new();
    if p.get("decision").map(String::as_str) != Some("approve") {
        pairs.push(("error", "access_denied".to_owned()));
        pairs.push((
            "error_description",
            "the user denied the request".to_owned(),
        ));
    } else {
        let username = p.get("username").map(String::as_str).unwrap_or("");
        let password = Secret::new(p.get("password").map(String::as_str).unwrap_or(""));
        let ok = state
            .config
            .user(username)
            .is_some_and(|u| u.password == password);
        if !ok {
            return consent_page(&req, Some("Wrong username or password.")).into_response();
        }
        let new = NewCode {
            client_id: req.client.id.clone(),
            redirect_uri: req.redirect_uri.clone(),
            user: username.to_owned(),
            scope: req.scope.clone(),
            code_challenge: req.code_challenge.clone(),
        };
        match lock(&state.codes).issue(new, state.now_ms()) {
            Ok(code) => pairs.push(("code", code)),
            Err(_) => pairs.push(("error", "server_error".to_owned())),
        }
    }
    if let Some(st) = req.state {
        pairs.push(("state", st));
    }
    redirect(&state, &req.redirect_uri, pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientAuth;

    #[test]
    fn redirect_matching() {
        let client = ClientConfig {
            id: "c".into(),
            secret: Secret::default(),
            auth: ClientAuth::None,
            redirect_uris: vec![
                "http://127.0.0.1/cb".into(),
                "https://app.example/cb".into(),
            ],
        };
        assert!(redirect_allowed(&client, "http://127.0.0.1:5173/cb"));
        assert!(redirect_allowed(&client, "http://127.0.0.1/cb"));
        assert!(redirect_allowed(&client, "https://app.example/cb"));
        assert!(!redirect_allowed(&client, "https://app.example:444/cb"));
        assert!(!redirect_allowed(&client, "http://127.0.0.1.evil/cb"));
        assert!(!redirect_allowed(&client, "http://127.0.0.1:80/cb/x"));
        assert!(!redirect_allowed(&client, "http://localhost/cb"));
        assert!(!redirect_allowed(&client, "http://127.0.0.1:80@evil/cb"));
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
