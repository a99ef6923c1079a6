//! HTTP routes, one module per server shape.

pub mod admin;
pub mod authorize;
pub mod discovery;
pub mod keycloak;
pub mod oauth;
pub mod pat;
pub mod sdx;
pub mod smart_completions;
pub mod static_files;
pub mod ttm;
