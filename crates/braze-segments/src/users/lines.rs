//! The lines of a decompressed member, read through one reused buffer, none longer than a limit.

use std::io::{self, Read};

/// Bytes read at once, and the buffer's size while no line needs more.
const CHUNK: usize = 64 * 1024;

/// A UTF-8 byte order mark, tolerated at the start of a member.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// Its bytes, without the line ending (`\n` or `\r\n`), nor a byte order mark on line 1.
    Text(&'a [u8]),
    /// It was longer than the limit: skipped to its end, never held whole.
    TooLong,
}

/// Splits a byte stream into lines. The buffer holds at most one line of the limit (plus its
/// `\r` and one more byte) or one chunk, whichever is larger; a longer line is read past in
/// chunks. One reader serves every member of an archive in turn ([`reset`](Self::reset)).
pub(crate) struct LineReader {
    buf: Vec<u8>,
    /// Where the next line starts in `buf`.
    start: usize,
    /// Where the bytes read end in `buf`.
    end: usize,
    /// The source said it has no more bytes.
    eof: bool,
    max_line: usize,
    /// The number of the line returned last (from 1).
    line: u64,
}

impl LineReader {
    /// A reader of lines of at most `max_line` bytes (line ending not counted).
    pub(crate) fn new(max_line: usize) -> Self {
        Self {
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            eof: false,
            max_line,
            line: 0,
        }
    }

    /// Forgets the current source, to read the next one from its first line.
    pub(crate) fn reset(&mut self) {
        self.start = 0;
        self.end = 0;
        self.eof = false;
        self.line = 0;
    }

    /// The next line of `src` (the same source since the last [`reset`](Self::reset)) and its
    /// number (from 1; blank lines count); `None` at its end. A last line without a line ending
    /// is a line.
    pub(crate) fn next_line<R: Read + ?Sized>(&mut self, src: &mut R) -> io::Result<Option<(u64, Line<'_>)>> {
        // bytes from `start` known to hold no newline
        let mut scanned = 0;
        loop {
            if let Some(at) = find_newline(&self.buf[self.start + scanned..self.end]) {
                let end = self.start + scanned + at;
                return Ok(Some(self.take_line(end, end + 1)));
            }
            scanned = self.end - self.start;
            if self.eof {
                if scanned == 0 {
                    return Ok(None);
                }
                return Ok(Some(self.take_line(self.end, self.end)));
            }
            // room for a `\r` after a line of the limit
            if scanned > self.max_line.saturating_add(1) {
                self.skip_line(src)?;
                self.line += 1;
                return Ok(Some((self.line, Line::TooLong)));
            }
            self.fill(src)?;
        }
    }

    /// The line in `buf[start..end]`, and its number; the next one starts at `next`.
    fn take_line(&mut self, end: usize, next: usize) -> (u64, Line<'_>) {
        let start = self.start;
        self.start = next;
        self.line += 1;
        let mut text = &self.buf[start..end];
        if let [rest @ .., b'\r'] = text {
            text = rest;
        }
        if text.len() > self.max_line {
            return (self.line, Line::TooLong);
        }
        if self.line == 1 {
            text = text.strip_prefix(BOM).unwrap_or(text);
        }
        (self.line, Line::Text(text))
    }

    /// Reads more bytes after `end`, moving the current line to the front or growing the
    /// buffer (up to the limit) when it is full.
    fn fill<R: Read + ?Sized>(&mut self, src: &mut R) -> io::Result<()> {
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                let most = self.max_line.saturating_add(2).max(CHUNK);
                let grown = self.buf.len().saturating_mul(2).min(most).max(self.buf.len() + 1);
                self.buf.resize(grown, 0);
            }
        }
        loop {
            match src.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            return Ok(());
        }
    }

    /// Drops the current line (no newline in the buffer) and reads past its newline.
    fn skip_line<R: Read + ?Sized>(&mut self, src: &mut R) -> io::Result<()> {
        loop {
            self.start = 0;
            self.end = 0;
            if self.eof {
                return Ok(());
            }
            self.fill(src)?;
            if let Some(at) = find_newline(&self.buf[..self.end]) {
                self.start = at + 1;
                return Ok(());
            }
        }
    }
}

fn find_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that hands out at most `step` bytes a read, as a decompressor may.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn lines(bytes: &[u8], max_line: usize, step: usize) -> Vec<(u64, Option<String>)> {
        let mut reader = LineReader::new(max_line);
        let mut src = Trickle { bytes, step };
        let mut out = Vec::new();
        while let Some((number, line)) = reader.next_line(&mut src).unwrap() {
            let text = match line {
                Line::Text(text) => Some(String::from_utf8_lossy(text).into_owned()),
                Line::TooLong => None,
            };
            out.push((number, text));
        }
        out
    }

    fn text(n: u64, s: &str) -> (u64, Option<String>) {
        (n, Some(s.to_owned()))
    }

    #[test]
    fn splits_on_newlines_crlf_and_a_last_line_without_one() {
        for step in [1, 3, CHUNK] {
            let got = lines(b"\xEF\xBB\xBFa\r\nbb\n\n\r\nccc", 10, step);
            let want = vec![text(1, "a"), text(2, "bb"), text(3, ""), text(4, ""), text(5, "ccc")];
            assert_eq!(got, want, "step {step}");
        }
        assert_eq!(lines(b"", 10, 1), vec![]);
        assert_eq!(lines(b"x\n", 10, 1), vec![text(1, "x")]);
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_to_its_newline_without_being_held() {
        let long = "y".repeat(3 * CHUNK + 7);
        for step in [5, CHUNK] {
            let input = format!("ok\n{long}\r\nexactly10!\r\n12345678901\nlast");
            let got = lines(input.as_bytes(), 10, step);
            let want = vec![
                text(1, "ok"),
                (2, None),
                text(3, "exactly10!"),
                (4, None),
                text(5, "last"),
            ];
            assert_eq!(got, want, "step {step}");
        }
        let mut reader = LineReader::new(10);
        let input = format!("{long}\nz");
        let mut src = Trickle {
            bytes: input.as_bytes(),
            step: 7,
        };
        assert_eq!(reader.next_line(&mut src).unwrap(), Some((1, Line::TooLong)));
        assert_eq!(reader.buf.len(), CHUNK, "the buffer grew for a line over the limit");
        // a long line without a newline at the end of the source
        assert_eq!(lines(long.as_bytes(), 10, 100), vec![(1, None)]);
    }

    #[test]
    fn lines_up_to_a_large_limit_are_read_whole() {
        let long = "z".repeat(2 * CHUNK + 1);
        let input = format!("{long}\nb\n");
        let got = lines(input.as_bytes(), 2 * CHUNK + 1, 1000);
        assert_eq!(got, vec![(1, Some(long)), text(2, "b")]);
    }

    #[test]
    fn reset_starts_a_new_source_at_line_one() {
        let mut reader = LineReader::new(10);
        let mut first = Trickle {
            bytes: b"a\nb",
            step: 10,
        };
        assert_eq!(reader.next_line(&mut first).unwrap(), Some((1, Line::Text(&b"a"[..]))));
        reader.reset();
        let mut second = Trickle {
            bytes: b"\xEF\xBB\xBFc\n",
            step: 10,
        };
        assert_eq!(reader.next_line(&mut second).unwrap(), Some((1, Line::Text(&b"c"[..]))));
        assert_eq!(reader.next_line(&mut second).unwrap(), None);
    }
}
