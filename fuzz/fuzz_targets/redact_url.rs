//! `http::redact_url` (what `HttpRequest::redacted`/`Debug` and `TokenEndpoint`'s `Debug` print)
//! on any text: no panic, redacting twice changes nothing, and a userinfo (RFC 3986 §3.2.1) or a
//! credential query value built around the input never survives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokensmith::http::redact_url;

const USERINFO_MARK: &str = "UiFuzz0userinfo1Marker2";
const QUERY_MARK: &str = "QsFuzz0query1Marker2";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let once = redact_url(text);
    assert_eq!(redact_url(&once), once, "redacting {text:?} twice differs");

    // The input as the path and the rest of the userinfo: whatever it holds, the userinfo and
    // the client_secret value are gone.
    let clean: String = text.chars().filter(|c| !"/?#@".contains(*c)).collect();
    let url = format!(
        "https://id:{USERINFO_MARK}{clean}@as.example/{clean}?a={clean}&client_secret={QUERY_MARK}"
    );
    let shown = redact_url(&url);
    assert!(!shown.contains(USERINFO_MARK), "{url:?} → {shown:?}");
    assert!(!shown.contains(QUERY_MARK), "{url:?} → {shown:?}");
});
