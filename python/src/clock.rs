//! The binding's clock: core never reads one, so the binding passes the time in. A client reads
//! the system clock unless it was given a `clock=` callable (seconds since the epoch as a float,
//! like `time.time`), which then is the only time that client's cache, backoff and tokens see.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokensmith::UnixMillis;

/// Milliseconds since the Unix epoch now, from the system clock. A clock before 1970 reads as the
/// epoch, which makes every token look expired: the safe side.
pub fn now() -> UnixMillis {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    UnixMillis(ms)
}

/// A time given in seconds since the epoch (a float, like `time.time()`) as core's
/// milliseconds; `as` truncates to the millisecond and saturates absurd values.
pub fn from_secs(secs: f64) -> UnixMillis {
    UnixMillis((secs * 1000.0) as i64)
}

/// The clock of one client: the system clock, or a Python callable. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<Py<PyAny>>>);

impl Clock {
    /// The clock a `clock=` argument names: None (or `time.time` itself) is the system clock,
    /// read without calling into Python; anything else must be callable.
    pub fn from_arg(clock: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let Some(clock) = clock.filter(|c| !c.is_none()) else {
            return Ok(Clock(None));
        };
        if !clock.is_callable() {
            return Err(PyTypeError::new_err(
                "clock must be a callable returning seconds since the epoch",
            ));
        }
        let time_time = clock.py().import("time")?.getattr("time")?;
        if clock.is(&time_time) {
            return Ok(Clock(None));
        }
        Ok(Clock(Some(Arc::new(clock.clone().unbind()))))
    }

    /// Milliseconds since the epoch by this clock. A Python clock that raises, or returns
    /// something other than a finite number, is an error; a time before 1970 reads as the epoch
    /// (as the system clock does).
    pub fn now(&self, py: Python<'_>) -> PyResult<UnixMillis> {
        let Some(callable) = &self.0 else {
            return Ok(now());
        };
        let secs: f64 = callable.bind(py).call0()?.extract()?;
        if !secs.is_finite() {
            return Err(PyValueError::new_err(
                "clock must return a finite number of seconds since the epoch",
            ));
        }
        // Seconds to milliseconds, rounded down; `as` saturates beyond i64.
        Ok(UnixMillis(((secs * 1000.0).floor() as i64).max(0)))
    }

    /// `now`, for places that cannot raise (a token's `repr`): the system clock if the Python
    /// clock fails.
    pub fn now_or_system(&self, py: Python<'_>) -> UnixMillis {
        self.now(py).unwrap_or_else(|_| now())
    }
}
