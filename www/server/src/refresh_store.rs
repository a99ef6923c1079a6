//! Refresh tokens: opaque, single use, rotated on every use (RFC 6749 §6, §10.4; OAuth 2.0
//! Security BCP, RFC 9700 §4.14.2). Presenting a token that was already rotated means it was
//! copied, so its whole family (every token descended from the same grant) is revoked.

use crate::keys::random_token;
use std::collections::{HashMap, HashSet};

/// Which endpoint issued a refresh token; a token is only redeemable where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issuer {
    Generic,
    Keycloak { realm: String },
    Sdx,
}

#[derive(Clone, Debug)]
pub struct RefreshRecord {
    pub family: String,
    pub issuer: Issuer,
    pub client_id: String,
    pub subject: String,
    pub scope: Option<String>,
    /// `None`: never expires (Keycloak offline tokens).
    pub expires_at_ms: Option<i64>,
    pub issued_at_ms: i64,
    rotated: bool,
}

/// Why a refresh token was refused; every case is `invalid_grant` on the wire (RFC 6749 §5.2).
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    Unknown,
    Expired,
    Revoked,
    /// A rotated token was presented again: the family is now revoked.
    Reused,
    OtherClient,
}

/// Above this many stored tokens, expired ones are dropped on the next issue, so a long-running
/// demo server does not grow without bound. (An expired token can never be redeemed, so
/// forgetting it only turns a late replay into "unknown" instead of revoking its family.)
const PRUNE_THRESHOLD: usize = 10_000;

#[derive(Default)]
pub struct RefreshStore {
    tokens: HashMap<String, RefreshRecord>,
    revoked_families: HashSet<String>,
}

pub struct NewRefresh {
    pub issuer: Issuer,
    pub client_id: String,
    pub subject: String,
    pub scope: Option<String>,
    pub lifetime_ms: Option<i64>,
}

impl RefreshStore {
    /// Issue a token starting a new family (a new grant).
    pub fn issue(&mut self, new: NewRefresh, now_ms: i64) -> Result<String, String> {
        let family = random_token(12)?;
        self.issue_in_family(new, family, now_ms)
    }

    fn issue_in_family(
        &mut self,
        new: NewRefresh,
        family: String,
        now_ms: i64,
    ) -> Result<String, String> {
        if self.tokens.len() >= PRUNE_THRESHOLD {
            self.prune_expired(now_ms);
        }
        // 32 random bytes: 256 bits, far beyond guessing (RFC 6749 §10.10).
        let token = random_token(32)?;
        let record = RefreshRecord {
            family,
            issuer: new.issuer,
            client_id: new.client_id,
            subject: new.subject,
            scope: new.scope,
            expires_at_ms: new.lifetime_ms.map(|ms| now_ms.saturating_add(ms)),
            issued_at_ms: now_ms,
            rotated: false,
        };
        self.tokens.insert(token.clone(), record);
        Ok(token)
    }

    /// The record of a token that is currently usable, without using it (for introspection).
    pub fn active(&self, token: &str, now_ms: i64) -> Option<&RefreshRecord> {
        let record = self.tokens.get(token)?;
        let expired = record.expires_at_ms.is_some_and(|at| now_ms >= at);
        let revoked = self.revoked_families.contains(&record.family);
        (!record.rotated && !expired && !revoked).then_some(record)
    }

