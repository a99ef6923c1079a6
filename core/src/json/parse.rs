//! A strict RFC 8259 parser: one value, nothing but whitespace around it, UTF-8, no comments,
//! no trailing commas, no NaN or infinities, nesting limited.

use super::map::{first_repetition, sort_numbered, Numbered};
use super::{Map, Number, Value};

/// Containers nested deeper than this are refused (an attacker's `[[[[…` must not exhaust the
/// stack). 127 levels: the limit serde_json applied, which no token response comes near.
pub const MAX_DEPTH: usize = 127;

/// What to do with an object that names a member twice (RFC 8259 §4: "names SHOULD be unique";
/// the behaviour of a parser is then unpredictable, so callers choose).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicates {
    /// The last value wins (serde_json's behaviour).
    KeepLast,
    /// Refused at every nesting level ([`ErrorKind::Duplicate`]).
    Reject,
    /// Refused in the top-level object only; nested objects keep the last value.
    RejectTopLevel,
}

/// Why the text is not acceptable JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input ended inside a value (a cut-off transfer), or was empty.
    Eof,
    /// Anything else that is not JSON: bad token, trailing data, invalid UTF-8, bad escape,
    /// control character in a string, number out of `f64` range, nesting too deep.
    Syntax,
    /// A member name repeated where [`Duplicates`] refuses it.
    Duplicate,
}

/// A parse failure and where it happened (1-based line and byte column). Never quotes the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub line: usize,
    pub column: usize,
}

/// Parses `bytes` as exactly one JSON value.
pub fn parse(bytes: &[u8], duplicates: Duplicates) -> Result<Value, Error> {
    let mut p = Parser {
        bytes,
        pos: 0,
        depth: 0,
        duplicates,
    };
    let value = p.value().map_err(|kind| p.error(kind))?;
    p.skip_whitespace();
    if p.pos < bytes.len() {
        return Err(p.error(ErrorKind::Syntax));
    }
    Ok(value)
}

/// [`parse`] for text.
pub fn parse_str(text: &str, duplicates: Duplicates) -> Result<Value, Error> {
    parse(text.as_bytes(), duplicates)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    duplicates: Duplicates,
}

type Step<T> = Result<T, ErrorKind>;

