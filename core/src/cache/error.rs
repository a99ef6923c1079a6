//! [`CacheError`]: what can go wrong inside the cache itself (not in a fetch).

/// Errors raised by the cache's own operations, chiefly [`import`](super::TokenCache::import).
///
/// Messages never quote the imported text: a corrupted export may still hold tokens.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// The export is not valid JSON or does not have the expected shape.
    #[error("cache export is corrupted ({reason} at line {line}, column {column})")]
    Corrupt {
        reason: &'static str,
        line: usize,
        column: usize,
    },
    /// The export was written by a newer tokensmith (or names no version this one knows).
    #[error("cache export version {found} is not supported (this version reads {supported})")]
    UnsupportedVersion { found: u64, supported: u64 },
    /// One entry of an otherwise well-formed export breaks a rule.
    #[error("cache export entry {index} is invalid: {reason}")]
    InvalidEntry { index: usize, reason: &'static str },
    /// Serializing the export failed (not expected; kept typed rather than panicking).
    #[error("cache export could not be written")]
    Serialize,
    /// The fetch this caller waited for was abandoned by its ticket holder; look up again.
    #[error("the fetch this caller waited for was abandoned; look up again")]
    FetchAbandoned,
    /// A cache file that group or others may read or write (see `file_mode.rs`).
    #[error(
        "cache file mode {mode:o} lets other users read or change it; not loaded (chmod 600 it)"
    )]
    FileNotPrivate { mode: u32 },
}

impl CacheError {
    /// Stable codes, exposed unchanged by the bindings.
    pub const fn code(&self) -> &'static str {
        match self {
            CacheError::Corrupt { .. } => "cache_corrupt",
            CacheError::UnsupportedVersion { .. } => "cache_version_unsupported",
            CacheError::InvalidEntry { .. } => "cache_invalid_entry",
            CacheError::Serialize => "cache_serialize",
            CacheError::FetchAbandoned => "cache_fetch_abandoned",
            CacheError::FileNotPrivate { .. } => "cache_file_not_private",
        }
    }
}
