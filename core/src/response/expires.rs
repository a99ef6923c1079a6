//! Times in a token response: the issue time, `expires_in`, the JWT `exp` fallback, the default
//! lifetime, and the refresh token's lifetime, all made absolute and kept within bounds.

use crate::error::{Error, Result};
use crate::json::{Map, Value};
use crate::time::UnixMillis;
use crate::token::{ExpirySource, RefreshExpiry};

/// Oldest Insights Hub `timestamp` honoured, relative to the time the request was sent: 24 hours.
/// Insights Hub's Technical Token Manager reports when a (possibly cached) token was issued, in
/// milliseconds; its tokens live 30 minutes. A value older than a day is not a plausible issue
/// time but a unit mistake (seconds read as milliseconds land in January 1970) or a zero, and
/// honouring it would make every token look expired on arrival: a re-fetch loop.
pub const MAX_TIMESTAMP_AGE_MS: i64 = 24 * 60 * 60 * 1000;

/// Upper bound for a refresh token's lifetime: 100 years, only to keep the arithmetic finite.
/// Clamping a refresh lifetime shorter would declare a working refresh token expired, which is
/// not conservative (it discards a credential), so the bound is deliberately far away.
const MAX_REFRESH_LIFETIME_SECS: i64 = 100 * 365 * 24 * 60 * 60;

/// Removes `name` from the object and reads it as seconds: a JSON number (integer or float) or a
/// string holding a decimal number (`"3600"`, `" 3599.5 "`). `null` counts as absent.
pub(crate) fn take_seconds(obj: &mut Map, name: &str) -> Result<Option<f64>> {
    match obj.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match number(&value) {
            Some(secs) => Ok(Some(secs)),
            None => Err(Error::InvalidTokenResponse(format!(
                "{name} is not a number"
            ))),
        },
    }
}

/// A JSON number, or a string holding a decimal number ([`parse_decimal`]); `None` for anything
/// else. (A JSON number always reads as an `f64`: beyond its range is ±infinity.)
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_decimal(s),
        _ => None,
    }
}

/// A decimal number in JSON's shape (optional sign, digits, fraction, exponent; also `+1`, `.5`
/// and `1.` as Rust's float parser took them), surrounding whitespace allowed. No `inf`, `NaN`
/// or `0x10`. Beyond `f64`'s range is ±infinity, which the clamping handles.
pub(crate) fn parse_decimal(s: &str) -> Option<f64> {
    crate::json::parse_f64(s.trim())
}

/// Milliseconds for a number of seconds, clamped to `[0, max_secs]`. Zero and negative lifetimes
/// mean "already expired"; fractions of a millisecond are dropped (earlier is conservative).
pub(crate) fn clamped_millis(secs: f64, max_secs: i64) -> i64 {
    let max_ms = max_secs.max(0).saturating_mul(1000);
    let ms = secs * 1000.0;
    if ms.is_nan() || ms <= 0.0 {
        0
    } else if ms >= max_ms as f64 {
        max_ms
    } else {
        // In range (0, max_ms), so the conversion is exact after flooring.
        ms.floor() as i64
    }
}

/// The issue time: the request's send time, or the server's `timestamp` (milliseconds, number
/// or numeric string) when it is plausible — not more than [`MAX_TIMESTAMP_AGE_MS`] before
/// `sent_at`. A timestamp after `sent_at` (a server clock running ahead, or the processing time)
/// is capped at `sent_at`: a later issue time would extend the token past what our own clock can
/// vouch for.
pub(crate) fn issued_at(obj: &Map, sent_at: UnixMillis) -> UnixMillis {
    match obj.get("timestamp").and_then(number) {
        Some(ts) if ts.is_finite() => {
            let oldest = sent_at.plus_millis(-MAX_TIMESTAMP_AGE_MS).as_millis() as f64;
            if ts >= oldest {
                UnixMillis((ts.floor() as i64).min(sent_at.as_millis()))
            } else {
                sent_at
            }
        }
        _ => sent_at,
    }
}

