//! The rules a JWT must pass besides its signature, shared by every runtime: the native verifier
//! (`verify.rs`) and the WebCrypto path of the npm package (`webcrypto.rs`) both call these, so
//! one set of rules serves all.
//!
//! Header rules (RFC 7515 §4.1): `alg` in the caller's allowlist and fitting the key, `crit`
//! understood. Claim rules (RFC 7519 §4.1): `exp`, `nbf`, `iat` are NumericDates (RFC 7519 §2),
//! never "absent" when they have the wrong type; `iss` exact; `aud` string or array, exact.

use super::algorithm::Algorithm;
use super::decode::UnverifiedJwt;
use super::error::JwtError;
use super::jwk::KeySet;
use crate::json::{Map, Value};
use crate::time::UnixMillis;

/// Default clock skew tolerated on `exp` and `nbf`, in seconds: 30 s covers NTP-synchronised
/// hosts with room to spare while keeping an expired token usable for at most half a minute.
pub const DEFAULT_LEEWAY_SECS: u32 = 30;

/// Largest NumericDate accepted, in seconds: 9999-12-31T23:59:59Z. Later values are not dates
/// anyone issues; the bound also keeps `seconds × 1000` exact in `f64` (< 2^53) and in `i64`.
pub const MAX_NUMERIC_DATE: f64 = 253_402_300_799.0;

/// What a verified JWT must satisfy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validation {
    /// The algorithms accepted. Required: an empty list verifies nothing.
    pub algorithms: Vec<Algorithm>,
    /// The exact `iss` expected (RFC 7519 §4.1.1); `None` accepts any string issuer.
    pub issuer: Option<String>,
    /// The audience this service identifies as (RFC 7519 §4.1.3). When `None`, a token that has
    /// an `aud` is refused: RFC 7519 §4.1.3 says a principal that does not identify itself with a
    /// value of `aud` MUST reject the token.
    pub audience: Option<String>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    pub leeway_secs: u32,
    /// Accept a token with no `exp` at all. INSECURE: such a token never expires.
    pub allow_missing_exp_insecure: bool,
    /// `crit` header parameters the caller has processed itself (RFC 7515 §4.1.11). Any other
    /// `crit` entry fails verification.
    pub understood_crit: Vec<String>,
}

impl Validation {
    /// Accept these algorithms, require `exp`, 30 s leeway, no issuer or audience check.
    pub fn new(algorithms: &[Algorithm]) -> Self {
        Validation {
            algorithms: algorithms.to_vec(),
            issuer: None,
            audience: None,
            leeway_secs: DEFAULT_LEEWAY_SECS,
            allow_missing_exp_insecure: false,
            understood_crit: Vec::new(),
        }
    }

    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    pub fn with_leeway_secs(mut self, leeway_secs: u32) -> Self {
        self.leeway_secs = leeway_secs;
        self
    }
}

/// A JWT whose signature and claims passed verification.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedJwt {
    pub header: Map,
    pub claims: Map,
}

/// The header checks, then the key: allowlist, `crit`, key selection by `kid` and key type.
/// Returns the algorithm and the selected key's position in `keys.keys()`.
///
/// Every allowed algorithm must be usable with some key of the set: an allowlist such as
/// `[RS256, HS256]` with only RSA keys is the configuration behind key-confusion attacks and is
/// refused whatever the token says.
pub(crate) fn check_header_and_select_key(
    jwt: &UnverifiedJwt,
    keys: &KeySet,
    validation: &Validation,
) -> Result<(Algorithm, usize), JwtError> {
    if validation.algorithms.is_empty() {
        return Err(JwtError::EmptyAllowlist);
    }
    if validation.algorithms.iter().any(|a| !keys.supports(*a)) {
        return Err(JwtError::KeyAlgorithmMismatch);
    }
    let alg = Algorithm::parse(jwt.alg())?;
    if !validation.algorithms.contains(&alg) {
        return Err(JwtError::AlgorithmNotAllowed);
    }
    check_crit(&jwt.header, validation)?;
    let kid = match jwt.header.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.as_str()),
        Some(_) => return Err(JwtError::Malformed("the header's \"kid\" is not a string")),
    };
    let index = keys.select(kid, alg)?;
    if let Some(secret) = keys.keys()[index].hmac_secret() {
        // RFC 7518 §3.2: an HMAC key at least as long as the hash output.
        if secret.len() < alg.min_hmac_key_len() {
            return Err(JwtError::WeakKey);
        }
    }
    Ok((alg, index))
}