    /// Use a refresh token: on success it is marked rotated and its replacement (same family,
    /// same lifetime rule) is returned with the record.
    pub fn redeem(
        &mut self,
        token: &str,
        issuer: &Issuer,
        client_id: &str,
        lifetime_ms: Option<i64>,
        now_ms: i64,
    ) -> Result<(RefreshRecord, String), Refused> {
        let record = self.tokens.get_mut(token).ok_or(Refused::Unknown)?;
        if &record.issuer != issuer {
            return Err(Refused::Unknown);
        }
        // RFC 6749 §6: the refresh token must have been issued to the authenticated client.
        if record.client_id != client_id {
            return Err(Refused::OtherClient);
        }
        if self.revoked_families.contains(&record.family) {
            return Err(Refused::Revoked);
        }
        if record.rotated {
            let family = record.family.clone();
            self.revoked_families.insert(family);
            return Err(Refused::Reused);
        }
        if record.expires_at_ms.is_some_and(|at| now_ms >= at) {
            return Err(Refused::Expired);
        }
        record.rotated = true;
        let record = record.clone();
        let next = NewRefresh {
            issuer: record.issuer.clone(),
            client_id: record.client_id.clone(),
            subject: record.subject.clone(),
            scope: record.scope.clone(),
            lifetime_ms,
        };
        let replacement = self
            .issue_in_family(next, record.family.clone(), now_ms)
            .map_err(|_| Refused::Unknown)?;
        Ok((record, replacement))
    }

    /// RFC 7009 §2.1: revoking a refresh token revokes the grant it belongs to. Returns the client
    /// the token was issued to, or `None` if the token is unknown.
    pub fn revoke(&mut self, token: &str) -> Option<String> {
        let record = self.tokens.get(token)?;
        let client = record.client_id.clone();
        self.revoked_families.insert(record.family.clone());
        Some(client)
    }

    /// The family (grant) a token belongs to.
    pub fn family_of(&self, token: &str) -> Option<&str> {
        self.tokens.get(token).map(|r| r.family.as_str())
    }

    /// Revoke a whole grant by family id.
    pub fn revoke_family(&mut self, family: &str) {
        self.revoked_families.insert(family.to_owned());
    }

    pub fn client_of(&self, token: &str) -> Option<&str> {
        self.tokens.get(token).map(|r| r.client_id.as_str())
    }

    /// Drop tokens whose expiry has passed; returns how many were dropped.
    pub fn prune_expired(&mut self, now_ms: i64) -> usize {
        let before = self.tokens.len();
        self.tokens
            .retain(|_, r| !r.expires_at_ms.is_some_and(|at| now_ms >= at));
        before - self.tokens.len()
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Forget every token, as a server restart without persistent sessions does.
    pub fn clear(&mut self) {
        self.tokens.clear();
        self.revoked_families.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(lifetime_ms: Option<i64>) -> NewRefresh {
        NewRefresh {
            issuer: Issuer::Generic,
            client_id: "c".into(),
            subject: "s".into(),
            scope: None,
            lifetime_ms,
        }
    }

    #[test]
    fn rotation_and_reuse_revokes_family() {
        let mut store = RefreshStore::default();
        let first = store.issue(new(Some(1000)), 0).unwrap();
        let (_, second) = store
            .redeem(&first, &Issuer::Generic, "c", Some(1000), 10)
            .unwrap();
        assert_eq!(
            store
                .redeem(&first, &Issuer::Generic, "c", Some(1000), 20)
                .unwrap_err(),
            Refused::Reused
        );
        assert_eq!(
            store
                .redeem(&second, &Issuer::Generic, "c", Some(1000), 30)
                .unwrap_err(),
            Refused::Revoked
        );
    }

    #[test]
    fn expiry_client_and_issuer_checks() {
        let mut store = RefreshStore::default();
        let t = store.issue(new(Some(1000)), 0).unwrap();
        assert_eq!(
            store.redeem(&t, &Issuer::Sdx, "c", None, 1).unwrap_err(),
            Refused::Unknown
        );
        assert_eq!(
            store
                .redeem(&t, &Issuer::Generic, "x", None, 1)
                .unwrap_err(),
            Refused::OtherClient
        );
        assert_eq!(
            store
                .redeem(&t, &Issuer::Generic, "c", None, 1000)
                .unwrap_err(),
            Refused::Expired
        );
        let forever = store.issue(new(None), 0).unwrap();
        assert!(store.active(&forever, i64::MAX).is_some());
        // `t` (expired at 1000) goes, the never-expiring token stays.
        assert_eq!(store.prune_expired(1000), 1);
        assert_eq!(store.len(), 1);
        assert!(store.active(&forever, i64::MAX).is_some());
    }
}
