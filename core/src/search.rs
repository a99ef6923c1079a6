//! Substring search for the few places core looks for a word in text.
//!
//! `str::contains` / `split_once` with a `&str` pattern bring std's Two-Way searcher (~2.5 KB of
//! WebAssembly, issue 6's size budget); the needles here are short constants and the haystacks
//! short headers or key text, where a plain scan is as fast.

/// The byte offset of the first `needle` in `haystack`.
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// `haystack` split around the first `needle`, like `str::split_once`.
pub(crate) fn split_once<'a>(haystack: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    // `find` matches whole UTF-8 sequences of `needle`, so both offsets are char boundaries and
    // `get` always succeeds; unlike `&haystack[..at]` it links no slicing panic (whose message
    // brings std's Unicode tables into the WebAssembly module).
    let at = find(haystack, needle)?;
    Some((haystack.get(..at)?, haystack.get(at + needle.len()..)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn agrees_with_std(haystack in "[ab:/é]{0,12}", needle in "[ab:/é]{0,3}") {
            prop_assert_eq!(find(&haystack, &needle), haystack.find(needle.as_str()));
            prop_assert_eq!(split_once(&haystack, &needle), haystack.split_once(needle.as_str()));
        }
    }
}