/// RFC 7515 §4.1.11: `crit` is a non-empty array of names, each present in the header, and the
/// token MUST be rejected if any is not understood.
fn check_crit(header: &Map, validation: &Validation) -> Result<(), JwtError> {
    let Some(crit) = header.get("crit") else {
        return Ok(());
    };
    let Value::Array(names) = crit else {
        return Err(JwtError::Malformed("\"crit\" is not an array"));
    };
    if names.is_empty() {
        return Err(JwtError::Malformed("\"crit\" is empty"));
    }
    for name in names {
        let Value::String(name) = name else {
            return Err(JwtError::Malformed("\"crit\" holds a non-string"));
        };
        if !header.contains_key(name) || !validation.understood_crit.contains(name) {
            return Err(JwtError::UnsupportedCritical);
        }
    }
    Ok(())
}

/// Checks the registered claims against `validation` at time `now`.
pub fn validate_claims(
    claims: &Map,
    validation: &Validation,
    now: UnixMillis,
) -> Result<(), JwtError> {
    let leeway_ms = i64::from(validation.leeway_secs) * 1000;
    let now_ms = now.as_millis();

    let exp = numeric_date(claims, "exp")?;
    let nbf = numeric_date(claims, "nbf")?;
    // `iat` is informational (RFC 7519 §4.1.6) but still must be a NumericDate.
    numeric_date(claims, "iat")?;
    for name in ["iss", "sub", "jti"] {
        if claims.get(name).is_some_and(|v| !v.is_string()) {
            return Err(JwtError::InvalidClaim(name));
        }
    }

    match exp {
        // RFC 7519 §4.1.4: the current time MUST be before `exp`.
        Some(exp_ms) if now_ms >= exp_ms.saturating_add(leeway_ms) => {
            return Err(JwtError::Expired)
        }
        Some(_) => {}
        None if validation.allow_missing_exp_insecure => {}
        None => return Err(JwtError::MissingClaim("exp")),
    }
    // RFC 7519 §4.1.5: the current time MUST be after or equal to `nbf`.
    if let Some(nbf_ms) = nbf {
        if now_ms.saturating_add(leeway_ms) < nbf_ms {
            return Err(JwtError::NotYetValid);
        }
    }

    if let Some(expected) = &validation.issuer {
        match claims.get("iss") {
            None => return Err(JwtError::MissingClaim("iss")),
            // Exact, case-sensitive comparison (RFC 7519 §4.1.1): no prefix or substring match.
            Some(Value::String(iss)) if iss == expected => {}
            Some(_) => return Err(JwtError::Issuer),
        }
    }

    check_audience(claims.get("aud"), validation.audience.as_deref())
}

/// RFC 7519 §4.1.3: `aud` is a string or an array of strings; the token is for us only when one
/// of them equals our audience exactly.
fn check_audience(aud: Option<&Value>, expected: Option<&str>) -> Result<(), JwtError> {
    // Whether `aud` names our audience (checked whatever `expected` is: a malformed `aud` is an
    // error either way).
    let ours = expected.unwrap_or_default();
    let named = match aud {
        None => false,
        Some(Value::String(s)) => s == ours,
        Some(Value::Array(items)) => {
            let mut named = false;
            for item in items {
                match item {
                    Value::String(s) => named |= s == ours,
                    _ => return Err(JwtError::InvalidClaim("aud")),
                }
            }
            named
        }
        Some(_) => return Err(JwtError::InvalidClaim("aud")),
    };
    match (expected, aud) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(JwtError::Audience),
        (Some(_), None) => Err(JwtError::MissingClaim("aud")),
        (Some(_), Some(_)) if named => Ok(()),
        (Some(_), Some(_)) => Err(JwtError::Audience),
    }
}

