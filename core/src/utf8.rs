//! Bytes to text with every invalid UTF-8 sequence replaced by U+FFFD.

/// `String::from_utf8_lossy(bytes).into_owned()`, written with `str::from_utf8`: std's version
/// brings its own UTF-8 chunk decoder (`Utf8Chunks`, about 1 KB of WebAssembly, issue 6's size
/// budget) next to the validator core links anyway. The replacement rule is the same: each
/// maximal invalid subsequence (`Utf8Error::error_len`, Unicode's "substitution of maximal
/// subparts") becomes one U+FFFD, and a sequence cut off by the end becomes one U+FFFD.
pub(crate) fn lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(error) => {
                let (valid, rest) = bytes
                    .split_at_checked(error.valid_up_to())
                    .unwrap_or_default();
                // The prefix before the error is valid UTF-8: this cannot fail.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                match error.error_len() {
                    Some(len) => bytes = rest.get(len..).unwrap_or_default(),
                    None => return out,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::lossy;
    use proptest::prelude::*;

    #[test]
    fn replacements_as_std_makes_them() {
        for bytes in [
            &b""[..],
            b"plain",
            "é日😀".as_bytes(),
            b"\xff",
            b"a\xffb",
            b"\xe6\x97",
            b"a\xe6\x97",
            b"\xf0\x9f\x98",
            b"\xed\xa0\x80",
            b"\xc0\xaf",
            b"\xf4\x90\x80\x80",
            b"\x80\x80\x80",
        ] {
            assert_eq!(lossy(bytes), String::from_utf8_lossy(bytes), "{bytes:?}");
        }
    }

    proptest! {
        #[test]
        fn same_as_std(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(lossy(&bytes), String::from_utf8_lossy(&bytes).into_owned());
        }

        /// Mostly valid text with a few bytes flipped: the usual shape of a damaged body.
        #[test]
        fn same_as_std_on_damaged_text(
            text in "[a-zé日😀 ]{0,24}",
            flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        ) {
            let mut bytes = text.into_bytes();
            for (at, b) in flips {
                if !bytes.is_empty() {
                    let i = at.index(bytes.len());
                    bytes[i] = b;
                }
            }
            prop_assert_eq!(lossy(&bytes), String::from_utf8_lossy(&bytes).into_owned());
        }
    }
}
