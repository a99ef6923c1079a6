//! The one error type of tokensmith. Every variant has a stable [`Error::code`] that the bindings
//! expose unchanged (JS `err.code`, Python `exc.code`). No message ever contains a secret or a raw
//! response body: server text is kept only as a short excerpt with token-like runs masked.

use crate::time::UnixMillis;
use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an OAuth error (RFC 6749 §5.2), also when it came inside a 200.
    #[error("{0}")]
    OAuth(Box<OAuthError>),
    /// The server's answer could not be understood: not JSON, not an object, truncated, too large.
    #[error("{0}")]
    UnexpectedResponse(Box<UnexpectedResponse>),
    /// A JSON object that breaks a rule of RFC 6749 §5.1 (empty `access_token`, no `token_type`…).
    #[error("invalid token response: {0}")]
    InvalidTokenResponse(String),
    /// Input from the caller that cannot be used (bad URL, unknown option, malformed encoding).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Raw HTTP Basic cannot carry a client id with `:` (RFC 7617 §2).
    #[error("the client id contains ':', which raw HTTP Basic cannot carry; use client_secret_basic (RFC 6749 §2.3.1 encoding) or client_secret_post")]
    ColonInClientId,
    /// A client secret is required by the chosen client authentication method but none was given.
    #[error("client authentication method {0} needs a client secret")]
    MissingClientSecret(&'static str),
    /// The transport failed (connect, TLS, reset, timeout). Created by the bindings.
    #[error("transport error ({kind}): {message}")]
    Transport {
        kind: TransportErrorKind,
        message: String,
    },
    /// The refresh token is past its `refresh_expires_in` and the client has no other grant.
    #[error("the refresh token has expired; request new tokens")]
    RefreshTokenExpired,
    /// The server rejected the refresh token as no longer active (Keycloak's `invalid_grant`
    /// "Token is not active", an SDx/TruView restart) and the client has no other grant. The
    /// text says what to do; see `vendor::keycloak` and `vendor::sdx`.
    #[error("the refresh token is no longer active: {0}")]
    RefreshTokenInactive(&'static str),
    /// The operating system's random source failed.
    #[error("the random number source is unavailable")]
    RandomUnavailable,
    /// A JWT could not be decoded, verified or signed.
    #[error(transparent)]
    Jwt(#[from] crate::jwt::JwtError),
    /// A personal access token was malformed, unknown, revoked or expired.
    #[error(transparent)]
    Pat(#[from] crate::pat::PatError),
    /// The token cache's own operations (import of a corrupted export, an abandoned fetch).
    #[error(transparent)]
    Cache(#[from] crate::cache::CacheError),
}

impl Error {
    /// A short, stable, snake_case identifier. Never changes once released.
    pub fn code(&self) -> &'static str {
        match self {
            Error::OAuth(e) => e.code.code(),
            Error::UnexpectedResponse(_) => "unexpected_response",
            Error::InvalidTokenResponse(_) => "invalid_token_response",
            Error::InvalidInput(_) => "invalid_input",
            Error::ColonInClientId => "colon_in_client_id",
            Error::MissingClientSecret(_) => "missing_client_secret",
            Error::Transport { kind, .. } => kind.code(),
            Error::RefreshTokenExpired => "refresh_token_expired",
            Error::RefreshTokenInactive(_) => "refresh_token_inactive",
            Error::RandomUnavailable => "random_unavailable",
            Error::Jwt(e) => e.code(),
            Error::Pat(e) => e.code(),
            Error::Cache(e) => e.code(),
        }
    }

    /// The error's family, which the bindings map to their exception/Error classes.
    pub fn family(&self) -> ErrorFamily {
        match self {
            Error::OAuth(_) => ErrorFamily::OAuth,
            Error::UnexpectedResponse(_) | Error::InvalidTokenResponse(_) => ErrorFamily::Response,
            Error::Transport { .. } => ErrorFamily::Transport,
            Error::RefreshTokenExpired => ErrorFamily::Token,
            Error::RefreshTokenInactive(_) => ErrorFamily::Token,
            Error::InvalidInput(_) | Error::ColonInClientId | Error::MissingClientSecret(_) => {
                ErrorFamily::Input
            }
            Error::RandomUnavailable => ErrorFamily::Token,
            Error::Jwt(_) => ErrorFamily::Jwt,
            Error::Pat(_) => ErrorFamily::Pat,
            Error::Cache(_) => ErrorFamily::Cache,
        }
    }

    /// When the server asked to wait before the next request (`Retry-After`, RFC 9110 §10.2.3).
    pub fn retry_after(&self) -> Option<RetryAfter> {
        match self {
            Error::OAuth(e) => e.retry_after,
            Error::UnexpectedResponse(e) => e.retry_after,
            _ => None,
        }
    }

    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::OAuth(e) => Some(e.status),
            Error::UnexpectedResponse(e) => Some(e.status),
            _ => None,
        }
    }
}

/// Which binding class an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorFamily {
    OAuth,
    Response,
    Transport,
    Input,
    Token,
    Jwt,
    Pat,
    Cache,
}