/// A NumericDate claim in milliseconds: a JSON number (integer or not, RFC 7519 §2) between 0 and
/// [`MAX_NUMERIC_DATE`] seconds. A string, boolean, null, negative or overflowing value is an
/// error, never "absent" (the jsonwebtoken CVE-2026-25537 class of bug).
fn numeric_date(claims: &Map, name: &'static str) -> Result<Option<i64>, JwtError> {
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    let Value::Number(n) = value else {
        return Err(JwtError::InvalidClaim(name));
    };
    let secs = n.as_f64().ok_or(JwtError::InvalidClaim(name))?;
    if !secs.is_finite() || !(0.0..=MAX_NUMERIC_DATE).contains(&secs) {
        return Err(JwtError::InvalidClaim(name));
    }
    // Truncation toward zero is the intent: sub-millisecond precision is meaningless here, and
    // the range check above keeps the product far inside i64.
    #[allow(clippy::cast_possible_truncation)]
    let ms = (secs * 1000.0) as i64;
    Ok(Some(ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::test_json as json;

    const NOW: UnixMillis = UnixMillis::from_secs(1_700_000_000);

    fn claims(v: Value) -> Map {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn check(v: Value, validation: &Validation) -> Result<(), JwtError> {
        validate_claims(&claims(v), validation, NOW)
    }

    fn base() -> Validation {
        Validation::new(&[Algorithm::HS256])
    }

    #[test]
    fn exp_with_leeway() {
        let v = base();
        assert_eq!(check(json!({"exp": 1_700_000_100}), &v), Ok(()));
        assert_eq!(check(json!({"exp": 1_699_999_971}), &v), Ok(()));
        assert_eq!(
            check(json!({"exp": 1_699_999_970}), &v),
            Err(JwtError::Expired)
        );
        let strict = base().with_leeway_secs(0);
        assert_eq!(
            check(json!({"exp": 1_700_000_000}), &strict),
            Err(JwtError::Expired)
        );
        assert_eq!(check(json!({"exp": 1_700_000_000.5}), &strict), Ok(()));
    }

    #[test]
    fn exp_required_unless_insecure_flag() {
        assert_eq!(
            check(json!({}), &base()),
            Err(JwtError::MissingClaim("exp"))
        );
        let mut v = base();
        v.allow_missing_exp_insecure = true;
        assert_eq!(check(json!({}), &v), Ok(()));
    }

    #[test]
    fn wrong_types_are_errors_not_absent() {
        let mut v = base();
        v.allow_missing_exp_insecure = true;
        for bad in [
            json!({"exp": "1700000100"}),
            json!({"exp": null}),
            json!({"exp": true}),
            json!({"exp": -1}),
            json!({"exp": 1e300}),
            json!({"exp": u64::MAX}),
            json!({"nbf": "0"}),
            json!({"iat": [1]}),
            json!({"iss": 5}),
            json!({"aud": 5}),
            json!({"aud": ["a", 1]}),
        ] {
            assert!(
                matches!(check(bad.clone(), &v), Err(JwtError::InvalidClaim(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn nbf_with_leeway() {
        let v = base();
        let exp = 1_800_000_000;
        assert_eq!(check(json!({"exp": exp, "nbf": 1_700_000_030}), &v), Ok(()));
        assert_eq!(
            check(json!({"exp": exp, "nbf": 1_700_000_031}), &v),
            Err(JwtError::NotYetValid)
        );
    }

    #[test]
    fn issuer_is_exact() {
        let v = base().with_issuer("https://idp.example");
        let exp = 1_800_000_000;
        assert_eq!(
            check(json!({"exp": exp, "iss": "https://idp.example"}), &v),
            Ok(())
        );
        for iss in [
            "https://idp.example.evil",
            "https://idp.exampl",
            "HTTPS://IDP.EXAMPLE",
        ] {
            assert_eq!(
                check(json!({"exp": exp, "iss": iss}), &v),
                Err(JwtError::Issuer)
            );
        }
        assert_eq!(
            check(json!({"exp": exp}), &v),
            Err(JwtError::MissingClaim("iss"))
        );
    }

    #[test]
    fn audience_string_or_array() {
        let v = base().with_audience("api");
        let exp = 1_800_000_000;
        assert_eq!(check(json!({"exp": exp, "aud": "api"}), &v), Ok(()));
        assert_eq!(check(json!({"exp": exp, "aud": ["x", "api"]}), &v), Ok(()));
        assert_eq!(
            check(json!({"exp": exp, "aud": ["apis"]}), &v),
            Err(JwtError::Audience)
        );
        assert_eq!(
            check(json!({"exp": exp, "aud": []}), &v),
            Err(JwtError::Audience)
        );
        assert_eq!(
            check(json!({"exp": exp}), &v),
            Err(JwtError::MissingClaim("aud"))
        );
        assert_eq!(
            check(json!({"exp": exp, "aud": "api"}), &base()),
            Err(JwtError::Audience)
        );
    }
}
