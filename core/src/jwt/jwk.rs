//! Verification keys: JWKs and JWK Sets (RFC 7517), PEM public keys, HMAC secrets, and choosing
//! the key for a token by `kid` (RFC 7515 §4.1.4).
//!
//! A key's type (`kty`, or the PEM's algorithm OID) decides which algorithms it can verify; the
//! token's header never chooses a key type, and bytes that look like a public key are never
//! accepted as an HMAC secret. Keys come only from the caller: the `jku`, `x5u`, `jwk` and `x5c`
//! header parameters (RFC 7515 §4.1.2-§4.1.6) are never read.

use super::algorithm::{Algorithm, KeyFamily};
use super::error::JwtError;
use super::spki::{looks_like_key_encoding, parse_public_pem, PublicComponents};
use super::strict_json::parse_object;
use crate::json::{Map, Value};
use std::fmt;
use zeroize::Zeroizing;

/// Smallest RSA modulus accepted, in bits. NIST SP 800-131A Rev. 2 §2 disallows RSA keys under
/// 2048 bits for signature verification of new signatures, and RFC 7518 §3.3 requires 2048.
pub const MIN_RSA_BITS: usize = 2048;

const B64URL: crate::b64::Engine = crate::b64::URL_SAFE_NO_PAD;

/// One verification key.
#[derive(Clone)]
pub struct Jwk {
    /// The key id (`kid`, RFC 7517 §4.5).
    pub kid: Option<String>,
    /// The algorithm the key is restricted to (`alg`, RFC 7517 §4.4), if any.
    pub alg: Option<Algorithm>,
    material: KeyMaterial,
}

#[derive(Clone)]
enum KeyMaterial {
    Public(PublicComponents),
    /// A shared secret, zeroized on drop.
    Hmac(Zeroizing<Vec<u8>>),
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwk")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("family", &self.family())
            .finish_non_exhaustive()
    }
}

impl Jwk {
    /// The key family, which decides the algorithms this key can verify.
    pub fn family(&self) -> KeyFamily {
        match &self.material {
            KeyMaterial::Hmac(_) => KeyFamily::Hmac,
            KeyMaterial::Public(PublicComponents::Rsa { .. }) => KeyFamily::Rsa,
            KeyMaterial::Public(PublicComponents::EcP256 { .. }) => KeyFamily::EcP256,
            KeyMaterial::Public(PublicComponents::EcP384 { .. }) => KeyFamily::EcP384,
            KeyMaterial::Public(PublicComponents::Ed25519 { .. }) => KeyFamily::Ed25519,
        }
    }

    /// Parses one JWK object (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2). Private members are ignored.
    pub fn from_json(json: &str) -> Result<Self, JwtError> {
        let map = parse_object(json.as_bytes())
            .map_err(|_| JwtError::InvalidKey("the JWK is not a JSON object"))?;
        Self::from_map(&map)
    }

