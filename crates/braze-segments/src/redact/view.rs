//! A server's text decoded once, for finding known secrets in any per-character spelling:
//! `\uXXXX` (surrogate pairs too), JSON's `\/`-style escapes and `\xHH`, `%XX` (UTF-8 sequences
//! too), `+`, HTML's `&#NN;`, `&#xHH;` and common named entities. Each byte of the view
//! remembers the byte range of the original text it came from, so a secret found in the view is
//! removed from the original. One pass, no re-decoding of decoded text: linear on any input;
//! an escape that is invalid or cut stays as it was.

/// The decoded, ASCII-lowercased text, without invisible characters (a soft hyphen or a
/// zero-width space between a secret's letters hides nothing).
pub(super) struct View {
    pub(super) text: String,
    /// For each byte of `text`, the byte range of the original it came from.
    origin: Vec<(usize, usize)>,
}

impl View {
    pub(super) fn of(original: &str) -> View {
        let bytes = original.as_bytes();
        let mut view = View {
            text: String::with_capacity(original.len()),
            origin: Vec::with_capacity(original.len()),
        };
        let mut i = 0;
        while i < bytes.len() {
            let escaped = match bytes[i] {
                b'\\' => json_escape(bytes, i),
                b'%' => percent_escape(bytes, i),
                b'&' => html_entity(bytes, i),
                b'+' => Some((' ', 1)),
                _ => None,
            };
            // Escapes are ASCII, so `i` is always at a character boundary of the original.
            let (c, len) = escaped
                .or_else(|| original.get(i..)?.chars().next().map(|c| (c, c.len_utf8())))
                .unwrap_or(('\u{fffd}', 1));
            view.push(c, i, i + len);
            i += len;
        }
        view
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        if matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}') {
            return;
        }
        let c = c.to_ascii_lowercase();
        self.text.push(c);
        self.origin.extend(std::iter::repeat_n((start, end), c.len_utf8()));
    }

    /// The original byte range that the view's bytes `at..end` (not empty) came from.
    pub(super) fn original_range(&self, at: usize, end: usize) -> Option<(usize, usize)> {
        let (start, _) = *self.origin.get(at)?;
        let (_, stop) = *self.origin.get(end.checked_sub(1)?)?;
        Some((start, stop))
    }
}

/// The value of the `n` hex digits at `at`.
fn hex(bytes: &[u8], at: usize, n: usize) -> Option<u32> {
    let digits = bytes.get(at..at.checked_add(n)?)?;
    digits
        .iter()
        .try_fold(0u32, |value, &b| Some(value * 16 + (b as char).to_digit(16)?))
}

/// The JSON (or C-style) escape at `i` (a `\`): the character and the escape's length.
fn json_escape(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    let c = match *bytes.get(i + 1)? {
        b'u' => {
            let unit = hex(bytes, i + 2, 4)?;
            return match unit {
                0xD800..=0xDBFF => {
                    let low = match (bytes.get(i + 6), bytes.get(i + 7)) {
                        (Some(b'\\'), Some(b'u')) => hex(bytes, i + 8, 4)?,
                        _ => return None,
                    };
                    if !(0xDC00..=0xDFFF).contains(&low) {
                        return None;
                    }
                    let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?;
                    Some((c, 12))
                }
                _ => Some((char::from_u32(unit)?, 6)),
            };
        }
        b'x' => return Some((char::from_u32(hex(bytes, i + 2, 2)?)?, 4)),
        b @ (b'/' | b'"' | b'\\' | b'\'') => b as char,
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        _ => return None,
    };
    Some((c, 2))
}

/// The `%XX` escape at `i` (or the `%XX` run spelling one UTF-8 character).
fn percent_escape(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    let first = hex(bytes, i + 1, 2)?;
    let n = match first {
        0..=0x7F => return Some((char::from_u32(first)?, 3)),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut utf8 = [0u8; 4];
    for (k, byte) in utf8.iter_mut().enumerate().take(n) {
        let at = i + 3 * k;
        if bytes.get(at) != Some(&b'%') {
            return None;
        }
        *byte = u8::try_from(hex(bytes, at + 1, 2)?).ok()?;
    }
    let c = std::str::from_utf8(&utf8[..n]).ok()?.chars().next()?;
    Some((c, 3 * n))
}

/// The HTML or XML character reference at `i` (a `&`): `&#NN;`, `&#xHH;` (the `;` may be
/// missing, as browsers allow) or a common named entity.
fn html_entity(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    /// Digits read at most (leading zeros included): bounded, so the pass stays linear.
    const MAX_DIGITS: usize = 12;
    if bytes.get(i + 1) == Some(&b'#') {
        let (radix, start) = match bytes.get(i + 2) {
            Some(b'x' | b'X') => (16, i + 3),
            _ => (10, i + 2),
        };
        let mut value: u32 = 0;
        let mut end = start;
        while end - start < MAX_DIGITS {
            let Some(digit) = bytes.get(end).and_then(|&b| (b as char).to_digit(radix)) else {
                break;
            };
            value = value.checked_mul(radix)?.checked_add(digit)?;
            end += 1;
        }
        if end == start {
            return None;
        }
        let c = char::from_u32(value)?;
        let len = end - i + usize::from(bytes.get(end) == Some(&b';'));
        return Some((c, len));
    }
    const NAMED: [(&[u8], char); 9] = [
        (b"amp", '&'),
        (b"lt", '<'),
        (b"gt", '>'),
        (b"quot", '"'),
        (b"apos", '\''),
        (b"sol", '/'),
        (b"equals", '='),
        (b"nbsp", '\u{a0}'),
        (b"shy", '\u{ad}'),
    ];
    NAMED.iter().find_map(|&(name, c)| {
        let end = i + 1 + name.len();
        let matches = bytes.get(i + 1..end)? == name && bytes.get(end) == Some(&b';');
        matches.then_some((c, name.len() + 2))
    })
}
