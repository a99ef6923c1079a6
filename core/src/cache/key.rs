//! [`CacheKey`]: everything that makes one cached token different from another.

use crate::client_auth::ClientAuthMethod;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// Identifies one cache entry. Two requests share a token only when every field is equal.
///
/// Scopes are normalised: each given value is split on whitespace (RFC 6749 §3.3: a scope is a
/// space-delimited list), empty parts dropped, then sorted and de-duplicated. Scope tokens are
/// case-sensitive (§3.3), so no case folding. The endpoint URL is kept exactly as given.
///
/// A key holds no secret (client secrets and passwords are never part of it), so `Debug` shows
/// everything. The subject may be a user name: treat it as personal data in logs.
#[derive(Clone, Debug)]
pub struct CacheKey {
    endpoint: String,
    client_id: String,
    auth_method: ClientAuthMethod,
    grant_type: String,
    scopes: Vec<String>,
    audience: Option<String>,
    resource: Option<String>,
    subject: Option<String>,
    discriminator: Option<String>,
    /// Hash of all fields, computed once so a lookup hashes one `u64` instead of every string.
    fingerprint: u64,
}

/// Builds a [`CacheKey`]; optional parts default to absent.
#[derive(Clone, Debug)]
pub struct CacheKeyBuilder {
    key: CacheKey,
}

impl CacheKey {
    /// Starts a key for `grant_type` (the RFC 6749 `grant_type` value, e.g. `client_credentials`)
    /// at `endpoint` for `client_id` authenticated with `auth_method`.
    pub fn builder(
        endpoint: impl Into<String>,
        client_id: impl Into<String>,
        auth_method: ClientAuthMethod,
        grant_type: impl Into<String>,
    ) -> CacheKeyBuilder {
        CacheKeyBuilder {
            key: CacheKey {
                endpoint: endpoint.into(),
                client_id: client_id.into(),
                auth_method,
                grant_type: grant_type.into(),
                scopes: Vec::new(),
                audience: None,
                resource: None,
                subject: None,
                discriminator: None,
                fingerprint: 0,
            },
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
    pub fn auth_method(&self) -> ClientAuthMethod {
        self.auth_method
    }
    pub fn grant_type(&self) -> &str {
        &self.grant_type
    }
    /// The normalised scope set (sorted, de-duplicated).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }
    pub fn resource(&self) -> Option<&str> {
        self.resource.as_deref()
    }
    /// The user name (password grant), the host/user tenant pair (Technical Token Manager), …
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }
    /// Any further distinction a profile needs.
    pub fn discriminator(&self) -> Option<&str> {
        self.discriminator.as_deref()
    }
    /// A stable 64-bit hash of the key (same value in every process and version of this crate's
    /// major release); useful as a short log identifier.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    fn compute_fingerprint(&self) -> u64 {
        // DefaultHasher::new() uses fixed keys, so the value is stable across processes. Hash
        // flooding is not a concern for the map: entries are created by the application's own
        // configuration, and a collision only costs one extra field comparison.
        let mut h = DefaultHasher::new();
        self.endpoint.hash(&mut h);
        self.client_id.hash(&mut h);
        self.auth_method.hash(&mut h);
        self.grant_type.hash(&mut h);
        self.scopes.hash(&mut h);
        self.audience.hash(&mut h);
        self.resource.hash(&mut h);
        self.subject.hash(&mut h);
        self.discriminator.hash(&mut h);
        h.finish()
    }
}

/// Splits, sorts and de-duplicates scopes (RFC 6749 §3.3).
pub fn normalize_scopes<I, S>(scopes: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out: Vec<String> = scopes
        .into_iter()
        .flat_map(|s| {
            s.as_ref()
                .split_ascii_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl CacheKeyBuilder {
    /// Adds scopes; each value may itself be a space-delimited list.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut all = std::mem::take(&mut self.key.scopes);
        all.extend(normalize_scopes(scopes));
        self.key.scopes = normalize_scopes(all);
        self
    }
    pub fn audience(mut self, audience: Option<&str>) -> Self {
        self.key.audience = audience.map(str::to_owned);
        self
    }
    pub fn resource(mut self, resource: Option<&str>) -> Self {
        self.key.resource = resource.map(str::to_owned);
        self
    }
    pub fn subject(mut self, subject: Option<&str>) -> Self {
        self.key.subject = subject.map(str::to_owned);
        self
    }
    pub fn discriminator(mut self, discriminator: Option<&str>) -> Self {
        self.key.discriminator = discriminator.map(str::to_owned);
        self
    }
    pub fn build(mut self) -> CacheKey {
        self.key.fingerprint = self.key.compute_fingerprint();
        self.key
    }
}

impl PartialEq for CacheKey {
    fn eq(&self, other: &Self) -> bool {
        // The fingerprint first: unequal keys almost always differ there.
        self.fingerprint == other.fingerprint
            && self.endpoint == other.endpoint
            && self.client_id == other.client_id
            && self.auth_method == other.auth_method
            && self.grant_type == other.grant_type
            && self.scopes == other.scopes
            && self.audience == other.audience
            && self.resource == other.resource
            && self.subject == other.subject
            && self.discriminator == other.discriminator
    }
}

impl Eq for CacheKey {}

impl Hash for CacheKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.fingerprint);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(scopes: &[&str]) -> CacheKey {
        CacheKey::builder(
            "https://idp/token",
            "c",
            ClientAuthMethod::ClientSecretBasic,
            "client_credentials",
        )
        .scopes(scopes)
        .build()
    }

    #[test]
    fn scopes_are_normalised() {
        assert_eq!(key(&["b a", "a", " c "]), key(&["c", "b", "a"]));
        assert_eq!(key(&["b a", "a"]).scopes(), ["a", "b"]);
        assert_ne!(key(&["A"]), key(&["a"]));
        assert_eq!(key(&[""]), key(&[]));
    }

    #[test]
    fn every_field_distinguishes() {
        let base = key(&["a"]);
        let b = || {
            CacheKey::builder(
                "https://idp/token",
                "c",
                ClientAuthMethod::ClientSecretBasic,
                "client_credentials",
            )
            .scopes(["a"])
        };
        assert_eq!(b().build(), base);
        for other in [
            b().audience(Some("x")).build(),
            b().resource(Some("x")).build(),
            b().subject(Some("x")).build(),
            b().discriminator(Some("x")).build(),
            CacheKey::builder(
                "https://idp/token2",
                "c",
                ClientAuthMethod::ClientSecretBasic,
                "client_credentials",
            )
            .scopes(["a"])
            .build(),
            CacheKey::builder(
                "https://idp/token",
                "c",
                ClientAuthMethod::ClientSecretPost,
                "client_credentials",
            )
            .scopes(["a"])
            .build(),
            CacheKey::builder(
                "https://idp/token",
                "c",
                ClientAuthMethod::ClientSecretBasic,
                "password",
            )
            .scopes(["a"])
            .build(),
        ] {
            assert_ne!(other, base, "{other:?}");
        }
    }
}
