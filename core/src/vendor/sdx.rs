//! HxGN SDx / TruView: a password grant where the application impersonates a user. A server
//! restart forgets every refresh token, so the next refresh fails with `invalid_grant`
//! (RFC 6749 §5.2).
//!
//! With the credentials kept (a [`crate::client::TokenSource`] over `Grant::Password`), the
//! cache falls back to the password grant by itself (`LookupOptions::primary_grant_available`).
//! Without them, [`sdx_refresh_error`] turns the rejection into an error telling the user to
//! regenerate the tokens.

use crate::error::{Error, OAuthErrorCode};

/// The token endpoint path of SDx/TruView.
pub const SDX_TOKEN_PATH: &str = "/sdx/oauth/token";

/// What [`Error::RefreshTokenInactive`] tells an SDx/TruView user.
pub const SDX_REGENERATE_ADVICE: &str = "SDx/TruView rejected the refresh token (a server \
    restart invalidates all tokens) and the credentials were not kept; regenerate the tokens \
    by signing in again";

/// The clear error for a refresh the server rejected with `invalid_grant`, or `None` for any
/// other error (kept as it is).
pub fn sdx_refresh_error(error: &Error) -> Option<Error> {
    matches!(error, Error::OAuth(e) if e.code == OAuthErrorCode::InvalidGrant)
        .then_some(Error::RefreshTokenInactive(SDX_REGENERATE_ADVICE))
}
