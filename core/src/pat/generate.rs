//! Generating tokens: all random bytes from one `getrandom` call, mapped to base62 by rejection
//! sampling so every character is exactly uniform (no modulo bias).

use super::error::PatError;
use super::format::{checksum_chars, is_valid_prefix, ALPHABET, BODY_LEN, RANDOM_LEN};
use crate::secret::Secret;
use zeroize::Zeroizing;

/// Bytes below this are kept: 248 = 4 × 62 is the largest multiple of 62 that fits in a byte, so
/// `byte % 62` is uniform over the kept bytes. A byte is kept with probability 248/256 = 31/32.
const ACCEPT_BELOW: u8 = 248;

/// Bytes drawn per `getrandom` call. 30 characters are needed; with 48 draws, 30 or more are kept
/// unless 19 or more of 48 bytes are rejected, which happens with probability ≈ 1.2 × 10^-16
/// (binomial, p = 1/32). So one call suffices in practice, and the loop below draws again only in
/// that case, keeping the output exactly uniform.
const DRAW_LEN: usize = 48;

/// A new token `{prefix}_{30 random}{6 checksum}`. The prefix must be `[a-z]{2,10}`.
pub fn generate(prefix: &str) -> Result<Secret, PatError> {
    if !is_valid_prefix(prefix) {
        return Err(PatError::InvalidPrefix);
    }
    let random = random_base62::<RANDOM_LEN>()?;
    let mut token = String::with_capacity(prefix.len() + 1 + BODY_LEN);
    token.push_str(prefix);
    token.push('_');
    for &b in random.iter().chain(checksum_chars(&random[..]).iter()) {
        token.push(char::from(b));
    }
    Ok(Secret::new(token))
}

/// `N` uniformly random base62 characters (used for tokens and for record ids).
pub(crate) fn random_base62<const N: usize>() -> Result<Zeroizing<[u8; N]>, PatError> {
    let mut out = Zeroizing::new([0u8; N]);
    let mut filled = 0;
    let mut buf = Zeroizing::new([0u8; DRAW_LEN]);
    while filled < N {
        getrandom::fill(&mut buf[..]).map_err(|_| PatError::RandomUnavailable)?;
        for &byte in buf.iter().filter(|&&b| b < ACCEPT_BELOW) {
            let Some(slot) = out.get_mut(filled) else {
                break;
            };
            *slot = ALPHABET
                .get(usize::from(byte % 62))
                .copied()
                .unwrap_or(b'0');
            filled += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::format::{checksum_ok, parse};
    use super::*;

    #[test]
    fn generated_tokens_parse_and_differ() {
        let a = generate("tsm").unwrap();
        let b = generate("tsm").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 1 + 36);
        assert!(checksum_ok(a.expose_secret()));
        assert!(parse(a.expose_secret(), Some("tsm")).is_ok());
    }

    #[test]
    fn bad_prefix_is_refused() {
        for p in ["", "a", "ABC", "abc_", "abcdefghijk", "äb"] {
            assert_eq!(generate(p).unwrap_err(), PatError::InvalidPrefix, "{p}");
        }
    }

    #[test]
    fn characters_are_roughly_uniform() {
        // 2000 tokens × 30 chars = 60 000 draws, ~968 per symbol; a modulo-biased or broken
        // mapping (e.g. never producing 'z') pushes some count far outside 700..1250
        // (> 8 standard deviations from the mean, so this test does not flake).
        let mut counts = [0u32; 62];
        for _ in 0..2000 {
            for &b in random_base62::<30>().unwrap().iter() {
                let i = ALPHABET.iter().position(|&c| c == b).unwrap();
                counts[i] += 1;
            }
        }
        assert!(
            counts.iter().all(|&c| (700..1250).contains(&c)),
            "{counts:?}"
        );
    }
}
