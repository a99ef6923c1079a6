//! [`PatError`]: why a personal access token was refused or could not be issued.
//!
//! Messages never contain the token (not even a part of it).

/// Why a personal access token was refused, or could not be issued or found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatError {
    /// A character outside ASCII (a Unicode look-alike such as Cyrillic `а` or a full-width digit).
    #[error("the token contains a non-ASCII character")]
    NonAscii,
    /// Whitespace anywhere, including a trailing space or newline from a copy-paste.
    #[error("the token contains whitespace or a newline")]
    Whitespace,
    /// No `_` between prefix and body.
    #[error("the token has no '_' after its prefix")]
    MissingSeparator,
    /// The prefix is not 2 to 10 lowercase ASCII letters.
    #[error("the token prefix is not 2 to 10 lowercase letters")]
    InvalidPrefix,
    /// A well-formed prefix, but not the issuer's.
    #[error("the token has another issuer's prefix")]
    WrongPrefix,
    /// The part after `_` is not exactly 36 characters.
    #[error("the token has the wrong length")]
    Length,
    /// A character outside `0-9A-Za-z` after the `_`.
    #[error("the token contains a character outside 0-9A-Za-z")]
    Alphabet,
    /// The checksum does not match: a typo or truncation, not a token we issued.
    #[error("the token's checksum does not match")]
    Checksum,
    /// Well-formed, but no such token is stored.
    #[error("unknown token")]
    Unknown,
    /// The token was revoked.
    #[error("the token has been revoked")]
    Revoked,
    /// The token is past its lifetime.
    #[error("the token has expired")]
    Expired,
    /// The token's owner is deactivated; none of their tokens work.
    #[error("the token's owner is deactivated")]
    OwnerDeactivated,
    /// No token record with that id (revoke).
    #[error("no token with that id")]
    NotFound,
    /// The operating system's random source failed.
    #[error("the random number source is unavailable")]
    RandomUnavailable,
}

impl PatError {
    /// A short, stable, snake_case identifier. Never changes once released.
    pub const fn code(&self) -> &'static str {
        match self {
            PatError::NonAscii => "pat_non_ascii",
            PatError::Whitespace => "pat_whitespace",
            PatError::MissingSeparator => "pat_malformed",
            PatError::InvalidPrefix => "pat_invalid_prefix",
            PatError::WrongPrefix => "pat_wrong_prefix",
            PatError::Length => "pat_length",
            PatError::Alphabet => "pat_alphabet",
            PatError::Checksum => "pat_checksum",
            PatError::Unknown => "pat_unknown",
            PatError::Revoked => "pat_revoked",
            PatError::Expired => "pat_expired",
            PatError::OwnerDeactivated => "pat_owner_deactivated",
            PatError::NotFound => "pat_not_found",
            PatError::RandomUnavailable => "random_unavailable",
        }
    }

    /// True for the errors that mean "this is not a well-formed token" (no lookup was made).
    pub const fn is_format_error(&self) -> bool {
        matches!(
            self,
            PatError::NonAscii
                | PatError::Whitespace
                | PatError::MissingSeparator
                | PatError::InvalidPrefix
                | PatError::WrongPrefix
                | PatError::Length
                | PatError::Alphabet
                | PatError::Checksum
        )
    }
}
