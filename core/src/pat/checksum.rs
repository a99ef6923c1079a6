//! CRC-32 (ISO-HDLC / IEEE 802.3, as in zlib and PNG) with a 256-entry table computed at compile
//! time. Written here rather than taken from `crc32fast` to keep the wasm package small: the table
//! is 1 KiB and the loop a few instructions.
//!
//! A checksum catches typos and truncation offline; it is NOT authentication (anyone can compute
//! it). See `docs/pat-format.md`.

/// The reflected form of the CRC-32 polynomial 0x04C11DB7 (ITU-T V.42, IEEE 802.3).
const POLY_REFLECTED: u32 = 0xEDB8_8320;

/// `TABLE[b]` is the CRC of the single byte `b` without the initial/final inversion.
const TABLE: [u32; 256] = build_table();

const fn build_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY_REFLECTED
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
}

/// CRC-32 of `data`: initial value and final XOR `0xFFFFFFFF` (same as `zlib.crc32`).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        // The index is `u8`-sized, so it is always within the 256-entry table.
        let index = usize::from((crc as u8) ^ byte);
        crc = (crc >> 8) ^ TABLE[index];
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // The CRC-32 check value from the CRC catalogue ("123456789").
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"a"), 0xE8B7_BE43);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }
}
