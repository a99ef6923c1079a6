//! JSON objects: members kept sorted by name.

use super::Value;

/// A JSON object. Members are kept sorted by name (byte order), the iteration order of
/// serde_json's default map, which exports, `Token::extra` and the bindings relied on; a name
/// appears once (inserting it again replaces the value).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    entries: Vec<(String, Value)>,
}

impl Map {
    pub fn new() -> Self {
        Map::default()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Members in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Compact JSON text of the object.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        super::write::write_map(&mut out, self);
        out
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Map {
    /// A map of `entries` in any order; of a repeated name the last entry wins. Sorting once
    /// keeps this O(n log n) (inserting one by one into the sorted vector would be O(n²), which
    /// a large response body must not be able to trigger).
    pub(super) fn from_entries(entries: Vec<(String, Value)>) -> Self {
        let mut numbered: Vec<Numbered> = Vec::with_capacity(entries.len());
        // Loops rather than iterator adapters here and below: the same work in less wasm.
        for (i, (k, v)) in entries.into_iter().enumerate() {
            numbered.push((k, i, v));
        }
        sort_numbered(&mut numbered);
        Map::from_sorted(numbered)
    }

    /// A map of entries sorted by [`sort_numbered`]; of a repeated name the one with the
    /// highest number (the last) is kept.
    pub(super) fn from_sorted(mut numbered: Vec<Numbered>) -> Self {
        numbered.dedup_by(|later_in_order, kept| later_in_order.0 == kept.0);
        let mut entries = Vec::with_capacity(numbered.len());
        for (k, _, v) in numbered {
            entries.push((k, v));
        }
        Map { entries }
    }
}

/// A member with its position in the input (any increasing number).
pub(super) type Numbered = (String, usize, Value);

/// Sorts by name, and within a name the highest number first (heapsort: O(n log n) in every
/// case, small code; see `crate::sort`).
pub(super) fn sort_numbered(members: &mut [Numbered]) {
    crate::sort::heapsort_by(members, |a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).is_lt());
}

/// In members sorted by [`sort_numbered`]: the position of the first repetition of a name in
/// input order (the second occurrence of the name repeated earliest), if any.
pub(super) fn first_repetition(sorted: &[Numbered]) -> Option<usize> {
    sorted
        .windows(2)
        .filter(|pair| pair[0].0 == pair[1].0)
        .map(|pair| pair[0].1)
        .min()
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Map::from_entries(iter.into_iter().collect())
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;

    /// The member's value; panics when absent (like serde_json's map).
    fn index(&self, key: &str) -> &Value {
        self.get(key).expect("no such member in the JSON object")
    }
}
