//! Reading an export back before resuming it: the ids of its whole records, and where they end.
//!
//! Resume may drop bytes only when they are provably the torn last record of an export of
//! ours: every whole line or row before them must be one of our records, and they must be the
//! beginning of one (JSONL: the start of a JSON object shaped like our records; CSV: an
//! incomplete row after our header, shaped like our rows). Anything else makes the scan fail,
//! and the file is left as it is.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};

use braze_segments::SegmentRecord;

use super::json_prefix::{object_prefix, Prefix};
use super::records::{csv_header, CSV_HEADER, JSONL_START};
use super::ExportFormat;
use crate::csv_cell::restored;

/// What an export file holds.
#[derive(Debug, Default)]
pub struct Scanned {
    /// The ids of its whole records.
    pub ids: HashSet<String>,
    /// The length of the file up to the end of its last whole record (or header).
    pub keep: u64,
}

/// Reads an export from its start. The error says why the bytes are not an export of ours.
pub fn scan(file: impl Read, format: ExportFormat) -> Result<Scanned, String> {
    let reader = BufReader::new(file);
    match format {
        ExportFormat::Jsonl => scan_jsonl(reader),
        ExportFormat::Csv => scan_csv(reader),
    }
}

fn io(e: std::io::Error) -> String {
    format!("reading it failed: {e}")
}

/// Adds `id`; when it was there already, says so. One run never writes a segment twice and a
/// resumed run skips what the file holds, so a second record of one segment means another
/// writer (two exports to one file at once, or a hand edit): resuming would only add to it.
fn twice(ids: &mut HashSet<String>, id: String) -> Option<String> {
    if ids.contains(&id) {
        return Some(format!(
            "holds segment {} a second time (another writer?)",
            crate::term::brief(&id)
        ));
    }
    ids.insert(id);
    None
}

/// UTF-8, but for a character cut at the very end.
fn utf8_but_a_cut_at_the_end(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

fn scan_jsonl(mut reader: impl BufRead) -> Result<Scanned, String> {
    let mut scanned = Scanned::default();
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(io)?;
        if n == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            let record = serde_json::from_slice::<SegmentRecord>(&line)
                .ok()
                .filter(|_| line.starts_with(JSONL_START))
                .ok_or_else(|| format!("line {number} is not one of its records"))?;
            if let Some(id) = twice(&mut scanned.ids, record.summary.id) {
                return Err(format!("line {number} {id}"));
            }
            scanned.keep += n as u64;
        } else if !is_torn_jsonl_record(&line) {
            return Err(format!(
                "its last line, {number}, has no newline and is not the start of one of its records"
            ));
        }
    }
    Ok(scanned)
}

/// Whether `tail` (no newline) is the beginning of one of our JSONL records.
fn is_torn_jsonl_record(tail: &[u8]) -> bool {
    if tail.len() <= JSONL_START.len() {
        return JSONL_START.starts_with(tail);
    }
    if !tail.starts_with(JSONL_START) || !utf8_but_a_cut_at_the_end(tail) {
        return false;
    }
    match object_prefix(tail) {
        Prefix::Partial => true,
        // Whole but for its newline: a record of ours cut right before it.
        Prefix::Whole(end) => end == tail.len() && serde_json::from_slice::<SegmentRecord>(tail).is_ok(),
        Prefix::Invalid => false,
    }
}

fn scan_csv(mut reader: impl BufRead) -> Result<Scanned, String> {
    let header = csv_header();
    let mut start = Vec::with_capacity(header.len());
    (&mut reader)
        .take(header.len() as u64)
        .read_to_end(&mut start)
        .map_err(io)?;
    if !header.starts_with(&start) {
        return Err("its first line is not this command's CSV header".into());
    }
    if start.len() < header.len() {
        return Ok(Scanned::default()); // empty, or a torn header: nothing of value yet
    }
    let mut rows = CsvRows::new(header.len() as u64);
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            rows.push(b)?;
        }
    }
    rows.finish()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Start,
    Bare,
    Quoted,
    /// A quote inside a quoted cell: doubled, or the end of the cell.
    QuoteInQuoted,
}

/// Our CSV rows, byte by byte, exactly as the `csv` crate writes them (`,` `"` `\n`, a cell
/// holding a quote, a comma, a CR or LF quoted, quotes doubled).
struct CsvRows {
    scanned: Scanned,
    offset: u64,
    row: Vec<u8>,
    cells: usize,
    cell: Vec<u8>,
    id: Option<Vec<u8>>,
    state: Cell,
}

impl CsvRows {
    fn new(offset: u64) -> Self {
        Self {
            scanned: Scanned {
                ids: HashSet::new(),
                keep: offset,
            },
            offset,
            row: Vec::new(),
            cells: 0,
            cell: Vec::new(),
            id: None,
            state: Cell::Start,
        }
    }

    fn not_ours(&self, why: &str) -> String {
        format!("row {} {why}", self.scanned.ids.len() + 1)
    }

