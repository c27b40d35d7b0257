//! One user as a JSONL line or a CSV row.
//!
//! JSONL writes the user as Braze sent it (the SDK's [`UserRecord`] serializes back to that
//! object). CSV has one column per requested field, in the order given; each cell is the user's
//! top-level value: a string as it is, a number or a boolean as its JSON text, an object or an
//! array as compact JSON text, and empty when the field is missing or `null`. Every cell is
//! neutralised ([`crate::csv_cell`]) and quoted by the csv crate as needed. Rows for a terminal
//! escape what a terminal would act on ([`crate::term::escape`]).

use std::io::{self, Write};

use braze_segments::UserRecord;
use serde_json::Value;

use crate::csv_cell::neutralised;
use crate::term::{shown, terminal_json};
use crate::users::UsersFormat;

/// Writes users in one format to `W`, buffered.
pub enum Rows<W: Write> {
    Jsonl {
        out: io::BufWriter<W>,
        terminal: bool,
    },
    Csv {
        /// Boxed: the csv writer's state is large beside a `BufWriter`.
        writer: Box<csv::Writer<W>>,
        fields: Vec<String>,
        terminal: bool,
    },
}

/// Bytes gathered before a write.
const BUFFER: usize = 64 * 1024;

impl<W: Write> Rows<W> {
    /// Rows in `format` of `fields` to `sink`, escaped for a terminal when `terminal`; CSV
    /// writes its header at once.
    pub fn new(format: UsersFormat, fields: &[String], sink: W, terminal: bool) -> io::Result<Rows<W>> {
        match format {
            UsersFormat::Jsonl => Ok(Rows::Jsonl {
                out: io::BufWriter::with_capacity(BUFFER, sink),
                terminal,
            }),
            UsersFormat::Csv => {
                let mut writer = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::Any(b'\n'))
                    .buffer_capacity(BUFFER)
                    .from_writer(sink);
                writer
                    .write_record(fields.iter().map(|f| shown_cell(neutralised(f).into_owned(), terminal)))
                    .map_err(csv_io)?;
                Ok(Rows::Csv {
                    writer: Box::new(writer),
                    fields: fields.to_vec(),
                    terminal,
                })
            }
        }
    }

    pub fn write(&mut self, user: &UserRecord) -> io::Result<()> {
        match self {
            Rows::Jsonl { out, terminal: false } => {
                serde_json::to_writer(&mut *out, user)?;
                out.write_all(b"\n")
            }
            Rows::Jsonl { out, terminal: true } => {
                terminal_json(&mut *out, user)?;
                out.write_all(b"\n")
            }
            Rows::Csv {
                writer,
                fields,
                terminal,
            } => writer
                .write_record(fields.iter().map(|f| shown_cell(cell(user.get(f)), *terminal)))
                .map_err(csv_io),
        }
    }

    /// Writes what is buffered; the sink.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Rows::Jsonl { out, .. } => out.into_inner().map_err(io::IntoInnerError::into_error),
            Rows::Csv { writer, .. } => writer
                .into_inner()
                .map_err(|e| io::Error::new(e.error().kind(), e.error().to_string())),
        }
    }
}

/// A CSV cell of a top-level value (see the module docs), neutralised.
pub fn cell(value: Option<Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => return String::new(),
        Some(Value::String(s)) => s,
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other @ (Value::Array(_) | Value::Object(_))) => other.to_string(),
    };
    neutralised(&text).into_owned()
}

/// `cell` as written: escaped for a terminal when `terminal`, else verbatim.
fn shown_cell(cell: String, terminal: bool) -> String {
    if terminal {
        shown(&cell).into_owned()
    } else {
        cell
    }
}

/// The I/O error in a csv error (the only kind writing string records can give).
fn csv_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn user(json: &str) -> UserRecord {
        UserRecord::from_json_line(json.as_bytes()).unwrap()
    }

    fn written(format: UsersFormat, fields: &[&str], users: &[&str]) -> String {
        written_for(format, fields, users, false)
    }

    fn written_for(format: UsersFormat, fields: &[&str], users: &[&str], terminal: bool) -> String {
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        let mut rows = Rows::new(format, &fields, Vec::new(), terminal).unwrap();
        for u in users {
            rows.write(&user(u)).unwrap();
        }
        String::from_utf8(rows.finish().unwrap()).unwrap()
    }

    #[test]
    fn cells_are_top_level_values_as_text() {
        assert_eq!(cell(None), "");
        assert_eq!(cell(Some(Value::Null)), "");
        assert_eq!(cell(Some(json!("Zoë \"q\""))), "Zoë \"q\"");
        assert_eq!(cell(Some(json!(12.5))), "12.5");
        assert_eq!(cell(Some(json!(true))), "true");
        assert_eq!(cell(Some(json!({"a": [1, null]}))), r#"{"a":[1,null]}"#);
        assert_eq!(cell(Some(json!("=SUM(A1)"))), "'=SUM(A1)");
        assert_eq!(cell(Some(json!(-2))), "'-2");
    }

    #[test]
    fn csv_has_the_requested_columns_in_order() {
        let text = written(
            UsersFormat::Csv,
            &["email", "custom_attributes", "=x"],
            &[r#"{"custom_attributes":{"k":"v, w"},"email":"+a@b.c","extra":1}"#, "{}"],
        );
        assert_eq!(
            text,
            "email,custom_attributes,'=x\n'+a@b.c,\"{\"\"k\"\":\"\"v, w\"\"}\",\n,,\n"
        );
    }

    #[test]
    fn jsonl_keeps_each_user_as_sent() {
        let line = r#"{"email":"=a","custom_attributes":{"n":null,"t":[1,"x"]},"first_name":null}"#;
        let text = written(UsersFormat::Jsonl, &["email"], &[line, "{}"]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let back: Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(line).unwrap());
        assert_eq!(lines[1], "{}");
    }

    #[test]
    fn only_a_terminal_gets_escapes_files_and_pipes_the_data_verbatim() {
        let line = r#"{"email":"\u001b]0;owned\u0007x\u009b2J","first_name":"\u202egnp.exe","custom_attributes":{"\u009bk":"\u007f"}}"#;
        let verbatim = written(UsersFormat::Jsonl, &["email"], &[line]);
        assert!(
            verbatim.contains("\u{9b}2J") && verbatim.contains('\u{202e}'),
            "{verbatim:?}"
        );
        let shown = written_for(UsersFormat::Jsonl, &["email"], &[line], true);
        assert!(!shown.trim_end().chars().any(crate::term::is_unsafe), "{shown:?}");
        let back: Value = serde_json::from_str(shown.trim_end()).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<Value>(verbatim.trim_end()).unwrap(),
            "the same data"
        );

        let fields = ["email", "first_name", "custom_attributes"];
        let verbatim = written(UsersFormat::Csv, &fields, &[line]);
        assert!(verbatim.contains("\u{1b}]0;owned\u{7}"), "{verbatim:?}");
        let shown = written_for(UsersFormat::Csv, &fields, &[line], true);
        assert!(
            !shown.chars().filter(|&c| c != '\n').any(crate::term::is_unsafe),
            "{shown:?}"
        );
        assert!(
            shown.contains("\\u{1b}]0;owned\\u{7}x\\u{9b}2J,\\u{202e}gnp.exe,"),
            "{shown:?}"
        );
    }
}
