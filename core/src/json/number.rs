//! JSON numbers, kept as their (validated) source text.

/// A JSON number (RFC 8259 §6). Holds the literal as written, so reading it as `i64`, `u64` or
/// `f64` is exact and writing it back reproduces it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Number(String);

impl Number {
    /// A number from text the parser has checked against the RFC 8259 §6 grammar and whose
    /// `f64` value is finite.
    pub(crate) fn from_literal(text: String) -> Self {
        Number(text)
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the literal is an integer (no fraction, no exponent); serde_json's rule for
    /// telling integers from floats.
    fn is_integer_literal(&self) -> bool {
        !self.0.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
    }

    /// The value as `i64`, if it is an integer literal in range. `-0` is the float `-0.0`, as
    /// in serde_json.
    pub fn as_i64(&self) -> Option<i64> {
        if !self.is_integer_literal() {
            return None;
        }
        // The grammar's integer literal: `-?` and digits, no `+`, so this reads what
        // `str::parse::<i64>` did (without linking its generic parser, see `decimal.rs`).
        let (negative, digits) = match self.0.strip_prefix('-') {
            Some(digits) => (true, digits),
            None => (false, self.0.as_str()),
        };
        let magnitude = super::parse_u64_digits(digits)?;
        let v = if negative {
            0i64.checked_sub_unsigned(magnitude)?
        } else {
            i64::try_from(magnitude).ok()?
        };
        // serde_json parses negative literals as i64 unless they are -0 (a float then).
        (v != 0 || !negative).then_some(v)
    }

    /// The value as `u64`, if it is a non-negative integer literal in range.
    pub fn as_u64(&self) -> Option<u64> {
        if !self.is_integer_literal() || self.0.starts_with('-') {
            return None;
        }
        super::parse_u64_digits(&self.0)
    }

    /// The value as `f64` (always `Some`: the parser refuses numbers out of `f64`'s range).
    /// Integers beyond 2^53 are rounded, as `JSON.parse` does. Core's own converter, equal to
    /// `str::parse::<f64>` bit for bit (see `decimal.rs` for why).
    pub fn as_f64(&self) -> Option<f64> {
        super::parse_f64(&self.0)
    }

    /// Whether [`Number::as_i64`] would succeed.
    pub fn is_i64(&self) -> bool {
        self.as_i64().is_some()
    }

    /// Whether [`Number::as_u64`] would succeed.
    pub fn is_u64(&self) -> bool {
        self.as_u64().is_some()
    }

    /// Whether the number is neither an `i64` nor a `u64` (a fraction, an exponent, `-0`, or an
    /// integer beyond 64 bits).
    pub fn is_f64(&self) -> bool {
        !self.is_i64() && !self.is_u64()
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Self {
                Number(v.to_string())
            }
        }
    )*};
}
from_integer!(i32, i64, u32, u64, usize);
