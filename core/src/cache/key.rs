//! [`CacheKey`]: everything that makes one cached token different from another.

use crate::client_auth::ClientAuthMethod;
use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

/// Identifies one cache entry. Two requests share a token only when every field is equal.
///
/// Scopes are normalised: each given value is split on whitespace (RFC 6749 §3.3: a scope is a
/// space-delimited list), empty parts dropped, then sorted and de-duplicated. Scope tokens are
/// case-sensitive (§3.3), so no case folding. The endpoint URL is kept exactly as given.
///
/// A key holds no secret (client secrets and passwords are never part of it), so `Debug` shows
/// everything. The subject may be a user name: treat it as personal data in logs.
#[derive(Clone)]
pub struct CacheKey {
    /// Hash of all fields, computed once so a lookup hashes one `u64` instead of every string.
    fingerprint: u64,
    /// Shared, so clones (the cache's copy, tickets, events) are cheap and a caller that reuses
    /// its key compares equal by pointer, without reading the strings.
    data: Arc<KeyData>,
}

/// The fields of a key; `pub(super)` for the importer (`persist`), which reads them straight in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct KeyData {
    pub endpoint: String,
    pub client_id: String,
    pub auth_method: ClientAuthMethod,
    pub grant_type: String,
    pub scopes: Vec<String>,
    pub audience: Option<String>,
    pub resource: Option<String>,
    pub subject: Option<String>,
    pub discriminator: Option<String>,
}

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.data;
        f.debug_struct("CacheKey")
            .field("endpoint", &d.endpoint)
            .field("client_id", &d.client_id)
            .field("auth_method", &d.auth_method)
            .field("grant_type", &d.grant_type)
            .field("scopes", &d.scopes)
            .field("audience", &d.audience)
            .field("resource", &d.resource)
            .field("subject", &d.subject)
            .field("discriminator", &d.discriminator)
            .finish()
    }
}

/// Builds a [`CacheKey`]; optional parts default to absent.
#[derive(Clone, Debug)]
pub struct CacheKeyBuilder {
    key: KeyData,
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
            key: KeyData {
                endpoint: endpoint.into(),
                client_id: client_id.into(),
                auth_method,
                grant_type: grant_type.into(),
                scopes: Vec::new(),
                audience: None,
                resource: None,
                subject: None,
                discriminator: None,
            },
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.data.endpoint
    }
    pub fn client_id(&self) -> &str {
        &self.data.client_id
    }
    pub fn auth_method(&self) -> ClientAuthMethod {
        self.data.auth_method
    }
    pub fn grant_type(&self) -> &str {
        &self.data.grant_type
    }
    /// The normalised scope set (sorted, de-duplicated).
    pub fn scopes(&self) -> &[String] {
        &self.data.scopes
    }
    pub fn audience(&self) -> Option<&str> {
        self.data.audience.as_deref()
    }
    pub fn resource(&self) -> Option<&str> {
        self.data.resource.as_deref()
    }
    /// The user name (password grant), the host/user tenant pair (Technical Token Manager), …
    pub fn subject(&self) -> Option<&str> {
        self.data.subject.as_deref()
    }
    /// Any further distinction a profile needs.
    pub fn discriminator(&self) -> Option<&str> {
        self.data.discriminator.as_deref()
    }
    /// A stable 64-bit hash of the key (same value in every process and version of this crate's
    /// major release); useful as a short log identifier.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}

impl KeyData {
    /// The key of these fields, the scopes normalised as [`CacheKeyBuilder::scopes`] does (an
    /// imported key is not trusted to be normalised already).
    pub(super) fn into_key(mut self) -> CacheKey {
        let mut all = Vec::new();
        for s in &self.scopes {
            push_scopes(&mut all, s);
        }
        self.scopes = sorted_unique(all);
        CacheKeyBuilder { key: self }.build()
    }

    fn fingerprint(&self) -> u64 {
        // DefaultHasher::new() uses fixed keys, so the value is stable across processes. The
        // cache's map does not trust it against hash flooding: it mixes in a per-cache random
        // seed (see `KeyHasher`), and equal fingerprints still compare every field.
        let mut h = DefaultHasher::new();
        Hash::hash(self, &mut h);
        h.finish()
    }
}

