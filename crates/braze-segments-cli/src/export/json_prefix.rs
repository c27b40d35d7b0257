//! Whether some bytes are the beginning of one JSON object: what a torn JSONL line must be
//! before resume may drop it.

/// What some bytes are, read as the start of a JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// A whole object, ending at this many bytes.
    Whole(usize),
    /// The beginning of an object: the bytes end before it does.
    Partial,
    /// Not the beginning of any JSON object.
    Invalid,
}

/// Why reading stopped.
enum Stop {
    End,
    Invalid,
}

/// Reads `bytes` as a JSON object (leading whitespace not allowed, nothing read past its end).
/// Text inside strings is not checked for UTF-8 here.
pub fn object_prefix(bytes: &[u8]) -> Prefix {
    let mut reader = Reader { bytes, at: 0, depth: 0 };
    match reader.peek() {
        Ok(b'{') => {}
        Ok(_) => return Prefix::Invalid,
        Err(_) => return Prefix::Partial,
    }
    match reader.value() {
        Ok(()) => Prefix::Whole(reader.at),
        Err(Stop::End) => Prefix::Partial,
        Err(Stop::Invalid) => Prefix::Invalid,
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

/// Deeper than this is not a record of ours (and the recursion stays bounded).
const MAX_DEPTH: usize = 64;

impl Reader<'_> {
    fn peek(&self) -> Result<u8, Stop> {
        self.bytes.get(self.at).copied().ok_or(Stop::End)
    }

    fn next(&mut self) -> Result<u8, Stop> {
        let b = self.peek()?;
        self.at += 1;
        Ok(b)
    }

    fn skip_space(&mut self) -> Result<(), Stop> {
        while matches!(self.peek()?, b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
        Ok(())
    }

    fn value(&mut self) -> Result<(), Stop> {
        self.skip_space()?;
        match self.peek()? {
            b'{' => self.nested(b'}', true),
            b'[' => self.nested(b']', false),
            b'"' => self.string(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Stop::Invalid),
        }
    }

    /// An object (`keyed`) or an array, from its opening bracket.
    fn nested(&mut self, close: u8, keyed: bool) -> Result<(), Stop> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Invalid);
        }
        self.at += 1;
        self.skip_space()?;
        if self.peek()? == close {
            self.at += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if keyed {
                self.skip_space()?;
                if self.peek()? != b'"' {
                    return Err(Stop::Invalid);
                }
                self.string()?;
                self.skip_space()?;
                if self.next()? != b':' {
                    return Err(Stop::Invalid);
                }
            }
            self.value()?;
            self.skip_space()?;
            match self.next()? {
                b',' => {}
                b if b == close => {
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(Stop::Invalid),
            }
        }
    }

    fn string(&mut self) -> Result<(), Stop> {
        self.at += 1; // the opening quote
        loop {
            match self.next()? {
                b'"' => return Ok(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        for _ in 0..4 {
                            if !self.next()?.is_ascii_hexdigit() {
                                return Err(Stop::Invalid);
                            }
                        }
                    }
                    _ => return Err(Stop::Invalid),
                },
                0..=0x1f => return Err(Stop::Invalid),
                _ => {}
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Stop> {
        for &expected in word {
            if self.next()? != expected {
                return Err(Stop::Invalid);
            }
        }
        Ok(())
    }

    /// A number; lenient about its inner shape (serde_json wrote it), strict about its alphabet.
    fn number(&mut self) -> Result<(), Stop> {
        self.at += 1;
        while matches!(self.peek()?, b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
            self.at += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{object_prefix, Prefix};

    #[test]
    fn every_cut_of_an_object_is_a_partial_prefix() {
        let whole =
            br#"{"summary":{"id":"a\"b\u00e9","n":[1,-2.5e3,true,false,null,{}]},"details":{"x":"Z\u00fcrich"}}"#;
        assert_eq!(object_prefix(whole), Prefix::Whole(whole.len()));
        for cut in 0..whole.len() {
            assert_eq!(object_prefix(&whole[..cut]), Prefix::Partial, "cut at {cut}");
        }
    }

    #[test]
    fn what_no_object_starts_with_is_invalid() {
        for bad in [
            &b"my notes"[..],
            b"[1]",
            b" {}",
            br#"{"a" 1"#,
            br#"{1:2}"#,
            br#"{"a":tru "#,
            br#"{"a":"x\q"#,
            b"{\"a\":\"raw\nnewline\"}",
            br#"{"a":1,}"#,
            br#"{"a":nul}"#,
        ] {
            assert_eq!(object_prefix(bad), Prefix::Invalid, "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(object_prefix(br#"{"a":1} more"#), Prefix::Whole(7));
        // A closing bracket that does not match what it closes.
        for bad in [&br#"{"a":1]"#[..], br#"{"a":[1}"#, br#"{"a":[1,2}}"#] {
            assert_eq!(object_prefix(bad), Prefix::Invalid, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn whitespace_between_tokens_is_json() {
        let spaced = b"{ \"a\" :\t[ 1 ,\r\n{ } ] , \"b\" : \"x\" }";
        assert_eq!(object_prefix(spaced), Prefix::Whole(spaced.len()));
        for cut in 0..spaced.len() {
            assert_eq!(object_prefix(&spaced[..cut]), Prefix::Partial, "cut at {cut}");
        }
    }

    #[test]
    fn nesting_is_bounded_at_64_levels_and_closed_levels_do_not_count() {
        let nested = |levels: usize| {
            let mut text = "{\"a\":".repeat(levels - 1).into_bytes();
            text.extend_from_slice(b"{}");
            text.extend_from_slice("}".repeat(levels - 1).as_bytes());
            text
        };
        let deepest = nested(64);
        assert_eq!(object_prefix(&deepest), Prefix::Whole(deepest.len()));
        assert_eq!(object_prefix(&nested(65)), Prefix::Invalid);
        assert_eq!(object_prefix(&nested(200)), Prefix::Invalid);
        // Siblings: each closed object or array gives its level back, empty or not.
        for item in ["{}", "[]", r#"{"b":1}"#, "[1]"] {
            let many = format!(r#"{{"a":[{}]}}"#, vec![item; 100].join(","));
            assert_eq!(object_prefix(many.as_bytes()), Prefix::Whole(many.len()), "{item}");
        }
    }
}
