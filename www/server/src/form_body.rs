//! Strict `application/x-www-form-urlencoded` request bodies (RFC 6749 §3.2, Appendix B),
//! decoded with core's [`tokensmith::form`].

use crate::oauth_error::OAuthError;
use axum::http::{header, HeaderMap};
use std::collections::HashMap;

pub struct FormBody(HashMap<String, String>);

impl FormBody {
    pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<FormBody, OAuthError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        // RFC 6749 §3.2: the token endpoint takes form-encoded bodies. Parameters (`; charset=`)
        // are allowed; the media type itself is case-insensitive (RFC 9110 §8.3.1).
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(OAuthError::invalid_request(
                "Content-Type must be application/x-www-form-urlencoded",
            ));
        }
        let text = std::str::from_utf8(body)
            .map_err(|_| OAuthError::invalid_request("request body is not UTF-8"))?;
        let pairs = tokensmith::form::decode_pairs(text)
            .map_err(|_| OAuthError::invalid_request("malformed form body"))?;
        let mut map = HashMap::new();
        for (name, value) in pairs {
            // RFC 6749 §3.2: parameters must not be included more than once.
            if map.insert(name.clone(), value).is_some() {
                return Err(OAuthError::invalid_request(format!(
                    "parameter {name:?} is repeated"
                )));
            }
        }
        Ok(FormBody(map))
    }

    /// A parameter; an empty value counts as absent (RFC 6749 §3.1).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("missing parameter {name:?}")))
    }

    /// Remove a parameter that carries a secret so that it cannot be read twice by accident.
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.0.remove(name).filter(|v| !v.is_empty())
    }
}
