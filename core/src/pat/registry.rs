//! Token records and their life cycle, independent of storage: issue (plaintext returned once),
//! list (never plaintext), revoke one, revoke all of an owner, deactivate an owner, authenticate.
//!
//! Storage is behind [`TokenStore`]; [`MemoryStore`] keeps everything in memory, and the dev
//! server implements the trait over SQLite. Only the hash and a display hint are ever stored.

use super::error::PatError;
use super::format::parse;
use super::generate::{generate, random_base62};
use super::hash::{display_hint, from_hex, to_hex, TokenHasher};
use crate::secret::Secret;
use crate::time::UnixMillis;
use std::collections::BTreeSet;
use subtle::ConstantTimeEq;

/// What a token is for, as in the DataChain and XTRF portals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Acts as the user who created it.
    Personal,
    /// Held by a client application.
    Client,
    /// Shared to expose one resource.
    Expose,
}

impl TokenKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenKind::Personal => "personal",
            TokenKind::Client => "client",
            TokenKind::Expose => "expose",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "personal" => Some(TokenKind::Personal),
            "client" => Some(TokenKind::Client),
            "expose" => Some(TokenKind::Expose),
            _ => None,
        }
    }
}

/// One issued token, as stored. Holds no plaintext.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: String,
    pub owner: String,
    pub kind: TokenKind,
    pub description: String,
    pub scopes: Vec<String>,
    pub created_at: UnixMillis,
    /// `None`: no expiry was chosen at creation.
    pub expires_at: Option<UnixMillis>,
    pub last_used_at: Option<UnixMillis>,
    pub revoked_at: Option<UnixMillis>,
    /// SHA-256 or HMAC-SHA-256 of the token, lowercase hex (see `hash.rs`).
    pub hash: String,
    /// `prefix_…` + last 4 characters, to tell tokens apart in lists.
    pub hint: String,
}

/// What to issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewToken {
    pub owner: String,
    pub kind: TokenKind,
    pub description: String,
    pub scopes: Vec<String>,
    /// Lifetime in seconds from `now`, or `None` for a token that does not expire.
    pub lifetime_secs: Option<u64>,
}

/// Where records live. Implement it over any database; lookups are by id, hash and owner.
pub trait TokenStore {
    fn insert(&mut self, record: TokenRecord);
    /// Replaces the record with the same id (no-op when there is none).
    fn update(&mut self, record: TokenRecord);
    fn get(&self, id: &str) -> Option<TokenRecord>;
    fn find_by_hash(&self, hash_hex: &str) -> Option<TokenRecord>;
    fn list_by_owner(&self, owner: &str) -> Vec<TokenRecord>;
    fn is_owner_deactivated(&self, owner: &str) -> bool;
    fn set_owner_deactivated(&mut self, owner: &str, deactivated: bool);
}

/// A [`TokenStore`] in memory.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    records: Vec<TokenRecord>,
    deactivated: BTreeSet<String>,
}

impl TokenStore for MemoryStore {
    fn insert(&mut self, record: TokenRecord) {
        self.records.push(record);
    }

    fn update(&mut self, record: TokenRecord) {
        if let Some(slot) = self.records.iter_mut().find(|r| r.id == record.id) {
            *slot = record;
        }
    }

    fn get(&self, id: &str) -> Option<TokenRecord> {
        self.records.iter().find(|r| r.id == id).cloned()
    }

    fn find_by_hash(&self, hash_hex: &str) -> Option<TokenRecord> {
        self.records.iter().find(|r| r.hash == hash_hex).cloned()
    }

    fn list_by_owner(&self, owner: &str) -> Vec<TokenRecord> {
        self.records
            .iter()
            .filter(|r| r.owner == owner)
            .cloned()
            .collect()
    }

    fn is_owner_deactivated(&self, owner: &str) -> bool {
        self.deactivated.contains(owner)
    }

    fn set_owner_deactivated(&mut self, owner: &str, deactivated: bool) {
        if deactivated {
            self.deactivated.insert(owner.to_owned());
        } else {
            self.deactivated.remove(owner);
        }
    }
}

/// Compared against when no record matched, so an unknown token costs the same comparison as a
/// known one. 64 zero digits: no SHA-256 output is known to be all zeros.
const DUMMY_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Issues, lists, revokes and authenticates tokens of one prefix over a [`TokenStore`].
#[derive(Debug)]
pub struct Registry<S> {
    store: S,
    hasher: TokenHasher,
    prefix: String,
}

