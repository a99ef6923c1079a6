//! Personal access tokens: format, generation, offline checksum, hashed storage, registry.
//!
//! Format and rationale: `docs/pat-format.md`.

mod checksum;
mod error;
mod format;
mod generate;
mod hash;
mod registry;

pub use checksum::crc32;
pub use error::PatError;
pub use format::{
    checksum_chars, checksum_ok, is_valid_prefix, parse, ParsedPat, ALPHABET, BODY_LEN,
    CHECKSUM_LEN, MAX_PREFIX_LEN, MIN_PREFIX_LEN, RANDOM_LEN,
};
pub use generate::generate;
pub use hash::{display_hint, TokenHasher, HASH_HEX_LEN, HINT_SUFFIX_LEN};
pub use registry::{MemoryStore, NewToken, Registry, TokenKind, TokenRecord, TokenStore};

/// Whether `presented` hashes to `stored_hash_hex` (constant-time). Shorthand for
/// [`TokenHasher::verify`].
pub fn verify(hasher: &TokenHasher, presented: &str, stored_hash_hex: &str) -> bool {
    hasher.verify(presented, stored_hash_hex)
}
