//! The short, masked excerpt of a body that an `UnexpectedResponse` carries.
//!
//! At most [`MAX_EXCERPT_CHARS`] characters: one log line, enough to recognise what answered (an
//! HTML `<title>`, nginx's `502 Bad Gateway`, the start of a JSON error) and too little to carry
//! a useful payload. Token-like runs and credential fields are masked (see `mask`); control
//! characters become spaces and whitespace runs collapse, so an excerpt can never forge a log
//! line.

use super::mask::{is_token_char, mask_tokens};

/// Longest excerpt, in characters (including the trailing `…` when cut).
pub const MAX_EXCERPT_CHARS: usize = 120;

/// How much of the body is looked at. Masking runs on this window *before* the excerpt is cut,
/// so a token that crosses the 120-character cut is still recognised as a whole. 4 KiB covers
/// any whitespace an HTML page puts before its first text.
const WINDOW_BYTES: usize = 4096;

/// Longest `Content-Type` kept, in characters: registered media types with their parameters are
/// far shorter.
pub const MAX_CONTENT_TYPE_CHARS: usize = 100;

/// A masked, single-line excerpt of `body`.
pub fn body_excerpt(body: &[u8]) -> String {
    let window = body.get(..WINDOW_BYTES).unwrap_or(body);
    let mut text = crate::utf8::lossy(window);
    if window.len() < body.len() {
        // The window may end inside a token: drop that partial run rather than show its start.
        // Popped rather than `truncate`d: no char-boundary panic is linked.
        while text.ends_with(is_token_char) {
            text.pop();
        }
    }
    one_line(&mask_tokens(&text), MAX_EXCERPT_CHARS)
}

/// `text` with control characters as spaces, whitespace runs collapsed, trimmed, and cut to
/// `max_chars` characters (the last one a `…` when cut).
pub fn one_line(text: &str, max_chars: usize) -> String {
    let mut flat = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !flat.is_empty() {
            flat.push(' ');
        }
        flat.push_str(word);
    }
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let mut cut: String = flat.chars().take(max_chars.saturating_sub(1)).collect();
    while cut.ends_with(char::is_whitespace) {
        cut.pop();
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_page_becomes_one_short_line() {
        let page = "<!DOCTYPE html>\n<html>\r\n  <head><title>502 Bad Gateway</title></head>\n\t<body>\0x</body></html>";
        assert_eq!(
            body_excerpt(page.as_bytes()),
            "<!DOCTYPE html> <html> <head><title>502 Bad Gateway</title></head> <body> x</body></html>"
        );
    }

    #[test]
    fn long_bodies_are_cut_to_120_characters() {
        let body = "word ".repeat(100);
        let e = body_excerpt(body.as_bytes());
        assert_eq!(e.chars().count(), MAX_EXCERPT_CHARS);
        assert!(e.ends_with("word…"), "{e}");
        let e = body_excerpt("é".repeat(1000).as_bytes());
        assert_eq!(e.chars().count(), MAX_EXCERPT_CHARS);
    }

    #[test]
    fn tokens_are_masked_before_the_cut() {
        // A token that starts before character 120 and ends after it is masked, not cut.
        let token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
        let body = format!("{} {token}", "x".repeat(100));
        let e = body_excerpt(body.as_bytes());
        assert!(!e.contains("AbCd"), "{e}");
        assert!(e.ends_with("[masked]"), "{e}");
        // A token crossing the 4 KiB window edge is dropped rather than shown in part.
        let body = format!("{}{token}", " ".repeat(WINDOW_BYTES - 10));
        assert_eq!(body_excerpt(body.as_bytes()), "");
        let body = r#"{"access_token":"short","token_type":"Bearer"}"#;
        assert!(!body_excerpt(body.as_bytes()).contains("short"));
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(body_excerpt(b"a\xffb"), "a\u{fffd}b");
        assert_eq!(body_excerpt(b""), "");
    }
}