    fn from_map(map: &Map) -> Result<Self, JwtError> {
        let kid = match map.get("kid") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(JwtError::InvalidKey("\"kid\" is not a string")),
        };
        let alg = match map.get("alg") {
            None => None,
            Some(Value::String(s)) => Some(Algorithm::parse(s)?),
            Some(_) => return Err(JwtError::InvalidKey("\"alg\" is not a string")),
        };
        // RFC 7517 §4.2: a key meant for encryption is not used to verify signatures.
        match map.get("use") {
            None => {}
            Some(Value::String(s)) if s == "sig" => {}
            Some(_) => return Err(JwtError::InvalidKey("the key's \"use\" is not \"sig\"")),
        }
        let material = match str_member(map, "kty")? {
            "RSA" => {
                let n = strip_leading_zeros(b64_member(map, "n")?);
                let e = strip_leading_zeros(b64_member(map, "e")?);
                rsa_material(n, e)?
            }
            "EC" => {
                let (size, p384) = match str_member(map, "crv")? {
                    "P-256" => (32, false),
                    "P-384" => (48, true),
                    _ => return Err(JwtError::InvalidKey("unsupported EC curve")),
                };
                let x = b64_member(map, "x")?;
                let y = b64_member(map, "y")?;
                // RFC 7518 §6.2.1.2/§6.2.1.3: full-size coordinates.
                if x.len() != size || y.len() != size {
                    return Err(JwtError::InvalidKey("EC coordinates have the wrong length"));
                }
                KeyMaterial::Public(if p384 {
                    PublicComponents::EcP384 { x, y }
                } else {
                    PublicComponents::EcP256 { x, y }
                })
            }
            "OKP" => {
                if str_member(map, "crv")? != "Ed25519" {
                    return Err(JwtError::InvalidKey("unsupported OKP curve"));
                }
                let x = b64_member(map, "x")?;
                // RFC 8032 §5.1.5: an Ed25519 public key is 32 bytes.
                if x.len() != 32 {
                    return Err(JwtError::InvalidKey(
                        "an Ed25519 public key is 32 bytes long",
                    ));
                }
                KeyMaterial::Public(PublicComponents::Ed25519 { x })
            }
            "oct" => hmac_material(b64_member(map, "k")?)?,
            _ => return Err(JwtError::InvalidKey("unsupported key type (kty)")),
        };
        Ok(Jwk { kid, alg, material })
    }

    /// A public key in PEM: `PUBLIC KEY` (SPKI; RSA, EC P-256/P-384, Ed25519) or `RSA PUBLIC KEY`.
    pub fn from_pem(pem: &str, kid: Option<&str>) -> Result<Self, JwtError> {
        let components = parse_public_pem(pem)
            .map_err(|_| JwtError::InvalidKey("not a supported PEM public key"))?;
        let material = match components {
            PublicComponents::Rsa { n, e } => rsa_material(n, e)?,
            other => KeyMaterial::Public(other),
        };
        Ok(Jwk {
            kid: kid.map(str::to_owned),
            alg: None,
            material,
        })
    }

    /// A shared HMAC secret. Refuses anything that looks like an encoded key (PEM, DER, OpenSSH,
    /// JWK JSON): a public key used as an HMAC secret is the key-confusion attack.
    pub fn from_hmac_secret(secret: &[u8], kid: Option<&str>) -> Result<Self, JwtError> {
        Ok(Jwk {
            kid: kid.map(str::to_owned),
            alg: None,
            material: hmac_material(secret.to_vec())?,
        })
    }

    /// The public JWK as JSON for `crypto.subtle.importKey("jwk", …)`: only `kty`, `crv` and the
    /// public components (an `oct` key gives its `k`, which only core itself uses).
    pub fn to_public_json(&self) -> String {
        let mut m = Map::new();
        let mut put = |k: &str, v: &[u8]| {
            m.insert(k.to_owned(), Value::String(B64URL.encode(v)));
        };
        let kty = match &self.material {
            KeyMaterial::Public(PublicComponents::Rsa { n, e }) => {
                put("n", n);
                put("e", e);
                "RSA"
            }
            KeyMaterial::Public(PublicComponents::EcP256 { x, y })
            | KeyMaterial::Public(PublicComponents::EcP384 { x, y }) => {
                put("x", x);
                put("y", y);
                "EC"
            }
            KeyMaterial::Public(PublicComponents::Ed25519 { x }) => {
                put("x", x);
                "OKP"
            }
            KeyMaterial::Hmac(k) => {
                put("k", k);
                "oct"
            }
        };
        m.insert("kty".into(), kty.into());
        let crv = match self.family() {
            KeyFamily::EcP256 => Some("P-256"),
            KeyFamily::EcP384 => Some("P-384"),
            KeyFamily::Ed25519 => Some("Ed25519"),
            KeyFamily::Rsa | KeyFamily::Hmac => None,
        };
        if let Some(crv) = crv {
            m.insert("crv".into(), crv.into());
        }
        Value::Object(m).to_json()
    }

    /// Used by `verify.rs` (native only) and the tests.
    #[cfg_attr(not(feature = "native-crypto"), allow(dead_code))]
    pub(crate) fn public_components(&self) -> Option<&PublicComponents> {
        match &self.material {
            KeyMaterial::Public(p) => Some(p),
            KeyMaterial::Hmac(_) => None,
        }
    }

    pub(crate) fn hmac_secret(&self) -> Option<&[u8]> {
        match &self.material {
            KeyMaterial::Hmac(k) => Some(k),
            KeyMaterial::Public(_) => None,
        }
    }
}

fn str_member<'a>(map: &'a Map, name: &'static str) -> Result<&'a str, JwtError> {
    map.get(name)
        .and_then(Value::as_str)
        .ok_or(JwtError::InvalidKey(
            "a required JWK member is missing or not a string",
        ))
}

fn b64_member(map: &Map, name: &'static str) -> Result<Vec<u8>, JwtError> {
    let bytes = B64URL
        .decode(str_member(map, name)?)
        .map_err(|_| JwtError::InvalidKey("a JWK member is not unpadded base64url"))?;
    if bytes.is_empty() {
        return Err(JwtError::InvalidKey("a JWK member is empty"));
    }
    Ok(bytes)
}

fn strip_leading_zeros(bytes: Vec<u8>) -> Vec<u8> {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    bytes[zeros..].to_vec()
}

