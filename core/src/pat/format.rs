//! The personal access token format (see `docs/pat-format.md`):
//!
//! ```text
//! {prefix}_{30 random base62 characters}{6 base62 characters of CRC-32(random part)}
//! ```
//!
//! Prefix `[a-z]{2,10}` chosen by the issuer; alphabet `0-9A-Za-z`. The `_` keeps a double-click
//! selecting the whole token (it is a word character), and prefix + fixed length + checksum let
//! secret scanners find tokens with few false positives.

use super::checksum::crc32;
use super::error::PatError;

/// The base62 alphabet, in this order: `0-9`, then `A-Z`, then `a-z`.
pub const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Random characters: 30 × log2(62) ≈ 178.6 bits of entropy (the issue requires ≥ 178).
pub const RANDOM_LEN: usize = 30;
/// Checksum characters: 62^6 ≈ 5.7 × 10^10 > 2^32, so six base62 digits hold any CRC-32.
pub const CHECKSUM_LEN: usize = 6;
/// Length of the part after `_`.
pub const BODY_LEN: usize = RANDOM_LEN + CHECKSUM_LEN;
/// Prefix length bounds: 2 letters leave room for meaning ("tk"), 10 keep tokens short.
pub const MIN_PREFIX_LEN: usize = 2;
pub const MAX_PREFIX_LEN: usize = 10;

/// A token split into its parts. Borrowed from the input; holds no copy of the secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ParsedPat<'a> {
    pub prefix: &'a str,
    pub random: &'a str,
    pub checksum: &'a str,
}

impl std::fmt::Debug for ParsedPat<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedPat")
            .field("prefix", &self.prefix)
            .field("random", &crate::secret::REDACTED)
            .finish_non_exhaustive()
    }
}

/// True when `prefix` is 2 to 10 ASCII lowercase letters.
pub fn is_valid_prefix(prefix: &str) -> bool {
    (MIN_PREFIX_LEN..=MAX_PREFIX_LEN).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_lowercase())
}

/// The six base62 checksum characters of a random part: CRC-32 as a big-endian base62 number,
/// left-padded with `0`.
pub fn checksum_chars(random: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut value = u64::from(crc32(random));
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        // `value % 62` is below 62, so the lookup cannot miss.
        *slot = ALPHABET.get((value % 62) as usize).copied().unwrap_or(b'0');
        value /= 62;
    }
    out
}

/// Splits and checks a token. `expected_prefix`, when given, must match exactly.
///
/// Checks, in order: ASCII only ([`PatError::NonAscii`]), no whitespace ([`PatError::Whitespace`]),
/// a `_` ([`PatError::MissingSeparator`]), the prefix ([`PatError::InvalidPrefix`],
/// [`PatError::WrongPrefix`]), the body length ([`PatError::Length`]), the alphabet
/// ([`PatError::Alphabet`]), the checksum ([`PatError::Checksum`]).
pub fn parse<'a>(token: &'a str, expected_prefix: Option<&str>) -> Result<ParsedPat<'a>, PatError> {
    if !token.is_ascii() {
        return Err(PatError::NonAscii);
    }
    if token.bytes().any(|b| b.is_ascii_whitespace()) {
        return Err(PatError::Whitespace);
    }
    let (prefix, body) = token.split_once('_').ok_or(PatError::MissingSeparator)?;
    if !is_valid_prefix(prefix) {
        return Err(PatError::InvalidPrefix);
    }
    if expected_prefix.is_some_and(|p| p != prefix) {
        return Err(PatError::WrongPrefix);
    }
    if body.len() != BODY_LEN {
        return Err(PatError::Length);
    }
    if !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(PatError::Alphabet);
    }
    // The body is ASCII of length BODY_LEN, so this split always succeeds. The checked form keeps
    // `str` slicing's panic path (and the Unicode tables its message needs) out of the
    // WebAssembly module.
    let (random, checksum) = body.split_at_checked(RANDOM_LEN).ok_or(PatError::Length)?;
    if checksum.as_bytes() != checksum_chars(random.as_bytes()) {
        return Err(PatError::Checksum);
    }
    Ok(ParsedPat {
        prefix,
        random,
        checksum,
    })
}

/// The offline pre-filter for scanners and cheap rejection: a well-formed token whose checksum
/// matches. NOT authentication: anyone can compute a CRC.
pub fn checksum_ok(token: &str) -> bool {
    parse(token, None).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> String {
        let random = "abcdefghijABCDEFGHIJ0123456789";
        let sum = checksum_chars(random.as_bytes());
        format!("tsm_{random}{}", std::str::from_utf8(&sum).unwrap())
    }

    #[test]
    fn alphabet_is_base62_in_order() {
        assert_eq!(ALPHABET.len(), 62);
        assert!(ALPHABET.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn checksum_encoding() {
        // crc32("") = 0 → "000000"; crc32("a") = 0xE8B7BE43 = 3904355907.
        assert_eq!(&checksum_chars(b""), b"000000");
        let mut v: u64 = 3_904_355_907;
        let mut digits = Vec::new();
        for _ in 0..6 {
            digits.push(ALPHABET[(v % 62) as usize]);
            v /= 62;
        }
        digits.reverse();
        assert_eq!(checksum_chars(b"a").to_vec(), digits);
    }

    #[test]
    fn parses_valid_token() {
        let t = valid();
        let p = parse(&t, Some("tsm")).unwrap();
        assert_eq!(p.prefix, "tsm");
        assert_eq!(p.random.len(), RANDOM_LEN);
        assert!(checksum_ok(&t));
        assert!(!format!("{p:?}").contains("abcdef"));
    }

    #[test]
    fn each_malformed_kind() {
        let t = valid();
        let cases: Vec<(String, PatError)> = vec![
            (t.replacen('a', "а", 1), PatError::NonAscii), // Cyrillic a
            (format!("{t}\n"), PatError::Whitespace),
            (format!("{t} "), PatError::Whitespace),
            (t.replace('_', ""), PatError::MissingSeparator),
            (t.replacen("tsm", "TSM", 1), PatError::InvalidPrefix),
            (t.replacen("tsm", "t", 1), PatError::InvalidPrefix),
            (t.replacen("tsm", "abcdefghijk", 1), PatError::InvalidPrefix),
            (t.replacen("tsm", "ghp", 1), PatError::WrongPrefix),
            (t[..t.len() - 1].to_owned(), PatError::Length),
            (format!("{t}0"), PatError::Length),
            (t.replacen('b', "-", 1), PatError::Alphabet),
            (t.replacen('b', "_", 1), PatError::Alphabet),
            (t.replacen('b', "c", 1), PatError::Checksum),
        ];
        for (token, want) in cases {
            assert_eq!(parse(&token, Some("tsm")).unwrap_err(), want, "{token:?}");
        }
    }
}
