//! SHA-256 (FIPS 180-4 §6.2) and HMAC-SHA-256 (RFC 2104), one-shot, for what core hashes on
//! every build: PAT hashes (`pat::hash`), the cache-key discriminator of secret-carrying grants
//! (`client::secret_key`) and HS256 verification in the wasm build (`jwt::hs::verify_hs256`).
//!
//! Written out instead of the `sha2`/`hmac` crates there: their generic block-buffer and digest
//! plumbing and an unrolled compression function are about 6 KB of WebAssembly (issue 6's size
//! budget); these loops are a fraction of that. Bit for bit the same digests (proptested
//! against `sha2` and `hmac` below). Native HS384/HS512 signing and verifying keep the crates
//! (`jwt::hs`). No branch or index depends on the data, only on its length.

use zeroize::Zeroize;

/// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
/// 64 primes.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the
/// first 8 primes.
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// SHA-256's block size in bytes (FIPS 180-4 §1), also HMAC's `B` (RFC 2104 §2).
const BLOCK: usize = 64;

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    digest(&[data])
}

/// HMAC-SHA-256 of `message` under `key` (RFC 2104 §2; any key length: a key longer than the
/// block is hashed first).
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut padded = [0u8; BLOCK];
    if key.len() > BLOCK {
        let mut hashed = sha256(key);
        padded[..32].copy_from_slice(&hashed);
        hashed.zeroize();
    } else if let Some(head) = padded.get_mut(..key.len()) {
        head.copy_from_slice(key);
    }
    let mut ipad = [0x36u8; BLOCK];
    let mut opad = [0x5cu8; BLOCK];
    for ((i, o), k) in ipad.iter_mut().zip(opad.iter_mut()).zip(padded) {
        *i ^= k;
        *o ^= k;
    }
    let mut inner = digest(&[&ipad, message]);
    let tag = digest(&[&opad, &inner]);
    padded.zeroize();
    ipad.zeroize();
    opad.zeroize();
    inner.zeroize();
    tag
}

/// SHA-256 of the concatenation of `parts` (FIPS 180-4 §5.1.1 padding, §6.2.2 hashing).
fn digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut state = H0;
    let mut block = [0u8; BLOCK];
    let mut filled = 0;
    let mut bytes: u64 = 0;
    for part in parts {
        for &b in *part {
            block[filled % BLOCK] = b;
            filled += 1;
            if filled == BLOCK {
                compress(&mut state, &block);
                filled = 0;
            }
        }
        bytes = bytes.wrapping_add(part.len() as u64);
    }
    // A 1 bit, zeros, and the message length in bits as a 64-bit big-endian number, so that the
    // padded message is a whole number of blocks.
    block[filled % BLOCK] = 0x80;
    filled += 1;
    if filled > BLOCK - 8 {
        for b in block.iter_mut().skip(filled) {
            *b = 0;
        }
        compress(&mut state, &block);
        filled = 0;
    }
    for b in block.iter_mut().take(BLOCK - 8).skip(filled) {
        *b = 0;
    }
    for (b, l) in block
        .iter_mut()
        .skip(BLOCK - 8)
        .zip(bytes.wrapping_mul(8).to_be_bytes())
    {
        *b = l;
    }
    compress(&mut state, &block);
    block.zeroize();
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// FIPS 180-4 §6.2.2 steps 1–4 for one block.
fn compress(state: &mut [u32; 8], block: &[u8; BLOCK]) {
    let mut w = [0u32; 64];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    for t in 16..64 {
        let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
        let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16]
            .wrapping_add(s0)
            .wrapping_add(w[t - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for (k, wt) in K.iter().zip(w) {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(s1)
            .wrapping_add(ch)
            .wrapping_add(*k)
            .wrapping_add(wt);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
    w.zeroize();
}

#[cfg(test)]
mod tests {
    use super::{hmac_sha256, sha256};
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;
    use sha2::{Digest, Sha256};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and RFC 4231 §4.2/§4.3.
    #[test]
    fn known_answers() {
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    proptest! {
        /// Every length around the padding boundaries (55, 56, 63, 64, 119, 120 …).
        #[test]
        fn sha256_like_sha2(data in prop::collection::vec(any::<u8>(), 0..300)) {
            let want: [u8; 32] = Sha256::digest(&data).into();
            prop_assert_eq!(sha256(&data), want);
        }

        /// Keys shorter than, equal to and longer than the block.
        #[test]
        fn hmac_like_hmac_crate(
            key in prop::collection::vec(any::<u8>(), 0..150),
            message in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
            mac.update(&message);
            let want: [u8; 32] = mac.finalize().into_bytes().into();
            prop_assert_eq!(hmac_sha256(&key, &message), want);
        }
    }
}
