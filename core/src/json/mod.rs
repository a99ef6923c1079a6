//! JSON (RFC 8259) for core: a [`Value`] tree, a strict parser ([`parse`]) and a compact writer
//! ([`Value::to_json`]).
//!
//! In-house instead of `serde_json` because the npm package is size-bound (issue 6: ≤ 60 KB
//! gzipped) and serde_json with its derive and float formatting was the largest part of the
//! WebAssembly module. What core needs is small: objects of strings, numbers, arrays.
//!
//! Behaviour kept from serde_json (the crate's earlier parser), so every vector stays valid:
//! objects iterate in key order (serde_json's default `BTreeMap` map), numbers are classified as
//! `i64`, `u64` or `f64` the same way, a number beyond the `f64` range is an error, nesting is
//! limited to 127 levels, and errors tell a cut-off input ([`ErrorKind::Eof`]) from other syntax
//! errors. Numbers keep their source text, so writing a parsed value never reformats a float.

mod decimal;
mod map;
mod number;
mod parse;
mod value;
mod write;

pub(crate) use decimal::{parse_f64, parse_u64_digits};
pub use map::Map;
pub use number::Number;
pub use parse::{parse, parse_str, Duplicates, Error, ErrorKind, MAX_DEPTH};
pub use value::{object, Value};
pub use write::write_string;

/// Tests write values with `serde_json::json!` (a dev-dependency) and convert them through text.
#[cfg(test)]
macro_rules! test_json {
    ($($t:tt)+) => {
        $crate::json::parse_str(
            &serde_json::json!($($t)+).to_string(),
            $crate::json::Duplicates::KeepLast,
        )
        .expect("serde_json writes valid JSON")
    };
}
#[cfg(test)]
pub(crate) use test_json;

#[cfg(test)]
mod tests;