fn rsa_material(n: Vec<u8>, e: Vec<u8>) -> Result<KeyMaterial, JwtError> {
    let bits = n.first().map_or(0, |&top| {
        (n.len() - 1) * 8 + (8 - top.leading_zeros() as usize)
    });
    if bits < MIN_RSA_BITS {
        return Err(JwtError::WeakKey);
    }
    if e.is_empty() {
        return Err(JwtError::InvalidKey("the RSA exponent is zero"));
    }
    Ok(KeyMaterial::Public(PublicComponents::Rsa { n, e }))
}

fn hmac_material(secret: Vec<u8>) -> Result<KeyMaterial, JwtError> {
    if secret.is_empty() {
        return Err(JwtError::InvalidKey("the HMAC secret is empty"));
    }
    if looks_like_key_encoding(&secret) {
        return Err(JwtError::InvalidKey(
            "the HMAC secret looks like an encoded public or private key",
        ));
    }
    Ok(KeyMaterial::Hmac(Zeroizing::new(secret)))
}

/// The keys a token may be verified with, usually a JWK Set from the issuer's `jwks_uri`.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<Jwk>,
    /// Keys of the set that were refused, by `kid`, so a token naming one gets the real reason
    /// (a weak RSA key, say) rather than "no key".
    refused: Vec<(Option<String>, JwtError)>,
}

impl KeySet {
    pub fn new(keys: Vec<Jwk>) -> Self {
        KeySet {
            keys,
            refused: Vec::new(),
        }
    }

    /// Parses a JWK Set document `{"keys": [...]}` (RFC 7517 §5). Keys that cannot be used are
    /// left out (RFC 7517 §5: "SHOULD ignore JWKs … that use "kty" values that are not
    /// understood"); a token that names one by `kid` is refused with the key's own error.
    pub fn from_jwks_json(json: &str) -> Result<Self, JwtError> {
        let doc = parse_object(json.as_bytes())
            .map_err(|_| JwtError::InvalidKey("the JWK Set is not a JSON object"))?;
        let Some(Value::Array(items)) = doc.get("keys") else {
            return Err(JwtError::InvalidKey("the JWK Set has no \"keys\" array"));
        };
        let mut set = KeySet::default();
        for item in items {
            let Value::Object(map) = item else {
                continue;
            };
            match Jwk::from_map(map) {
                Ok(k) => set.keys.push(k),
                Err(e) => {
                    let kid = map.get("kid").and_then(Value::as_str).map(str::to_owned);
                    set.refused.push((kid, e));
                }
            }
        }
        Ok(set)
    }

    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// True when some key of the set can verify `alg`.
    pub(crate) fn supports(&self, alg: Algorithm) -> bool {
        self.keys.iter().any(|k| key_fits(k, alg))
    }

    /// The position in [`KeySet::keys`] of the key for a token with this `kid` and `alg`.
    ///
    /// With a `kid`: a key with that `kid` whose type fits `alg` (RFC 7515 §4.1.4). Without one:
    /// the only key whose type fits `alg`. A matching key of the wrong type is
    /// [`JwtError::KeyAlgorithmMismatch`], never a fallback to another interpretation.
    pub(crate) fn select(&self, kid: Option<&str>, alg: Algorithm) -> Result<usize, JwtError> {
        let mut named = false;
        let mut fitting = None;
        for (index, key) in self.keys.iter().enumerate() {
            if kid.is_some() && key.kid.as_deref() != kid {
                continue;
            }
            named = true;
            if key_fits(key, alg) {
                match (fitting, kid) {
                    (None, _) => fitting = Some(index),
                    // Several keys without a `kid` to tell them apart: refuse rather than try each.
                    (Some(_), None) => return Err(JwtError::KeyNotFound),
                    // Several with the `kid`: the first.
                    (Some(_), Some(_)) => break,
                }
            }
        }
        if !named {
            if let Some((_, e)) = self
                .refused
                .iter()
                .find(|(k, _)| kid.is_some() && k.as_deref() == kid)
            {
                return Err(e.clone());
            }
            return Err(JwtError::KeyNotFound);
        }
        fitting.ok_or(JwtError::KeyAlgorithmMismatch)
    }
}

