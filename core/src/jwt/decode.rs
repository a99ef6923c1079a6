//! [`decode_unverified`]: a JWT's header and claims for inspection, with no signature check.
//!
//! The parse is strict on purpose, so that what is shown is exactly what a verifier would see:
//! JWS Compact Serialization only (RFC 7515 §7.1), base64url without padding (RFC 7515 §2 and
//! RFC 4648 §5), JSON objects with unique member names (RFC 7515 §4, RFC 7519 §4).

use super::error::JwtError;
use super::strict_json::{parse_object, StrictJsonError};
use crate::json::{Map, Value};
use std::fmt;

/// The longest JWT accepted, in bytes, checked before anything is decoded.
///
/// 16 KiB is Node.js's default limit for all HTTP headers of a request (`--max-http-header-size`),
/// so a bearer token longer than this cannot reach a default Node server in an `Authorization`
/// header. Tokens in the wild are far smaller (a few hundred bytes to ~4 KB with large group claims);
/// the cap bounds base64 and JSON work on hostile input.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// base64url without padding (RFC 7515 §2). The `base64` crate rejects whitespace, `=`, the
/// standard alphabet's `+` and `/`, and non-zero trailing bits (a non-canonical encoding such as
/// `QR` for "A", whose canonical form is `QQ`), so every byte string has exactly one accepted text.
const B64: crate::b64::Engine = crate::b64::URL_SAFE_NO_PAD;

/// A JWT decoded WITHOUT verifying its signature. Use it to show a token, never to trust one.
#[derive(Clone, PartialEq)]
pub struct UnverifiedJwt {
    /// The JOSE header (RFC 7515 §4).
    pub header: Map,
    /// The claims set (RFC 7519 §4).
    pub claims: Map,
    /// `BASE64URL(header) '.' BASE64URL(payload)`: the bytes the signature covers (RFC 7515 §5.1).
    signing_input: String,
    /// The decoded signature (empty for an unsecured JWT).
    signature: Vec<u8>,
}

impl UnverifiedJwt {
    /// The header's `alg` (RFC 7515 §4.1.1), always present after a successful decode.
    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or("")
    }

    /// The header's `kid` (RFC 7515 §4.1.4), if it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// The ASCII bytes the signature is computed over (RFC 7515 §5.1 step 5).
    pub fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    /// The decoded signature bytes (RFC 7515 §5.1 step 6).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// Header, claims, signing input and signature, moved out (no copy of the bytes).
    pub(crate) fn into_parts(self) -> (Map, Map, Vec<u8>, Vec<u8>) {
        (
            self.header,
            self.claims,
            self.signing_input.into_bytes(),
            self.signature,
        )
    }
}

/// The header and claims are what inspection shows; the signature is left out so that a token
/// cannot be reassembled from a log line.
impl fmt::Debug for UnverifiedJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnverifiedJwt")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .field("signature", &crate::secret::REDACTED)
            .finish()
    }
}

/// Decodes a JWT's header and claims WITHOUT verifying anything. For display and debugging only.
///
/// Refuses: more than [`MAX_TOKEN_LEN`] bytes; anything but three `.`-separated segments (a JWE's
/// five get [`JwtError::Encrypted`]); base64url with padding, whitespace or non-canonical trailing
/// bits; a header or payload that is not a JSON object with unique member names; a header without
/// a string `alg`.
pub fn decode_unverified(token: &str) -> Result<UnverifiedJwt, JwtError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::TooLarge);
    }
    const MALFORMED: JwtError =
        JwtError::Malformed("a signed JWT has exactly three segments separated by '.'");
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(MALFORMED);
    };
    match parts.count() {
        0 => {}
        // RFC 7516 §7.1: header.encrypted_key.iv.ciphertext.tag
        2 => return Err(JwtError::Encrypted),
        _ => return Err(MALFORMED),
    }

    let header_bytes = B64
        .decode(header_b64)
        .map_err(|_| JwtError::Malformed("the header is not unpadded base64url"))?;
    let payload_bytes = B64
        .decode(payload_b64)
        .map_err(|_| JwtError::Malformed("the payload is not unpadded base64url"))?;
    let signature = B64
        .decode(signature_b64)
        .map_err(|_| JwtError::Malformed("the signature is not unpadded base64url"))?;

    let header = parse_object(&header_bytes).map_err(|e| json_error(e, "header"))?;
    let claims = parse_object(&payload_bytes).map_err(|e| json_error(e, "claims"))?;

    // RFC 7515 §4.1.1: `alg` MUST be present and is a case-sensitive string.
    if !header.get("alg").is_some_and(Value::is_string) {
        return Err(JwtError::Malformed("the header has no string \"alg\""));
    }

    let signing_input_len = header_b64.len() + 1 + payload_b64.len();
    let signing_input = token
        .get(..signing_input_len)
        .unwrap_or_default()
        .to_owned();
    Ok(UnverifiedJwt {
        header,
        claims,
        signing_input,
        signature,
    })
}