/// The token's expiry and where it came from: `expires_in` (RFC 6749 §5.1), else the `exp` claim
/// (RFC 7519 §4.1.4) when `jwt_exp` is given, else the default lifetime. Every lifetime is
/// clamped to `[0, max_lifetime_secs]` from `issued_at`.
pub(crate) fn expiry(
    expires_in: Option<f64>,
    jwt_exp: Option<f64>,
    issued_at: UnixMillis,
    default_lifetime_secs: i64,
    max_lifetime_secs: i64,
) -> (UnixMillis, ExpirySource) {
    if let Some(secs) = expires_in {
        let ms = clamped_millis(secs, max_lifetime_secs);
        return (issued_at.plus_millis(ms), ExpirySource::ExpiresIn);
    }
    if let Some(exp) = jwt_exp {
        // `exp` is a NumericDate (RFC 7519 §2): seconds since the epoch, possibly fractional.
        let lifetime_secs = exp - issued_at.as_millis() as f64 / 1000.0;
        let ms = clamped_millis(lifetime_secs, max_lifetime_secs);
        return (issued_at.plus_millis(ms), ExpirySource::JwtExp);
    }
    let ms = clamped_millis(default_lifetime_secs as f64, max_lifetime_secs);
    (issued_at.plus_millis(ms), ExpirySource::DefaultLifetime)
}

