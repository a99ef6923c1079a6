//! Cache benchmarks: a fresh hit with 1, 10,000 and 100,000 keys (goal ≤ 100 ns per hit), and the
//! memory held per entry, measured with a counting global allocator.
//!
//! Run: `cargo bench -p tokensmith --bench cache` (figures in docs/benchmarks.md).

use criterion::{black_box, BenchmarkId, Criterion, Throughput};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use tokensmith::cache::{CacheConfig, CacheKey, Lookup, LookupOptions, TokenCache};
use tokensmith::token::ExpirySource;
use tokensmith::{ClientAuthMethod, RefreshExpiry, Secret, Token, UnixMillis};

/// Counts the bytes currently allocated, to measure what the cache holds.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const NOW: UnixMillis = UnixMillis(1_700_000_000_000);

/// A realistic key: URL, client id, two scopes, an audience.
fn key(i: usize) -> CacheKey {
    CacheKey::builder(
        "https://login.example.com/oauth2/v2.0/token",
        format!("client-{i:08}"),
        ClientAuthMethod::ClientSecretBasic,
        "client_credentials",
    )
    .scopes(["api://orders/.default", "offline_access"])
    .audience(Some("https://api.example.com"))
    .build()
}

/// A realistic token: a ~900-byte JWT access token, a refresh token, one scope.
fn token() -> Token {
    Token {
        access_token: Secret::new("e".repeat(900)),
        token_type: "Bearer".into(),
        issued_at: NOW,
        expires_at: NOW.plus_secs(3600),
        expiry_source: ExpirySource::ExpiresIn,
        refresh_token: Some(Secret::new("r".repeat(64))),
        refresh_expiry: RefreshExpiry::Unknown,
        scope: Some(vec!["api://orders/.default".into()]),
        id_token: None,
        extra: Default::default(),
    }
}

fn filled(n: usize) -> (TokenCache, Vec<CacheKey>) {
    let cache = TokenCache::new(CacheConfig {
        capacity: n.max(1),
        jitter_seed: Some(1),
        ..CacheConfig::default()
    });
    let keys: Vec<CacheKey> = (0..n).map(key).collect();
    for k in &keys {
        cache.insert(k, token(), NOW);
    }
    (cache, keys)
}

fn bench_hits(c: &mut Criterion) {
    let mut group = c.benchmark_group("cache_hit");
    group.throughput(Throughput::Elements(1));
    for n in [1usize, 10_000, 100_000] {
        let (cache, keys) = filled(n);
        let options = LookupOptions::default();
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            // Walk the keys with a stride coprime to n so successive hits touch different
            // entries (no single hot cache line).
            let stride = 7_919 % n.max(1) + 1;
            let mut i = 0usize;
            b.iter(|| {
                i = (i + stride) % n;
                match cache.lookup(black_box(&keys[i]), black_box(NOW.plus_secs(1)), options) {
                    Lookup::Fresh(t) => black_box(t),
                    _ => unreachable!("benchmark keys are always fresh"),
                }
            })
        });
    }
    group.finish();
    // The same, probing with keys built separately (equal, but not the caller's shared key), so
    // equality has to compare the strings: the cost for a binding that rebuilds its key per call.
    let mut group = c.benchmark_group("cache_hit_rebuilt_key");
    group.throughput(Throughput::Elements(1));
    for n in [1usize, 10_000, 100_000] {
        let (cache, _) = filled(n);
        let probes: Vec<CacheKey> = (0..n).map(key).collect();
        let options = LookupOptions::default();
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            let stride = 7_919 % n.max(1) + 1;
            let mut i = 0usize;
            b.iter(|| {
                i = (i + stride) % n;
                match cache.lookup(black_box(&probes[i]), black_box(NOW.plus_secs(1)), options) {
                    Lookup::Fresh(t) => black_box(t),
                    _ => unreachable!("benchmark keys are always fresh"),
                }
            })
        });
    }
    group.finish();
}

/// Bytes held per entry: the key (the cache holds the only reference), the entry, the
/// `Arc<Token>` with its strings, and the hash map's share (amortised growth included).
fn report_memory() {
    let token_heap = {
        let b = LIVE_BYTES.load(Ordering::SeqCst);
        let t = token();
        let a = LIVE_BYTES.load(Ordering::SeqCst);
        drop(t);
        a - b
    };
    let key_heap = {
        let b = LIVE_BYTES.load(Ordering::SeqCst);
        let k = key(0);
        let a = LIVE_BYTES.load(Ordering::SeqCst);
        drop(k);
        a - b
    };
    for n in [10_000usize, 100_000] {
        let before = LIVE_BYTES.load(Ordering::SeqCst);
        let cache = TokenCache::new(CacheConfig {
            capacity: n,
            jitter_seed: Some(1),
            ..CacheConfig::default()
        });
        for i in 0..n {
            cache.insert(&key(i), token(), NOW);
        }
        let after = LIVE_BYTES.load(Ordering::SeqCst);
        let per_entry = (after - before) / n as isize;
        println!(
            "cache_memory/{n}: {per_entry} bytes per entry in total; of these the token's own \
             allocations are {token_heap} bytes (900-byte access token, 64-byte refresh token) \
             and the key's {key_heap} bytes, the rest ({} bytes) is the entry, the Arc headers \
             and the hash map's share",
            per_entry - token_heap - key_heap,
        );
        drop(cache);
    }
}

fn main() {
    report_memory();
    let mut c = Criterion::default().configure_from_args();
    bench_hits(&mut c);
    c.final_summary();
}