fn json_error(e: StrictJsonError, part: &'static str) -> JwtError {
    match (e, part) {
        (StrictJsonError::Duplicate, _) => JwtError::DuplicateMember(part),
        (StrictJsonError::NotObject, "header") => {
            JwtError::Malformed("the header is not a JSON object")
        }
        (StrictJsonError::NotObject, _) => JwtError::Malformed("the claims are not a JSON object"),
        (StrictJsonError::Invalid, "header") => {
            JwtError::Malformed("the header is not valid UTF-8 JSON")
        }
        (StrictJsonError::Invalid, _) => JwtError::Malformed("the claims are not valid UTF-8 JSON"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        B64.encode(s)
    }

    fn token(header: &str, claims: &str) -> String {
        format!("{}.{}.c2ln", b64(header), b64(claims))
    }

    #[test]
    fn decodes_header_claims_and_signing_input() {
        let t = token(r#"{"alg":"HS256","kid":"k1"}"#, r#"{"sub":"a","exp":10}"#);
        let jwt = decode_unverified(&t).unwrap();
        assert_eq!(jwt.alg(), "HS256");
        assert_eq!(jwt.kid(), Some("k1"));
        assert_eq!(jwt.claims["sub"], "a");
        assert_eq!(jwt.signature(), b"sig");
        let dot = t.rfind('.').unwrap();
        assert_eq!(jwt.signing_input(), &t.as_bytes()[..dot]);
    }

    #[test]
    fn segment_counts() {
        let t = token(r#"{"alg":"HS256"}"#, "{}");
        let two = t.rsplit_once('.').unwrap().0;
        assert_eq!(decode_unverified(two).unwrap_err().code(), "jwt_malformed");
        let four = format!("{t}.x");
        assert_eq!(
            decode_unverified(&four).unwrap_err().code(),
            "jwt_malformed"
        );
        let five = format!("{t}.x.y");
        assert_eq!(decode_unverified(&five), Err(JwtError::Encrypted));
        assert_eq!(decode_unverified("").unwrap_err().code(), "jwt_malformed");
    }

    #[test]
    fn strict_base64url() {
        let h = b64(r#"{"alg":"HS256"}"#);
        let p = b64("{}");
        // Padding ("{}" is 2 bytes → 3 chars + one '=').
        assert!(decode_unverified(&format!("{h}.{p}=.c2ln")).is_err());
        // Whitespace and newline.
        assert!(decode_unverified(&format!("{h}.{p} .c2ln")).is_err());
        assert!(decode_unverified(&format!("{h}.{p}.c2ln\n")).is_err());
        // Standard alphabet.
        assert!(decode_unverified(&format!("{h}.{p}.c2+n")).is_err());
        // Non-canonical trailing bits: "e30" is "{}", "e31" has the same bytes plus stray bits.
        assert_eq!(p, "e30");
        assert!(decode_unverified(&format!("{h}.e30.c2ln")).is_ok());
        assert!(decode_unverified(&format!("{h}.e31.c2ln")).is_err());
    }

    #[test]
    fn json_rules() {
        let dup = token(r#"{"alg":"HS256","alg":"none"}"#, "{}");
        assert_eq!(
            decode_unverified(&dup),
            Err(JwtError::DuplicateMember("header"))
        );
        let dup = token(r#"{"alg":"HS256"}"#, r#"{"exp":1,"exp":2}"#);
        assert_eq!(
            decode_unverified(&dup),
            Err(JwtError::DuplicateMember("claims"))
        );
        let no_alg = token(r#"{"typ":"JWT"}"#, "{}");
        assert_eq!(
            decode_unverified(&no_alg).unwrap_err().code(),
            "jwt_malformed"
        );
        let num_alg = token(r#"{"alg":1}"#, "{}");
        assert_eq!(
            decode_unverified(&num_alg).unwrap_err().code(),
            "jwt_malformed"
        );
        let array_claims = token(r#"{"alg":"HS256"}"#, "[]");
        assert_eq!(
            decode_unverified(&array_claims).unwrap_err().code(),
            "jwt_malformed"
        );
    }

    #[test]
    fn size_cap_is_checked_first() {
        let huge = "a".repeat(MAX_TOKEN_LEN + 1);
        assert_eq!(decode_unverified(&huge), Err(JwtError::TooLarge));
        let header = format!(r#"{{"alg":"HS256","x":"{}"}}"#, "a".repeat(MAX_TOKEN_LEN));
        assert_eq!(
            decode_unverified(&token(&header, "{}")),
            Err(JwtError::TooLarge)
        );
    }

    #[test]
    fn debug_hides_signature() {
        let t = token(r#"{"alg":"HS256"}"#, "{}");
        let shown = format!("{:?}", decode_unverified(&t).unwrap());
        assert!(shown.contains(crate::secret::REDACTED));
        assert!(!shown.contains("115")); // b's' as a byte list
    }
}
