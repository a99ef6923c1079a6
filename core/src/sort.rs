//! Heapsort, for the few places core sorts.
//!
//! `sort_unstable` instantiates a pattern-defeating quicksort with its small-sort networks, about
//! 3 KB of WebAssembly per element type; this is a few hundred bytes and still O(n log n) in
//! every case (issue 6's size budget). Not stable: callers that need an order among equal
//! elements put it in `less`.

/// Sorts `v` so that `less(a, b)` never holds for `a` after `b`.
pub(crate) fn heapsort_by<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = v.len();
    heapsort(&mut ByFn { v, less }, n);
}

/// What the sort sees of a slice: compare and swap by position. The sort itself (`heapsort`)
/// takes it as `dyn`, so the WebAssembly module has one copy of it; each element type adds only
/// its comparison and swap (a generic sort was a copy per type; issue 6's size budget).
trait Items {
    fn less(&self, a: usize, b: usize) -> bool;
    fn swap(&mut self, a: usize, b: usize);
}

struct ByFn<'a, T, F> {
    v: &'a mut [T],
    less: F,
}

impl<T, F: Fn(&T, &T) -> bool> Items for ByFn<'_, T, F> {
    fn less(&self, a: usize, b: usize) -> bool {
        (self.less)(&self.v[a], &self.v[b])
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.v.swap(a, b);
    }
}

/// Heapsort of the `n` items.
fn heapsort(items: &mut dyn Items, n: usize) {
    for node in (0..n / 2).rev() {
        sift_down(items, node, n);
    }
    for end in (1..n).rev() {
        items.swap(0, end);
        sift_down(items, 0, end);
    }
}

/// Moves `node` down the max-heap of the first `end` items until neither child is greater.
fn sift_down(items: &mut dyn Items, mut node: usize, end: usize) {
    loop {
        let mut child = 2 * node + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && items.less(child, child + 1) {
            child += 1;
        }
        if !items.less(node, child) {
            return;
        }
        items.swap(node, child);
        node = child;
    }
}

/// For each item, whether no equal item comes before it (its first occurrence), in O(n log n).
/// Used to drop repeats while keeping the order, instead of a `HashSet`: that brings SipHash and
/// one more hashbrown instance into the WebAssembly module (issue 6's size budget).
pub(crate) fn first_occurrences<T: Ord>(items: &[T]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    // By value, then by position: among equal items the earliest comes first.
    heapsort_by(&mut order, |&a, &b| (&items[a], a) < (&items[b], b));
    let mut first = vec![false; items.len()];
    for (i, &index) in order.iter().enumerate() {
        first[index] = i == 0 || items[order[i - 1]] != items[index];
    }
    first
}

#[cfg(test)]
mod tests {
    use super::{first_occurrences, heapsort_by};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_std(mut v in prop::collection::vec(any::<u16>(), 0..200)) {
            let mut want = v.clone();
            want.sort_unstable();
            heapsort_by(&mut v, |a, b| a < b);
            prop_assert_eq!(v, want);
        }

        #[test]
        fn first_occurrences_like_a_hash_set(v in prop::collection::vec("[abc]{0,2}", 0..40)) {
            let mut seen = std::collections::HashSet::new();
            let want: Vec<bool> = v.iter().map(|s| seen.insert(s.clone())).collect();
            prop_assert_eq!(first_occurrences(&v), want);
        }
    }
}
