//! Soak of the core cache engine (issue 9; `just soak`, see `bench/soak/README.md`): many threads
//! call `TokenCache::get_blocking` on a few keys for a long time, with short-lived tokens from a
//! fake fetch that sleeps like a network round trip. Reports, per key, how many requests were
//! sent per token lifetime and whether any was redundant, the errors, call latency percentiles,
//! and the process RSS before and after.
//!
//! Environment: `SOAK_THREADS` (64), `SOAK_CALLS` per thread (100000), `SOAK_KEYS` (4),
//! `SOAK_LIFETIME_MS` (1000), `SOAK_FETCH_MS` (5, the fake round trip), `SOAK_SECONDS` (20: each
//! thread spreads its calls evenly over this time, so the run spans many token lifetimes),
//! `SOAK_MAX_SECONDS` (150, a bound: threads stop early when it is reached).
//!
//! Run: `cargo run --release -p tokensmith --example soak`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokensmith::cache::{
    BlockingIo, CacheConfig, CacheKey, FetchPlan, LookupOptions, TokenCache, JITTER_PERCENT,
    REFRESH_AT_PERCENT,
};
use tokensmith::token::ExpirySource;
use tokensmith::{ClientAuthMethod, RefreshExpiry, Secret, Token, UnixMillis};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn wall_clock() -> UnixMillis {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    UnixMillis(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// Resident set size of this process in KiB (Linux `/proc/self/status`).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The fake token endpoint: sleeps `fetch_ms`, issues a token valid `lifetime_ms`, and records
/// when each key was fetched and how many fetches of one key ran at once.
struct FakeEndpoint {
    lifetime_ms: i64,
    fetch_ms: u64,
    /// When each key's requests started, in milliseconds of a monotonic clock: the wall clock
    /// of a VM can step, which would fake or hide a short gap.
    fetches: Mutex<HashMap<String, Vec<i64>>>,
    epoch: Instant,
    in_flight: Mutex<HashMap<String, i64>>,
    max_in_flight: AtomicI64,
    serial: AtomicU64,
}

impl BlockingIo for FakeEndpoint {
    fn now(&self) -> UnixMillis {
        wall_clock()
    }

    fn sleep_ms(&self, ms: i64) {
        std::thread::sleep(Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
    }

    fn fetch(&self, key: &CacheKey, _plan: &FetchPlan) -> tokensmith::Result<Token> {
        let name = key.client_id().to_owned();
        let started = wall_clock();
        {
            let mut f = self.in_flight.lock().unwrap();
            let n = f.entry(name.clone()).or_insert(0);
            *n += 1;
            self.max_in_flight.fetch_max(*n, Ordering::Relaxed);
        }
        self.fetches
            .lock()
            .unwrap()
            .entry(name.clone())
            .or_default()
            .push(i64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(i64::MAX));
        std::thread::sleep(Duration::from_millis(self.fetch_ms));
        *self.in_flight.lock().unwrap().get_mut(&name).unwrap() -= 1;
        let n = self.serial.fetch_add(1, Ordering::Relaxed);
        Ok(Token {
            access_token: Secret::new(format!("soak-token-{n}")),
            token_type: "Bearer".into(),
            // RFC 6749 §5.1: expires_in counts from the response; the request's send time is the
            // conservative issue time, as the bindings use.
            issued_at: started,
            expires_at: started.plus_millis(self.lifetime_ms),
            expiry_source: ExpirySource::ExpiresIn,
            refresh_token: None,
            refresh_expiry: RefreshExpiry::Unknown,
            scope: None,
            id_token: None,
            extra: Default::default(),
        })
    }
}

/// Latency histogram with 16 buckets per power of two (≤ 6 % relative error): no per-call
/// allocation, so the benchmark's own memory does not blur the RSS reading.
const BUCKETS: usize = 64 * 16;

fn bucket(ns: u64) -> usize {
    if ns < 16 {
        return ns as usize;
    }
    let exp = 63 - ns.leading_zeros() as usize;
    let mantissa = ((ns >> (exp - 4)) & 15) as usize;
    (exp - 3) * 16 + mantissa
}

/// The lower bound of bucket `b`, in nanoseconds.
fn bucket_floor(b: usize) -> u64 {
    if b < 16 {
        return b as u64;
    }
    let (exp, mantissa) = (b / 16 + 3, (b % 16) as u64);
    (16 + mantissa) << (exp - 4)
}

fn percentile(histogram: &[u64], p: f64) -> u64 {
    let total: u64 = histogram.iter().sum();
    let target = ((total as f64) * p).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (b, &n) in histogram.iter().enumerate() {
        seen += n;
        if seen >= target {
            return bucket_floor(b);
        }
    }
    0
}

fn main() {
    let threads = env("SOAK_THREADS", 64) as usize;
    let calls = env("SOAK_CALLS", 100_000);
    let keys = env("SOAK_KEYS", 4) as usize;
    let lifetime_ms = env("SOAK_LIFETIME_MS", 1000) as i64;
    let max_seconds = env("SOAK_MAX_SECONDS", 150);
    let pace = Duration::from_secs(env("SOAK_SECONDS", 20)).as_secs_f64() / calls.max(1) as f64;
    let io = Arc::new(FakeEndpoint {
        lifetime_ms,
        fetch_ms: env("SOAK_FETCH_MS", 5),
        fetches: Mutex::new(HashMap::new()),
        epoch: Instant::now(),
        in_flight: Mutex::new(HashMap::new()),
        max_in_flight: AtomicI64::new(0),
        serial: AtomicU64::new(0),
    });
    let cache = TokenCache::new(CacheConfig::default());
    let key_list: Vec<CacheKey> = (0..keys)
        .map(|i| {
            CacheKey::builder(
                "https://as.example/token",
                format!("soak-client-{i}"),
                ClientAuthMethod::ClientSecretBasic,
                "client_credentials",
            )
            .build()
        })
        .collect();
    let options = LookupOptions {
        primary_grant_available: true,
        ..LookupOptions::default()
    };

    let deadline = Instant::now() + Duration::from_secs(max_seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    // One round: every thread makes `calls` calls, call i due at i * pace.
    let round = |calls: u64, pace: f64| -> (Vec<u64>, Duration) {
        let started = Instant::now();
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (cache, io, keys, stop, errors) = (
                    cache.clone(),
                    io.clone(),
                    key_list.clone(),
                    stop.clone(),
                    errors.clone(),
                );
                std::thread::spawn(move || {
                    let mut latencies = vec![0u64; BUCKETS];
                    for i in 0..calls {
                        if i % 1024 == 0
                            && (stop.load(Ordering::Relaxed) || Instant::now() > deadline)
                        {
                            stop.store(true, Ordering::Relaxed);
                            break;
                        }
                        // Paced: sleep when more than 1 ms ahead of schedule.
                        let due = Duration::from_secs_f64(pace * i as f64);
                        let now = started.elapsed();
                        if due > now + Duration::from_millis(1) {
                            std::thread::sleep(due - now);
                        }
                        let key = &keys[(t + i as usize) % keys.len()];
                        let t0 = Instant::now();
                        let outcome = cache.get_blocking(key, options, io.as_ref());
                        let ns = u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX);
                        latencies[bucket(ns).min(BUCKETS - 1)] += 1;
                        match outcome {
                            Ok(token) if token.expires_at > wall_clock() => {}
                            _ => {
                                errors.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies = vec![0u64; BUCKETS];
        for h in handles {
            for (total, n) in latencies.iter_mut().zip(h.join().expect("soak thread")) {
                *total += n;
            }
        }
        (latencies, started.elapsed())
    };

    // Warm-up round (the same calls, four times faster: threads, allocator arenas and the cache
    // at their working size) before the first RSS reading, so that "before" is the steady state
    // and "after" shows growth, if any.
    drop(round(calls, pace / 4.0));
    io.fetches.lock().unwrap().clear();
    errors.store(0, Ordering::Relaxed);
    let rss_before = rss_kib();
    let (latencies, elapsed) = round(calls, pace);
    let rss_after = rss_kib();
    let total_calls: u64 = latencies.iter().sum();

    // Requests per key per token lifetime. With refresh-ahead at REFRESH_AT_PERCENT ± JITTER the
    // steady state is one request every 70-80 % of a lifetime; a gap shorter than the earliest
    // refresh point would be a redundant request (two requests for one token generation).
    let earliest_refresh_ms = lifetime_ms * (REFRESH_AT_PERCENT - JITTER_PERCENT) / 100;
    let fetches = io.fetches.lock().unwrap();
    let lifetimes = elapsed.as_millis() as f64 / lifetime_ms as f64;
    println!(
        "rust core soak: {threads} threads x {calls} calls, {keys} keys, {lifetime_ms} ms tokens, \
         fake fetch {} ms",
        io.fetch_ms
    );
    println!(
        "calls: {} in {:.1} s ({:.0} calls/s); errors: {}",
        total_calls,
        elapsed.as_secs_f64(),
        total_calls as f64 / elapsed.as_secs_f64(),
        errors.load(Ordering::Relaxed)
    );
    let mut redundant = 0;
    for k in &key_list {
        let times = fetches.get(k.client_id()).cloned().unwrap_or_default();
        let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        let short = gaps.iter().filter(|&&g| g < earliest_refresh_ms).count();
        redundant += short;
        println!(
            "key {}: {} requests over {:.1} lifetimes = {:.2} per lifetime; gap min {} ms, \
             redundant (gap < {} ms) {}",
            k.client_id(),
            times.len(),
            lifetimes,
            times.len() as f64 / lifetimes.max(1.0),
            gaps.iter().min().copied().unwrap_or(0),
            earliest_refresh_ms,
            short
        );
    }
    println!(
        "max concurrent requests for one key: {}; redundant requests: {redundant}",
        io.max_in_flight.load(Ordering::Relaxed)
    );
    println!(
        "latency: p50 {:.2} us, p99 {:.2} us, p99.99 {:.2} ms",
        percentile(&latencies, 0.50) as f64 / 1e3,
        percentile(&latencies, 0.99) as f64 / 1e3,
        percentile(&latencies, 0.9999) as f64 / 1e6
    );
    println!("RSS: {rss_before} KiB before, {rss_after} KiB after");
}
