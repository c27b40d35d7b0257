//! What the command writes to the terminal, and how.
//!
//! - Text that came from a server (names, descriptions, tags, teams, ids, error messages) goes
//!   through [`shown`] before it is printed: a control character (C0, DEL, C1) or a bidi
//!   override cannot reach the terminal raw. It is shown in Rust's escape notation instead:
//!   `\n`, `\r`, `\t`, and `\u{1b}` (hex code point in braces) for the others. The JSON
//!   outputs are not touched: JSON escapes control characters itself and stays exact.
//! - Messages go to stderr through [`note!`], which never panics: a stderr that is closed or
//!   whose reader left (`2>&-`, `2>&1 | head`) loses the message, and the command carries on
//!   to its usual exit code. Data goes to stdout through [`emit`]; a reader that left ends the
//!   command quietly.

use std::borrow::Cow;

use crate::Failure;

/// `eprintln!` that never panics (a lost message is no reason to stop).
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use note;

/// `println!` that never panics: the stand-in keeps serving if nobody reads its banner.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
pub(crate) use say;

/// Whether `c` must not reach a terminal as it is.
pub(crate) fn is_unsafe(c: char) -> bool {
    // Controls move the cursor, recolour, retitle, ring; bidi overrides reorder what is shown.
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Server text made safe for a terminal: each unsafe character as an escape (see the module
/// docs); anything else as it is.
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Writes data to stdout; a reader that went away (`| head`) ends the command quietly.
pub fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(write_failure)
}

/// What a failed write to stdout means for the command.
pub fn write_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // The reader went away (`| head`): stop quietly, as command-line tools do.
        return Failure {
            code: 0,
            message: String::new(),
        };
    }
    Failure {
        code: 1,
        message: format!("cannot write to stdout: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(shown("plain – Zürich, 東京"), "plain – Zürich, 東京");
        assert_eq!(
            shown("a\u{1b}[31mb\u{7}\n\r\tc\u{7f}\u{9b}\u{202e}"),
            "a\\u{1b}[31mb\\u{7}\\n\\r\\tc\\u{7f}\\u{9b}\\u{202e}"
        );
    }
}