    fn push(&mut self, b: u8) -> Result<(), String> {
        self.offset += 1;
        self.row.push(b);
        let end = match (self.state, b) {
            (Cell::Start, b'"') => {
                self.state = Cell::Quoted;
                None
            }
            (Cell::Start | Cell::Bare | Cell::QuoteInQuoted, b',') => Some(false),
            (Cell::Start | Cell::Bare | Cell::QuoteInQuoted, b'\n') => Some(true),
            (Cell::Start | Cell::Bare, b'"' | b'\r') => return Err(self.not_ours("has an unquoted quote or CR")),
            (Cell::Start | Cell::Bare, _) => {
                self.state = Cell::Bare;
                self.cell.push(b);
                None
            }
            (Cell::Quoted, b'"') => {
                self.state = Cell::QuoteInQuoted;
                None
            }
            (Cell::Quoted, _) => {
                self.cell.push(b);
                None
            }
            (Cell::QuoteInQuoted, b'"') => {
                self.state = Cell::Quoted;
                self.cell.push(b'"');
                None
            }
            (Cell::QuoteInQuoted, _) => return Err(self.not_ours("has text after a closing quote")),
        };
        if let Some(row_ends) = end {
            self.end_cell(row_ends)?;
        }
        Ok(())
    }

    fn end_cell(&mut self, row_ends: bool) -> Result<(), String> {
        self.cells += 1;
        if self.cells == 1 {
            self.id = Some(std::mem::take(&mut self.cell));
        }
        if !row_ends {
            if self.cells >= CSV_HEADER.len() {
                return Err(self.not_ours(&format!("has more than {} cells", CSV_HEADER.len())));
            }
        } else {
            if self.cells != CSV_HEADER.len() {
                return Err(self.not_ours(&format!("has {} cells, not {}", self.cells, CSV_HEADER.len())));
            }
            if !matches!(&self.cell[..], b"" | b"true" | b"false") {
                return Err(self.not_ours("has a last cell that is not true, false or empty"));
            }
            let id = self.id.take().unwrap_or_default();
            let id = String::from_utf8(id)
                .ok()
                .filter(|_| std::str::from_utf8(&self.row).is_ok())
                .ok_or_else(|| self.not_ours("is not UTF-8"))?;
            let id = restored(&id);
            if id.is_empty() {
                return Err(self.not_ours("has no id"));
            }
            if let Some(twice) = twice(&mut self.scanned.ids, id.to_owned()) {
                return Err(self.not_ours(&twice));
            }
            self.scanned.keep = self.offset;
            self.row.clear();
            self.cells = 0;
        }
        self.cell.clear();
        self.state = Cell::Start;
        Ok(())
    }

