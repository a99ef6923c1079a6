//! A result that one party settles once and any number of others read or block for: the shared
//! part of the token cache's single flight (`cache::single_flight`) and of the JWK Set fetch
//! (`jwt::jwks_flight`). Only `Mutex` and `Condvar`: no clock, no thread of its own.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Locks ignoring poison: the data behind these locks is updated in single assignments, so a
/// panic elsewhere cannot leave it half-written.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) struct SettleSlot<T> {
    result: Mutex<Option<T>>,
    settled: Condvar,
}

impl<T: Clone> SettleSlot<T> {
    pub(crate) fn new() -> Self {
        SettleSlot {
            result: Mutex::new(None),
            settled: Condvar::new(),
        }
    }

    /// Records `result` if none was recorded yet and wakes every blocked reader; `false` (and
    /// nothing changes) when the slot was already settled.
    pub(crate) fn settle(&self, result: T) -> bool {
        let mut slot = lock(&self.result);
        if slot.is_some() {
            return false;
        }
        *slot = Some(result);
        self.settled.notify_all();
        true
    }

    /// The result if settled, without blocking.
    pub(crate) fn get(&self) -> Option<T> {
        lock(&self.result).clone()
    }

    /// Blocks the calling thread until the slot is settled.
    pub(crate) fn wait(&self) -> T {
        let mut guard = lock(&self.result);
        loop {
            if let Some(result) = guard.as_ref() {
                return result.clone();
            }
            guard = self.settled.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Blocks for at most `timeout`; `None` if the slot is still unsettled.
    pub(crate) fn wait_timeout(&self, timeout: Duration) -> Option<T> {
        let guard = lock(&self.result);
        let (guard, _) = self
            .settled
            .wait_timeout_while(guard, timeout, |r| r.is_none())
            .unwrap_or_else(|p| p.into_inner());
        guard.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_first_result_wins_and_wakes_a_blocked_reader() {
        let slot = Arc::new(SettleSlot::<u32>::new());
        assert_eq!(slot.get(), None);
        assert_eq!(slot.wait_timeout(Duration::from_millis(1)), None);
        let reader = {
            let slot = slot.clone();
            std::thread::spawn(move || slot.wait())
        };
        assert!(slot.settle(7));
        assert!(!slot.settle(8));
        assert_eq!(reader.join().unwrap(), 7);
        assert_eq!(slot.get(), Some(7));
        assert_eq!(slot.wait_timeout(Duration::from_millis(1)), Some(7));
    }
}
