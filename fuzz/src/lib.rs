//! Helpers shared by the fuzz targets: a few bytes of the input choose the parameters (status,
//! time, options), and placeholders in the rest become known, token-shaped secrets, so a target
//! can assert that no secret it planted ever reaches an error message or a `Debug` output.

/// Placeholders in fuzz input (`$A`, `$R`, `$I`, `$S`) and the secret each becomes. The secrets
/// are 32 characters of mixed case and digits: what a real credential looks like (RFC 6749
/// §10.10 asks for at least 128 bits), so core's masking must recognise them wherever they land.
pub const MARKERS: [(&[u8], &str); 4] = [
    (b"$A", "AtFuzz0access1Token2Marker3xYz45"),
    (b"$R", "RtFuzz0refresh1Token2Marker3xYz4"),
    (b"$I", "IdFuzz0idtoken1Token2Marker3xYz4"),
    (b"$S", "ScFuzz0client1Secret2Marker3xYz4"),
];

/// `data` with every placeholder replaced by its secret.
pub fn plant_secrets(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    let mut i = 0;
    'outer: while i < data.len() {
        for (placeholder, secret) in MARKERS {
            if data[i..].starts_with(placeholder) {
                out.extend_from_slice(secret.as_bytes());
                i += placeholder.len();
                continue 'outer;
            }
        }
        out.push(data[i]);
        i += 1;
    }
    out
}

/// Characters of a planted secret that may not appear together: every 20-character window of a
/// marker holds a digit, so it is a token-like run by core's masking rule (`MIN_TOKEN_RUN` = 20)
/// wherever it lands. Shorter pieces are not checked: the fuzzer can type them itself.
const LEAK_WINDOW: usize = 20;

/// Panics (a fuzz finding) if `text` shows a planted secret or a 20-character piece of one.
/// `raw` is the fuzz input before planting: a piece the fuzzer typed there itself (it learns the
/// markers from this very comparison) may legitimately be echoed, e.g. from a header.
pub fn assert_no_secret(text: &str, raw: &[u8], what: &str) {
    for (_, secret) in MARKERS {
        // Every window holds the marker's characters 12..20 (windows start at 0..=12): a cheap
        // filter, since this check runs on every input.
        let core = &secret[secret.len() - LEAK_WINDOW..LEAK_WINDOW];
        if !text.contains(core) {
            continue;
        }
        for piece in secret.as_bytes().windows(LEAK_WINDOW) {
            if contains(raw, piece) {
                continue;
            }
            let piece = std::str::from_utf8(piece).expect("markers are ASCII");
            assert!(
                !text.contains(piece),
                "{what} shows a planted secret: {text}"
            );
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Reads parameters off the front of the fuzz input.
pub struct Bytes<'a>(pub &'a [u8]);

impl<'a> Bytes<'a> {
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// A time: mostly ordinary ones, sometimes the extremes that overflow careless arithmetic.
    pub fn time(&mut self) -> i64 {
        match self.u8() % 8 {
            0 => i64::MIN,
            1 => i64::MAX,
            2 => 0,
            3 => -1_000,
            _ => 1_700_000_000_000 + i64::from(self.u16()) * 1_000,
        }
    }

    /// The next field: bytes up to a `\0` (consumed) or the end.
    pub fn field(&mut self) -> &'a [u8] {
        match self.0.iter().position(|&b| b == 0) {
            Some(n) => {
                let (f, rest) = self.0.split_at(n);
                self.0 = &rest[1..];
                f
            }
            None => std::mem::take(&mut self.0),
        }
    }

    pub fn rest(self) -> &'a [u8] {
        self.0
    }
}
