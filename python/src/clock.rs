//! The binding's clock: core never reads one, so the binding passes the wall-clock time in.

use std::time::{SystemTime, UNIX_EPOCH};
use tokensmith::UnixMillis;

/// Milliseconds since the Unix epoch now. A clock before 1970 reads as the epoch, which makes
/// every token look expired: the safe side.
pub fn now() -> UnixMillis {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    UnixMillis(ms)
}
