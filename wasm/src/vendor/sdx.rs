//! The engine of the JS `SdxClient`: HxGN SDx/TruView password sign-in over core's
//! `TokenSource`, and what happens when a server restart makes the refresh token worthless.

use super::{step, Call, VendorCall, DONE, MAX_WAIT_POLLS, SEND, SLEEP, WAIT_POLL_MS};
use crate::convert::now;
use crate::errors::{JsResult, Thrown};
use crate::exchange::{request_to_js, response_from_js};
use crate::token::Token;
use js_sys::Array;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use tokensmith::cache::{CacheConfig, Settled, TokenCache, WaitHandle};
use tokensmith::client::{Fetch, FinishStep, Step, TokenSource};
use tokensmith::vendor::{sdx_client_error, SdxExchange, SdxSignIn};
use tokensmith::{ClientAuthMethod, Secret, TokenEndpoint, UnixMillis};
use wasm_bindgen::prelude::*;

/// One SDx client: its endpoint, its cache and the signed-in user's source.
#[wasm_bindgen(js_name = "__SdxEngine", skip_typescript)]
pub struct SdxEngine {
    shared: Rc<Shared>,
}

struct Shared {
    endpoint: TokenEndpoint,
    keep_credentials: bool,
    cache: TokenCache,
    /// The signed-in user's source: over the password grant when credentials are kept, else
    /// over the refresh token (no primary grant to fall back to). Shared with the calls (an `Rc`:
    /// no copy of the endpoint, grant and key per call).
    source: RefCell<Option<Rc<TokenSource>>>,
}

#[wasm_bindgen(js_class = "__SdxEngine")]
impl SdxEngine {
    /// Where tokens come from: `{baseUrl}/sdx/oauth/token`.
    #[wasm_bindgen(js_name = tokenUrl)]
    pub fn token_url(&self) -> String {
        self.shared.endpoint.url.clone()
    }

    /// Tokens come from `{base_url}/sdx/oauth/token` (trailing slashes of `base_url` dropped).
    #[wasm_bindgen(constructor)]
    pub fn new(
        base_url: &str,
        client_id: String,
        client_secret: String,
        keep_credentials: bool,
    ) -> SdxEngine {
        let endpoint = TokenEndpoint {
            url: format!(
                "{}{}",
                base_url.trim_end_matches('/'),
                tokensmith::vendor::SDX_TOKEN_PATH
            ),
            client_id,
            client_secret: Some(Secret::new(client_secret)),
            auth: ClientAuthMethod::ClientSecretBasic,
        };
        SdxEngine {
            shared: Rc::new(Shared {
                endpoint,
                keep_credentials,
                cache: TokenCache::new(CacheConfig::default()),
                source: RefCell::new(None),
            }),
        }
    }

    /// The sign-in of `username` (RFC 6749 §4.3, the application impersonating the user), as
    /// core's `SdxSignIn` plans it. With kept credentials the new source is in place at once.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self, username: String, password: String) -> JsResult<VendorCall> {
        let plan = SdxSignIn::new(
            self.shared.endpoint.clone(),
            self.shared.cache.clone(),
            username,
            Secret::new(password),
            self.shared.keep_credentials,
        )?;
        let state = match plan {
            SdxSignIn::Kept(source) => {
                let source = Rc::new(source);
                *self.shared.source.borrow_mut() = Some(Rc::clone(&source));
                State::Begin(source)
            }
            SdxSignIn::Exchange(exchange) => State::SignIn(exchange),
        };
        Ok(self.call(state, false))
    }

    /// The current token, refreshed when it expires.
    pub fn token(&self) -> JsResult<VendorCall> {
        Ok(self.call(State::Begin(self.source()?), false))
    }

    /// A new token now, with the refresh token (RFC 6749 §6).
    pub fn refresh(&self) -> JsResult<VendorCall> {
        Ok(self.call(State::Begin(self.source()?), true))
    }
}

impl SdxEngine {
    fn source(&self) -> JsResult<Rc<TokenSource>> {
        self.shared
            .source
            .borrow()
            .clone()
            .ok_or_else(|| Thrown::invalid_input("sign in first"))
    }

    fn call(&self, state: State, force: bool) -> VendorCall {
        VendorCall(Call::Sdx(SdxCall {
            shared: Rc::clone(&self.shared),
            state,
            force,
            polls: 0,
        }))
    }
}

