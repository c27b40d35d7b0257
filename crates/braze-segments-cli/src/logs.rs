//! The `-v`/`-vv` logs on stderr: one event a line, with no server text reaching it raw.
//!
//! Field values (an event's message, an error a server worded, a span's segment id) are run
//! through [`shown`] before tracing's default formatter writes them, whether stderr is a
//! terminal or a file (a log file read with `cat` later reaches a terminal too): a control
//! character, C1 or bidi override is written as an escape, and a line break as `\n`, so a server
//! can neither drive the terminal nor fake a log line of its own. tracing-subscriber (0.3.23)
//! escapes only ESC, BEL, BS, FF, DEL and C1, only in messages and `error` values recorded as
//! errors: not line breaks, bidi overrides, nor `%`/`?` fields. The formatter's own colours (on
//! a terminal) are left as they are: they are written around the values, never inside them.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing_subscriber::field::{MakeVisitor, VisitFmt, VisitOutput};
use tracing_subscriber::fmt::format::{DefaultFields, DefaultVisitor, Writer};

use crate::term::shown;

/// Sets up the logs for `-v` (1: info) or `-vv` (2 or more: debug); none without.
pub fn init(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => "info",
        _ => "debug",
    };
    // Only this project's crates: the HTTP stack's own logs are not needed to follow a call.
    let filter = format!("warn,braze_segments={level},braze_segments_cli={level},braze_segments_mock_server={level}");
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .fmt_fields(EscapedFields::default())
        .init();
}

/// tracing's default field formatting, with every value escaped by [`shown`] first.
#[derive(Debug, Default)]
pub struct EscapedFields {
    inner: DefaultFields,
}

impl<'a> MakeVisitor<Writer<'a>> for EscapedFields {
    type Visitor = Escaping<DefaultVisitor<'a>>;

    fn make_visitor(&self, target: Writer<'a>) -> Self::Visitor {
        Escaping(self.inner.make_visitor(target))
    }
}

/// A visitor that hands `V` each value already written out and escaped.
#[derive(Debug)]
pub struct Escaping<V>(V);

impl<V: Visit> Escaping<V> {
    /// Passes `text` (the value as `V` would have written it) on, escaped, to be written as is.
    fn pass(&mut self, field: &Field, text: &str) {
        self.0.record_debug(field, &format_args!("{}", shown(text)));
    }
}

impl<V: Visit> Visit for Escaping<V> {
    fn record_str(&mut self, field: &Field, value: &str) {
        // The default formatter writes a message as it is and other strings quoted (`{:?}`).
        if field.name() == "message" {
            self.pass(field, value);
        } else {
            self.pass(field, &format!("{value:?}"));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let mut text = value.to_string();
        let mut source = value.source();
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        self.pass(field, &text);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.pass(field, &format!("{value:?}"));
    }
}

impl<V: VisitOutput<fmt::Result>> VisitOutput<fmt::Result> for Escaping<V> {
    fn finish(self) -> fmt::Result {
        self.0.finish()
    }
}

impl<V: VisitFmt> VisitFmt for Escaping<V> {
    fn writer(&mut self) -> &mut dyn fmt::Write {
        self.0.writer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the fields of one event come out as.
    fn formatted(record: impl FnOnce()) -> String {
        let (writer, out) = Captured::new();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(writer)
            .with_ansi(false)
            .with_target(false)
            .without_time()
            .with_level(false)
            .fmt_fields(EscapedFields::default())
            .finish();
        tracing::subscriber::with_default(subscriber, record);
        let text = out.lock().unwrap().clone();
        String::from_utf8(text).unwrap()
    }

    #[derive(Clone)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Captured {
        fn new() -> (Self, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
            let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
            (Captured(out.clone()), out)
        }
    }

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    #[derive(Debug)]
    struct Failed(&'static str, Option<Box<Failed>>);

    impl fmt::Display for Failed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Failed {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    const EVIL: &str = "a\u{1b}]0;t\u{7}\u{9b}2J\u{202e}\nERROR fake";

    #[test]
    fn every_kind_of_field_value_is_escaped_and_stays_on_its_line() {
        let error = Failed("outer\u{1b}[2J", Some(Box::new(Failed("inner\nWARN fake", None))));
        let out = formatted(|| {
            let span = tracing::info_span!("call", id = %EVIL, quoted = EVIL);
            let _in = span.enter();
            tracing::info!(display = %EVIL, debug = ?EVIL, text = EVIL, error = &error as &dyn std::error::Error, "m {EVIL}");
        });
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(
            !out.trim_end_matches('\n').chars().any(crate::term::is_unsafe),
            "{out:?}"
        );
        let escaped = r"a\u{1b}]0;t\u{7}\u{9b}2J\u{202e}\nERROR fake";
        assert!(out.contains(&format!("id={escaped} ")), "{out}");
        assert!(out.contains(&format!("m {escaped} ")), "{out}");
        assert!(out.contains(&format!("display={escaped} ")), "{out}");
        // A quoted string is written as Debug writes it (which escapes some of it already).
        assert!(
            out.contains(r#"text="a\u{1b}]0;t\u{7}\u{9b}2J\u{202e}\nERROR fake""#),
            "{out}"
        );
        assert!(out.contains(r"error=outer\u{1b}[2J: inner\nWARN fake"), "{out}");
    }

    #[test]
    fn plain_values_are_written_as_the_default_formatter_writes_them() {
        let out = formatted(|| tracing::info!(attempt = 2, status = 200, op = "get", "call succeeded"));
        assert_eq!(out, "call succeeded attempt=2 status=200 op=\"get\"\n");
    }
}
