//! Public keys from PEM and DER: `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7) and PKCS #1
//! `RSAPublicKey` (RFC 8017 Appendix A.1.1), for RSA, EC P-256/P-384 (RFC 5480) and Ed25519
//! (RFC 8410). A small DER reader of our own, so the wasm build can turn a PEM into a JWK for
//! WebCrypto without linking an ASN.1 crate.

use crate::search::find;

/// A public key's components, as a JWK carries them (RFC 7518 §6, RFC 8037 §2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PublicComponents {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    EcP256 { x: Vec<u8>, y: Vec<u8> },
    EcP384 { x: Vec<u8>, y: Vec<u8> },
    Ed25519 { x: Vec<u8> },
}

/// Why a PEM or DER public key was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SpkiError {
    /// Not PEM, or a PEM with another label (a private key, a certificate).
    NotPublicKeyPem,
    /// DER that is not a supported public key.
    Der,
}

// DER tags (X.690 §8).
const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;

// Object identifiers, as DER content bytes.
/// rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017 Appendix C).
const OID_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
/// id-ecPublicKey, 1.2.840.10045.2.1 (RFC 5480 §2.1.1).
const OID_EC: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// secp256r1, 1.2.840.10045.3.1.7 (RFC 5480 §2.1.1.1).
const OID_P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
/// secp384r1, 1.3.132.0.34 (RFC 5480 §2.1.1.1).
const OID_P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
/// id-Ed25519, 1.3.101.112 (RFC 8410 §3).
const OID_ED25519: &[u8] = &[0x2B, 0x65, 0x70];

/// Parses a PEM `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS #1) block (RFC 7468 §13).
pub(crate) fn parse_public_pem(pem: &str) -> Result<PublicComponents, SpkiError> {
    let text = pem.trim();
    for (label, parse) in [
        (
            "PUBLIC KEY",
            parse_spki_der as fn(&[u8]) -> Result<PublicComponents, SpkiError>,
        ),
        ("RSA PUBLIC KEY", parse_pkcs1_der),
    ] {
        let begin = format!("-----BEGIN {label}-----");
        let end = format!("-----END {label}-----");
        if let Some(body) = text
            .strip_prefix(begin.as_str())
            .and_then(|rest| rest.strip_suffix(end.as_str()))
        {
            // RFC 7468 §3: the body is standard base64, wrapped; line breaks carry no meaning.
            let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let der = crate::b64::STANDARD
                .decode(b64)
                .map_err(|_| SpkiError::NotPublicKeyPem)?;
            return parse(&der);
        }
    }
    Err(SpkiError::NotPublicKeyPem)
}

/// True when `bytes` look like any key encoding (PEM text, OpenSSH, DER SPKI/PKCS #1, a JWK),
/// which must never be used as an HMAC secret (the key-confusion attack, e.g. CVE-2022-29217).
pub(crate) fn looks_like_key_encoding(bytes: &[u8]) -> bool {
    let text = crate::utf8::lossy(bytes);
    let trimmed = text.trim_start();
    find(trimmed, "-----BEGIN").is_some()
        || trimmed.starts_with("ssh-")
        || trimmed.starts_with("ecdsa-sha2-")
        || (trimmed.starts_with('{') && find(trimmed, "\"kty\"").is_some())
        || parse_spki_der(bytes).is_ok()
        || parse_pkcs1_der(bytes).is_ok()
        || bytes.first() == Some(&TAG_SEQUENCE) && read_tlv(bytes).is_ok_and(|t| t.rest.is_empty())
}

/// One DER element: its tag, its content, and what follows it.
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    rest: &'a [u8],
}

/// Reads one definite-length DER element (X.690 §8.1). Lengths up to 2^16 - 1 bytes (two length
/// octets): an RSA-16384 key is about 2 KB, so anything longer is not a public key.
fn read_tlv(input: &[u8]) -> Result<Tlv<'_>, SpkiError> {
    let (&tag, after_tag) = input.split_first().ok_or(SpkiError::Der)?;
    let (&first, after_len) = after_tag.split_first().ok_or(SpkiError::Der)?;
    let (len, body) = match first {
        0x00..=0x7F => (usize::from(first), after_len),
        0x81 => {
            let (&b, rest) = after_len.split_first().ok_or(SpkiError::Der)?;
            // X.690 §10.1: DER uses the short form when it can.
            if b < 0x80 {
                return Err(SpkiError::Der);
            }
            (usize::from(b), rest)
        }
        0x82 => {
            let bytes: [u8; 2] = after_len
                .get(..2)
                .and_then(|b| b.try_into().ok())
                .ok_or(SpkiError::Der)?;
            let len = usize::from(u16::from_be_bytes(bytes));
            if len < 0x100 {
                return Err(SpkiError::Der);
            }
            (len, after_len.get(2..).ok_or(SpkiError::Der)?)
        }
        _ => return Err(SpkiError::Der),
    };
    let content = body.get(..len).ok_or(SpkiError::Der)?;
    let rest = body.get(len..).ok_or(SpkiError::Der)?;
    Ok(Tlv { tag, content, rest })
}

fn expect(input: &[u8], tag: u8) -> Result<Tlv<'_>, SpkiError> {
    let tlv = read_tlv(input)?;
    if tlv.tag == tag {
        Ok(tlv)
    } else {
        Err(SpkiError::Der)
    }
}

