//! tokensmith core: access-token handling without I/O.
//!
//! Core builds HTTP requests ([`HttpRequest`]) and parses responses ([`HttpResponse`]); the caller
//! (a binding, or your own code) sends them. Every function that needs the time takes `now` as an
//! argument. See `docs/architecture.md` for where each rule lives.
#![forbid(unsafe_code)]

pub mod b64;
pub mod cache;
pub mod client;
pub mod client_auth;
pub mod endpoint;
pub mod error;
pub mod form;
pub mod grant;
pub mod http;
pub mod json;
pub mod jwt;
pub mod pat;
pub mod pkce;
pub mod quoted;
pub mod response;
pub mod retry_after;
mod search;
pub mod secret;
mod settle_slot;
mod sha256;
mod sort;
pub mod time;
pub mod token;
mod utf8;
pub mod vendor;
pub mod www_authenticate;

pub use client_auth::{basic_authorization, space_auth_key, BasicEncoding, ClientAuthMethod};
pub use endpoint::TokenEndpoint;
pub use error::{Error, Result};
pub use grant::{Grant, TokenTypeHint};
pub use http::{HttpRequest, HttpResponse, Method, DEFAULT_REQUEST_TIMEOUT_MS};
pub use pkce::PkceVerifier;
pub use response::{
    check_revocation_response, mask_tokens, parse_error_response, parse_token_response,
    ParseOptions,
};
pub use retry_after::parse_retry_after;
pub use secret::Secret;
pub use time::UnixMillis;
pub use token::{RefreshExpiry, Token};
pub use www_authenticate::parse_www_authenticate;

/// The README's Rust quick start, compiled and run as a doctest so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
