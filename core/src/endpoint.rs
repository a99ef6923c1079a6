//! Building token (RFC 6749 §3.2, §4, §6) and revocation (RFC 7009 §2.1) requests.
//!
//! Every request is `POST` with an `application/x-www-form-urlencoded` UTF-8 body (RFC 6749
//! Appendix B) and `Accept: application/json` (§5.1 responses are JSON). Headers are written in
//! this order: `Content-Type`, `Accept`, then the client's credential header if its method has
//! one. Body parameters: the grant's (see [`Grant`]), then `client_id` (methods `none` and
//! `client_secret_post`), then `client_secret` (`client_secret_post`).
//!
//! `Content-Type` carries no `charset` parameter: the form media type defines none (its encoding
//! is always UTF-8), and some servers reject an unexpected parameter.

use crate::client_auth::{basic_authorization, space_auth_key, BasicEncoding, ClientAuthMethod};
use crate::error::{Error, Result};
use crate::form;
use crate::grant::{Grant, TokenTypeHint};
use crate::http::{redact_url, HttpRequest, Method};
use crate::secret::Secret;
use std::borrow::Cow;
use std::fmt;

pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
pub const JSON_ACCEPT: &str = "application/json";

/// A token endpoint and how this client authenticates to it.
/// `Debug` shows the URL without credentials it may carry (see [`crate::http::redact_url`]) and
/// the secret as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenEndpoint {
    pub url: String,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub auth: ClientAuthMethod,
}

impl fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("url", &redact_url(&self.url))
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("auth", &self.auth)
            .finish()
    }
}

impl TokenEndpoint {
    /// The token request for `grant` (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §4.5, §6).
    pub fn token_request(&self, grant: &Grant) -> Result<HttpRequest> {
        check_url(&self.url, "token endpoint")?;
        let params = grant.form_params()?;
        self.authenticated_post(&self.url, params)
    }

    /// The revocation request of RFC 7009 §2.1, sent to the server's revocation endpoint with
    /// the same client authentication as the token endpoint.
    pub fn revocation_request(
        &self,
        revocation_url: &str,
        token: &Secret,
        hint: Option<TokenTypeHint>,
    ) -> Result<HttpRequest> {
        check_url(revocation_url, "revocation endpoint")?;
        if token.is_empty() {
            return Err(Error::InvalidInput("the token to revoke is empty".into()));
        }
        let mut params: Vec<(&str, Cow<'_, str>)> = vec![("token", token.expose_secret().into())];
        if let Some(h) = hint {
            params.push(("token_type_hint", h.as_str().into()));
        }
        self.authenticated_post(revocation_url, params)
    }

    fn authenticated_post<'a>(
        &'a self,
        url: &str,
        mut params: Vec<(&'a str, Cow<'a, str>)>,
    ) -> Result<HttpRequest> {
        if self.client_id.is_empty() {
            return Err(Error::InvalidInput("the client id is empty".into()));
        }
        let secret = match (&self.client_secret, self.auth.needs_secret()) {
            (Some(s), true) => s.expose_secret(),
            (None, true) => return Err(Error::MissingClientSecret(self.auth.as_str())),
            // A public client never sends a secret, even if one was configured.
            (_, false) => "",
        };
        let mut headers = vec![
            ("Content-Type".to_owned(), FORM_CONTENT_TYPE.to_owned()),
            ("Accept".to_owned(), JSON_ACCEPT.to_owned()),
        ];
        match self.auth {
            ClientAuthMethod::ClientSecretBasic => headers.push((
                "Authorization".to_owned(),
                header_value(basic_authorization(
                    &self.client_id,
                    secret,
                    BasicEncoding::Form,
                )?),
            )),
            ClientAuthMethod::ClientSecretBasicRaw => headers.push((
                "Authorization".to_owned(),
                header_value(basic_authorization(
                    &self.client_id,
                    secret,
                    BasicEncoding::Raw,
                )?),
            )),
            ClientAuthMethod::XSpaceAuthKey => headers.push((
                "X-SPACE-AUTH-KEY".to_owned(),
                header_value(space_auth_key(&self.client_id, secret)?),
            )),
            ClientAuthMethod::ClientSecretPost => {
                params.push(("client_id", self.client_id.as_str().into()));
                params.push(("client_secret", secret.into()));
            }
            ClientAuthMethod::None => params.push(("client_id", self.client_id.as_str().into())),
        }
        let body = form::encode_pairs(params.iter().map(|(n, v)| (*n, v.as_ref())));
        Ok(HttpRequest {
            method: Method::Post,
            url: url.to_owned(),
            headers,
            body: body.into_bytes(),
        })
    }
}

