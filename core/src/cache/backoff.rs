//! Failure rules: how a failed fetch is classified, when it is retried and how long a key backs
//! off. Every delay honours the server's `Retry-After` (RFC 9110 §10.2.3).

use super::plan::PlanKind;
use super::timing::Jitter;
use crate::error::{Error, OAuthErrorCode, TransportErrorKind};

/// How a failed fetch is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureClass {
    /// Transport errors, HTTP 5xx and 429, `server_error`, `temporarily_unavailable`,
    /// `slow_down`: the server may answer next time, so retry by policy.
    Transient,
    /// `invalid_client` (RFC 6749 §5.2): the credentials are wrong; cached negatively for a short,
    /// growing interval so a bad secret does not hammer the server.
    InvalidClient,
    /// The refresh token was rejected (`invalid_grant` on a refresh, RFC 6749 §5.2/§6) or is
    /// past its expiry: drop it and fall back to the primary grant once.
    RefreshRejected,
    /// Any other error (other 4xx OAuth errors, unusable responses): not retried automatically.
    Permanent,
}

/// Classifies `error` from a fetch that used `plan`.
pub fn classify(error: &Error, plan: PlanKind) -> FailureClass {
    if let Error::OAuth(e) = error {
        match e.code {
            OAuthErrorCode::InvalidClient => return FailureClass::InvalidClient,
            OAuthErrorCode::InvalidGrant if plan == PlanKind::Refresh => {
                return FailureClass::RefreshRejected
            }
            OAuthErrorCode::ServerError
            | OAuthErrorCode::TemporarilyUnavailable
            | OAuthErrorCode::SlowDown => return FailureClass::Transient,
            _ => {}
        }
    }
    match error {
        Error::RefreshTokenExpired if plan == PlanKind::Refresh => FailureClass::RefreshRejected,
        // A redirect away from the token endpoint is a configuration problem, not an outage.
        Error::Transport { kind, .. } if *kind != TransportErrorKind::Redirect => {
            FailureClass::Transient
        }
        // RFC 9110 §15.6: 5xx are server failures; §15.5.30 of RFC 6585 / 9110: 429 asks the
        // client to slow down and come back.
        _ => match error.status() {
            Some(s) if s >= 500 || s == 429 => FailureClass::Transient,
            _ => FailureClass::Permanent,
        },
    }
}

/// Bounds of the in-flight retry (callers are waiting, no usable token exists).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per flight including the first. 3 = two retries: enough to ride out a single
    /// dropped connection or a rolling restart, few enough not to multiply load during an outage.
    pub max_attempts: u32,
    /// Longest time a flight may keep its waiters (from its first attempt to the start of the
    /// last). 10 s: callers without a token get an answer within seconds, not minutes.
    pub max_total_ms: i64,
    /// First retry delay. 250 ms: longer than a typical connection re-establishment, short
    /// compared to a caller's patience.
    pub base_ms: i64,
    /// Largest single retry delay (before jitter). 4 s keeps three attempts inside `max_total_ms`.
    pub cap_ms: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            max_total_ms: 10_000,
            base_ms: 250,
            cap_ms: 4_000,
        }
    }
}

/// How long a key backs off between flights after failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// First backoff after a failed flight. 1 s: a restarting server gets a moment, and a 59 s
    /// token's stale window (about 9 s) still leaves room for several tries.
    pub base_ms: i64,
    /// Largest backoff. 60 s: during a long outage each key asks about once a minute.
    pub cap_ms: i64,
    /// First negative-cache interval after `invalid_client`. 2 s: a user fixing a secret is not
    /// kept waiting, a loop with a wrong secret sends at most one request per interval.
    pub invalid_client_base_ms: i64,
    /// Largest negative-cache interval for `invalid_client`. 60 s, as for `cap_ms`.
    pub invalid_client_cap_ms: i64,
    /// Longest `Retry-After` honoured. 1 h: a server's request to wait is followed, but a broken
    /// header (days, years) cannot switch a key off for good.
    pub max_retry_after_ms: i64,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            base_ms: 1_000,
            cap_ms: 60_000,
            invalid_client_base_ms: 2_000,
            invalid_client_cap_ms: 60_000,
            max_retry_after_ms: 3_600_000,
        }
    }
}

/// `base * 2^(n-1)` capped at `cap`, for the n-th consecutive failure (n ≥ 1).
pub fn exponential(base_ms: i64, cap_ms: i64, n: u32) -> i64 {
    let shift = n.saturating_sub(1).min(62);
    base_ms
        .max(0)
        .saturating_mul(1i64 << shift)
        .min(cap_ms.max(0))
}

/// "Equal jitter": a delay drawn from `[d/2, d]`, so processes that failed together spread out
/// while every delay still grows with `d`.
pub fn with_jitter(delay_ms: i64, jitter: &mut Jitter) -> i64 {
    let d = delay_ms.max(0);
    jitter.in_range(d / 2, d)
}

/// The server's `Retry-After`, capped at `policy.max_retry_after_ms`, or 0.
pub fn retry_after_ms(error: &Error, policy: &BackoffPolicy) -> i64 {
    error
        .retry_after()
        .map(|r| r.delay_ms.clamp(0, policy.max_retry_after_ms))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::OAuthError;

    fn oauth(code: &str, status: u16) -> Error {
        Error::OAuth(Box::new(OAuthError {
            code: OAuthErrorCode::parse(code),
            description: None,
            uri: None,
            status,
            retry_after: None,
            www_authenticate: None,
        }))
    }

    #[test]
    fn classification() {
        use FailureClass::*;
        assert_eq!(
            classify(&oauth("invalid_client", 401), PlanKind::Primary),
            InvalidClient
        );
        assert_eq!(
            classify(&oauth("invalid_grant", 400), PlanKind::Refresh),
            RefreshRejected
        );
        assert_eq!(
            classify(&oauth("invalid_grant", 400), PlanKind::Primary),
            Permanent
        );
        assert_eq!(
            classify(&oauth("invalid_scope", 400), PlanKind::Primary),
            Permanent
        );
        assert_eq!(
            classify(&oauth("server_error", 400), PlanKind::Primary),
            Transient
        );
        assert_eq!(classify(&oauth("weird", 503), PlanKind::Primary), Transient);
        assert_eq!(classify(&oauth("weird", 429), PlanKind::Primary), Transient);
        assert_eq!(
            classify(&Error::RefreshTokenExpired, PlanKind::Refresh),
            RefreshRejected
        );
        let t = |kind| Error::Transport {
            kind,
            message: String::new(),
        };
        assert_eq!(
            classify(&t(TransportErrorKind::Timeout), PlanKind::Primary),
            Transient
        );
        assert_eq!(
            classify(&t(TransportErrorKind::Redirect), PlanKind::Primary),
            Permanent
        );
    }

    #[test]
    fn exponential_grows_and_caps() {
        assert_eq!(exponential(1000, 60_000, 1), 1000);
        assert_eq!(exponential(1000, 60_000, 2), 2000);
        assert_eq!(exponential(1000, 60_000, 7), 60_000);
        assert_eq!(exponential(1000, 60_000, 500), 60_000);
        let mut j = Jitter::new(1);
        for _ in 0..100 {
            let d = with_jitter(1000, &mut j);
            assert!((500..=1000).contains(&d));
        }
    }
}