    /// At the end of the file: what is left after the last whole row must be a torn row.
    fn finish(self) -> Result<Scanned, String> {
        if !self.row.is_empty() {
            let torn_tracking = self.cells + 1 == CSV_HEADER.len()
                && !(b"true".starts_with(&self.cell) || b"false".starts_with(&self.cell));
            if torn_tracking || !utf8_but_a_cut_at_the_end(&self.row) {
                return Err(self.not_ours("(the last, with no newline) is not the start of one of its rows"));
            }
        }
        Ok(self.scanned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &[u8] = b"id-1,\"a, \"\"b\"\"\nc\",'=1,,x|y,,2024-07-25T13:50:47+00:00,,true\n";

    fn csv(rows: &[&[u8]]) -> Vec<u8> {
        [&csv_header()[..], &rows.concat()].concat()
    }

    #[test]
    fn whole_csv_rows_are_read_and_any_cut_of_the_last_is_dropped() {
        let last = [b"id-3", &ROW[4..]].concat();
        let file = csv(&[ROW, b"'-2,,,,,,,,\n", &last]);
        let whole = scan(&file[..], ExportFormat::Csv).unwrap();
        assert_eq!(whole.keep, file.len() as u64);
        let ids: HashSet<String> = ["id-1", "-2"].map(String::from).into();
        assert_eq!(whole.ids, ["id-1", "-2", "id-3"].map(String::from).into());
        let last_start = file.len() - last.len();
        for cut in last_start..file.len() {
            let torn = scan(&file[..cut], ExportFormat::Csv).unwrap();
            assert_eq!(torn.keep, last_start as u64, "cut at {cut}");
            assert_eq!(torn.ids, ids);
        }
    }

    #[test]
    fn a_segment_held_twice_is_refused_with_its_line_or_row() {
        let twice = csv(&[ROW, b"'-2,,,,,,,,\n", ROW]);
        let why = scan(&twice[..], ExportFormat::Csv).unwrap_err();
        assert_eq!(why, "row 3 holds segment id-1 a second time (another writer?)");
        let line = br#"{"summary":{"id":"s-1"},"details":{"message":"success","name":"a"}}"#;
        let other = br#"{"summary":{"id":"s-2"},"details":{"message":"success","name":"b"}}"#;
        let jsonl = [&line[..], b"\n", other, b"\n", line, b"\n"].concat();
        let why = scan(&jsonl[..], ExportFormat::Jsonl).unwrap_err();
        assert_eq!(why, "line 3 holds segment s-1 a second time (another writer?)");
    }

    #[test]
    fn rows_that_are_not_ours_are_refused() {
        for rows in [
            &b"my,own\ndata,here\n"[..],
            b"a,b,c,d,e,f,g,h,i,j",
            b"a,\"closed\" text",
            b"a,un\"quoted",
            b"a,,,,,,,,maybe\n",
            b"a,,,,,,,,maybe",
            b",,,,,,,,\n",
            b"a,b\rc",
        ] {
            assert!(
                scan(&csv(&[rows])[..], ExportFormat::Csv).is_err(),
                "{}",
                String::from_utf8_lossy(rows)
            );
        }
        assert!(scan(&b"my notes"[..], ExportFormat::Csv).is_err());
        // A torn header is the beginning of an export.
        assert_eq!(scan(&csv_header()[..5], ExportFormat::Csv).unwrap().keep, 0);
    }

    #[test]
    fn jsonl_tails_are_dropped_only_when_they_start_a_record() {
        let line = r#"{"summary":{"id":"x1"},"details":{"message":"success","name":"Z\u00fcrich Zürich"}}"#.as_bytes();
        let file = [line, b"\n"].concat();
        for cut in 0..line.len() + 1 {
            let data = [&file[..], &line[..cut]].concat();
            let scanned = scan(&data[..], ExportFormat::Jsonl).unwrap();
            assert_eq!(scanned.keep, file.len() as u64, "cut at {cut}");
        }
        for tail in [
            &b"my notes"[..],
            br#"{"name":"x"#,
            br#"{"summary":{"id":"x"}} more"#,
            br#"{"summary":{"id":"x"}}"#,
        ] {
            let data = [&file[..], tail].concat();
            assert!(
                scan(&data[..], ExportFormat::Jsonl).is_err(),
                "{}",
                String::from_utf8_lossy(tail)
            );
        }
        assert!(scan(&b"{\"a\":1}\n"[..], ExportFormat::Jsonl).is_err());
    }

    #[test]
    fn a_jsonl_tail_must_start_as_our_records_do_and_be_utf8_but_for_a_cut_character() {
        let file = br#"{"summary":{"id":"x1"},"details":{"message":"success"}}"#.to_vec();
        let file = [&file[..], b"\n"].concat();
        let tail = |t: &[u8]| scan(&[&file[..], t].concat()[..], ExportFormat::Jsonl);
        assert_eq!(tail(b"").unwrap().keep, file.len() as u64);
        // Longer than our records' start, a JSON object prefix, but not one of ours.
        let refused = Err("its last line, 2, has no newline and is not the start of one of its records".to_owned());
        assert_eq!(
            tail(br#"{"name":"a name longer than our start"#).map(|s| s.keep),
            refused
        );
        // Our start, then bytes that are not UTF-8 (a cut character only at the very end).
        assert_eq!(tail(b"{\"summary\":{\"id\":\"a\xffb").map(|s| s.keep), refused);
        assert_eq!(tail(b"{\"summary\":{\"id\":\"a\xc3(").map(|s| s.keep), refused);
        assert_eq!(tail(b"{\"summary\":{\"id\":\"a\xc3").unwrap().keep, file.len() as u64);
        // CSV: a torn row must be UTF-8 too.
        assert_eq!(
            scan(&csv(&[ROW, b"id-2,a\xffb"])[..], ExportFormat::Csv).map(|s| s.keep),
            Err("row 2 (the last, with no newline) is not the start of one of its rows".to_owned())
        );
        assert_eq!(
            scan(&csv(&[ROW, b"id-2,a\xc3"])[..], ExportFormat::Csv).unwrap().keep,
            csv(&[ROW]).len() as u64
        );
    }

    #[test]
    fn a_refusal_names_the_row_and_what_is_wrong_with_it() {
        let error = scan(&csv(&[ROW, b"a,b,c\n"])[..], ExportFormat::Csv).unwrap_err();
        assert_eq!(error, "row 2 has 3 cells, not 9");
        let error = scan(&csv(&[b"a,\"x\"y\n"])[..], ExportFormat::Csv).unwrap_err();
        assert_eq!(error, "row 1 has text after a closing quote");
    }

    /// Reads `good`, then fails.
    struct Failing<'a> {
        good: &'a [u8],
    }

    impl Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.good.is_empty() {
                return Err(std::io::Error::other("the disk went away"));
            }
            let n = self.good.read(buf)?;
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_says_reading_failed_and_why() {
        for format in [ExportFormat::Jsonl, ExportFormat::Csv] {
            let good = csv(&[ROW]);
            let good = if format == ExportFormat::Csv {
                &good[..]
            } else {
                &b""[..]
            };
            let error = scan(Failing { good }, format).unwrap_err();
            assert_eq!(error, "reading it failed: the disk went away", "{format:?}");
        }
    }
}