/// The header's text; the request zeroizes it on drop.
fn header_value(secret: Secret) -> String {
    secret.expose_secret().to_owned()
}

/// An absolute `http` or `https` URL without fragment (RFC 6749 §3.2: "MUST NOT include a
/// fragment component"), whitespace or control characters. Plain `http` is allowed for local
/// development servers; requiring TLS (§3.2) is the caller's policy.
fn check_url(url: &str, what: &str) -> Result<()> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        url.get(8..)
    } else if lower.starts_with("http://") {
        url.get(7..)
    } else {
        None
    };
    let Some(rest) = rest else {
        return Err(Error::InvalidInput(format!(
            "the {what} URL must start with https:// or http://"
        )));
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.is_empty() {
        return Err(Error::InvalidInput(format!("the {what} URL has no host")));
    }
    if url.contains('#') {
        return Err(Error::InvalidInput(format!(
            "the {what} URL must not contain a fragment (RFC 6749 §3.2)"
        )));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::InvalidInput(format!(
            "the {what} URL contains whitespace or control characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(auth: ClientAuthMethod) -> TokenEndpoint {
        TokenEndpoint {
            url: "https://as.example/token".into(),
            client_id: "app".into(),
            client_secret: Some("s3cret".into()),
            auth,
        }
    }

    fn cc() -> Grant {
        Grant::ClientCredentials {
            scope: vec!["read".into(), "write:all".into()],
            audience: None,
            resource: None,
        }
    }

    #[test]
    fn client_secret_post_puts_credentials_last_in_the_body() {
        let r = endpoint(ClientAuthMethod::ClientSecretPost)
            .token_request(&cc())
            .unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(
            r.body_text(),
            "grant_type=client_credentials&scope=read+write%3Aall&client_id=app&client_secret=s3cret"
        );
        assert_eq!(r.header("authorization"), None);
    }

    #[test]
    fn public_client_never_sends_a_secret() {
        let r = endpoint(ClientAuthMethod::None)
            .token_request(&cc())
            .unwrap();
        assert!(!r.body_text().contains("s3cret"));
        assert!(r.body_text().ends_with("&client_id=app"));
    }

    #[test]
    fn missing_secret_colon_and_bad_inputs_are_refused() {
        let mut e = endpoint(ClientAuthMethod::ClientSecretBasic);
        e.client_secret = None;
        assert_eq!(
            e.token_request(&cc()).unwrap_err().code(),
            "missing_client_secret"
        );
        let mut e = endpoint(ClientAuthMethod::XSpaceAuthKey);
        e.client_id = "a:b".into();
        assert_eq!(
            e.token_request(&cc()).unwrap_err().code(),
            "colon_in_client_id"
        );
        let e = endpoint(ClientAuthMethod::ClientSecretBasic);
        let bad_scope = Grant::ClientCredentials {
            scope: vec!["two words".into()],
            audience: None,
            resource: None,
        };
        for grant in [
            bad_scope,
            Grant::ClientCredentials {
                scope: vec!["".into()],
                audience: None,
                resource: None,
            },
            Grant::Extension {
                grant_type: "".into(),
                params: vec![],
            },
            Grant::Extension {
                grant_type: "urn:x".into(),
                params: vec![("client_secret".into(), "x".into())],
            },
            Grant::RefreshToken {
                refresh_token: "".into(),
                scope: vec![],
            },
        ] {
            assert_eq!(e.token_request(&grant).unwrap_err().code(), "invalid_input");
        }
        for url in [
            "ftp://as.example/token",
            "https://",
            "https:///token",
            "https://as.example/token#frag",
            "https://as.example/to ken",
            "as.example/token",
            "",
        ] {
            let mut e = endpoint(ClientAuthMethod::ClientSecretBasic);
            e.url = url.into();
            assert_eq!(
                e.token_request(&cc()).unwrap_err().code(),
                "invalid_input",
                "{url}"
            );
        }
        let mut e = endpoint(ClientAuthMethod::ClientSecretBasic);
        e.url = "HTTP://localhost:8080/token?x=1".into();
        assert!(e.token_request(&cc()).is_ok());
    }

    #[test]
    fn revocation_with_hint() {
        let r = endpoint(ClientAuthMethod::ClientSecretBasic)
            .revocation_request(
                "https://as.example/revoke",
                &"rt 1".into(),
                Some(TokenTypeHint::RefreshToken),
            )
            .unwrap();
        assert_eq!(r.url, "https://as.example/revoke");
        assert_eq!(r.body_text(), "token=rt+1&token_type_hint=refresh_token");
        assert!(r.header("Authorization").unwrap().starts_with("Basic "));
        assert!(!r.redacted().contains("rt+1"));
    }
}
