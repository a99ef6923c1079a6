//! Adaptive timing: when a cached token is refreshed ahead of time and when it stops being served.
//!
//! All times derive from the token's own lifetime (`expires_at - issued_at`) so that a 1 s token
//! and a 1 h token are both handled: a fixed leeway (peers use 60 s) would reject a 59 s token
//! outright.

use crate::time::UnixMillis;
use crate::token::Token;

/// Upper bound of the skew. 30 s covers the clock differences and request latencies seen between
/// hosts synchronised by NTP plus a slow token request, without discarding much of a long token.
pub const MAX_SKEW_MS: i64 = 30_000;
/// The skew is at most this percentage of the lifetime, so short tokens keep 90 % of their life.
pub const SKEW_PERCENT: i64 = 10;
/// Nominal refresh-ahead point: 75 % of the lifetime, leaving the last quarter (minus skew) for
/// the background refresh and its retries while the old token is still served.
pub const REFRESH_AT_PERCENT: i64 = 75;
/// Jitter of the refresh point: ± 5 % of the lifetime, so that many processes that obtained
/// tokens at the same moment do not refresh at the same moment. 75 % + 5 % = 80 % stays below the
/// earliest end of the stale window (100 % - 10 % skew = 90 %).
pub const JITTER_PERCENT: i64 = 5;

/// `value × pct / 100`, rounded toward zero, for `0 <= pct <= 100` (the percentages above).
/// Exact for every `i64` (absurd lifetimes such as an `expires_in` near i64::MAX ms included)
/// without 128-bit arithmetic, whose division routine costs about 1 KB of WebAssembly (issue 6):
/// with `value = 100q + r`, `value × pct / 100 = q × pct + r × pct / 100`, and `q × pct` and
/// `r × pct` have the same sign, so truncating the second term truncates the sum.
fn percent(value: i64, pct: i64) -> i64 {
    (value / 100) * pct + (value % 100) * pct / 100
}

/// The timing rules for one lifetime, as offsets in milliseconds from `issued_at`. Published in
/// `tests/vectors/timing.json` for the bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimingBounds {
    pub lifetime_ms: i64,
    /// `min(30 s, 10 % of lifetime)`: the token is not served during the last `skew_ms`.
    pub skew_ms: i64,
    /// Largest jitter either way (5 % of lifetime).
    pub jitter_ms: i64,
    /// Earliest, nominal and latest refresh point.
    pub refresh_at_min_ms: i64,
    pub refresh_at_nominal_ms: i64,
    pub refresh_at_max_ms: i64,
    /// The token is served while `now < issued_at + usable_for_ms` (= `expires_at - skew`).
    pub usable_for_ms: i64,
}

impl TimingBounds {
    /// `None` for a lifetime of zero or less: such a token is handed to its caller once and never
    /// cached as fresh.
    pub fn for_lifetime(lifetime_ms: i64) -> Option<TimingBounds> {
        if lifetime_ms <= 0 {
            return None;
        }
        let skew_ms = MAX_SKEW_MS.min(percent(lifetime_ms, SKEW_PERCENT));
        let usable_for_ms = lifetime_ms - skew_ms;
        let nominal = percent(lifetime_ms, REFRESH_AT_PERCENT);
        let jitter_ms = percent(lifetime_ms, JITTER_PERCENT);
        Some(TimingBounds {
            lifetime_ms,
            skew_ms,
            jitter_ms,
            refresh_at_min_ms: (nominal - jitter_ms).max(0),
            refresh_at_nominal_ms: nominal,
            refresh_at_max_ms: (nominal + jitter_ms).min(usable_for_ms),
            usable_for_ms,
        })
    }
}

/// Until when a cache holding `token` certainly answers "fresh" for it: the earliest refresh
/// point its schedule can draw (`issued_at + refresh_at_min_ms`, before the jittered refresh point
/// and before the skew window). A binding may answer with the token it got without asking the
/// cache again until then (npm `TokenClient.token()`). `None` for a lifetime of zero or less,
/// which is never cached.
pub fn surely_fresh_until(token: &Token) -> Option<UnixMillis> {
    TimingBounds::for_lifetime(token.lifetime_ms())
        .map(|bounds| token.issued_at.plus_millis(bounds.refresh_at_min_ms))
}

/// The absolute schedule of one cached token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryTiming {
    pub refresh_at: UnixMillis,
    /// `expires_at - skew`: from here on the token is not served.
    pub usable_until: UnixMillis,
    /// The token's own `expires_at`, kept here so a hit reads only the entry.
    pub expires_at: UnixMillis,
    pub skew_ms: i64,
}

impl EntryTiming {
    /// Schedules `token`, drawing its jitter from `jitter`. `None` when its lifetime is ≤ 0.
    pub fn schedule(token: &Token, jitter: &mut Jitter) -> Option<EntryTiming> {
        let b = TimingBounds::for_lifetime(token.lifetime_ms())?;
        let offset = jitter
            .in_range(b.refresh_at_min_ms, b.refresh_at_max_ms)
            .clamp(b.refresh_at_min_ms, b.refresh_at_max_ms);
        Some(EntryTiming {
            refresh_at: token.issued_at.plus_millis(offset),
            usable_until: token.expires_at.plus_millis(-b.skew_ms),
            expires_at: token.expires_at,
            skew_ms: b.skew_ms,
        })
    }
}

/// A small deterministic pseudo-random source (xorshift64*, Vigna 2016) for jitter.
///
/// Jitter spreads load; it is not a security measure, so a fast non-cryptographic generator is
/// right, and a seed makes every schedule reproducible in tests.
#[derive(Clone, Debug)]
pub struct Jitter {
    state: u64,
}

