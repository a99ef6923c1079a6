//! Generic OAuth 2: `POST /oauth/token` (RFC 6749 §4.3, §4.4, §6), `POST /oauth/revoke`
//! (RFC 7009) and `POST /oauth/introspect` (RFC 7662).

use crate::access_token::{self, no_store, Grant};
use crate::auth_codes::{CodeRefused, Issued};
use crate::client_authn::{authenticate, authenticate_any};
use crate::config::ClientAuth;
use crate::config::ClientConfig;
use crate::form_body::FormBody;
use crate::grants::{password_user, redeem_refresh};
use crate::oauth_error::OAuthError;
use crate::refresh_store::{Issuer, NewRefresh};
use crate::state::{lock, AppState};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use tokensmith::pkce::PkceVerifier;
use tokensmith::Secret;

pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut form = FormBody::parse(&headers, &body)?;
    let client = authenticate_any(&state.config, &headers, &mut form)?;
    let grant_type = form.require("grant_type")?.to_owned();
    // RFC 6749 §4.3, §4.4: public clients may only use the code grant and its refresh tokens.
    if client.auth == ClientAuth::None
        && !matches!(grant_type.as_str(), "authorization_code" | "refresh_token")
    {
        return Err(OAuthError::custom(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "public clients may only use authorization_code with PKCE",
        ));
    }
    if grant_type == "authorization_code" {
        return authorization_code(&state, client, &mut form);
    }
    let lifetimes = &state.config.lifetimes;
    let refresh_ms = Some(lifetimes.refresh_seconds.saturating_mul(1000));
    let now = state.now_ms();
    let (sub, scope, refresh) = match grant_type.as_str() {
        // RFC 6749 §4.4.3: no refresh token for client credentials.
        "client_credentials" => (
            client.id.clone(),
            form.get("scope").map(str::to_owned),
            None,
        ),
        "password" => {
            let user = password_user(&state.config, &mut form)?;
            let scope = form.get("scope").map(str::to_owned);
            let new = NewRefresh {
                issuer: Issuer::Generic,
                client_id: client.id.clone(),
                subject: user.clone(),
                scope: scope.clone(),
                lifetime_ms: refresh_ms,
            };
            let refresh = lock(&state.refresh)
                .issue(new, now)
                .map_err(OAuthError::server_error)?;
            (user, scope, Some(refresh))
        }
        "refresh_token" => {
            let presented = form.take("refresh_token").ok_or_else(|| {
                OAuthError::invalid_request("missing parameter \"refresh_token\"")
            })?;
            let (record, next, scope) = redeem_refresh(
                &state,
                &presented,
                &Issuer::Generic,
                &client.id,
                refresh_ms,
                form.get("scope"),
            )?;
            (record.subject, scope, Some(next))
        }
        other => return Err(OAuthError::unsupported_grant_type(other)),
    };
    let (jwt, _) = access_token::mint(
        &state,
        Grant {
            sub,
            client_id: client.id.clone(),
            scope: scope.clone(),
            lifetime_secs: lifetimes.access_seconds,
            ..Grant::default()
        },
    )?;
    let mut body = json!({
        "access_token": jwt,
        "token_type": "Bearer",
        "expires_in": lifetimes.access_seconds,
    });
    if let Some(refresh) = refresh {
        body["refresh_token"] = Value::String(refresh);
    }
    if let Some(scope) = scope {
        body["scope"] = Value::String(scope);
    }
    Ok(no_store(body))
}

