//! What the command writes to the terminal, and how.
//!
//! - Text that came from a server (names, descriptions, tags, teams, ids, error messages) goes
//!   through [`shown`] before it is printed: a control character (C0, DEL, C1) or a bidi
//!   override cannot reach the terminal raw. It is shown in Rust's escape notation instead:
//!   `\n`, `\r`, `\t`, and `\u{1b}` (hex code point in braces) for the others. Data outputs
//!   (JSON, CSV) are escaped the same way when stdout is a terminal, JSON in its own `\u001b`
//!   notation so it stays valid; to a file or pipe they are exact ([`escape`]). Server text in
//!   a message is also cut to a bounded length ([`brief`]).
//! - Messages go to stderr through [`note!`], which never panics: a stderr that is closed or
//!   whose reader left (`2>&-`, `2>&1 | head`) loses the message, and the command carries on
//!   to its usual exit code. Data goes to stdout through [`emit`]; a reader that left ends the
//!   command quietly.

pub(crate) mod escape;

#[cfg(test)]
pub(crate) use escape::is_unsafe;
pub use escape::{brief, json_text, record_line, shown, terminal_json, Notation};

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
