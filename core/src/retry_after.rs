//! `Retry-After` (RFC 9110 §10.2.3): `delay-seconds` or an `HTTP-date` (RFC 9110 §5.6.7).
//!
//! All three HTTP-date formats are accepted, as §5.6.7 requires of recipients:
//! - IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT` (the one senders must use),
//! - obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` (two-digit year, resolved per §5.6.7),
//! - obsolete asctime `Sun Nov  6 08:49:37 1994`.
//!
//! Parsing is exact: names are case-sensitive as §5.6.7 says, single spaces, `GMT` only (no
//! `UTC`, no numeric offsets), and the calendar date must exist. The weekday name must be a real
//! weekday name but is not checked against the date (it is redundant, and the header is only
//! advice). Anything else yields `None`: an unreadable `Retry-After` is ignored, not fatal.

use crate::error::RetryAfter;
use crate::time::UnixMillis;

/// Longest wait honoured: 24 hours. A token endpoint asking for more is misconfigured, and one
/// bad header must not disable a client for longer than a day.
pub const MAX_RETRY_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

const MILLIS_PER_DAY: i64 = 24 * 60 * 60 * 1000;

const SHORT_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parse a `Retry-After` value received at `now`. The delay is measured from `now`, never
/// negative (a date in the past means "now"), and capped at [`MAX_RETRY_AFTER_MS`].
pub fn parse_retry_after(value: &str, now: UnixMillis) -> Option<RetryAfter> {
    let value = value.trim_matches([' ', '\t']);
    let delay_ms = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // delay-seconds = 1*DIGIT; more digits than fit in a u64 are simply "very long".
        // Core's digit reader (the same value as `str::parse::<u64>` for digits), so the wasm
        // module links no generic integer parser.
        let secs = crate::json::parse_u64_digits(value).unwrap_or(u64::MAX);
        i64::try_from(secs).unwrap_or(i64::MAX).saturating_mul(1000)
    } else {
        parse_http_date(value, now)?.millis_since(now).max(0)
    };
    let delay_ms = delay_ms.min(MAX_RETRY_AFTER_MS);
    Some(RetryAfter {
        delay_ms,
        not_before: now.plus_millis(delay_ms),
    })
}

/// Parse an HTTP-date (RFC 9110 §5.6.7) in any of its three formats. `now` is needed only to
/// resolve the two-digit year of the RFC 850 format.
pub fn parse_http_date(value: &str, now: UnixMillis) -> Option<UnixMillis> {
    let mut c = Cursor(value.as_bytes());
    let day_name = c.alpha();
    if SHORT_DAYS.contains(&day_name) {
        if c.eat(b',') {
            imf_fixdate(c)
        } else {
            asctime(c)
        }
    } else if LONG_DAYS.contains(&day_name) && c.eat(b',') {
        rfc850(c, now)
    } else {
        None
    }
}

/// `, 06 Nov 1994 08:49:37 GMT` after the day name (the comma already read).
fn imf_fixdate(mut c: Cursor) -> Option<UnixMillis> {
    c.expect(b' ')?;
    let day = c.digits(2)?;
    c.expect(b' ')?;
    let month = month(c.alpha())?;
    c.expect(b' ')?;
    let year = c.digits(4)?;
    c.expect(b' ')?;
    let (h, m, s) = time_of_day(&mut c)?;
    c.expect_str(" GMT")?;
    c.end()?;
    to_millis(i64::from(year), month, day, h, m, s)
}

/// `, 06-Nov-94 08:49:37 GMT` after the long day name (the comma already read).
fn rfc850(mut c: Cursor, now: UnixMillis) -> Option<UnixMillis> {
    c.expect(b' ')?;
    let day = c.digits(2)?;
    c.expect(b'-')?;
    let month = month(c.alpha())?;
    c.expect(b'-')?;
    let yy = i64::from(c.digits(2)?);
    c.expect(b' ')?;
    let (h, m, s) = time_of_day(&mut c)?;
    c.expect_str(" GMT")?;
    c.end()?;
    // RFC 9110 §5.6.7: a two-digit year that would be more than 50 years in the future is the
    // most recent past year with those last two digits.
    let current_year = civil_year(now);
    let mut year = current_year - current_year.rem_euclid(100) + yy;
    if year > current_year + 50 {
        year -= 100;
    }
    to_millis(year, month, day, h, m, s)
}

/// ` Nov  6 08:49:37 1994` after the day name (no comma).
fn asctime(mut c: Cursor) -> Option<UnixMillis> {
    c.expect(b' ')?;
    let month = month(c.alpha())?;
    c.expect(b' ')?;
    // date3 = month SP ( 2DIGIT / ( SP DIGIT ) )
    let day = if c.eat(b' ') {
        c.digits(1)?
    } else {
        c.digits(2)?
    };
    c.expect(b' ')?;
    let (h, m, s) = time_of_day(&mut c)?;
    c.expect(b' ')?;
    let year = c.digits(4)?;
    c.end()?;
    to_millis(i64::from(year), month, day, h, m, s)
}