impl ErrorFamily {
    /// A stable snake_case name; the bindings pick their error class by it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorFamily::OAuth => "oauth",
            ErrorFamily::Response => "response",
            ErrorFamily::Transport => "transport",
            ErrorFamily::Input => "input",
            ErrorFamily::Token => "token",
            ErrorFamily::Jwt => "jwt",
            ErrorFamily::Pat => "pat",
            ErrorFamily::Cache => "cache",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    Connect,
    Tls,
    Timeout,
    /// The connection broke while the response was being read.
    Reset,
    /// A redirect away from the token endpoint, which is not followed with credentials.
    Redirect,
    Other,
}

impl TransportErrorKind {
    pub const fn code(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "transport_connect",
            TransportErrorKind::Tls => "transport_tls",
            TransportErrorKind::Timeout => "transport_timeout",
            TransportErrorKind::Reset => "transport_reset",
            TransportErrorKind::Redirect => "transport_redirect",
            TransportErrorKind::Other => "transport",
        }
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The `error` codes of RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1 and RFC 8628 §3.5.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    AccessDenied,
    ServerError,
    TemporarilyUnavailable,
    InvalidToken,
    InsufficientScope,
    UnsupportedTokenType,
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    /// Any other value the server sent (kept verbatim, truncated to 64 characters).
    Other(String),
}

impl OAuthErrorCode {
    const KNOWN: [(&'static str, OAuthErrorCode); 15] = [
        ("invalid_request", OAuthErrorCode::InvalidRequest),
        ("invalid_client", OAuthErrorCode::InvalidClient),
        ("invalid_grant", OAuthErrorCode::InvalidGrant),
        ("unauthorized_client", OAuthErrorCode::UnauthorizedClient),
        (
            "unsupported_grant_type",
            OAuthErrorCode::UnsupportedGrantType,
        ),
        ("invalid_scope", OAuthErrorCode::InvalidScope),
        ("access_denied", OAuthErrorCode::AccessDenied),
        ("server_error", OAuthErrorCode::ServerError),
        (
            "temporarily_unavailable",
            OAuthErrorCode::TemporarilyUnavailable,
        ),
        ("invalid_token", OAuthErrorCode::InvalidToken),
        ("insufficient_scope", OAuthErrorCode::InsufficientScope),
        (
            "unsupported_token_type",
            OAuthErrorCode::UnsupportedTokenType,
        ),
        (
            "authorization_pending",
            OAuthErrorCode::AuthorizationPending,
        ),
        ("slow_down", OAuthErrorCode::SlowDown),
        ("expired_token", OAuthErrorCode::ExpiredToken),
    ];

    /// Longest `error` value kept from a server for an unknown code.
    const MAX_OTHER_LEN: usize = 64;

    pub fn parse(value: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|(name, _)| *name == value)
            .map(|(_, code)| code.clone())
            .unwrap_or_else(|| {
                OAuthErrorCode::Other(value.chars().take(Self::MAX_OTHER_LEN).collect())
            })
    }

    /// The `error` value as the server sent it.
    pub fn as_str(&self) -> &str {
        match self {
            OAuthErrorCode::Other(s) => s,
            known => Self::KNOWN
                .iter()
                .find(|(_, code)| code == known)
                .map(|(name, _)| *name)
                .unwrap_or("oauth_error"),
        }
    }