/// What is known about the refresh token's expiry, from Keycloak's `refresh_expires_in`
/// (`0` = does not expire, as for offline tokens) and `refresh_token_expires_in` (GitHub, Azure;
/// `0` = already expired, since no server uses it to mean "never"). When both are present the
/// earlier expiry wins.
pub(crate) fn refresh_expiry(
    refresh_expires_in: Option<f64>,
    refresh_token_expires_in: Option<f64>,
    issued_at: UnixMillis,
) -> RefreshExpiry {
    let at = |secs: f64| issued_at.plus_millis(clamped_millis(secs, MAX_REFRESH_LIFETIME_SECS));
    let keycloak = refresh_expires_in.map(|secs| {
        if secs == 0.0 {
            RefreshExpiry::Never
        } else {
            RefreshExpiry::At(at(secs))
        }
    });
    let other = refresh_token_expires_in.map(|secs| RefreshExpiry::At(at(secs)));
    match (keycloak, other) {
        (Some(RefreshExpiry::At(a)), Some(RefreshExpiry::At(b))) => RefreshExpiry::At(a.min(b)),
        (Some(RefreshExpiry::At(a)), _) | (_, Some(RefreshExpiry::At(a))) => RefreshExpiry::At(a),
        (Some(e), None) => e,
        _ => RefreshExpiry::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::test_json as json;

    const T: UnixMillis = UnixMillis(1_700_000_000_000);
    const YEAR: i64 = 365 * 24 * 3600;

    fn obj(v: Value) -> Map {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn seconds_in_every_accepted_form() {
        let mut o = obj(json!({"a": 3600, "b": 3599.5, "c": " 60 ", "d": "1e3", "e": null}));
        assert_eq!(take_seconds(&mut o, "a").unwrap(), Some(3600.0));
        assert_eq!(take_seconds(&mut o, "b").unwrap(), Some(3599.5));
        assert_eq!(take_seconds(&mut o, "c").unwrap(), Some(60.0));
        assert_eq!(take_seconds(&mut o, "d").unwrap(), Some(1000.0));
        assert_eq!(take_seconds(&mut o, "e").unwrap(), None);
        assert_eq!(take_seconds(&mut o, "missing").unwrap(), None);
        assert!(o.is_empty());
        for bad in [
            json!("soon"),
            json!(""),
            json!("inf"),
            json!("NaN"),
            json!(true),
            json!([1]),
        ] {
            let mut o: Map = [("x".to_owned(), bad)].into_iter().collect();
            assert_eq!(
                take_seconds(&mut o, "x").unwrap_err().code(),
                "invalid_token_response"
            );
        }
    }

    /// The implementation `parse_decimal` had before core's own converter: a shape filter, then
    /// std's float parser.
    fn parse_decimal_with_std(s: &str) -> Option<f64> {
        let s = s.trim();
        let shaped = s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
        if !shaped {
            return None;
        }
        s.parse::<f64>().ok().filter(|v| !v.is_nan())
    }

    proptest::proptest! {
        #[test]
        fn parse_decimal_as_before(text in "[ 0-9+.eE-]{0,20}|[ 0-9.infatyNAx+-]{0,8}") {
            let ours = parse_decimal(&text).map(f64::to_bits);
            let before = parse_decimal_with_std(&text).map(f64::to_bits);
            proptest::prop_assert_eq!(ours, before, "{:?}", text);
        }
    }

    #[test]
    fn clamping() {
        assert_eq!(clamped_millis(0.0, YEAR), 0);
        assert_eq!(clamped_millis(-5.0, YEAR), 0);
        assert_eq!(clamped_millis(f64::NEG_INFINITY, YEAR), 0);
        assert_eq!(clamped_millis(1e300, YEAR), YEAR * 1000);
        assert_eq!(clamped_millis(f64::INFINITY, YEAR), YEAR * 1000);
        assert_eq!(clamped_millis(1.0009, YEAR), 1000);
        assert_eq!(clamped_millis(5.0, i64::MAX), 5000);
    }

    #[test]
    fn timestamp_plausibility() {
        let ts = |v: Value| issued_at(&[("timestamp".to_owned(), v)].into_iter().collect(), T);
        let earlier = T.as_millis() - 60_000;
        assert_eq!(ts(json!(earlier)), UnixMillis(earlier));
        assert_eq!(ts(json!(earlier.to_string())), UnixMillis(earlier));
        // Later than sent_at: capped at sent_at.
        assert_eq!(ts(json!(T.as_millis() + 5_000)), T);
        // Older than a day, seconds instead of milliseconds, zero, garbage: ignored.
        assert_eq!(ts(json!(T.as_millis() - MAX_TIMESTAMP_AGE_MS - 1)), T);
        assert_eq!(ts(json!(T.as_secs())), T);
        assert_eq!(ts(json!(0)), T);
        assert_eq!(ts(json!("yesterday")), T);
        assert_eq!(ts(json!(1e300)), T);
        assert_eq!(issued_at(&Map::new(), T), T);
    }

    #[test]
    fn expiry_sources() {
        assert_eq!(
            expiry(Some(60.0), Some(1e12), T, 3600, YEAR),
            (T.plus_secs(60), ExpirySource::ExpiresIn)
        );
        let exp = (T.as_secs() + 120) as f64;
        assert_eq!(
            expiry(None, Some(exp), T, 3600, YEAR),
            (T.plus_secs(120), ExpirySource::JwtExp)
        );
        // An `exp` in the past: expired on arrival, never before the issue time.
        assert_eq!(
            expiry(None, Some(1.0), T, 3600, YEAR),
            (T, ExpirySource::JwtExp)
        );
        assert_eq!(
            expiry(None, None, T, 3600, YEAR),
            (T.plus_secs(3600), ExpirySource::DefaultLifetime)
        );
    }

    #[test]
    fn refresh_expiry_rules() {
        assert_eq!(refresh_expiry(None, None, T), RefreshExpiry::Unknown);
        assert_eq!(refresh_expiry(Some(0.0), None, T), RefreshExpiry::Never);
        assert_eq!(
            refresh_expiry(Some(1800.0), None, T),
            RefreshExpiry::At(T.plus_secs(1800))
        );
        assert_eq!(refresh_expiry(None, Some(0.0), T), RefreshExpiry::At(T));
        assert_eq!(
            refresh_expiry(Some(0.0), Some(60.0), T),
            RefreshExpiry::At(T.plus_secs(60))
        );
        assert_eq!(
            refresh_expiry(Some(100.0), Some(60.0), T),
            RefreshExpiry::At(T.plus_secs(60))
        );
        assert_eq!(
            refresh_expiry(Some(1e300), None, T),
            RefreshExpiry::At(T.plus_secs(MAX_REFRESH_LIFETIME_SECS))
        );
    }
}
