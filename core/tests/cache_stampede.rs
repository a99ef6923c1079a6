//! Native stampede: 64 threads on a cold key cause exactly one fetch and share its result.

mod cache_support;

use cache_support::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use tokensmith::cache::{BlockingIo, CacheKey, FetchPlan, Lookup, TokenCache};
use tokensmith::{Error, Token, UnixMillis};

const THREADS: usize = 64;

struct Io<'a> {
    cache: &'a TokenCache,
    fetches: AtomicUsize,
    fail: bool,
}

impl BlockingIo for Io<'_> {
    fn now(&self) -> UnixMillis {
        at(0)
    }
    fn sleep_ms(&self, _ms: i64) {}
    fn fetch(&self, _key: &CacheKey, plan: &FetchPlan) -> tokensmith::Result<Token> {
        assert_eq!(plan, &FetchPlan::Primary);
        self.fetches.fetch_add(1, Ordering::SeqCst);
        // Hold the fetch until every other thread has joined it as a waiter, so the test does
        // not depend on scheduling (bounded, so a bug fails the test instead of hanging it).
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.cache.stats().coalesced < (THREADS - 1) as u64 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        if self.fail {
            Err(oauth("invalid_scope", 400, None))
        } else {
            Ok(token("at-stampede", 0, 3_600_000))
        }
    }
}

fn stampede(fail: bool) -> (TokenCache, Vec<tokensmith::cache::Outcome>, usize) {
    let c = cache();
    let k = key("cold");
    let io = Io {
        cache: &c,
        fetches: AtomicUsize::new(0),
        fail,
    };
    let barrier = Barrier::new(THREADS);
    let outcomes = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    c.get_blocking(&k, opts(), &io)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect::<Vec<_>>()
    });
    let n = io.fetches.load(Ordering::SeqCst);
    (c, outcomes, n)
}

#[test]
fn sixty_four_threads_one_fetch_same_token() {
    let (c, outcomes, fetches) = stampede(false);
    assert_eq!(fetches, 1);
    let first = outcomes[0].as_ref().expect("token").clone();
    for o in &outcomes {
        assert!(Arc::ptr_eq(o.as_ref().expect("token"), &first));
    }
    assert_eq!(access(&first), "at-stampede");
    let s = c.stats();
    assert_eq!((s.fetches, s.coalesced), (1, (THREADS - 1) as u64));
    assert!(matches!(
        c.lookup(&key("cold"), at(1), opts()),
        Lookup::Fresh(_)
    ));
}

#[test]
fn sixty_four_threads_one_failing_fetch_same_error_then_fetchable_again() {
    let (c, outcomes, fetches) = stampede(true);
    assert_eq!(fetches, 1);
    let first: Arc<Error> = outcomes[0].as_ref().expect_err("error").clone();
    assert_eq!(first.code(), "invalid_scope");
    for o in &outcomes {
        assert!(Arc::ptr_eq(o.as_ref().expect_err("error"), &first));
    }
    assert!(matches!(
        c.lookup(&key("cold"), at(1), opts()),
        Lookup::Fetch(_)
    ));
}
