//! [`Token`]: what a token endpoint issued, with every time made absolute.

use crate::secret::Secret;
use crate::time::UnixMillis;
use std::fmt;

/// Where a token's expiry came from (RFC 6749 §5.1 makes `expires_in` only RECOMMENDED).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpirySource {
    /// The response's `expires_in`.
    ExpiresIn,
    /// `expires_in` was absent; the access token is a JWT and its `exp` claim was used.
    JwtExp,
    /// Neither was available; the configured default lifetime was used (never "no expiry").
    DefaultLifetime,
}

impl ExpirySource {
    pub const fn as_str(self) -> &'static str {
        match self {
            ExpirySource::ExpiresIn => "expires_in",
            ExpirySource::JwtExp => "jwt_exp",
            ExpirySource::DefaultLifetime => "default_lifetime",
        }
    }
}

/// What is known about when the refresh token stops working.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshExpiry {
    /// The server said nothing (most servers): assume it works until rejected.
    Unknown,
    /// Keycloak's `refresh_expires_in: 0`, as for offline tokens: it does not expire.
    Never,
    /// It expires at this time.
    At(UnixMillis),
}

/// An issued access token, with its refresh token and metadata.
#[derive(Clone, PartialEq)]
pub struct Token {
    pub access_token: Secret,
    /// `Bearer` (normalized from any case), or another type the server named.
    pub token_type: String,
    /// When the token was issued: the server's timestamp when it sent one (Insights Hub), else
    /// the `now` at which the request was sent, which is conservative.
    pub issued_at: UnixMillis,
    /// When the token stops working. Always set; see [`ExpirySource`].
    pub expires_at: UnixMillis,
    pub expiry_source: ExpirySource,
    pub refresh_token: Option<Secret>,
    pub refresh_expiry: RefreshExpiry,
    /// Granted scopes, when the server listed them (space-delimited string or JSON array).
    pub scope: Option<Vec<String>>,
    pub id_token: Option<Secret>,
    /// Every other member of the response object, kept as sent.
    pub extra: crate::json::Map,
}

impl Token {
    /// Total lifetime in milliseconds (`expires_at - issued_at`); zero or negative for a token
    /// that was dead on arrival.
    pub fn lifetime_ms(&self) -> i64 {
        self.expires_at.millis_since(self.issued_at)
    }

    /// Milliseconds of validity left at `now` (negative once expired).
    pub fn remaining_ms(&self, now: UnixMillis) -> i64 {
        self.expires_at.millis_since(now)
    }

    /// Whether the token is expired at `now`, treating it as expired `leeway_ms` early.
    pub fn is_expired(&self, now: UnixMillis, leeway_ms: i64) -> bool {
        self.remaining_ms(now) <= leeway_ms
    }

    /// The `Authorization` header value (RFC 6750 §2.1): `Bearer <token>`.
    pub fn authorization(&self) -> Secret {
        Secret::new(format!(
            "{} {}",
            self.token_type,
            self.access_token.expose_secret()
        ))
    }

    /// Whether the refresh token (if any) can still be used at `now`.
    pub fn refresh_usable(&self, now: UnixMillis) -> bool {
        self.refresh_token.is_some()
            && match self.refresh_expiry {
                RefreshExpiry::Unknown | RefreshExpiry::Never => true,
                RefreshExpiry::At(at) => at > now,
            }
    }
}

impl fmt::Debug for Token {
    /// Shows type, scope and times; never the tokens, and only the names of `extra` members
    /// (a server may put anything there).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("token_type", &self.token_type)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("expiry_source", &self.expiry_source)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| crate::secret::REDACTED),
            )
            .field("refresh_expiry", &self.refresh_expiry)
            .field("scope", &self.scope)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> Token {
        Token {
            access_token: Secret::new("at-123456"),
            token_type: "Bearer".into(),
            issued_at: UnixMillis::from_secs(1000),
            expires_at: UnixMillis::from_secs(4600),
            expiry_source: ExpirySource::ExpiresIn,
            refresh_token: Some(Secret::new("rt-abcdef")),
            refresh_expiry: RefreshExpiry::At(UnixMillis::from_secs(2000)),
            scope: Some(vec!["a".into()]),
            id_token: None,
            extra: [(
                "session".to_string(),
                crate::json::test_json!("sess-secret"),
            )]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn times() {
        let t = token();
        assert_eq!(t.lifetime_ms(), 3_600_000);
        assert!(!t.is_expired(UnixMillis::from_secs(4599), 0));
        assert!(t.is_expired(UnixMillis::from_secs(4599), 1000));
        assert!(t.is_expired(UnixMillis::from_secs(4600), 0));
        assert!(t.refresh_usable(UnixMillis::from_secs(1999)));
        assert!(!t.refresh_usable(UnixMillis::from_secs(2000)));
        assert_eq!(t.authorization().expose_secret(), "Bearer at-123456");
    }

    #[test]
    fn debug_hides_secrets_and_extra_values() {
        let s = format!("{:?}", token());
        for secret in ["at-123456", "rt-abcdef", "sess-secret"] {
            assert!(!s.contains(secret), "{s}");
        }
        assert!(s.contains("session"));
    }
}
