//! The RSA key that signs access tokens (RS256, RFC 7518 §3.3) and its JWK (RFC 7517 §4,
//! RFC 7518 §6.3.1). A fresh key is generated at start and on `/admin/restart`, so tokens from a
//! previous "run" stop verifying, as they do on a real server whose key is not persisted.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

pub struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// RFC 7518 §6.3.1.1 `n` and §6.3.1.2 `e`, base64url without padding.
    n: String,
    e: String,
}

/// Random bytes as base64url (RFC 4648 §5) text: ids, jtis and opaque refresh tokens.
pub fn random_token(bytes: usize) -> Result<String, String> {
    let mut buf = vec![0u8; bytes];
    aws_lc_rs::rand::fill(&mut buf).map_err(|_| "random generator failed".to_string())?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

fn pem(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::from("-----BEGIN PRIVATE KEY-----\n");
    // RFC 7468 §2: base64 lines of exactly 64 characters.
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END PRIVATE KEY-----\n");
    out
}

impl SigningKey {
    /// A new 2048-bit key (the minimum RFC 7518 §3.3 allows for RS256).
    pub fn generate() -> Result<SigningKey, String> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| "RSA key generation failed")?;
        let pkcs8 = pair.as_der().map_err(|_| "RSA key export failed")?;
        let encoding = EncodingKey::from_rsa_pem(pem(pkcs8.as_ref()).as_bytes())
            .map_err(|e| format!("RSA key import failed: {e}"))?;
        let public = pair.public_key();
        let n = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
        let e = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
        let decoding = DecodingKey::from_rsa_components(&n, &e)
            .map_err(|e| format!("RSA public key import failed: {e}"))?;
        Ok(SigningKey {
            kid: random_token(12)?,
            encoding,
            decoding,
            n,
            e,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|e| format!("sign: {e}"))
    }

    /// Verify signature, `exp` and `iss` (RFC 7519 §7.2); `None` when the token is not one of ours
    /// or no longer valid. `now_secs` is this server's (possibly advanced) clock.
    pub fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        issuer: &str,
        now_secs: i64,
    ) -> Option<T> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[issuer]);
        validation.validate_aud = false;
        // Expiry is checked below against the server clock, which tests can advance.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<Value>(token, &self.decoding, &validation).ok()?;
        let exp = data.claims.get("exp").and_then(Value::as_i64)?;
        // RFC 7519 §4.1.4: the token must not be accepted on or after `exp`.
        if now_secs >= exp {
            return None;
        }
        serde_json::from_value(data.claims).ok()
    }

    /// The JWK Set document (RFC 7517 §5).
    pub fn jwks(&self) -> Value {
        json!({
            "keys": [{
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": self.kid,
                "n": self.n,
                "e": self.e,
            }]
        })
    }
}
