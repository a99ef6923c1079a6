//! HxGN SDx / TruView: a password grant where the application impersonates a user. A server
//! restart forgets every refresh token, so the next refresh fails with `invalid_grant`
//! (RFC 6749 §5.2).
//!
//! With the credentials kept (a [`crate::client::TokenSource`] over `Grant::Password`), the
//! cache falls back to the password grant by itself (`LookupOptions::primary_grant_available`).
//! Without them, [`sdx_refresh_error`] turns the rejection into an error telling the user to
//! regenerate the tokens.

use crate::cache::TokenCache;
use crate::client::TokenSource;
use crate::endpoint::TokenEndpoint;
use crate::error::{Error, OAuthErrorCode, Result};
use crate::grant::Grant;
use crate::http::{HttpRequest, HttpResponse};
use crate::response::{parse_token_response, ParseOptions};
use crate::secret::Secret;
use crate::time::UnixMillis;
use crate::token::Token;
use std::sync::Arc;

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

/// [`sdx_refresh_error`] for a client that did or did not keep the credentials: with them, the
/// cache already signed in again, so an error that still arrives is kept as it is.
pub fn sdx_client_error(error: &Error, credentials_kept: bool) -> Option<Error> {
    if credentials_kept {
        None
    } else {
        sdx_refresh_error(error)
    }
}

/// How an SDx/TruView client signs a user in.
pub enum SdxSignIn {
    /// The credentials are kept: a source over the password grant, which the cache runs now and
    /// again whenever the refresh token is refused. Get its token through `begin`/`finish`.
    Kept(TokenSource),
    /// The password is used once: send `request`, then hand the answer to
    /// [`SdxExchange::finish`].
    Exchange(SdxExchange),
}

/// The one password-grant exchange of a client that does not keep the credentials.
pub struct SdxExchange {
    endpoint: TokenEndpoint,
    cache: TokenCache,
    parse: ParseOptions,
    /// Carries the password: send it, never log it (use `redacted()`).
    pub request: HttpRequest,
}

impl SdxSignIn {
    /// Plans the sign-in of `username` (the application impersonating the user, RFC 6749 §4.3).
    pub fn new(
        endpoint: TokenEndpoint,
        cache: TokenCache,
        username: String,
        password: Secret,
        keep_credentials: bool,
    ) -> Result<SdxSignIn> {
        let parse = ParseOptions::default();
        let grant = Grant::Password {
            username,
            password,
            scope: Vec::new(),
        };
        if keep_credentials {
            return Ok(SdxSignIn::Kept(TokenSource::new(
                endpoint, grant, cache, parse,
            )?));
        }
        let request = endpoint.token_request(&grant)?;
        Ok(SdxSignIn::Exchange(SdxExchange {
            endpoint,
            cache,
            parse,
            request,
        }))
    }
}

impl SdxExchange {
    /// Reads the answer (sent at `sent_at`) and keeps the session going on the refresh token
    /// alone: a source over the refresh-token grant, holding the new token.
    pub fn finish(
        self,
        response: &HttpResponse,
        sent_at: UnixMillis,
        now: UnixMillis,
    ) -> Result<(TokenSource, Arc<Token>)> {
        let token = parse_token_response(response, sent_at, &self.parse)?;
        let refresh_token = token.refresh_token.clone().ok_or_else(|| {
            Error::InvalidInput("the server issued no refresh token to keep the session".into())
        })?;
        let source = TokenSource::new(
            self.endpoint,
            Grant::RefreshToken {
                refresh_token,
                scope: Vec::new(),
            },
            self.cache,
            self.parse,
        )?;
        let token = source.insert(token, now);
        Ok((source, token))
    }
}
