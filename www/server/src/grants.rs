//! Rules shared by every token endpoint: resource-owner password checks (RFC 6749 §4.3.2),
//! refresh scope narrowing (RFC 6749 §6) and mapping refresh refusals to errors.

use crate::config::Config;
use crate::form_body::FormBody;
use crate::oauth_error::OAuthError;
use crate::refresh_store::{Issuer, RefreshRecord, Refused};
use crate::state::{lock, Inner};
use tokensmith::Secret;

/// The user named by `username`/`password` (RFC 6749 §4.3.2), or `invalid_grant`.
pub fn password_user(config: &Config, form: &mut FormBody) -> Result<String, OAuthError> {
    let username = form.require("username")?.to_owned();
    let password = form
        .take("password")
        .map(Secret::new)
        .ok_or_else(|| OAuthError::invalid_request("missing parameter \"password\""))?;
    match config.user(&username) {
        Some(user) if user.password == password => Ok(username),
        _ => Err(OAuthError::invalid_grant(
            "invalid resource owner credentials",
        )),
    }
}

/// RFC 6749 §6: a refresh may ask for the same or a narrower scope, never a broader one.
pub fn narrowed_scope(
    original: Option<&str>,
    requested: Option<&str>,
) -> Result<Option<String>, OAuthError> {
    let Some(requested) = requested else {
        return Ok(original.map(str::to_owned));
    };
    let granted: Vec<&str> = original.unwrap_or("").split(' ').collect();
    // RFC 6749 §3.3: scope is a space-delimited list of tokens.
    if requested.split(' ').all(|s| granted.contains(&s)) {
        Ok(Some(requested.to_owned()))
    } else {
        Err(OAuthError::invalid_scope(
            "requested scope exceeds the scope originally granted",
        ))
    }
}

pub fn refused(reason: Refused) -> OAuthError {
    OAuthError::invalid_grant(match reason {
        Refused::Unknown => "refresh token is unknown",
        Refused::Expired => "refresh token has expired",
        Refused::Revoked => "refresh token has been revoked",
        Refused::Reused => "refresh token was already used; its grant has been revoked",
        Refused::OtherClient => "refresh token was issued to another client",
    })
}

/// Redeem a refresh token (RFC 6749 §6) after checking the requested scope, so that a refused
/// scope does not consume the token. Returns the record, the replacement and the new scope.
pub fn redeem_refresh(
    state: &Inner,
    presented: &str,
    issuer: &Issuer,
    client_id: &str,
    lifetime_ms: Option<i64>,
    requested_scope: Option<&str>,
) -> Result<(RefreshRecord, String, Option<String>), OAuthError> {
    let now = state.now_ms();
    let mut store = lock(&state.refresh);
    let original = store.active(presented, now).and_then(|r| r.scope.clone());
    let scope = narrowed_scope(original.as_deref(), requested_scope)?;
    let (record, next) = store
        .redeem(presented, issuer, client_id, lifetime_ms, now)
        .map_err(refused)?;
    Ok((record, next, scope))
}
