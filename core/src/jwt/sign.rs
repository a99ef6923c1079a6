//! [`sign`]: compact JWS tokens for the dev server and tests (feature `native-crypto`).
//!
//! RS*/PS*, ES256/ES384 and EdDSA through jsonwebtoken's low-level `crypto::sign` on aws-lc-rs;
//! HS* through our own `hs` module. The header is `{"alg", "typ":"JWT", "kid"?}` (RFC 7519 §5.1).

use super::algorithm::{Algorithm, KeyFamily};
use super::error::JwtError;
use super::hs;
use super::verify::backend_alg;
use crate::json::{Map, Value};
use crate::secret::Secret;
use jsonwebtoken::EncodingKey;
use std::fmt;
use zeroize::Zeroizing;

const B64URL: crate::b64::Engine = crate::b64::URL_SAFE_NO_PAD;

/// A private key for [`sign`].
#[derive(Clone)]
pub struct SigningKey {
    family: KeyFamily,
    kind: SigningKeyKind,
    kid: Option<String>,
}

#[derive(Clone)]
enum SigningKeyKind {
    Backend(EncodingKey),
    Hmac(Zeroizing<Vec<u8>>),
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("family", &self.family)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// An RSA private key in PEM (PKCS #1 `RSA PRIVATE KEY` or PKCS #8 `PRIVATE KEY`).
    pub fn rsa_pem(pem: &str) -> Result<Self, JwtError> {
        Self::backend(KeyFamily::Rsa, EncodingKey::from_rsa_pem(pem.as_bytes()))
    }

    /// An EC private key in PKCS #8 PEM, on P-256 or P-384 (`family` says which).
    pub fn ec_pem(pem: &str, family: KeyFamily) -> Result<Self, JwtError> {
        if !matches!(family, KeyFamily::EcP256 | KeyFamily::EcP384) {
            return Err(JwtError::KeyAlgorithmMismatch);
        }
        Self::backend(family, EncodingKey::from_ec_pem(pem.as_bytes()))
    }

    /// An Ed25519 private key in PKCS #8 PEM.
    pub fn ed25519_pem(pem: &str) -> Result<Self, JwtError> {
        Self::backend(KeyFamily::Ed25519, EncodingKey::from_ed_pem(pem.as_bytes()))
    }

    /// A shared HMAC secret.
    pub fn hmac(secret: &[u8]) -> Self {
        SigningKey {
            family: KeyFamily::Hmac,
            kind: SigningKeyKind::Hmac(Zeroizing::new(secret.to_vec())),
            kid: None,
        }
    }

    /// Puts `kid` in the header of tokens signed with this key.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    fn backend(
        family: KeyFamily,
        key: jsonwebtoken::errors::Result<EncodingKey>,
    ) -> Result<Self, JwtError> {
        let key = key.map_err(|_| JwtError::InvalidKey("not a supported PEM private key"))?;
        Ok(SigningKey {
            family,
            kind: SigningKeyKind::Backend(key),
            kid: None,
        })
    }
}

/// Signs `claims` with `key` as a compact JWS. The algorithm must fit the key's type.
pub fn sign(claims: &Map, alg: Algorithm, key: &SigningKey) -> Result<Secret, JwtError> {
    if alg.family() != key.family {
        return Err(JwtError::KeyAlgorithmMismatch);
    }
    let mut header = Map::new();
    header.insert("alg".into(), alg.as_str().into());
    header.insert("typ".into(), "JWT".into());
    if let Some(kid) = &key.kid {
        header.insert("kid".into(), kid.as_str().into());
    }
    let mut token = B64URL.encode(Value::Object(header).to_json());
    token.push('.');
    token.push_str(&B64URL.encode(Value::Object(claims.clone()).to_json()));
    let signature_b64 = match &key.kind {
        SigningKeyKind::Hmac(secret) => {
            if secret.len() < alg.min_hmac_key_len() {
                return Err(JwtError::WeakKey);
            }
            let tag =
                hs::sign(alg, secret, token.as_bytes()).ok_or(JwtError::Signing("HMAC failed"))?;
            B64URL.encode(tag)
        }
        SigningKeyKind::Backend(enc) => {
            jsonwebtoken::crypto::sign(token.as_bytes(), enc, backend_alg(alg))
                .map_err(|_| JwtError::Signing("the key was refused by the crypto backend"))?
        }
    };
    token.push('.');
    token.push_str(&signature_b64);
    Ok(Secret::new(token))
}
