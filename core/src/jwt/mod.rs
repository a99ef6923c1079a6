//! JSON Web Tokens: inspection ([`decode_unverified`]), verification ([`verify`] on native
//! targets, [`webcrypto::prepare`] + [`webcrypto::WebCryptoVerify::finish`] for the npm package)
//! and signing ([`sign()`], native).
//!
//! RFC 7519 (JWT), RFC 7515 (JWS), RFC 7517 (JWK), RFC 7518 (JWA), RFC 8037 (EdDSA in JOSE).
//! The claim rules live in one place, [`validation`], and serve every runtime.

mod algorithm;
mod decode;
mod error;
mod hs;
mod jwk;
mod jwks_flight;
pub mod jwks_refresh;
#[cfg(feature = "native-crypto")]
mod sign;
mod spki;
mod strict_json;
pub mod validation;
#[cfg(feature = "native-crypto")]
mod verify;
pub mod webcrypto;

pub use algorithm::{Algorithm, KeyFamily};
pub use decode::{decode_unverified, UnverifiedJwt, MAX_TOKEN_LEN};
pub use error::JwtError;
pub use jwk::{Jwk, KeySet, MIN_RSA_BITS};
pub use jwks_flight::{JwksFetch, JwksSettled, JwksWait};
pub use jwks_refresh::{JwksRefresh, JwksStep, MAX_STEPS_PER_TOKEN};
#[cfg(feature = "native-crypto")]
pub use sign::{sign, SigningKey};
pub use validation::{validate_claims, Validation, VerifiedJwt, DEFAULT_LEEWAY_SECS};
#[cfg(feature = "native-crypto")]
pub use verify::verify;
