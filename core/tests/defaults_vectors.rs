//! Replays tests/vectors/defaults.json (shared with the Node and pytest suites): the defaults the
//! bindings apply come from core's constants, and the constants are the vector's values.

use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/defaults.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read defaults.json"))
        .expect("parse defaults.json")
}

#[test]
fn request_timeout_is_the_vectors() {
    let want = vectors()["request_timeout_ms"]
        .as_u64()
        .expect("request_timeout_ms");
    assert_eq!(u64::from(tokensmith::DEFAULT_REQUEST_TIMEOUT_MS), want);
}
