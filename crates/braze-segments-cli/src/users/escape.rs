//! Users shown on a terminal (`--out -` when stdout is one): a user's values are Braze's data,
//! so a character a terminal would act on (a control: C0, DEL, C1 such as U+009B, which starts
//! an escape sequence; a bidi override) must not reach it raw. Files and pipes get the data
//! verbatim; only a terminal gets these escapes:
//!
//! - JSONL writes each such character as a JSON `\uXXXX` escape: still valid JSON, the same
//!   data once parsed (serde_json already escapes C0 itself; DEL, C1 and the bidi overrides are
//!   valid raw in JSON, so it does not).
//! - CSV writes each cell through [`crate::term::shown`] (Rust's escape notation).

use std::io::{self, Write};

use serde_json::ser::Formatter;

use crate::term::{is_unsafe, shown};

/// serde_json's compact output, with every character a terminal would act on escaped.
pub struct TerminalJson;

impl Formatter for TerminalJson {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut plain = 0;
        for (at, c) in fragment.char_indices() {
            if is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[plain..at])?;
                // Every unsafe character is in the Basic Multilingual Plane: one escape each.
                write!(writer, "\\u{:04x}", u32::from(c))?;
                plain = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[plain..])
    }
}

/// `value` as one line of JSON safe for a terminal.
pub fn terminal_json<T: serde::Serialize + ?Sized>(writer: &mut impl Write, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, TerminalJson);
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// A CSV cell safe for a terminal.
pub fn terminal_cell(cell: String) -> String {
    match shown(&cell) {
        std::borrow::Cow::Borrowed(_) => cell,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    const HOSTILE: &str = "a\u{1b}]0;title\u{7}b\u{9b}31mc\u{202e}d\u{7f}e\u{2066}\n\"\\ é東";

    fn json_text(value: &Value) -> String {
        let mut out = Vec::new();
        terminal_json(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_for_a_terminal_escapes_what_a_terminal_acts_on_and_means_the_same() {
        let value = json!({ HOSTILE: [HOSTILE, {"k": HOSTILE}], "n": 1.5, "t": true, "z": null });
        let text = json_text(&value);
        assert!(!text.chars().any(is_unsafe), "{text:?}");
        assert!(
            text.contains(r#"\u001b]0;title\u0007b\u009b31mc\u202ed\u007fe\u2066\n\"\\ é東"#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value, "the same data");
        // Plain values are written as serde_json writes them.
        let plain = json!({"email": "zoë@example.com", "a": [1, "x"]});
        assert_eq!(json_text(&plain), serde_json::to_string(&plain).unwrap());
    }

    #[test]
    fn csv_cells_for_a_terminal_show_escapes() {
        let cell = terminal_cell(HOSTILE.to_owned());
        assert!(!cell.chars().any(is_unsafe), "{cell:?}");
        assert_eq!(
            cell,
            "a\\u{1b}]0;title\\u{7}b\\u{9b}31mc\\u{202e}d\\u{7f}e\\u{2066}\\n\"\\ é東"
        );
        assert_eq!(terminal_cell("plain, \"quoted\"".to_owned()), "plain, \"quoted\"");
    }
}
