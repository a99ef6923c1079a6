//! Bounding the cache: purge of dead entries and least-recently-used eviction.
//!
//! Recency is a counter stamped on each entry at every lookup (one integer store on the hit
//! path). Eviction scans for the smallest stamp, which is O(n) but runs only when a new key is
//! added to a full cache, right before a network request that costs far more; in exchange hits
//! stay a single hash lookup with no list maintenance.

use super::entry::Entry;
use super::key::{CacheKey, KeyHasherBuilder};
use crate::time::UnixMillis;
use std::collections::HashMap;

/// Default maximum number of entries. 10,000 keys is far more than one process normally uses
/// (one per client × scope set × user), while bounding memory to a few MB (see
/// `docs/benchmarks.md` for the measured size per entry).
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Removes every dead entry; returns how many.
pub(crate) fn purge(
    map: &mut HashMap<CacheKey, Entry, KeyHasherBuilder>,
    now: UnixMillis,
) -> usize {
    let before = map.len();
    map.retain(|_, e| !e.is_dead(e.high_water.max(now)));
    before - map.len()
}

/// The least recently used entry that has no fetch in flight (a flight's ticket must find its
/// entry again). `None` if every entry has a flight.
pub(crate) fn victim(map: &HashMap<CacheKey, Entry, KeyHasherBuilder>) -> Option<CacheKey> {
    map.iter()
        .filter(|(_, e)| e.flight.is_none())
        .min_by_key(|(_, e)| e.last_used)
        .map(|(k, _)| k.clone())
}