fn month(name: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| *m == name)
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn time_of_day(c: &mut Cursor) -> Option<(u32, u32, u32)> {
    let h = c.digits(2)?;
    c.expect(b':')?;
    let m = c.digits(2)?;
    c.expect(b':')?;
    let s = c.digits(2)?;
    Some((h, m, s))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Validates the fields (hour 00-23, minute 00-59, second 00-60 for a leap second, a day that
/// exists in that month) and converts to milliseconds since the epoch.
fn to_millis(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<UnixMillis> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s);
    Some(UnixMillis(days * MILLIS_PER_DAY + secs * 1000))
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Gregorian year of an instant (inverse of [`days_from_civil`], year only).
fn civil_year(t: UnixMillis) -> i64 {
    let z = t.as_millis().div_euclid(MILLIS_PER_DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400;
    if mp >= 10 {
        year + 1
    } else {
        year
    }
}

/// A forward-only reader over the header bytes.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn eat(&mut self, b: u8) -> bool {
        match self.0.split_first() {
            Some((&first, rest)) if first == b => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    fn expect_str(&mut self, s: &str) -> Option<()> {
        let rest = self.0.strip_prefix(s.as_bytes())?;
        self.0 = rest;
        Some(())
    }

    fn end(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }

    /// The leading run of ASCII letters (possibly empty).
    fn alpha(&mut self) -> &'a str {
        let n = self
            .0
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        std::str::from_utf8(head).unwrap_or_default()
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let head = self.0.get(..n)?;
        if !head.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = self.0.get(n..)?;
        Some(head.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06T08:49:37Z, the example date of RFC 9110 §5.6.7.
    const EXAMPLE: UnixMillis = UnixMillis(784_111_777_000);
    const NOW_2025: UnixMillis = UnixMillis(1_750_000_000_000); // 2025-06-15

    #[test]
    fn the_three_formats_of_rfc9110_5_6_7() {
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(text, NOW_2025), Some(EXAMPLE), "{text}");
        }
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT", NOW_2025),
            Some(UnixMillis(0))
        );
        assert_eq!(
            parse_http_date("Wed Nov 16 08:49:37 1994", NOW_2025),
            Some(EXAMPLE.plus_secs(10 * 86_400))
        );
    }

    #[test]
    fn leap_days_and_leap_seconds() {
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT", NOW_2025),
            Some(UnixMillis(1_709_164_800_000))
        );
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT", NOW_2025),
            Some(UnixMillis(951_782_400_000))
        );
        // 23:59:60 is one second after 23:59:59.
        assert_eq!(
            parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT", NOW_2025),
            Some(UnixMillis(1_483_228_800_000))
        );
    }

    #[test]
    fn invalid_dates_are_refused() {
        for text in [
            "Fri, 29 Feb 2023 00:00:00 GMT", // not a leap year
            "Mon, 29 Feb 1900 00:00:00 GMT", // century, not a leap year
            "Sun, 30 Feb 2020 00:00:00 GMT",
            "Thu, 31 Apr 2025 00:00:00 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT", // month names are case-sensitive
            "sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 gmt",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 6 Nov 1994 08:49:37 GMT", // IMF-fixdate needs two-digit days
            "Sun, 06 Nov 94 08:49:37 GMT",  // and a four-digit year
            "Sun,  06 Nov 1994 08:49:37 GMT", // double space
            "06 Nov 1994 08:49:37 GMT",     // no weekday
            "Sun, 06 Nov 1994 08:49:37 GMT trailing",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT\0",
            "Sun, 06-Nov-94 08:49:37 GMT", // RFC 850 needs the long day name
            "Sunday, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sun Nov 6 08:49:37 1994", // asctime pads the day with a space
            "Sun Nov  6 08:49:37 94",
            "Sun Nov 06 08:49:37 1994 GMT",
            "",
            "Sun",
            "Sun, ",
            "2025-06-15T00:00:00Z",
        ] {
            assert_eq!(parse_http_date(text, NOW_2025), None, "{text:?}");
        }
    }

    #[test]
    fn rfc850_two_digit_years_follow_the_50_year_rule() {
        // In 2025, "75" is 2075 (50 years ahead, not more) and "76" is 1976.
        assert_eq!(
            parse_http_date("Friday, 01-Jan-75 00:00:00 GMT", NOW_2025),
            parse_http_date("Tue, 01 Jan 2075 00:00:00 GMT", NOW_2025)
        );
        assert_eq!(
            parse_http_date("Thursday, 01-Jan-76 00:00:00 GMT", NOW_2025),
            parse_http_date("Thu, 01 Jan 1976 00:00:00 GMT", NOW_2025)
        );
        assert_eq!(civil_year(NOW_2025), 2025);
        assert_eq!(civil_year(UnixMillis(-1)), 1969);
        assert_eq!(civil_year(UnixMillis(0)), 1970);
    }

    #[test]
    fn delay_seconds() {
        let now = UnixMillis(1_000_000);
        let r = parse_retry_after("120", now).unwrap();
        assert_eq!(r.delay_ms, 120_000);
        assert_eq!(r.not_before, UnixMillis(1_120_000));
        assert_eq!(parse_retry_after(" 0 ", now).unwrap().delay_ms, 0);
        // Capped at one day, also past u64.
        for big in ["86401", "99999999999999999999999999"] {
            assert_eq!(
                parse_retry_after(big, now).unwrap().delay_ms,
                MAX_RETRY_AFTER_MS
            );
        }
        for bad in ["", "-1", "1.5", "+5", "5s", "1e3", "０"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn http_date_delays_are_relative_to_now_and_never_negative() {
        let now = EXAMPLE.plus_secs(-30);
        let r = parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now).unwrap();
        assert_eq!(r.delay_ms, 30_000);
        assert_eq!(r.not_before, EXAMPLE);
        let past = parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", NOW_2025).unwrap();
        assert_eq!(past.delay_ms, 0);
        assert_eq!(past.not_before, NOW_2025);
    }
}