/// Where an [`SdxCall`] is.
enum State {
    /// Sign-in without kept credentials: the one exchange, to send.
    SignIn(SdxExchange),
    /// That exchange, sent at the given time.
    SignInSent(SdxExchange, UnixMillis),
    /// Look the token up (again): core's `begin`.
    Begin(Rc<TokenSource>),
    /// Another call's fetch of the token is in flight.
    Wait(Rc<TokenSource>, WaitHandle),
    /// Send this request of the flight (first, or after a retry's delay).
    Send(Rc<TokenSource>, Fetch),
    /// This request is on the wire since the given time.
    Sent(Rc<TokenSource>, Fetch, UnixMillis),
    /// The call has answered.
    Over,
}

/// One `signIn`, `token` or `refresh` as steps.
pub struct SdxCall {
    shared: Rc<Shared>,
    state: State,
    force: bool,
    /// Polls of another call's fetch (see [`MAX_WAIT_POLLS`]).
    polls: u32,
}

impl SdxCall {
    /// The next step, given what the last sent request got (`undefined` after other steps).
    pub(crate) fn next(&mut self, reply: JsValue) -> JsResult<Array> {
        loop {
            match std::mem::replace(&mut self.state, State::Over) {
                State::SignIn(exchange) => {
                    let request = request_to_js(&exchange.request);
                    self.state = State::SignInSent(exchange, now());
                    return Ok(step(SEND, &request));
                }
                State::SignInSent(exchange, sent_at) => {
                    let response = response_from_js(&reply)?;
                    let (source, token) = exchange.finish(&response, sent_at, now())?;
                    *self.shared.source.borrow_mut() = Some(Rc::new(source));
                    return Ok(done(&token));
                }
                State::Begin(source) => match source.begin(now(), 0, self.force) {
                    // The background refresh of an aging token is not sent: dropping the fetch
                    // releases its key, and a later call refreshes it.
                    Step::Ready(token) | Step::ReadyAndRefresh(token, _) => {
                        return Ok(done(&token))
                    }
                    Step::Fail(error) => return Err(self.clear(error)),
                    Step::Wait(handle) => self.state = State::Wait(source, handle),
                    Step::Send(fetch) => self.state = State::Send(source, fetch),
                },
                // Another call is fetching: its outcome is ours (core's single flight; a forced
                // refresh joins the fetch in flight), polled with `try_result`, the event loop's
                // way of waiting. A fetch that was given up means looking up again.
                State::Wait(source, handle) => match handle.try_result() {
                    Some(Settled::Done(outcome)) => {
                        return outcome.map(|token| done(&token)).map_err(|e| self.clear(e))
                    }
                    Some(Settled::Abandoned) => self.state = State::Begin(source),
                    None => {
                        self.polls += 1;
                        if self.polls > MAX_WAIT_POLLS {
                            return Err(Thrown::invalid_input(
                                "another call kept refreshing too long",
                            ));
                        }
                        self.state = State::Wait(source, handle);
                        return Ok(step(SLEEP, &WAIT_POLL_MS.into()));
                    }
                },
                State::Send(source, fetch) => {
                    let request = request_to_js(&fetch.request);
                    self.state = State::Sent(source, fetch, now());
                    return Ok(step(SEND, &request));
                }
                State::Sent(source, fetch, sent_at) => {
                    let response = response_from_js(&reply);
                    // With kept credentials, core itself falls back to the password grant in the
                    // same flight when the refresh token is refused (a server restart).
                    match source.finish(fetch, response, sent_at, now()) {
                        FinishStep::Done(outcome) => {
                            return outcome.map(|token| done(&token)).map_err(|e| self.clear(e))
                        }
                        FinishStep::RetryAfter { fetch, delay_ms } => {
                            self.state = State::Send(source, fetch);
                            // Milliseconds as f64: exact below 2^53.
                            return Ok(step(SLEEP, &(delay_ms as f64).into()));
                        }
                    }
                }
                State::Over => return Err(Thrown::invalid_input("this call has already answered")),
            }
        }
    }

    /// Without kept credentials a refused refresh becomes the error that says to regenerate the
    /// tokens (core's `sdx_client_error`).
    fn clear(&self, error: Arc<tokensmith::Error>) -> Thrown {
        match sdx_client_error(&error, self.shared.keep_credentials) {
            Some(clear) => Thrown::from(clear),
            None => Thrown::from(error),
        }
    }
}

fn done(token: &Arc<tokensmith::Token>) -> Array {
    step(DONE, &Token::shared_js(token.clone()))
}
