//! JSON Web Tokens: inspection ([`decode_unverified`]), and (later in this module) verification and
//! signing.
//!
//! RFC 7519 (JWT), RFC 7515 (JWS), RFC 7517 (JWK), RFC 7518 (JWA).

mod decode;
mod error;
mod strict_json;

pub use decode::{decode_unverified, UnverifiedJwt, MAX_TOKEN_LEN};
pub use error::JwtError;