/// RFC 6749 §4.1.3 with RFC 7636 §4.5–4.6: exchange a code for tokens.
fn authorization_code(
    state: &AppState,
    client: &ClientConfig,
    form: &mut FormBody,
) -> Result<Response, OAuthError> {
    let code = form
        .take("code")
        .ok_or_else(|| OAuthError::invalid_request("missing parameter \"code\""))?;
    let verifier = form
        .take("code_verifier")
        .ok_or_else(|| OAuthError::invalid_request("missing parameter \"code_verifier\""))?;
    let now = state.now_ms();
    let grant = match lock(&state.codes).redeem(&code, now) {
        Ok(grant) => grant,
        Err(CodeRefused::Replayed(issued)) => {
            // RFC 6749 §4.1.2: a code used twice revokes what it produced.
            if let Some(issued) = issued {
                lock(&state.refresh).revoke_family(&issued.refresh_family);
                lock(&state.revoked_jtis).insert(issued.access_jti);
            }
            return Err(OAuthError::invalid_grant(
                "authorization code was already used",
            ));
        }
        Err(_) => {
            return Err(OAuthError::invalid_grant(
                "authorization code is invalid or expired",
            ))
        }
    };
    if grant.client_id != client.id {
        return Err(OAuthError::invalid_grant(
            "authorization code was issued to another client",
        ));
    }
    // RFC 6749 §4.1.3: redirect_uri must be identical to the authorization request's.
    if form.get("redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant("redirect_uri does not match"));
    }
    // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the stored challenge.
    let computed = PkceVerifier::from_secret(Secret::new(verifier))
        .map(|v| Secret::new(v.challenge_s256()))
        .map_err(|_| OAuthError::invalid_grant("code_verifier is malformed"))?;
    if computed != Secret::new(grant.code_challenge.as_str()) {
        return Err(OAuthError::invalid_grant(
            "code_verifier does not match the code_challenge",
        ));
    }
    let lifetimes = &state.config.lifetimes;
    let new = NewRefresh {
        issuer: Issuer::Generic,
        client_id: client.id.clone(),
        subject: grant.user.clone(),
        scope: grant.scope.clone(),
        lifetime_ms: Some(lifetimes.refresh_seconds.saturating_mul(1000)),
    };
    let (refresh, family) = {
        let mut store = lock(&state.refresh);
        let refresh = store.issue(new, now).map_err(OAuthError::server_error)?;
        let family = store.family_of(&refresh).unwrap_or_default().to_owned();
        (refresh, family)
    };
    let (jwt, claims) = access_token::mint(
        state,
        Grant {
            sub: grant.user,
            client_id: client.id.clone(),
            scope: grant.scope.clone(),
            lifetime_secs: lifetimes.access_seconds,
            ..Grant::default()
        },
    )?;
    lock(&state.codes).set_issued(
        &code,
        Issued {
            refresh_family: family,
            access_jti: claims.jti,
        },
    );
    let mut body = json!({
        "access_token": jwt,
        "token_type": "Bearer",
        "expires_in": lifetimes.access_seconds,
        "refresh_token": refresh,
    });
    if let Some(scope) = grant.scope {
        body["scope"] = Value::String(scope);
    }
    Ok(no_store(body))
}

/// RFC 7009 §2: revoke an access or refresh token. Unknown tokens succeed (§2.2).
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut form = FormBody::parse(&headers, &body)?;
    // RFC 7009 §2.1: public clients identify themselves with client_id.
    let client = authenticate_any(&state.config, &headers, &mut form)?;
    let token = form
        .take("token")
        .ok_or_else(|| OAuthError::invalid_request("missing parameter \"token\""))?;
    {
        let mut store = lock(&state.refresh);
        match store.client_of(&token) {
            // RFC 7009 §2.1: only the client the token was issued to may revoke it.
            Some(owner) if owner != client.id => {
                return Err(OAuthError::invalid_request(
                    "token was issued to another client",
                ))
            }
            Some(_) => {
                store.revoke(&token);
                return Ok(no_store(json!({})));
            }
            None => {}
        }
    }
    if let Some(claims) = access_token::check(&state, &token) {
        if claims.client_id != client.id {
            return Err(OAuthError::invalid_request(
                "token was issued to another client",
            ));
        }
        lock(&state.revoked_jtis).insert(claims.jti);
    }
    Ok(no_store(json!({})))
}

/// RFC 7662 §2: the state of a token, for an authenticated client.
pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut form = FormBody::parse(&headers, &body)?;
    authenticate(&state.config, &headers, &mut form)?;
    let token = form
        .take("token")
        .ok_or_else(|| OAuthError::invalid_request("missing parameter \"token\""))?;
    if let Some(claims) = access_token::check(&state, &token) {
        let mut body = json!({
            "active": true,
            "token_type": "Bearer",
            "client_id": claims.client_id,
            "sub": claims.sub,
            "iss": claims.iss,
            "exp": claims.exp,
            "iat": claims.iat,
            "jti": claims.jti,
        });
        if let Some(scope) = claims.scope {
            body["scope"] = Value::String(scope);
        }
        return Ok(no_store(body));
    }
    let store = lock(&state.refresh);
    let body = match store.active(&token, state.now_ms()) {
        Some(record) => {
            let mut body = json!({
                "active": true,
                "token_type": "refresh_token",
                "client_id": record.client_id,
                "sub": record.subject,
                "iss": state.issuer,
                "iat": record.issued_at_ms.div_euclid(1000),
            });
            if let Some(exp) = record.expires_at_ms {
                body["exp"] = json!(exp.div_euclid(1000));
            }
            if let Some(scope) = &record.scope {
                body["scope"] = Value::String(scope.clone());
            }
            body
        }
        // RFC 7662 §2.2: anything else is just inactive, with no further detail.
        None => json!({ "active": false }),
    };
    Ok(no_store(body))
}
