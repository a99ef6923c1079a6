//! Keycloak: `keycloakTokenUrl`, and the engine of the JS `KeycloakClient` (offline tokens,
//! "Token is not active").

use super::{step, Call, VendorCall, DONE, SEND};
use crate::convert::{now, string_list};
use crate::errors::{JsResult, Thrown};
use crate::exchange::{request_to_js, response_from_js};
use crate::token::Token;
use js_sys::Array;
use tokensmith::{
    parse_token_response, ClientAuthMethod, Grant, HttpRequest, ParseOptions, Secret,
    TokenEndpoint, UnixMillis,
};
use wasm_bindgen::prelude::*;

/// `{base}/realms/{realm}/protocol/openid-connect/token` (trailing slashes of `base` dropped,
/// the realm percent-encoded as one path segment).
#[wasm_bindgen(js_name = keycloakTokenUrl)]
pub fn keycloak_token_url(base: &str, realm: &str) -> JsResult<String> {
    Ok(tokensmith::vendor::keycloak_token_url(base, realm)?)
}

/// One realm's token endpoint and the client's scope (`offline_access` added by core's
/// `with_offline_access` when asked). `wasm/js/vendor.js` reads the option bag.
#[wasm_bindgen(js_name = "__KeycloakEngine", skip_typescript)]
pub struct KeycloakEngine {
    endpoint: TokenEndpoint,
    scope: Vec<String>,
}

#[wasm_bindgen(js_class = "__KeycloakEngine")]
impl KeycloakEngine {
    /// `token_url` is `keycloakTokenUrl(baseUrl, realm)`; without a secret the client is public
    /// (RFC 6749 §2.1).
    #[wasm_bindgen(constructor)]
    pub fn new(
        token_url: String,
        client_id: String,
        client_secret: Option<String>,
        offline: bool,
        scope: &str,
    ) -> KeycloakEngine {
        let auth = if client_secret.is_some() {
            ClientAuthMethod::ClientSecretBasic
        } else {
            ClientAuthMethod::None
        };
        let scope = string_list(scope);
        let scope = if offline {
            tokensmith::vendor::with_offline_access(scope)
        } else {
            scope
        };
        KeycloakEngine {
            endpoint: TokenEndpoint {
                url: token_url,
                client_id,
                client_secret: client_secret.map(Secret::new),
                auth,
            },
            scope,
        }
    }

    /// The call of an RFC 6749 §4.3 password grant with the client's scope.
    pub fn password(&self, username: String, password: String) -> JsResult<VendorCall> {
        let grant = Grant::Password {
            username,
            password: Secret::new(password),
            scope: self.scope.clone(),
        };
        KeycloakCall::start(&self.endpoint, &grant, false)
    }

    /// The call of an RFC 6749 §6 refresh (no `scope`: the one originally granted).
    pub fn refresh(&self, refresh_token: String) -> JsResult<VendorCall> {
        let grant = Grant::RefreshToken {
            refresh_token: Secret::new(refresh_token),
            scope: Vec::new(),
        };
        KeycloakCall::start(&self.endpoint, &grant, true)
    }
}

/// One token request, not cached: send it, then read the answer.
pub struct KeycloakCall {
    /// Carries the password or refresh token: sent, never logged.
    request: HttpRequest,
    /// When the request was handed out (RFC 6749 §5.1 `expires_in` counts from the answer;
    /// the send is the safe side of it). `None` until then.
    sent_at: Option<UnixMillis>,
    /// A refresh, whose "Token is not active" becomes `refresh_token_inactive`.
    refresh: bool,
}

impl KeycloakCall {
    fn start(endpoint: &TokenEndpoint, grant: &Grant, refresh: bool) -> JsResult<VendorCall> {
        Ok(VendorCall(Call::Keycloak(KeycloakCall {
            request: endpoint.token_request(grant)?,
            sent_at: None,
            refresh,
        })))
    }

    /// The request to send, then (given the reply) the `Token` or the error.
    pub(crate) fn next(&mut self, reply: JsValue) -> JsResult<Array> {
        let Some(sent_at) = self.sent_at else {
            self.sent_at = Some(now());
            return Ok(step(SEND, &request_to_js(&self.request)));
        };
        let token = response_from_js(&reply)
            .and_then(|response| parse_token_response(&response, sent_at, &ParseOptions::default()))
            .map_err(|error| match self.refresh {
                true => tokensmith::vendor::keycloak_refresh_error(&error)
                    .map_or_else(|| Thrown::from(error), Thrown::from),
                false => Thrown::from(error),
            })?;
        Ok(step(DONE, &Token::into_js(token)))
    }
}