/// The cache map's hasher: the key's fingerprint mixed with a per-cache random seed through the
/// SplitMix64 finaliser (Steele, Lea, Flood 2014), a bijection in which every output bit depends
/// on every input bit. Keys whose fingerprints were chosen to collide in the bucket bits do not
/// collide once mixed with a seed the chooser does not know; hashing stays a few instructions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyHasherBuilder {
    seed: u64,
}

impl KeyHasherBuilder {
    pub fn new(seed: u64) -> Self {
        KeyHasherBuilder { seed }
    }
}

impl BuildHasher for KeyHasherBuilder {
    type Hasher = KeyHasher;
    #[inline]
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher { state: self.seed }
    }
}

pub(crate) struct KeyHasher {
    state: u64,
}

impl Hasher for KeyHasher {
    #[inline]
    fn finish(&self) -> u64 {
        // SplitMix64 finaliser constants.
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.state ^= n;
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `CacheKey`; anything else is folded in byte by byte.
        for b in bytes {
            self.state = self.state.rotate_left(8) ^ u64::from(*b);
        }
    }
}

/// Splits, sorts and de-duplicates scopes (RFC 6749 §3.3).
pub fn normalize_scopes<I, S>(scopes: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = Vec::new();
    for s in scopes {
        push_scopes(&mut out, s.as_ref());
    }
    sorted_unique(out)
}

// The generic functions only loop over their input; splitting, sorting and de-duplicating are
// these two non-generic functions, one copy each in the wasm module (issue 6's size budget).

/// Appends the space-delimited scopes of `s`.
fn push_scopes(out: &mut Vec<String>, s: &str) {
    for scope in s.split_ascii_whitespace() {
        out.push(scope.to_owned());
    }
}

fn sorted_unique(mut scopes: Vec<String>) -> Vec<String> {
    crate::sort::heapsort_by(&mut scopes, |a, b| a < b);
    scopes.dedup();
    scopes
}

impl CacheKeyBuilder {
    /// Adds scopes; each value may itself be a space-delimited list.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        // The scopes already set are normalized: one token each, so adding the new ones split
        // and normalizing the whole is the same as normalizing the new ones first.
        let mut all = std::mem::take(&mut self.key.scopes);
        for s in scopes {
            push_scopes(&mut all, s.as_ref());
        }
        self.key.scopes = sorted_unique(all);
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
    pub fn build(self) -> CacheKey {
        CacheKey {
            fingerprint: self.key.fingerprint(),
            data: Arc::new(self.key),
        }
    }
}

impl PartialEq for CacheKey {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        // The fingerprint first (unequal keys almost always differ there), then the pointer (a
        // reused key), and only then every field.
        self.fingerprint == other.fingerprint
            && (Arc::ptr_eq(&self.data, &other.data) || self.data == other.data)
    }
}

impl Eq for CacheKey {}

impl Hash for CacheKey {
    #[inline]
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

    proptest::proptest! {
        /// Two `scopes` calls give every whitespace-separated scope of both, sorted (byte order)
        /// and without repeats: the same as std's split, sort and dedup of everything at once.
        #[test]
        fn scopes_like_std(
            first in proptest::collection::vec("[ab \t]{0,6}", 0..5),
            second in proptest::collection::vec("[abc \n]{0,6}", 0..5),
        ) {
            let built = CacheKey::builder(
                "https://idp/token",
                "c",
                ClientAuthMethod::ClientSecretBasic,
                "client_credentials",
            )
            .scopes(&first)
            .scopes(&second)
            .build();
            let mut want: Vec<String> = first
                .iter()
                .chain(&second)
                .flat_map(|s| s.split_ascii_whitespace().map(str::to_owned))
                .collect();
            want.sort();
            want.dedup();
            proptest::prop_assert_eq!(built.scopes(), want.as_slice());
            proptest::prop_assert_eq!(normalize_scopes(&first), {
                let mut w: Vec<String> = first
                    .iter()
                    .flat_map(|s| s.split_ascii_whitespace().map(str::to_owned))
                    .collect();
                w.sort();
                w.dedup();
                w
            });
        }
    }
}