impl<S: TokenStore> Registry<S> {
    /// A registry issuing `{prefix}_…` tokens. The prefix must be `[a-z]{2,10}`.
    pub fn new(store: S, hasher: TokenHasher, prefix: &str) -> Result<Self, PatError> {
        if !super::format::is_valid_prefix(prefix) {
            return Err(PatError::InvalidPrefix);
        }
        Ok(Registry {
            store,
            hasher,
            prefix: prefix.to_owned(),
        })
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Issues a token. The plaintext is returned here and never again: only its hash is stored.
    pub fn issue(
        &mut self,
        new: NewToken,
        now: UnixMillis,
    ) -> Result<(Secret, TokenRecord), PatError> {
        let token = generate(&self.prefix)?;
        // Record ids are public handles (for revoke and lists): 16 base62 characters ≈ 95 bits,
        // so ids never collide in practice.
        let id_chars = random_base62::<16>()?;
        let id: String = id_chars.iter().map(|&b| char::from(b)).collect();
        let expires_at = new
            .lifetime_secs
            .map(|s| now.plus_secs(i64::try_from(s).unwrap_or(i64::MAX)));
        let record = TokenRecord {
            id,
            owner: new.owner,
            kind: new.kind,
            description: new.description,
            scopes: new.scopes,
            created_at: now,
            expires_at,
            last_used_at: None,
            revoked_at: None,
            hash: self.hasher.hash_hex(&token),
            hint: display_hint(&token),
        };
        self.store.insert(record.clone());
        Ok((token, record))
    }

    /// The owner's tokens (hashes and hints only).
    pub fn list(&self, owner: &str) -> Vec<TokenRecord> {
        self.store.list_by_owner(owner)
    }

    /// Revokes one token. Revoking twice keeps the first time.
    pub fn revoke(&mut self, id: &str, now: UnixMillis) -> Result<TokenRecord, PatError> {
        let mut record = self.store.get(id).ok_or(PatError::NotFound)?;
        if record.revoked_at.is_none() {
            record.revoked_at = Some(now);
            self.store.update(record.clone());
        }
        Ok(record)
    }

    /// Revokes every live token of `owner`; returns how many were revoked now.
    pub fn revoke_all(&mut self, owner: &str, now: UnixMillis) -> usize {
        let mut count = 0;
        for mut record in self.store.list_by_owner(owner) {
            if record.revoked_at.is_none() {
                record.revoked_at = Some(now);
                self.store.update(record);
                count += 1;
            }
        }
        count
    }

    /// Deactivates (or reactivates) an owner: while deactivated, none of their tokens work.
    pub fn set_owner_deactivated(&mut self, owner: &str, deactivated: bool) {
        self.store.set_owner_deactivated(owner, deactivated);
    }

    /// Checks a presented token at time `now` and records its use.
    ///
    /// Format errors (see `format::parse`) return at once: they depend only on the input. For a
    /// well-formed token the hash is always computed and compared in constant time (against a
    /// dummy when no record matched), and every state is read, before deciding between unknown,
    /// revoked, owner deactivated and expired, so the timing does not tell them apart.
    pub fn authenticate(
        &mut self,
        presented: &str,
        now: UnixMillis,
    ) -> Result<TokenRecord, PatError> {
        parse(presented, Some(&self.prefix))?;
        let digest = self.hasher.digest(presented);
        let found = self.store.find_by_hash(&to_hex(&digest));
        let stored_hex = found.as_ref().map_or(DUMMY_HASH, |r| r.hash.as_str());
        let stored = from_hex(stored_hex).unwrap_or([0u8; 32]);
        let hash_matches = bool::from(digest.ct_eq(&stored)) & found.is_some();
        let owner = found.as_ref().map_or("", |r| r.owner.as_str());
        let deactivated = self.store.is_owner_deactivated(owner);
        let revoked = found.as_ref().is_some_and(|r| r.revoked_at.is_some());
        let expired = found
            .as_ref()
            .and_then(|r| r.expires_at)
            .is_some_and(|exp| now >= exp);

        match found {
            Some(mut record) if hash_matches && !revoked && !deactivated && !expired => {
                record.last_used_at = Some(now);
                self.store.update(record.clone());
                Ok(record)
            }
            _ if !hash_matches => Err(PatError::Unknown),
            _ if revoked => Err(PatError::Revoked),
            _ if deactivated => Err(PatError::OwnerDeactivated),
            _ => Err(PatError::Expired),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: UnixMillis = UnixMillis::from_secs(1_700_000_000);

    fn registry() -> Registry<MemoryStore> {
        Registry::new(MemoryStore::default(), TokenHasher::Sha256, "tsm").unwrap()
    }

    fn new_token(owner: &str, lifetime_secs: Option<u64>) -> NewToken {
        NewToken {
            owner: owner.into(),
            kind: TokenKind::Personal,
            description: "ci".into(),
            scopes: vec!["read".into()],
            lifetime_secs,
        }
    }

    #[test]
    fn issue_stores_only_hash_and_hint() {
        let mut reg = registry();
        let (token, record) = reg.issue(new_token("alice", Some(60)), T0).unwrap();
        let plain = token.expose_secret();
        assert_eq!(record.expires_at, Some(T0.plus_secs(60)));
        assert_eq!(record.hash, TokenHasher::Sha256.hash_hex(&token));
        assert!(record.hint.starts_with("tsm_…"));
        let listed = reg.list("alice");
        assert_eq!(listed.len(), 1);
        assert!(!format!("{listed:?}").contains(&plain[4..20]));
    }

    #[test]
    fn authenticate_life_cycle() {
        let mut reg = registry();
        let (token, record) = reg.issue(new_token("alice", Some(60)), T0).unwrap();
        let t = token.expose_secret();
        let ok = reg.authenticate(t, T0.plus_secs(1)).unwrap();
        assert_eq!(ok.id, record.id);
        assert_eq!(reg.list("alice")[0].last_used_at, Some(T0.plus_secs(1)));
        assert_eq!(
            reg.authenticate(t, T0.plus_secs(60)),
            Err(PatError::Expired)
        );
        reg.revoke(&record.id, T0.plus_secs(2)).unwrap();
        assert_eq!(reg.authenticate(t, T0.plus_secs(3)), Err(PatError::Revoked));
        assert_eq!(reg.revoke("nope", T0), Err(PatError::NotFound));
    }

    #[test]
    fn unknown_and_malformed() {
        let mut reg = registry();
        let other = generate("tsm").unwrap();
        assert_eq!(
            reg.authenticate(other.expose_secret(), T0),
            Err(PatError::Unknown)
        );
        assert_eq!(reg.authenticate("tsm_short", T0), Err(PatError::Length));
        let foreign = generate("ghp").unwrap();
        assert_eq!(
            reg.authenticate(foreign.expose_secret(), T0),
            Err(PatError::WrongPrefix)
        );
    }

    #[test]
    fn revoke_all_and_deactivate_owner() {
        let mut reg = registry();
        let (a1, _) = reg.issue(new_token("alice", None), T0).unwrap();
        let (a2, _) = reg.issue(new_token("alice", None), T0).unwrap();
        let (b1, _) = reg.issue(new_token("bob", None), T0).unwrap();
        reg.set_owner_deactivated("bob", true);
        assert_eq!(
            reg.authenticate(b1.expose_secret(), T0),
            Err(PatError::OwnerDeactivated)
        );
        reg.set_owner_deactivated("bob", false);
        assert!(reg.authenticate(b1.expose_secret(), T0).is_ok());
        assert_eq!(reg.revoke_all("alice", T0), 2);
        assert_eq!(reg.revoke_all("alice", T0), 0);
        assert_eq!(
            reg.authenticate(a1.expose_secret(), T0),
            Err(PatError::Revoked)
        );
        assert_eq!(
            reg.authenticate(a2.expose_secret(), T0),
            Err(PatError::Revoked)
        );
        assert!(reg.authenticate(b1.expose_secret(), T0).is_ok());
    }

    #[test]
    fn peppered_registry() {
        let mut reg = Registry::new(
            MemoryStore::default(),
            TokenHasher::with_pepper(b"pepper"),
            "tsm",
        )
        .unwrap();
        let (token, record) = reg.issue(new_token("alice", None), T0).unwrap();
        assert_ne!(record.hash, TokenHasher::Sha256.hash_hex(&token));
        assert!(reg.authenticate(token.expose_secret(), T0).is_ok());
    }
}