impl Jitter {
    /// Any seed works; zero (the one fixed point of xorshift) is replaced by a constant.
    pub fn new(seed: u64) -> Self {
        Jitter {
            // The 64-bit golden-ratio constant: an arbitrary odd, well-mixed non-zero value.
            state: if seed == 0 {
                0x9E37_79B9_7F4A_7C15
            } else {
                seed
            },
        }
    }

    /// Seeds from the operating system once. If the random source is unavailable, a fixed seed
    /// is used: jitter then stops spreading load between processes, which is degraded but safe.
    pub fn from_os() -> Self {
        let mut buf = [0u8; 8];
        let seed = match getrandom::fill(&mut buf) {
            Ok(()) => u64::from_le_bytes(buf),
            Err(_) => 0,
        };
        Jitter::new(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        // xorshift64* shifts (12, 25, 27) and multiplier from Vigna, "An experimental exploration
        // of Marsaglia's xorshift generators, scrambled" (2016).
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value in `lo..=hi` (returns `lo` when `hi <= lo`).
    pub fn in_range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        // hi - lo + 1 values, in u64 (no 128-bit division, see `percent`): the difference of two
        // i64s in two's complement is exact as u64 when hi > lo; only the full i64 range has
        // 2^64 values, where every u64 is a valid offset. lo + r <= hi, so the wrapping add is
        // exact.
        let x = self.next_u64();
        let r = match (hi as u64).wrapping_sub(lo as u64).checked_add(1) {
            Some(span) => x % span,
            None => x,
        };
        lo.wrapping_add(r as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surely_fresh_until_is_the_earliest_refresh_point() {
        use crate::secret::Secret;
        use crate::token::{ExpirySource, RefreshExpiry};
        let mut token = Token {
            access_token: Secret::new("t"),
            token_type: "Bearer".into(),
            issued_at: UnixMillis(1_000),
            expires_at: UnixMillis(1_000 + 1_000_000),
            expiry_source: ExpirySource::JwtExp,
            refresh_token: None,
            refresh_expiry: RefreshExpiry::Unknown,
            scope: None,
            id_token: None,
            extra: Default::default(),
        };
        let bounds = TimingBounds::for_lifetime(1_000_000).expect("a positive lifetime");
        assert_eq!(
            surely_fresh_until(&token),
            Some(UnixMillis(1_000 + bounds.refresh_at_min_ms))
        );
        token.expires_at = UnixMillis(1_000);
        assert_eq!(surely_fresh_until(&token), None);
    }

    #[test]
    fn bounds_for_typical_lifetimes() {
        let b = TimingBounds::for_lifetime(3_600_000).unwrap();
        assert_eq!(b.skew_ms, 30_000);
        assert_eq!(b.refresh_at_nominal_ms, 2_700_000);
        assert_eq!(
            (b.refresh_at_min_ms, b.refresh_at_max_ms),
            (2_520_000, 2_880_000)
        );
        assert_eq!(b.usable_for_ms, 3_570_000);
        let b = TimingBounds::for_lifetime(1_000).unwrap();
        assert_eq!(b.skew_ms, 100);
        assert_eq!((b.refresh_at_min_ms, b.refresh_at_max_ms), (700, 800));
        assert!(TimingBounds::for_lifetime(0).is_none());
        assert!(TimingBounds::for_lifetime(-5).is_none());
        let huge = TimingBounds::for_lifetime(i64::MAX).unwrap();
        assert!(huge.refresh_at_max_ms <= huge.usable_for_ms);
    }

    #[test]
    fn jitter_is_deterministic_and_in_range() {
        let mut a = Jitter::new(7);
        let mut b = Jitter::new(7);
        for _ in 0..1000 {
            let x = a.in_range(-50, 50);
            assert_eq!(x, b.in_range(-50, 50));
            assert!((-50..=50).contains(&x));
        }
        assert_eq!(Jitter::new(3).in_range(5, 5), 5);
        assert_eq!(Jitter::new(3).in_range(5, 1), 5);
        let mut c = Jitter::new(0);
        assert_ne!(c.next_u64(), 0);
    }

    proptest::proptest! {
        /// The 64-bit forms agree with the 128-bit arithmetic they replaced.
        #[test]
        fn percent_and_range_match_128_bit_arithmetic(
            value in proptest::prelude::any::<i64>(),
            pct in 0i64..=100,
            lo in proptest::prelude::any::<i64>(),
            hi in proptest::prelude::any::<i64>(),
            seed in proptest::prelude::any::<u64>(),
        ) {
            for value in [value, i64::MIN, i64::MAX, i64::MIN + 1, -1, 0, 99, -199] {
                let want = ((value as i128 * pct as i128) / 100) as i64;
                proptest::prop_assert_eq!(percent(value, pct), want);
            }
            let ranges = [
                (lo, hi),
                (i64::MIN, i64::MAX),
                (i64::MIN, hi),
                (lo, i64::MAX),
                (lo, lo.saturating_add(7)),
            ];
            for (lo, hi) in ranges {
                let want = if hi <= lo {
                    lo
                } else {
                    let span = (hi as i128 - lo as i128 + 1) as u128;
                    let r = Jitter::new(seed).next_u64() as u128 % span;
                    (lo as i128 + r as i128) as i64
                };
                proptest::prop_assert_eq!(Jitter::new(seed).in_range(lo, hi), want);
            }
        }
    }
}
