//! Server text made safe for a terminal, the same way for every command and every output.
//!
//! A character a terminal would act on ([`is_unsafe`]: a control, C0, DEL or C1 such as
//! U+009B, which starts an escape sequence; a bidi override or isolate, which reorders what is
//! shown) never reaches a terminal raw. It is written as an escape instead, in one of two
//! notations ([`Notation`]): Rust's (`\n`, `\u{1b}`) for text, JSON's (`\u001b`) for JSON, so
//! that JSON stays valid JSON meaning the same data. Files and pipes get the data verbatim: only
//! output that goes to a terminal is escaped.
//!
//! Server text echoed in a message (an id, an error) is also cut to a bounded length
//! ([`brief`]), so that a hostile 100 KB id cannot flood the terminal.

use std::borrow::Cow;
use std::io::{self, Write};

use serde_json::ser::Formatter;

/// How an escaped character is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notation {
    /// Rust's: `\n`, `\r`, `\t`, and `\u{1b}` (hex code point in braces) for the others.
    Rust,
    /// JSON's: `\u001b`, `\u009b`, `\u202e` (every unsafe character is in the BMP).
    Json,
}

/// Whether `c` must not reach a terminal as it is.
pub(crate) fn is_unsafe(c: char) -> bool {
    // Controls move the cursor, recolour, retitle, ring; bidi overrides reorder what is shown.
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character escaped in `notation`; anything else as it is.
pub fn escaped(text: &str, notation: Notation) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
            continue;
        }
        match (notation, c) {
            (Notation::Rust, '\n') => out.push_str("\\n"),
            (Notation::Rust, '\r') => out.push_str("\\r"),
            (Notation::Rust, '\t') => out.push_str("\\t"),
            (Notation::Rust, c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            (Notation::Json, c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

/// Server text for a terminal, in Rust's notation (messages, tables, readable outputs).
pub fn shown(text: &str) -> Cow<'_, str> {
    escaped(text, Notation::Rust)
}

/// One record as written to stdout (a line of JSON or a CSV row, ending in `\n`) made safe for
/// a terminal: its own line end stays, everything else unsafe is escaped in `notation` (a
/// line break inside a CSV cell too, so a cell cannot pass for a row of its own).
pub fn record_line(text: &str, notation: Notation) -> Cow<'_, str> {
    let (body, end) = match text.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (text, ""),
    };
    match escaped(body, notation) {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        Cow::Owned(body) => Cow::Owned(body + end),
    }
}

/// Longest server text a message shows whole, in characters.
pub const BRIEF_CHARS: usize = 200;

/// Server text echoed in a message: escaped as [`shown`], and when longer than [`BRIEF_CHARS`]
/// characters, cut there with an ellipsis and its full length said.
pub fn brief(text: &str) -> Cow<'_, str> {
    let Some((cut, _)) = text.char_indices().nth(BRIEF_CHARS) else {
        return shown(text);
    };
    let length = text.chars().count();
    Cow::Owned(format!("{}… ({length} characters in all)", shown(&text[..cut])))
}

/// serde_json's compact output, with every character a terminal would act on escaped in JSON's
/// notation (serde_json escapes C0 itself; DEL, C1 and the bidi controls are valid raw in JSON).
pub struct TerminalJson;

impl Formatter for TerminalJson {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        writer.write_all(escaped(fragment, Notation::Json).as_bytes())
    }
}

/// `value` as one line of JSON safe for a terminal.
pub fn terminal_json<T: serde::Serialize + ?Sized>(writer: &mut impl Write, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, TerminalJson);
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// `value` as JSON text: exact for a file or pipe, escaped as [`terminal_json`] for a terminal.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T, terminal: bool) -> String {
    let mut out = Vec::new();
    let written = if terminal {
        terminal_json(&mut out, value)
    } else {
        serde_json::to_writer(&mut out, value).map_err(io::Error::from)
    };
    // Serializing the SDK's types to memory cannot fail: their maps have string keys.
    written.expect("serializes");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    const HOSTILE: &str = "a\u{1b}]0;title\u{7}b\u{9b}31mc\u{202e}d\u{7f}e\u{2066}\n\"\\ é東";

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(shown("plain – Zürich, 東京"), "plain – Zürich, 東京");
        assert_eq!(
            shown("a\u{1b}[31mb\u{7}\n\r\tc\u{7f}\u{9b}\u{202e}"),
            "a\\u{1b}[31mb\\u{7}\\n\\r\\tc\\u{7f}\\u{9b}\\u{202e}"
        );
    }

    #[test]
    fn json_for_a_terminal_escapes_what_a_terminal_acts_on_and_means_the_same() {
        let value = json!({ HOSTILE: [HOSTILE, {"k": HOSTILE}], "n": 1.5, "t": true, "z": null });
        let text = json_text(&value, true);
        assert!(!text.chars().any(is_unsafe), "{text:?}");
        assert!(
            text.contains(r#"\u001b]0;title\u0007b\u009b31mc\u202ed\u007fe\u2066\n\"\\ é東"#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value, "the same data");
        assert_eq!(json_text(&value, false), serde_json::to_string(&value).unwrap());
        // Plain values are written as serde_json writes them.
        let plain = json!({"email": "zoë@example.com", "a": [1, "x"]});
        assert_eq!(json_text(&plain, true), serde_json::to_string(&plain).unwrap());
    }

    #[test]
    fn a_json_record_line_escaped_for_a_terminal_is_the_same_json() {
        let value = json!({"name": HOSTILE});
        let line = format!("{}\n", serde_json::to_string(&value).unwrap());
        let escaped = record_line(&line, Notation::Json);
        assert!(escaped.ends_with("}\n"), "{escaped:?}");
        assert!(!escaped.trim_end_matches('\n').chars().any(is_unsafe), "{escaped:?}");
        assert_eq!(serde_json::from_str::<Value>(&escaped).unwrap(), value);
        assert_eq!(record_line("{\"a\":1}\n", Notation::Json), "{\"a\":1}\n");
    }

    #[test]
    fn a_csv_row_for_a_terminal_keeps_only_its_own_line_end() {
        assert_eq!(
            record_line("id,\"a\nfake,row\",\u{9b}x\n", Notation::Rust),
            "id,\"a\\nfake,row\",\\u{9b}x\n"
        );
        assert_eq!(record_line("a,b", Notation::Rust), "a,b");
    }

    #[test]
    fn brief_text_is_cut_with_its_length_said() {
        assert_eq!(brief("seg-1"), "seg-1");
        let exact = "é".repeat(BRIEF_CHARS);
        assert_eq!(brief(&exact), exact);
        let long = format!("{}\u{1b}{}", "x".repeat(BRIEF_CHARS - 1), "y".repeat(100_000));
        let cut = brief(&long);
        assert_eq!(
            cut,
            format!(
                "{}\\u{{1b}}… ({} characters in all)",
                "x".repeat(BRIEF_CHARS - 1),
                100_000 + BRIEF_CHARS
            )
        );
    }
}
