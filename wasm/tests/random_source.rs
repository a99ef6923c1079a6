//! getrandom 0.4 on wasm32-unknown-unknown has no backend unless the `wasm_js` feature is on
//! (wasm/Cargo.toml); then it draws from `crypto.getRandomValues`. PKCE verifiers (RFC 7636 §4.1)
//! depend on it, so check that it really produces bytes in Node and in Chromium.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

/// 32 bytes, the size of a PKCE verifier's entropy (RFC 7636 §4.1 recommends 32 octets).
const LEN: usize = 32;

#[wasm_bindgen_test]
fn getrandom_fills_from_the_js_crypto_source() {
    let mut first = [0u8; LEN];
    let mut second = [0u8; LEN];
    getrandom::fill(&mut first).expect("crypto.getRandomValues is available");
    getrandom::fill(&mut second).expect("crypto.getRandomValues is available");
    // Two 256-bit draws are equal, or all zero, with probability 2^-256: only a broken source.
    assert_ne!(first, [0u8; LEN]);
    assert_ne!(first, second);
}
