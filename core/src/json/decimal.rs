//! Decimal text to `f64`, correctly rounded (IEEE 754 round half to even), without std's float
//! parser.
//!
//! `str::parse::<f64>` links about 9 KB into the WebAssembly module (its code and a 4.7 KB table
//! of 128-bit powers of ten), issue 6's size budget. Core reads a handful of numbers per token
//! response (`expires_in`, `timestamp`, JWT NumericDates) and checks every parsed JSON number for
//! the `f64` range, so a small converter is enough: an exact fast path for the usual inputs and a
//! slow, exact big-integer path for the rest. The result is bit for bit what `str::parse::<f64>`
//! gives (the tests check this), so every rule that uses the value behaves as before.

use std::cmp::Ordering;

/// Significant digits kept before the rest is summed up as one more nonzero digit. A value
/// halfway between two adjacent `f64`s has at most 767 significant decimal digits, so two inputs
/// that agree on their first 800 digits and both continue with something nonzero lie on the
/// same side of every halfway point: they round alike.
const MAX_DIGITS: usize = 800;

/// Largest power of ten exactly representable as `f64` (5^22 < 2^53), the limit of the fast path.
const MAX_EXACT_POW10: i64 = 22;

/// `s` as `f64`, for the grammar `str::parse::<f64>` accepts minus its words (`inf`, `NaN`):
/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`. JSON numbers (RFC 8259 §6) are a
/// subset. Values beyond `f64`'s range become ±infinity, tiny ones ±0, as std's parser does.
pub(crate) fn parse_f64(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    let (negative, bytes) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    let mut digits: Vec<u8> = Vec::new();
    let mut fraction_len: i64 = 0;
    let mut seen_point = false;
    let mut rest = bytes.iter();
    let mut after = None;
    for &b in rest.by_ref() {
        match b {
            b'0'..=b'9' => {
                digits.push(b - b'0');
                fraction_len += i64::from(seen_point);
            }
            b'.' if !seen_point => seen_point = true,
            other => {
                after = Some(other);
                break;
            }
        }
    }
    if digits.is_empty() {
        return None;
    }
    let mut exponent: i64 = 0;
    if let Some(marker) = after {
        if marker | 0x20 != b'e' {
            return None;
        }
        let rest = rest.as_slice();
        let (exponent_negative, exponent_digits) = match rest.split_first() {
            Some((b'-', tail)) => (true, tail),
            Some((b'+', tail)) => (false, tail),
            _ => (false, rest),
        };
        if exponent_digits.is_empty() {
            return None;
        }
        for &b in exponent_digits {
            if !b.is_ascii_digit() {
                return None;
            }
            // Saturates far beyond any exponent that can matter (the result is ±inf or ±0 long
            // before), so the sums below cannot overflow.
            exponent = (exponent * 10 + i64::from(b - b'0')).min(1 << 40);
        }
        if exponent_negative {
            exponent = -exponent;
        }
    }
    let magnitude = magnitude(&digits, exponent - fraction_len);
    Some(if negative { -magnitude } else { magnitude })
}

/// The value of a non-empty run of ASCII digits; `None` when `s` is empty, holds anything else,
/// or exceeds `u64`. What `str::parse::<u64>` gives for such text (it also takes a leading `+`,
/// which no caller passes), without a second and third instance of std's generic integer parser
/// (issue 6's size budget): core reads JSON integers and `Retry-After` seconds with it.
pub(crate) fn parse_u64_digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// The `f64` nearest to `digits × 10^exponent` (ties to even); `digits` are decimal digit values.
fn magnitude(digits: &[u8], exponent: i64) -> f64 {
    let Some(first) = digits.iter().position(|&d| d != 0) else {
        return 0.0;
    };
    // A nonzero digit exists, so `rposition` finds one.
    let end = digits
        .iter()
        .rposition(|&d| d != 0)
        .map_or(digits.len(), |i| i + 1);
    let significant = &digits[first..end];
    // Trailing zeros move into the exponent: value = significant × 10^exponent.
    let exponent = exponent + (digits.len() - end) as i64;
    let count = significant.len() as i64;
    // The value lies in [10^(count - 1 + exponent), 10^(count + exponent)).
    if count + exponent > 310 {
        // At least 10^310, beyond f64::MAX (≈ 1.8 × 10^308).
        return f64::INFINITY;
    }
    if count + exponent < -324 {
        // Below 10^-325, less than half the smallest subnormal (≈ 4.9 × 10^-324): rounds to 0.
        return 0.0;
    }
    // Fast path: an integer below 2^53 and a power of ten up to 10^22 are both exact as f64, so
    // the one multiplication or division rounds once, correctly (Clinger's fast path).
    if count <= 15 && (-MAX_EXACT_POW10..=MAX_EXACT_POW10).contains(&exponent) {
        // Up to 15 digits: below 10^15 < 2^53.
        let mantissa = significant
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d)) as f64;
        let mut power = 1.0;
        for _ in 0..exponent.unsigned_abs() {
            power *= 10.0;
        }
        return if exponent < 0 {
            mantissa / power
        } else {
            mantissa * power
        };
    }
    slow_path(significant, exponent)
}

/// Exact conversion with big integers: `significant × 10^exponent` as a quotient `num / den`,
/// 57 bits of it by long division plus a sticky bit for the remainder, then one rounding.
fn slow_path(significant: &[u8], exponent: i64) -> f64 {
    let (kept, exponent) = if significant.len() > MAX_DIGITS {
        // The dropped tail ends in a nonzero digit (trailing zeros were stripped), so it stands in
        // as one extra digit 1 (see MAX_DIGITS).
        let dropped = (significant.len() - MAX_DIGITS) as i64;
        (&significant[..MAX_DIGITS], exponent + dropped - 1)
    } else {
        (significant, exponent)
    };
    let mut num = Big::default();
    for &d in kept {
        num.mul_add(10, u32::from(d));
    }
    if kept.len() < significant.len() {
        num.mul_add(10, 1);
    }
    let mut den = Big::default();
    den.mul_add(1, 1);
    // The range checks in `magnitude` bound |exponent| by 310 + MAX_DIGITS + 324.
    let scale = if exponent < 0 { &mut den } else { &mut num };
    for _ in 0..exponent.unsigned_abs() {
        scale.mul_add(10, 0);
    }
    // num / den lies in [2^(k - 1), 2^(k + 1)); scaling by 2^(56 - k) puts the quotient q in
    // [2^55, 2^57), and value = (q + remainder) × 2^exp2.
    let k = i64::from(num.bit_len()) - i64::from(den.bit_len());
    let exp2 = k - 56;
    if exp2 < 0 {
        num.shl(exp2.unsigned_abs());
    } else {
        den.shl(exp2.unsigned_abs());
    }
    // Restoring division, one quotient bit per step: compare num × 2^j with den × 2^56.
    den.shl(56);
    let mut q: u64 = 0;
    for _ in 0..57 {
        q <<= 1;
        if num.cmp(&den) != Ordering::Less {
            num.sub(&den);
            q |= 1;
        }
        num.shl(1);
    }
    round(q, exp2, !num.0.is_empty())
}

/// The `f64` nearest to `(q + ε) × 2^exp2`, where `ε` is 0 when `!sticky` and strictly between 0
/// and 1 otherwise; `q` has 56 or 57 bits. Ties go to the even mantissa (IEEE 754 §4.3.1).
fn round(q: u64, exp2: i64, sticky: bool) -> f64 {
    const MANTISSA_BITS: i64 = 53;
    // The exponent of the last mantissa bit: the smallest subnormal's, 2^-1074, at the least.
    let q_bits = i64::from(64 - q.leading_zeros());
    let mut ulp = (exp2 + q_bits - MANTISSA_BITS).max(-1074);
    let shift = ulp - exp2;
    let mut mantissa = if shift > 60 {
        // q < 2^57 is below half of 2^shift × 2^exp2: rounds to zero.
        0
    } else {
        let kept = q >> shift;
        let rest = q & ((1 << shift) - 1);
        let half = 1 << (shift - 1);
        let up = rest > half || (rest == half && (sticky || kept & 1 == 1));
        kept + u64::from(up)
    };
    if mantissa == 1 << MANTISSA_BITS {
        mantissa >>= 1;
        ulp += 1;
    }
    let bits = if mantissa < 1 << 52 {
        // Subnormal (or zero): `ulp` is -1074 here, the encoding is the mantissa itself.
        mantissa
    } else {
        // Normal: biased exponent of the leading bit, 1023 + ulp + 52; 2047 and above is infinity.
        let biased = ulp + 52 + 1023;
        if biased >= 2047 {
            f64::INFINITY.to_bits()
        } else {
            (biased as u64) << 52 | (mantissa & ((1 << 52) - 1))
        }
    };
    f64::from_bits(bits)
}

/// An unsigned big integer, 32-bit limbs, least significant first, no leading zero limbs (zero is
/// empty), so lengths compare like magnitudes.
#[derive(Default)]
struct Big(Vec<u32>);

impl Big {
    /// `self × m + a`.
    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in self.0.iter_mut() {
            let x = u64::from(*limb) * u64::from(m) + carry;
            *limb = x as u32;
            carry = x >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    /// `self × 2^bits`.
    fn shl(&mut self, bits: u64) {
        if self.0.is_empty() {
            return;
        }
        let bit = (bits % 32) as u32;
        if bit > 0 {
            let mut carry = 0;
            for limb in self.0.iter_mut() {
                let x = *limb;
                *limb = (x << bit) | carry;
                carry = x >> (32 - bit);
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        let mut shifted = vec![0; (bits / 32) as usize];
        shifted.extend_from_slice(&self.0);
        self.0 = shifted;
    }

    fn bit_len(&self) -> u32 {
        self.0
            .last()
            .map_or(0, |top| self.0.len() as u32 * 32 - top.leading_zeros())
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    /// `self - other`, for `self ≥ other`.
    fn sub(&mut self, other: &Big) {
        let mut borrow = false;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let (x, under1) = limb.overflowing_sub(other.0.get(i).copied().unwrap_or(0));
            let (x, under2) = x.overflowing_sub(u32::from(borrow));
            *limb = x;
            borrow = under1 || under2;
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_f64, parse_u64_digits};
    use proptest::prelude::*;

    /// Ours and std's, as bits: both `None` (refused) or the same `f64` exactly.
    fn both(text: &str) -> (Option<u64>, Option<u64>) {
        let ours = parse_f64(text).map(f64::to_bits);
        let std = text.parse::<f64>().ok().map(f64::to_bits);
        (ours, std)
    }

    fn same(text: &str) -> Result<(), TestCaseError> {
        let (ours, std) = both(text);
        prop_assert_eq!(ours, std, "{:?}", text);
        Ok(())
    }

    #[test]
    fn hard_cases_match_std() {
        // The exact value halfway between f64::MAX and 2^1024: it and everything above round to
        // infinity (the tie goes to the even side, which is the overflow).
        let max_halfway = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
        let just_below_max_halfway = format!("{}1", &max_halfway[..max_halfway.len() - 1]);
        let just_above_max_halfway = format!("{max_halfway}.000000000000000000001");
        let tiny_tail = format!("0.{}1", "0".repeat(1000));
        // 1 + 2^-53: halfway between 1 and its successor, a tie that goes down to 1.
        let tie = format!(
            "1.00000000000000011102230246251565404236316680908203125{}",
            "0".repeat(900)
        );
        // The same tie with a nonzero digit past MAX_DIGITS: above the tie, rounds up.
        let past_tie = format!("{tie}1");
        let cases: &[&str] = &[
            "0",
            "-0",
            "0.0",
            "-0.0",
            "+0",
            "00",
            "1",
            "-5",
            "3600",
            "3600.5",
            "3599.5",
            "1e3",
            "1E+3",
            "1e-3",
            "1.005",
            "0.1",
            "0.2",
            "0.3",
            "1e22",
            "1e23",
            "9007199254740992",
            "9007199254740993",
            "9007199254740995",
            "18446744073709551616",
            "1e300",
            "1e308",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1e309",
            "1e400",
            "-1e400",
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "5e-324",
            "3e-324",
            "1e-400",
            "253402300799",
            "253402300799.0000001",
            "1700000000123",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "0e99999999999",
            "123456789012345678901234567890",
            "1.",
            ".5",
            "+.5",
            "-.5e1",
            "1.e1",
            ".",
            "",
            "-",
            "+",
            "e5",
            ".e5",
            "1e",
            "1e+",
            "1e-",
            "1e5.5",
            "1-",
            "--1",
            "+-1",
            "1..2",
            "1.2.3",
            "1ee2",
            "0x10",
            " 1",
            "1 ",
            max_halfway,
            &just_below_max_halfway,
            &just_above_max_halfway,
            &tiny_tail,
            &tie,
            &past_tie,
        ];
        for text in cases {
            let (ours, std) = both(text);
            assert_eq!(ours, std, "{text:?}");
        }
        // The words std's parser also takes are refused: core's callers never want them.
        for word in ["inf", "-inf", "infinity", "NaN", "nan"] {
            assert_eq!(parse_f64(word), None, "{word}");
        }
        assert_eq!(parse_f64(max_halfway), Some(f64::INFINITY));
        assert_eq!(parse_f64(&just_below_max_halfway), Some(f64::MAX));
        assert_eq!(parse_f64(&tie), Some(1.0));
        assert_eq!(parse_f64(&past_tie), Some(1.0 + f64::EPSILON));
    }

    /// `n × 10^-point` as text, the decimal point placed `point` digits from the right.
    fn place_point(n: u128, point: usize) -> String {
        let digits = format!("{n:0>width$}", width = point + 1);
        let (int, frac) = digits.split_at(digits.len() - point);
        format!("{int}.{frac}")
    }

    proptest! {
        #[test]
        fn shortest_forms_of_any_f64(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            same(&format!("{x}"))?;
            same(&format!("{x:e}"))?;
            same(&format!("{x:.30e}"))?;
        }

        #[test]
        fn structured_decimals(
            sign in "[+-]?",
            int in "[0-9]{0,30}",
            frac in prop::option::of("[0-9]{0,30}"),
            exp in prop::option::of(("[eE]", "[+-]?", "[0-9]{1,4}")),
        ) {
            let mut text = format!("{sign}{int}");
            if let Some(frac) = frac {
                text.push('.');
                text.push_str(&frac);
            }
            if let Some((e, s, d)) = exp {
                text.push_str(&format!("{e}{s}{d}"));
            }
            same(&text)?;
        }

        #[test]
        fn long_digit_strings(int in "[1-9][0-9]{0,900}", exp in -1400i32..400) {
            same(&format!("{int}e{exp}"))?;
            same(&format!("0.{int}e{exp}"))?;
        }

        #[test]
        fn u64_digits_like_std(text in "[0-9]{0,22}|[0-9a+-]{0,4}") {
            let want = if text.starts_with('+') { None } else { text.parse::<u64>().ok() };
            prop_assert_eq!(parse_u64_digits(&text), want, "{:?}", text);
        }

        #[test]
        fn arbitrary_text(text in "[0-9+.eE-]{0,24}") {
            same(&text)?;
        }

        /// Exact halfway points between adjacent f64s, and text just below and above them:
        /// `odd × 2^-j` is `odd × 5^j / 10^j`, written out exactly while it fits in 128 bits.
        #[test]
        fn halfway_points(odd in (1u64 << 53)..(1u64 << 54), j in 0usize..30, up in 0u32..40) {
            let odd = u128::from(odd | 1);
            let n = odd * 5u128.pow(j as u32);
            let halfway = place_point(n, j);
            same(&halfway)?;
            same(&format!("{halfway}00000001"))?;
            same(&format!("{}9999999", place_point(n - 1, j)))?;
            // Integers: odd × 2^up, exact ties above 2^53.
            let int = (odd << up).to_string();
            same(&int)?;
            same(&format!("{int}.000000000000000000001"))?;
            same(&format!("{}.999999999999999999999", (odd << up) - 1))?;
        }
    }
}
