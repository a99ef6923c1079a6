//! Parsing what token and revocation endpoints answer: tokens (RFC 6749 §5.1), OAuth errors
//! (§5.2, RFC 7009 §2.2), and everything else as a described, masked `UnexpectedResponse`.
//!
//! One job per file: `body` (JSON object, size cap, failure reasons), `token_response`,
//! `error_response`, `revocation`, `expires` (all time arithmetic), `scope`, `mask` (credential
//! masking) and `excerpt` (the short body excerpt of an `UnexpectedResponse`).

mod body;
mod error_response;
mod excerpt;
mod expires;
mod mask;
mod revocation;
mod scope;
mod token_response;

pub use error_response::{parse_error_response, MAX_DESCRIPTION_CHARS};
pub use excerpt::MAX_EXCERPT_CHARS;
pub use expires::MAX_TIMESTAMP_AGE_MS;
pub use mask::{mask_tokens, MASK, MIN_TOKEN_RUN};
pub use revocation::check_revocation_response;
pub use token_response::parse_token_response;

use crate::error::{Error, Result};

/// 1 MiB: a token response is a few KiB at most (a large JWT plus an ID token); anything bigger
/// is not a token response, and reading it whole would let a server exhaust memory.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// One hour, the common default of authorization servers, used when a response gives no
/// `expires_in` and the access token is not a JWT with `exp` (RFC 6749 §5.1 makes `expires_in`
/// only RECOMMENDED). Never "no expiry": a token is always refreshed eventually.
pub const DEFAULT_LIFETIME_SECS: i64 = 3600;

/// 365 days. Longer than the maximum access-token lifetime of any mainstream server (Azure AD and
/// Okta cap at 1 day, Auth0 at 30 days, Keycloak's defaults are minutes), so a real value is
/// never cut; an absurd one (`1e300`, an overflowing integer) becomes a year. Clamping is safe in
/// one direction only, and this is it: a clamped token is merely renewed early, never used past
/// its real expiry.
pub const DEFAULT_MAX_LIFETIME_SECS: i64 = 365 * 24 * 60 * 60;

/// How token responses are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseOptions {
    /// Lifetime assumed when neither `expires_in` nor a JWT `exp` is available. Must be > 0.
    pub default_lifetime_secs: i64,
    /// Upper bound of every access-token lifetime. Must be > 0.
    pub max_lifetime_secs: i64,
    /// Largest body read. Must be > 0.
    pub max_body_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            default_lifetime_secs: DEFAULT_LIFETIME_SECS,
            max_lifetime_secs: DEFAULT_MAX_LIFETIME_SECS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl ParseOptions {
    /// Refuses options that would create tokens that are dead on arrival (a re-fetch loop) or
    /// refuse every body.
    pub fn validate(&self) -> Result<()> {
        if self.default_lifetime_secs <= 0 {
            return Err(Error::InvalidInput(
                "default_lifetime_secs must be greater than 0".into(),
            ));
        }
        if self.max_lifetime_secs <= 0 {
            return Err(Error::InvalidInput(
                "max_lifetime_secs must be greater than 0".into(),
            ));
        }
        if self.max_body_bytes == 0 {
            return Err(Error::InvalidInput(
                "max_body_bytes must be greater than 0".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod no_panic_tests {
    use super::*;
    use crate::http::HttpResponse;
    use crate::time::UnixMillis;
    use proptest::prelude::*;

    fn json_ish() -> impl Strategy<Value = String> {
        // Fragments of token responses, recombined, reach deeper than random bytes.
        let piece = prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\\",
            "null",
            "1e300",
            "-0",
            "0",
            "\"3600\"",
            "\"access_token\"",
            "\"token_type\"",
            "\"Bearer\"",
            "\"expires_in\"",
            "\"error\"",
            "\"scope\"",
            "\"timestamp\"",
            "\"refresh_expires_in\"",
            "\"a b\"",
            "é",
            " ",
        ]);
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn parsing_never_panics(
            status in 0u16..1000,
            body in prop_oneof![json_ish(), any::<String>()],
            retry_after in any::<String>(),
            challenge in any::<String>(),
            sent_at in any::<i64>(),
        ) {
            let resp = HttpResponse::new(
                status,
                vec![
                    ("Retry-After".into(), retry_after),
                    ("WWW-Authenticate".into(), challenge),
                ],
                body,
            );
            let r = parse_token_response(&resp, UnixMillis(sent_at), &ParseOptions::default());
            if let Err(crate::error::Error::UnexpectedResponse(u)) = &r {
                prop_assert!(u.excerpt.chars().count() <= MAX_EXCERPT_CHARS);
            }
            if let Ok(t) = &r {
                prop_assert!(t.expires_at >= t.issued_at);
            }
            let _ = parse_error_response(&resp, UnixMillis(sent_at));
            let _ = check_revocation_response(&resp, UnixMillis(sent_at));
        }

        #[test]
        fn masked_text_has_no_long_token_run(text in "[A-Za-z0-9 ._~+/=\"-]{0,200}") {
            let masked = mask_tokens(&text);
            for run in masked.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.~+/=".contains(c))) {
                let digit = run.chars().any(|c| c.is_ascii_digit());
                let mixed = run.chars().any(|c| c.is_ascii_uppercase())
                    && run.chars().any(|c| c.is_ascii_lowercase());
                prop_assert!(run.len() < MIN_TOKEN_RUN || !(digit || mixed), "{run} in {masked}");
            }
        }
    }
}