    /// The stable code: the standard name, or `oauth_error` for an extension code.
    pub fn code(&self) -> &'static str {
        Self::KNOWN
            .iter()
            .find(|(_, code)| code == self)
            .map(|(name, _)| *name)
            .unwrap_or("oauth_error")
    }
}

/// How long the server asked the client to wait (`Retry-After`, RFC 9110 §10.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter {
    /// Milliseconds to wait, measured from the `now` the response was parsed at (never negative).
    pub delay_ms: i64,
    /// The earliest time the next request may be sent.
    pub not_before: UnixMillis,
}

/// A parsed `WWW-Authenticate` challenge (RFC 9110 §11.6.1, RFC 6750 §3).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct WwwAuthenticate {
    pub scheme: String,
    /// Auth-params in the order sent, names lower-cased, quoted values unescaped.
    pub params: Vec<(String, String)>,
}

impl WwwAuthenticate {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An OAuth error response (RFC 6749 §5.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthError {
    pub code: OAuthErrorCode,
    /// `error_description`, with token-like runs masked.
    pub description: Option<String>,
    pub uri: Option<String>,
    pub status: u16,
    pub retry_after: Option<RetryAfter>,
    pub www_authenticate: Option<WwwAuthenticate>,
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The status as u32: one integer formatter less in the wasm module than a u16 (issue 6).
        write!(
            f,
            "{} (HTTP {})",
            self.code.as_str(),
            u32::from(self.status)
        )?;
        if let Some(d) = &self.description {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

/// Why a response could not be understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnexpectedReason {
    /// The body is not JSON at all (an HTML error page, plain text).
    NotJson,
    /// JSON, but not an object (an array, `null`, a number).
    NotObject,
    /// JSON that stops early.
    Truncated,
    /// Larger than the size cap.
    TooLarge,
    /// No body where one was required.
    Empty,
    /// A non-success status without an OAuth error body.
    Status,
    /// A paged listing that does not advance (a page other than the one asked for) or does not
    /// end within the client's page cap.
    Paging,
}

impl UnexpectedReason {
    /// A stable snake_case name, exposed by the bindings (`err.reason`).
    pub const fn code(self) -> &'static str {
        match self {
            UnexpectedReason::NotJson => "not_json",
            UnexpectedReason::NotObject => "not_object",
            UnexpectedReason::Truncated => "truncated",
            UnexpectedReason::TooLarge => "too_large",
            UnexpectedReason::Empty => "empty",
            UnexpectedReason::Status => "status",
            UnexpectedReason::Paging => "paging",
        }
    }

    /// A phrase for messages.
    pub const fn description(self) -> &'static str {
        match self {
            UnexpectedReason::NotJson => "body is not JSON",
            UnexpectedReason::NotObject => "JSON body is not an object",
            UnexpectedReason::Truncated => "JSON body is truncated",
            UnexpectedReason::TooLarge => "body is larger than the size cap",
            UnexpectedReason::Empty => "body is empty",
            UnexpectedReason::Status => "unexpected HTTP status",
            UnexpectedReason::Paging => "paged listing does not advance or does not end",
        }
    }
}

/// A response tokensmith could not use, described without leaking it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnexpectedResponse {
    pub reason: UnexpectedReason,
    pub status: u16,
    pub content_type: Option<String>,
    /// At most a short prefix of the body, with anything that looks like a token masked.
    pub excerpt: String,
    pub retry_after: Option<RetryAfter>,
    pub www_authenticate: Option<WwwAuthenticate>,
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected response: {} (HTTP {}",
            self.reason.description(),
            u32::from(self.status)
        )?;
        if let Some(ct) = &self.content_type {
            write!(f, ", {ct}")?;
        }
        write!(f, ")")?;
        if !self.excerpt.is_empty() {
            write!(f, ": {}", crate::quoted::quoted(&self.excerpt))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_codes_are_stable() {
        assert_eq!(
            OAuthErrorCode::parse("invalid_grant").code(),
            "invalid_grant"
        );
        assert_eq!(
            OAuthErrorCode::parse("invalid_grant").as_str(),
            "invalid_grant"
        );
        let other = OAuthErrorCode::parse("weird_thing");
        assert_eq!(other.code(), "oauth_error");
        assert_eq!(other.as_str(), "weird_thing");
        assert_eq!(OAuthErrorCode::parse(&"x".repeat(500)).as_str().len(), 64);
    }
}
