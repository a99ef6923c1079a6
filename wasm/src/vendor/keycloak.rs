//! Keycloak: `keycloakTokenUrl` and `KeycloakClient` (offline tokens, "Token is not active").

use super::{fetch_option, required, DEFAULT_TIMEOUT_MS};
use crate::convert::{bool_option, now, number_option, string_option, strings_option};
use crate::errors::{JsResult, Thrown};
use crate::http::send;
use crate::token::Token;
use js_sys::{Function, Promise};
use std::rc::Rc;
use tokensmith::{
    parse_token_response, ClientAuthMethod, Grant, ParseOptions, Secret, TokenEndpoint,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// `{base}/realms/{realm}/protocol/openid-connect/token` (trailing slashes of `base` dropped,
/// the realm percent-encoded as one path segment).
#[wasm_bindgen(js_name = keycloakTokenUrl)]
pub fn keycloak_token_url(base: &str, realm: &str) -> JsResult<String> {
    Ok(tokensmith::vendor::keycloak_token_url(base, realm)?)
}

#[wasm_bindgen(typescript_custom_section)]
const KEYCLOAK_TS: &str = r#"
export interface KeycloakClientOptions {
  /** The Keycloak server (with its context path, e.g. `https://kc.example/auth`). */
  baseUrl: string;
  realm: string;
  clientId: string;
  clientSecret?: string;
  /** Ask for offline tokens (`offline_access` scope): refresh tokens that never expire. */
  offline?: boolean;
  /** Scopes besides `offline_access`: an array, or one space-delimited string. */
  scope?: string[] | string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}
"#;

/// One Keycloak realm's token endpoint: password sign-in (offline tokens on request) and
/// refresh, with Keycloak's "Token is not active" turned into `refresh_token_inactive`. Not
/// cached: for cached tokens use `TokenClient` with `keycloakTokenUrl(base, realm)`.
#[wasm_bindgen]
pub struct KeycloakClient {
    inner: Rc<KeycloakInner>,
}

struct KeycloakInner {
    endpoint: TokenEndpoint,
    scope: Vec<String>,
    fetch: Function,
    timeout_ms: f64,
}

#[wasm_bindgen]
impl KeycloakClient {
    /// See `KeycloakClientOptions`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "KeycloakClientOptions")] options: JsValue,
    ) -> JsResult<KeycloakClient> {
        let client_secret = string_option(&options, "clientSecret")?.map(Secret::new);
        let auth = if client_secret.is_some() {
            ClientAuthMethod::ClientSecretBasic
        } else {
            ClientAuthMethod::None
        };
        let endpoint = TokenEndpoint {
            url: tokensmith::vendor::keycloak_token_url(
                &required(&options, "baseUrl")?,
                &required(&options, "realm")?,
            )?,
            client_id: required(&options, "clientId")?,
            client_secret,
            auth,
        };
        let mut scope = strings_option(&options, "scope")?.unwrap_or_default();
        if bool_option(&options, "offline")?.unwrap_or(false) {
            scope = tokensmith::vendor::with_offline_access(scope);
        }
        let fetch = fetch_option(&options)?;
        Ok(KeycloakClient {
            inner: Rc::new(KeycloakInner {
                endpoint,
                scope,
                fetch,
                timeout_ms: number_option(&options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
            }),
        })
    }

    /// The realm's token endpoint URL.
    #[wasm_bindgen(getter, js_name = tokenUrl)]
    pub fn token_url(&self) -> String {
        self.inner.endpoint.url.clone()
    }

    /// RFC 6749 §4.3 password grant with the client's scope.
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn password(&self, username: String, password: String) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let grant = Grant::Password {
                username,
                password: Secret::new(password),
                scope: inner.scope.clone(),
            };
            Ok(Token::into_js(
                inner.request(&grant).await.map_err(Thrown::from)?,
            ))
        })
    }

    /// RFC 6749 §6 refresh. A refresh token Keycloak no longer accepts rejects with code
    /// `refresh_token_inactive`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn refresh(
        &self,
        #[wasm_bindgen(js_name = refreshToken)] refresh_token: String,
    ) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let grant = Grant::RefreshToken {
                refresh_token: Secret::new(refresh_token),
                scope: Vec::new(),
            };
            let token = inner.request(&grant).await.map_err(|error| {
                tokensmith::vendor::keycloak_refresh_error(&error)
                    .map_or_else(|| Thrown::from(error), Thrown::from)
            })?;
            Ok(Token::into_js(token))
        })
    }
}

impl KeycloakInner {
    async fn request(&self, grant: &Grant) -> Result<tokensmith::Token, tokensmith::Error> {
        let request = self.endpoint.token_request(grant)?;
        let sent_at = now();
        let response = send(&self.fetch, &request, Some(self.timeout_ms)).await?;
        parse_token_response(&response, sent_at, &ParseOptions::default())
    }
}
