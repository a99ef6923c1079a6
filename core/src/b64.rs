//! Base64 (RFC 4648 §4) and base64url (RFC 4648 §5), strict.
//!
//! In-house instead of the `base64` crate: its engine is ~6 KB of the WebAssembly module (issue
//! 6's size budget) and core needs encode and decode of two kinds. Decoding is as strict as the crate's
//! `STANDARD` and `URL_SAFE_NO_PAD` engines were (a dev-dependency test compares them): only the
//! alphabet's characters, the canonical padding (`=` exactly where RFC 4648 §4 puts it, or none
//! at all for unpadded base64url), and zero bits after the last byte (RFC 4648 §3.5), so each
//! value has exactly one encoding.

const STANDARD_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// One of the two encodings, with the `encode`/`decode` calls of the `base64` crate's engines.
#[derive(Clone, Copy, Debug)]
pub struct Engine {
    alphabet: &'static [u8; 64],
    padded: bool,
}

/// Padded base64 (RFC 4648 §4), as HTTP Basic (RFC 7617 §2) and PEM (RFC 7468) use it.
pub const STANDARD: Engine = Engine {
    alphabet: STANDARD_ALPHABET,
    padded: true,
};

/// Unpadded base64url (RFC 4648 §5; RFC 7515 §2 "Base64url Encoding").
pub const URL_SAFE_NO_PAD: Engine = Engine {
    alphabet: URL_SAFE_ALPHABET,
    padded: false,
};

/// Not canonical base64 of the expected kind (the offending input is never quoted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError;

impl Engine {
    pub fn encode(&self, bytes: impl AsRef<[u8]>) -> String {
        encode(bytes.as_ref(), self.alphabet, self.padded)
    }

    /// The bytes, if `text` is the canonical encoding of some (see the module docs).
    pub fn decode(&self, text: impl AsRef<[u8]>) -> Result<Vec<u8>, DecodeError> {
        decode(text.as_ref(), self.alphabet, self.padded).ok_or(DecodeError)
    }
}

fn encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        // 1, 2 or 3 bytes are 2, 3 or 4 symbols.
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if pad {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

fn decode(text: &[u8], alphabet: &[u8; 64], padded: bool) -> Option<Vec<u8>> {
    let pads = if padded {
        if text.len() % 4 != 0 {
            return None;
        }
        text.iter().rev().take_while(|&&b| b == b'=').count()
    } else {
        0
    };
    let symbols = &text[..text.len() - pads];
    // Symbols in the last group: 2 or 3 (then 2 or 1 `=` when padded), or a full group.
    let expected_pads = match symbols.len() % 4 {
        0 => 0,
        2 => 2,
        3 => 1,
        _ => return None,
    };
    if padded && pads != expected_pads {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in symbols {
        let value = symbol_value(c, alphabet)?;
        acc = acc << 6 | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // RFC 4648 §3.5: the bits after the last byte must be zero.
    (acc == 0).then_some(out)
}

/// The value of symbol `c`, or `None` outside the alphabet. Both alphabets (RFC 4648 §4, §5)
/// give A–Z, a–z and 0–9 the values 0–61 and differ only in the last two symbols, so those are
/// computed (a search of the 64 symbols per character made decoding a signature the slowest part
/// of `decodeJwt` in the npm package).
fn symbol_value(c: u8, alphabet: &[u8; 64]) -> Option<u32> {
    let value = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        _ if c == alphabet[62] => 62,
        _ if c == alphabet[63] => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{
        STANDARD as CRATE_STANDARD, URL_SAFE_NO_PAD as CRATE_URL,
    };
    use base64::Engine as _;
    use proptest::prelude::*;

    #[test]
    fn symbol_values_are_the_alphabets_positions() {
        for alphabet in [STANDARD_ALPHABET, URL_SAFE_ALPHABET] {
            for c in 0..=u8::MAX {
                let position = alphabet.iter().position(|&a| a == c).map(|p| p as u32);
                assert_eq!(symbol_value(c, alphabet), position, "{c}");
            }
        }
    }

    #[test]
    fn rfc4648_section_10_vectors() {
        for (plain, b64) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(STANDARD.encode(plain), b64);
            assert_eq!(STANDARD.decode(b64).unwrap(), plain.as_bytes());
            let url = b64.trim_end_matches('=');
            assert_eq!(URL_SAFE_NO_PAD.encode(plain), url);
            assert_eq!(URL_SAFE_NO_PAD.decode(url).unwrap(), plain.as_bytes());
        }
        assert_eq!(URL_SAFE_NO_PAD.encode([0xfb, 0xff]), "-_8");
        assert_eq!(STANDARD.encode([0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn refuses_what_the_crate_refused() {
        for bad in [
            "Zg", "Zg=", "Zg===", "Zh==", "Z===", "Zm9v=", "=Zm9", "Zm 9v", "Zm-_",
        ] {
            assert_eq!(STANDARD.decode(bad), Err(DecodeError), "{bad}");
        }
        for bad in ["Zg==", "Zh", "Z", "Zm9vY", "Zm+/", "Zm9v\n"] {
            assert_eq!(URL_SAFE_NO_PAD.decode(bad), Err(DecodeError), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn encodes_like_the_crate(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
            prop_assert_eq!(STANDARD.encode(&bytes), CRATE_STANDARD.encode(&bytes));
            prop_assert_eq!(URL_SAFE_NO_PAD.encode(&bytes), CRATE_URL.encode(&bytes));
        }

        #[test]
        fn decodes_like_the_crate(text in "[A-Za-z0-9+/=_\\- .]{0,14}") {
            prop_assert_eq!(STANDARD.decode(&text).ok(), CRATE_STANDARD.decode(&text).ok(), "{:?}", text);
            prop_assert_eq!(URL_SAFE_NO_PAD.decode(&text).ok(), CRATE_URL.decode(&text).ok(), "{:?}", text);
        }

        #[test]
        fn decodes_valid_encodings_like_the_crate(bytes in prop::collection::vec(any::<u8>(), 0..40), cut in 0usize..4) {
            // Encodings with their tail cut or altered: the trailing-bits and padding rules.
            for text in [CRATE_STANDARD.encode(&bytes), CRATE_URL.encode(&bytes)] {
                let cut_text = &text[..text.len().saturating_sub(cut)];
                prop_assert_eq!(STANDARD.decode(cut_text).ok(), CRATE_STANDARD.decode(cut_text).ok());
                prop_assert_eq!(URL_SAFE_NO_PAD.decode(cut_text).ok(), CRATE_URL.decode(cut_text).ok());
            }
        }
    }
}
