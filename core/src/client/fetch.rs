//! One token request in flight: the cache's ticket and the HTTP request built from its plan.

use crate::cache::{FetchReason, PlanKind, Ticket};
use crate::http::HttpRequest;
use std::fmt;

/// The request to send for a ticket. Dropping it without `finish` releases the key (its
/// waiters look up again), so an exception or a cancelled task never leaves a key stuck.
pub struct Fetch {
    pub(crate) ticket: Ticket,
    /// The token request (RFC 6749 §4, §6). Its headers and body carry credentials: send it,
    /// never log it (use [`HttpRequest::redacted`]).
    pub request: HttpRequest,
}

impl Fetch {
    /// Primary grant or refresh-token grant.
    pub fn plan_kind(&self) -> PlanKind {
        self.ticket.plan().kind()
    }
    /// Why the fetch happens (missing, expired, aging, forced, retry).
    pub fn reason(&self) -> FetchReason {
        self.ticket.reason()
    }
    /// 1 for a flight's first request, 2 for its first retry, …
    pub fn attempt(&self) -> u32 {
        self.ticket.attempt()
    }
    /// The flight this request belongs to (what waiters' handles carry).
    pub fn flight_id(&self) -> u64 {
        self.ticket.flight_id()
    }
}

impl fmt::Debug for Fetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetch")
            .field("ticket", &self.ticket)
            .field("request", &self.request.redacted())
            .finish()
    }
}
