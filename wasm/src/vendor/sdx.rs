//! `SdxClient`: HxGN SDx/TruView password sign-in over core's `TokenSource`, and what happens
//! when a server restart makes the refresh token worthless.

use super::{fetch_option, required, DEFAULT_TIMEOUT_MS, MAX_WAIT_POLLS, WAIT_POLL_MS};
use crate::convert::{bool_option, now, number_option};
use crate::errors::{JsResult, Thrown};
use crate::http::{send, sleep_ms};
use crate::token::Token;
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use tokensmith::cache::{CacheConfig, TokenCache};
use tokensmith::client::{FinishStep, Step, TokenSource};
use tokensmith::vendor::{sdx_client_error, SdxSignIn};
use tokensmith::{ClientAuthMethod, Secret, TokenEndpoint};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(typescript_custom_section)]
const SDX_TS: &str = r#"
export interface SdxClientOptions {
  /** The SDx/TruView server; tokens come from `{baseUrl}/sdx/oauth/token`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Keep the user's password to sign in again when a refresh token is rejected (default
   * false: the rejection becomes an error with code `refresh_token_inactive`). */
  keepCredentials?: boolean;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}
"#;

/// HxGN SDx / TruView: a password grant for an application impersonating a user. A server
/// restart forgets every refresh token; with `keepCredentials` the client signs in again by
/// itself, otherwise it rejects with `refresh_token_inactive`, telling the user to regenerate
/// the tokens.
#[wasm_bindgen]
pub struct SdxClient {
    inner: Rc<SdxInner>,
}

struct SdxInner {
    endpoint: TokenEndpoint,
    keep_credentials: bool,
    cache: TokenCache,
    fetch: Function,
    timeout_ms: f64,
    /// The signed-in user's source: over the password grant when credentials are kept, else
    /// over the refresh token (no primary grant to fall back to).
    source: RefCell<Option<TokenSource>>,
}

#[wasm_bindgen]
impl SdxClient {
    /// See `SdxClientOptions`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SdxClientOptions")] options: JsValue,
    ) -> JsResult<SdxClient> {
        let base = required(&options, "baseUrl")?;
        let endpoint = TokenEndpoint {
            url: format!(
                "{}{}",
                base.trim_end_matches('/'),
                tokensmith::vendor::SDX_TOKEN_PATH
            ),
            client_id: required(&options, "clientId")?,
            client_secret: Some(Secret::new(required(&options, "clientSecret")?)),
            auth: ClientAuthMethod::ClientSecretBasic,
        };
        let fetch = fetch_option(&options)?;
        Ok(SdxClient {
            inner: Rc::new(SdxInner {
                endpoint,
                keep_credentials: bool_option(&options, "keepCredentials")?.unwrap_or(false),
                cache: TokenCache::new(CacheConfig::default()),
                fetch,
                timeout_ms: number_option(&options, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
                source: RefCell::new(None),
            }),
        })
    }

    /// Signs `username` in (RFC 6749 §4.3 password grant, the application impersonating the
    /// user). The password is kept only with `keepCredentials`.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<Token>")]
    pub fn sign_in(&self, username: String, password: String) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let token = inner.sign_in(username, password).await?;
            Ok(Token::into_js((*token).clone()))
        })
    }

    /// The current token, refreshed when it expires.
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn token(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move { Ok(Token::into_js((*inner.get(false).await?).clone())) })
    }

    /// A new token now, with the refresh token (RFC 6749 §6).
    #[wasm_bindgen(unchecked_return_type = "Promise<Token>")]
    pub fn refresh(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move { Ok(Token::into_js((*inner.get(true).await?).clone())) })
    }
}

impl SdxInner {
    async fn sign_in(
        &self,
        username: String,
        password: String,
    ) -> Result<Arc<tokensmith::Token>, Thrown> {
        let plan = SdxSignIn::new(
            self.endpoint.clone(),
            self.cache.clone(),
            username,
            Secret::new(password),
            self.keep_credentials,
        )?;
        let exchange = match plan {
            SdxSignIn::Kept(source) => {
                *self.source.borrow_mut() = Some(source);
                return self.get(false).await;
            }
            SdxSignIn::Exchange(exchange) => exchange,
        };
        let sent_at = now();
        let response = send(&self.fetch, &exchange.request, Some(self.timeout_ms)).await?;
        let (source, token) = exchange.finish(&response, sent_at, now())?;
        *self.source.borrow_mut() = Some(source);
        Ok(token)
    }

    /// Core's begin/finish loop. Without kept credentials a refused refresh becomes the error
    /// that says to regenerate the tokens.
    async fn get(&self, force: bool) -> Result<Arc<tokensmith::Token>, Thrown> {
        let source = self
            .source
            .borrow()
            .clone()
            .ok_or_else(|| Thrown::invalid_input("sign in first"))?;
        let clear = |error: Arc<tokensmith::Error>| -> Thrown {
            match sdx_client_error(&error, self.keep_credentials) {
                Some(clear) => Thrown::from(clear),
                None => Thrown::from(error),
            }
        };
        let mut polls = 0u32;
        loop {
            let mut fetch = match source.begin(now(), 0, force) {
                Step::Ready(token) | Step::ReadyAndRefresh(token, _) => return Ok(token),
                Step::Fail(error) => return Err(clear(error)),
                Step::Wait(_) => {
                    polls += 1;
                    if polls > MAX_WAIT_POLLS {
                        return Err(Thrown::invalid_input(
                            "another call kept refreshing too long",
                        ));
                    }
                    sleep_ms(WAIT_POLL_MS).await;
                    continue;
                }
                Step::Send(fetch) => fetch,
            };
            loop {
                let sent_at = now();
                let response = send(&self.fetch, &fetch.request, Some(self.timeout_ms)).await;
                // With kept credentials, core itself falls back to the password grant in the
                // same flight when the refresh token is refused (a server restart).
                match source.finish(fetch, response, sent_at, now()) {
                    FinishStep::Done(outcome) => return outcome.map_err(clear),
                    FinishStep::RetryAfter {
                        fetch: next,
                        delay_ms,
                    } => {
                        sleep_ms(delay_ms).await;
                        fetch = next;
                    }
                }
            }
        }
    }
}