impl Parser<'_> {
    fn error(&self, kind: ErrorKind) -> Error {
        let before = &self.bytes[..self.pos.min(self.bytes.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Error {
            kind,
            line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
            column: before.len() - line_start + 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The next byte, or `Eof` at the end of the input.
    fn next(&mut self) -> Step<u8> {
        let b = self.peek().ok_or(ErrorKind::Eof)?;
        self.pos += 1;
        Ok(b)
    }

    /// RFC 8259 §2: whitespace is space, tab, line feed, carriage return.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The next non-whitespace byte, consumed.
    fn next_token(&mut self) -> Step<u8> {
        self.skip_whitespace();
        self.next()
    }

    fn value(&mut self) -> Step<Value> {
        match self.next_token()? {
            b'{' => self.nested(Self::object),
            b'[' => self.nested(Self::array),
            b'"' => self.string().map(Value::String),
            b't' => self.literal(b"rue", Value::Bool(true)),
            b'f' => self.literal(b"alse", Value::Bool(false)),
            b'n' => self.literal(b"ull", Value::Null),
            b'-' | b'0'..=b'9' => {
                self.pos -= 1;
                self.number().map(Value::Number)
            }
            _ => Err(self.back(ErrorKind::Syntax)),
        }
    }

    /// Steps back onto the byte just read, so errors point at it.
    fn back(&mut self, kind: ErrorKind) -> ErrorKind {
        self.pos -= 1;
        kind
    }

    fn nested(&mut self, parse: fn(&mut Self) -> Step<Value>) -> Step<Value> {
        if self.depth == MAX_DEPTH {
            return Err(self.back(ErrorKind::Syntax));
        }
        self.depth += 1;
        let value = parse(self)?;
        self.depth -= 1;
        Ok(value)
    }

    fn literal(&mut self, rest: &[u8], value: Value) -> Step<Value> {
        for &want in rest {
            if self.next()? != want {
                return Err(self.back(ErrorKind::Syntax));
            }
        }
        Ok(value)
    }

    fn array(&mut self) -> Step<Value> {
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            match self.next_token()? {
                b',' => {}
                b']' => return Ok(Value::Array(items)),
                _ => return Err(self.back(ErrorKind::Syntax)),
            }
        }
    }

    fn object(&mut self) -> Step<Value> {
        let reject = match self.duplicates {
            Duplicates::KeepLast => false,
            Duplicates::Reject => true,
            Duplicates::RejectTopLevel => self.depth == 1,
        };
        // Members with their byte positions, sorted once at the end: inserting one by one into
        // the sorted map would be O(n²) in the number of members.
        let mut members = Vec::new();
        let parsed = self.members(&mut members);
        if reject {
            // A repeated name is the error even when the object breaks off later: serde_json
            // refused it on reading the name, before anything after it. `members` holds every
            // name read so far, the one whose value failed included.
            sort_numbered(&mut members);
            if let Some(at) = first_repetition(&members) {
                self.pos = at;
                return Err(ErrorKind::Duplicate);
            }
            parsed?;
        } else {
            parsed?;
            sort_numbered(&mut members);
        }
        Ok(Value::Object(Map::from_sorted(members)))
    }

    /// The members of an object after its `{`, through its `}`.
    fn members(&mut self, members: &mut Vec<Numbered>) -> Step<()> {
        loop {
            match self.next_token()? {
                b'}' if members.is_empty() => return Ok(()),
                b'"' => {}
                _ => return Err(self.back(ErrorKind::Syntax)),
            }
            let name_at = self.pos - 1;
            let name = self.string()?;
            members.push((name, name_at, Value::Null));
            if self.next_token()? != b':' {
                return Err(self.back(ErrorKind::Syntax));
            }
            let value = self.value()?;
            if let Some(last) = members.last_mut() {
                last.2 = value;
            }
            match self.next_token()? {
                b',' => {}
                b'}' => return Ok(()),
                _ => return Err(self.back(ErrorKind::Syntax)),
            }
        }
    }

    /// A string after its opening quote (RFC 8259 §7).
    fn string(&mut self) -> Step<String> {
        let mut out = String::new();
        loop {
            let start = self.pos;
            // Runs of plain bytes are copied at once; UTF-8 is checked per run (RFC 8259 §8.1).
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            let run = &self.bytes[start..self.pos];
            let b = self.next()?;
            match std::str::from_utf8(run) {
                Ok(text) => out.push_str(text),
                Err(e) => {
                    self.pos = start + e.valid_up_to();
                    return Err(ErrorKind::Syntax);
                }
            }
            match b {
                b'"' => return Ok(out),
                b'\\' => out.push(self.escape()?),
                // U+0000 to U+001F must be escaped inside strings.
                _ => return Err(self.back(ErrorKind::Syntax)),
            }
        }
    }

    fn escape(&mut self) -> Step<char> {
        Ok(match self.next()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    // A high surrogate must be followed by `\u` and a low one (RFC 8259 §7).
                    0xD800..=0xDBFF => {
                        if self.next()? != b'\\' || self.next()? != b'u' {
                            return Err(self.back(ErrorKind::Syntax));
                        }
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(ErrorKind::Syntax);
                        }
                        let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        char::from_u32(c).ok_or(ErrorKind::Syntax)?
                    }
                    0xDC00..=0xDFFF => return Err(ErrorKind::Syntax),
                    _ => char::from_u32(unit).ok_or(ErrorKind::Syntax)?,
                }
            }
            _ => return Err(self.back(ErrorKind::Syntax)),
        })
    }

    fn hex4(&mut self) -> Step<u32> {
        // Fewer than 4 bytes left: the escape cannot be complete whatever they are, so the body
        // was cut off (`Eof`, reported as truncated), as serde_json reads it too.
        if self.bytes.len().saturating_sub(self.pos) < 4 {
            self.pos = self.bytes.len();
            return Err(ErrorKind::Eof);
        }
        let mut unit = 0;
        for _ in 0..4 {
            let digit = match self.next()? {
                b @ b'0'..=b'9' => b - b'0',
                b @ b'a'..=b'f' => b - b'a' + 10,
                b @ b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.back(ErrorKind::Syntax)),
            };
            unit = unit * 16 + u32::from(digit);
        }
        Ok(unit)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259 §6), finite as `f64`.
    fn number(&mut self) -> Step<Number> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return Err(self.back(ErrorKind::Syntax)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.one_or_more_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.one_or_more_digits()?;
        }
        // The grammar admits only ASCII, so this slice is valid UTF-8.
        let text = crate::utf8::lossy(&self.bytes[start..self.pos]);
        match super::parse_f64(&text) {
            Some(v) if v.is_finite() => Ok(Number::from_literal(text)),
            // Beyond f64's range (e.g. 1e400): refused, as serde_json did.
            _ => {
                self.pos = start;
                Err(ErrorKind::Syntax)
            }
        }
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn one_or_more_digits(&mut self) -> Step<()> {
        match self.next()? {
            b'0'..=b'9' => {
                self.digits();
                Ok(())
            }
            _ => Err(self.back(ErrorKind::Syntax)),
        }
    }
}
