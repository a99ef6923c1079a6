//! Text quoted for messages: `"…"` with quotes, backslashes and invisible characters escaped.
//!
//! Used instead of `{:?}`: `str`'s `Debug` decides what to escape with Unicode printability
//! tables, about 10 KB of the WebAssembly module (issue 6's size budget). Messages only need the
//! characters that could hide or forge text escaped: controls (C0, DEL, C1) and the invisible
//! format characters (soft hyphen, zero-width, bidirectional controls, BOM). Other characters,
//! non-ASCII letters included, are shown as they are.

/// `s` in double quotes, escaped as described in the module docs (`\"`, `\\`, `\n`, `\r`,
/// `\t`, `\0`, otherwise `\u{…}` in lowercase hex, as `{:?}` writes them).
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if is_invisible(c) => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Controls (Unicode category Cc) and the format characters (Cf) that render as nothing or
/// reorder text: U+00AD soft hyphen, U+061C Arabic letter mark, U+180E Mongolian vowel
/// separator, U+200B–U+200F zero-width and directional marks, U+2028–U+202E separators and
/// embeddings, U+2060–U+206F word joiner and isolates, U+FEFF BOM, U+FFF9–U+FFFB annotations.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            u32::from(c),
            0xAD | 0x61C
                | 0x180E
                | 0x200B..=0x200F
                | 0x2028..=0x202E
                | 0x2060..=0x206F
                | 0xFEFF
                | 0xFFF9..=0xFFFB
        )
}

fn push_unicode_escape(out: &mut String, c: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let code = u32::from(c);
    out.push_str("\\u{");
    let digits = (32 - code.leading_zeros()).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        out.push(HEX[((code >> (4 * i)) & 0xf) as usize] as char);
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn matches_debug_for_what_it_escapes() {
        for s in [
            "plain",
            "é ü 日本 😀",
            "a\"b\\c",
            "line\nfeed\r\ttab\0",
            "\u{7f}\u{80}\u{9f}\u{1b}[31m",
            "zero\u{200b}width \u{202e}rtl\u{2066} \u{feff}bom \u{ad}",
            "",
        ] {
            assert_eq!(quoted(s), format!("{s:?}"), "{s}");
        }
    }
}