/// A DER INTEGER as an unsigned big-endian magnitude without leading zeros (RFC 7518 §6.3.1.1:
/// JWK `n` and `e` are unsigned and minimal). Negative integers are refused.
fn unsigned_integer(content: &[u8]) -> Result<Vec<u8>, SpkiError> {
    if content.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(SpkiError::Der);
    }
    let start = content.iter().position(|&b| b != 0).ok_or(SpkiError::Der)?;
    Ok(content.get(start..).unwrap_or_default().to_vec())
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017 A.1.1).
fn parse_pkcs1_der(der: &[u8]) -> Result<PublicComponents, SpkiError> {
    let seq = expect(der, TAG_SEQUENCE)?;
    if !seq.rest.is_empty() {
        return Err(SpkiError::Der);
    }
    let n = expect(seq.content, TAG_INTEGER)?;
    let e = expect(n.rest, TAG_INTEGER)?;
    if !e.rest.is_empty() {
        return Err(SpkiError::Der);
    }
    Ok(PublicComponents::Rsa {
        n: unsigned_integer(n.content)?,
        e: unsigned_integer(e.content)?,
    })
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`.
fn parse_spki_der(der: &[u8]) -> Result<PublicComponents, SpkiError> {
    let spki = expect(der, TAG_SEQUENCE)?;
    if !spki.rest.is_empty() {
        return Err(SpkiError::Der);
    }
    let alg = expect(spki.content, TAG_SEQUENCE)?;
    let bits = expect(alg.rest, TAG_BIT_STRING)?;
    if !bits.rest.is_empty() {
        return Err(SpkiError::Der);
    }
    // X.690 §8.6.2.2: the first content octet counts unused bits; a key uses whole octets.
    let key = match bits.content.split_first() {
        Some((0, key)) => key,
        _ => return Err(SpkiError::Der),
    };
    let oid = expect(alg.content, TAG_OID)?;
    match oid.content {
        OID_RSA => parse_pkcs1_der(key),
        OID_EC => {
            let curve = expect(oid.rest, TAG_OID)?;
            let (size, p384) = match curve.content {
                OID_P256 => (32, false),
                OID_P384 => (48, true),
                _ => return Err(SpkiError::Der),
            };
            // SEC 1 §2.3.3: only the uncompressed form 0x04 || X || Y.
            match key.split_first() {
                Some((4, xy)) if xy.len() == 2 * size => {
                    let (x, y) = xy.split_at(size);
                    let (x, y) = (x.to_vec(), y.to_vec());
                    Ok(if p384 {
                        PublicComponents::EcP384 { x, y }
                    } else {
                        PublicComponents::EcP256 { x, y }
                    })
                }
                _ => Err(SpkiError::Der),
            }
        }
        // RFC 8410 §3: parameters absent; the key is the 32-byte public value.
        OID_ED25519 if oid.rest.is_empty() && key.len() == 32 => {
            Ok(PublicComponents::Ed25519 { x: key.to_vec() })
        }
        _ => Err(SpkiError::Der),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // `openssl genpkey -algorithm ed25519 | openssl pkey -pubout`
    const ED_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
        MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n\
        -----END PUBLIC KEY-----\n";

    #[test]
    fn parses_ed25519_spki() {
        let PublicComponents::Ed25519 { x } = parse_public_pem(ED_PEM).unwrap() else {
            panic!("not Ed25519");
        };
        assert_eq!(x.len(), 32);
        assert_eq!(x[0], 0x19);
    }

    #[test]
    fn refuses_other_labels_and_garbage() {
        let private = ED_PEM.replace("PUBLIC KEY", "PRIVATE KEY");
        assert_eq!(parse_public_pem(&private), Err(SpkiError::NotPublicKeyPem));
        assert_eq!(parse_public_pem("hello"), Err(SpkiError::NotPublicKeyPem));
        assert_eq!(parse_spki_der(&[0x30, 0x81, 0x05]), Err(SpkiError::Der));
        assert_eq!(parse_spki_der(&[]), Err(SpkiError::Der));
    }

    #[test]
    fn key_encodings_are_recognised() {
        assert!(looks_like_key_encoding(ED_PEM.as_bytes()));
        assert!(looks_like_key_encoding(b"ssh-rsa AAAAB3NzaC1yc2E"));
        assert!(looks_like_key_encoding(
            br#"{"kty":"RSA","n":"x","e":"AQAB"}"#
        ));
        let der = crate::b64::STANDARD
            .decode("MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=")
            .unwrap();
        assert!(looks_like_key_encoding(&der));
        assert!(!looks_like_key_encoding(
            b"an ordinary 32-byte shared secret value!"
        ));
    }

    #[test]
    fn pkcs1_integers_are_minimal_unsigned() {
        // SEQUENCE { INTEGER 0x00 0x80, INTEGER 0x01 0x00 0x01 }
        let der = [
            0x30, 0x09, 0x02, 0x02, 0x00, 0x80, 0x02, 0x03, 0x01, 0x00, 0x01,
        ];
        assert_eq!(
            parse_pkcs1_der(&der),
            Ok(PublicComponents::Rsa {
                n: vec![0x80],
                e: vec![1, 0, 1]
            })
        );
        let negative = [0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x03];
        assert_eq!(parse_pkcs1_der(&negative), Err(SpkiError::Der));
    }
}