/// The key's type fits the algorithm, and the key's own `alg`, when set, is that algorithm.
fn key_fits(key: &Jwk, alg: Algorithm) -> bool {
    key.family() == alg.family() && key.alg.map_or(true, |a| a == alg)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED_JWK: &str = r#"{"kty":"OKP","crv":"Ed25519","x":"Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE","kid":"ed"}"#;

    #[test]
    fn parses_okp_and_round_trips_public_json() {
        let k = Jwk::from_json(ED_JWK).unwrap();
        assert_eq!(k.family(), KeyFamily::Ed25519);
        let again = Jwk::from_json(&k.to_public_json()).unwrap();
        assert_eq!(again.public_components(), k.public_components());
    }

    /// The public JWK of each key type: canonical JSON (members in name order) without `kid` or
    /// private members, parsing back to the same key.
    #[test]
    fn public_json_is_canonical() {
        let rsa = format!(
            r#"{{"kty":"RSA","n":"{}","e":"AQAB","d":"private"}}"#,
            B64URL.encode([0xC5u8; 256])
        );
        let coordinate = |b: u8, n: usize| B64URL.encode(vec![b; n]);
        let p256 = format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
            coordinate(1, 32),
            coordinate(2, 32)
        );
        let p384 = format!(
            r#"{{"kty":"EC","crv":"P-384","x":"{}","y":"{}"}}"#,
            coordinate(3, 48),
            coordinate(4, 48)
        );
        let oct = format!(r#"{{"kty":"oct","k":"{}"}}"#, coordinate(5, 32));
        for json in [rsa, p256, p384, oct, ED_JWK.to_owned()] {
            let key = Jwk::from_json(&json).unwrap();
            let text = key.to_public_json();
            let canonical = crate::json::parse_str(&text, crate::json::Duplicates::Reject)
                .unwrap()
                .to_json();
            assert_eq!(text, canonical);
            assert!(
                !text.contains("private") && !text.contains("\"kid\""),
                "{text}"
            );
            let again = Jwk::from_json(&text).unwrap();
            assert_eq!(again.public_components(), key.public_components());
            assert_eq!(again.hmac_secret(), key.hmac_secret());
        }
    }

    #[test]
    fn weak_rsa_is_refused() {
        let n = B64URL.encode([0xFFu8; 128]); // 1024 bits
        let json = format!(r#"{{"kty":"RSA","n":"{n}","e":"AQAB"}}"#);
        assert_eq!(Jwk::from_json(&json).unwrap_err(), JwtError::WeakKey);
        let n = B64URL.encode([0xFFu8; 256]); // 2048 bits
        let json = format!(r#"{{"kty":"RSA","n":"{n}","e":"AQAB"}}"#);
        assert_eq!(Jwk::from_json(&json).unwrap().family(), KeyFamily::Rsa);
        // A leading zero byte does not add bits.
        let mut short = vec![0u8];
        short.extend([0x7Fu8; 255]);
        let n = B64URL.encode(short); // 2047 bits
        let json = format!(r#"{{"kty":"RSA","n":"{n}","e":"AQAB"}}"#);
        assert_eq!(Jwk::from_json(&json).unwrap_err(), JwtError::WeakKey);
    }

    #[test]
    fn public_keys_are_never_hmac_secrets() {
        assert!(Jwk::from_hmac_secret(ED_JWK.as_bytes(), None).is_err());
        assert!(Jwk::from_hmac_secret(b"-----BEGIN PUBLIC KEY-----\nMCow\n", None).is_err());
        let oct_with_pem = format!(
            r#"{{"kty":"oct","k":"{}"}}"#,
            B64URL.encode("-----BEGIN PUBLIC KEY-----")
        );
        assert!(Jwk::from_json(&oct_with_pem).is_err());
        assert!(Jwk::from_hmac_secret(&[7u8; 32], None).is_ok());
    }

    #[test]
    fn selection_by_kid_and_type() {
        let set = KeySet::new(vec![
            Jwk::from_json(ED_JWK).unwrap(),
            Jwk::from_hmac_secret(&[7u8; 32], Some("h")).unwrap(),
        ]);
        assert_eq!(set.select(Some("ed"), Algorithm::EdDSA), Ok(0));
        assert_eq!(
            set.select(Some("ed"), Algorithm::HS256).unwrap_err(),
            JwtError::KeyAlgorithmMismatch
        );
        assert_eq!(
            set.select(Some("nope"), Algorithm::EdDSA).unwrap_err(),
            JwtError::KeyNotFound
        );
        assert_eq!(set.select(None, Algorithm::HS256), Ok(1));
    }

    #[test]
    fn jwks_remembers_refused_keys() {
        let n = B64URL.encode([0xFFu8; 128]);
        let jwks = format!(
            r#"{{"keys":[{ED_JWK},{{"kty":"RSA","kid":"old","n":"{n}","e":"AQAB"}},{{"kty":"XYZ"}}]}}"#
        );
        let set = KeySet::from_jwks_json(&jwks).unwrap();
        assert_eq!(set.keys().len(), 1);
        assert_eq!(
            set.select(Some("old"), Algorithm::RS256).unwrap_err(),
            JwtError::WeakKey
        );
    }

    #[test]
    fn debug_never_shows_secret() {
        let k = Jwk::from_hmac_secret(b"super-secret-shared-value-0123456789", None).unwrap();
        assert!(!format!("{k:?}").contains("super"));
    }
}
