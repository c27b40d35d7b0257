//! Writing JSON text straight into a buffer: users are written this way, a field at a time,
//! with no `serde_json::Value` built for them (a debug build makes 100,000 users in about a
//! second this way, many times faster than through values).

use std::fmt::Display;
use std::io::Write as _;

/// A JSON text being written into a buffer.
pub(crate) struct Json<'a>(pub(crate) &'a mut Vec<u8>);

impl Json<'_> {
    /// Writes `text` as is (JSON punctuation and keys of the stand-in's own).
    pub(crate) fn raw(&mut self, text: &str) -> &mut Self {
        self.0.extend_from_slice(text.as_bytes());
        self
    }

    /// Writes `text` as a JSON string: quoted, with `"`, `\` and control characters escaped.
    pub(crate) fn str(&mut self, text: &str) -> &mut Self {
        let out = &mut *self.0;
        out.push(b'"');
        let bytes = text.as_bytes();
        if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
            out.extend_from_slice(bytes);
            out.push(b'"');
            return self;
        }
        let mut start = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            let escaped: &[u8] = match byte {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1f => b"",
                _ => continue,
            };
            out.extend_from_slice(&bytes[start..i]);
            if escaped.is_empty() {
                let _ = write!(out, "\\u{byte:04x}");
            } else {
                out.extend_from_slice(escaped);
            }
            start = i + 1;
        }
        out.extend_from_slice(&bytes[start..]);
        out.push(b'"');
        self
    }

    /// Writes a number (an integer, or a finite float: Rust writes both as JSON reads them).
    pub(crate) fn num(&mut self, n: impl Display) -> &mut Self {
        let _ = write!(self.0, "{n}");
        self
    }

    /// Writes `n` in decimal, zero-padded to `width` digits (without `fmt`, for speed).
    pub(crate) fn digits(&mut self, n: u64, width: usize) -> &mut Self {
        let mut buffer = [b'0'; 20];
        let (mut n, mut at) = (n, buffer.len());
        while n > 0 || at == buffer.len() {
            at -= 1;
            buffer[at] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let start = at.min(buffer.len().saturating_sub(width));
        self.0.extend_from_slice(&buffer[start..]);
        self
    }

    /// Writes `true` or `false`.
    pub(crate) fn bool(&mut self, b: bool) -> &mut Self {
        self.raw(if b { "true" } else { "false" })
    }

    /// Writes `text` as a string, or `null`.
    pub(crate) fn str_or_null(&mut self, text: Option<&str>) -> &mut Self {
        match text {
            Some(text) => self.str(text),
            None => self.raw("null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_read_back_as_written() {
        for text in [
            "",
            "plain",
            "q\"uo\\te",
            "line\nbreak\r\ttab",
            "\u{0}\u{1f}\u{7f}",
            "Zoë 🎉 مريم e\u{301}",
        ] {
            let mut out = Vec::new();
            Json(&mut out).str(text);
            assert_eq!(serde_json::from_slice::<String>(&out).unwrap(), text);
        }
        let mut out = Vec::new();
        Json(&mut out)
            .raw("[")
            .num(-180.0)
            .raw(",")
            .num(12.5)
            .raw(",")
            .num(7u64)
            .raw(",")
            .bool(true)
            .raw("]");
        assert_eq!(String::from_utf8(out).unwrap(), "[-180,12.5,7,true]");
        let mut out = Vec::new();
        Json(&mut out)
            .digits(7, 2)
            .digits(0, 1)
            .digits(2024, 4)
            .digits(5, 3)
            .digits(123_456, 2)
            .digits(u64::MAX, 1);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("07020240051234561{}", &u64::MAX.to_string()[1..])
        );
    }
}
