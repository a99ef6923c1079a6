//! What a fetch should do ([`FetchPlan`]) and why it happens ([`FetchReason`]).

use crate::secret::Secret;

/// Which grant the caller holding a ticket must use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchPlan {
    /// The client's own grant (client credentials, password, …) as configured for the key.
    Primary,
    /// A refresh-token grant (RFC 6749 §6) with this refresh token.
    Refresh(Secret),
}

impl FetchPlan {
    pub fn kind(&self) -> PlanKind {
        match self {
            FetchPlan::Primary => PlanKind::Primary,
            FetchPlan::Refresh(_) => PlanKind::Refresh,
        }
    }
}

/// [`FetchPlan`] without the secret, for events and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    Primary,
    Refresh,
}

impl PlanKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            PlanKind::Primary => "primary",
            PlanKind::Refresh => "refresh",
        }
    }
}

/// Why a ticket was handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchReason {
    /// Nothing cached for the key.
    Missing,
    /// The cached token is past `expires_at - skew`, or has less than the caller's `min_ttl` left.
    Expired,
    /// The cached token is past `refresh_at` (stale-while-revalidate).
    Aging,
    /// The caller asked for a new token (`force`).
    Forced,
    /// The previous fetch failed and its backoff has passed, or the fetch is being retried.
    Retry,
}

impl FetchReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            FetchReason::Missing => "missing",
            FetchReason::Expired => "expired",
            FetchReason::Aging => "aging",
            FetchReason::Forced => "forced",
            FetchReason::Retry => "retry",
        }
    }
}
