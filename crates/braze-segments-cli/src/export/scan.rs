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
use super::records::JSONL_START;
use super::ExportFormat;

mod csv;

/// What an export file holds.
#[derive(Debug, Default)]
pub struct Scanned {
    /// The ids of its whole records.
    pub ids: HashSet<String>,
    /// The length of the file up to the end of its last whole record (or header).
    pub keep: u64,
}

/// Reads an export from its start. The error says why the bytes are not an export of ours.
/// `series`: the export has `--series` (CSV: the long layout, see [`super::records`]).
pub fn scan(file: impl Read, format: ExportFormat, series: bool) -> Result<Scanned, String> {
    let reader = BufReader::new(file);
    match format {
        ExportFormat::Jsonl => scan_jsonl(reader),
        ExportFormat::Csv => csv::scan_csv(reader, series),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::csv_header;

    const ROW: &[u8] = b"id-1,\"a, \"\"b\"\"\nc\",'=1,,x|y,,2024-07-25T13:50:47+00:00,,true\n";

    fn csv(rows: &[&[u8]]) -> Vec<u8> {
        [&csv_header(false)[..], &rows.concat()].concat()
    }

    #[test]
    fn whole_csv_rows_are_read_and_any_cut_of_the_last_is_dropped() {
        let last = [b"id-3", &ROW[4..]].concat();
        let file = csv(&[ROW, b"'-2,,,,,,,,\n", &last]);
        let whole = scan(&file[..], ExportFormat::Csv, false).unwrap();
        assert_eq!(whole.keep, file.len() as u64);
        let ids: HashSet<String> = ["id-1", "-2"].map(String::from).into();
        assert_eq!(whole.ids, ["id-1", "-2", "id-3"].map(String::from).into());
        let last_start = file.len() - last.len();
        for cut in last_start..file.len() {
            let torn = scan(&file[..cut], ExportFormat::Csv, false).unwrap();
            assert_eq!(torn.keep, last_start as u64, "cut at {cut}");
            assert_eq!(torn.ids, ids);
        }
    }

    #[test]
    fn a_series_segment_cut_short_is_dropped_whole_and_odd_blocks_are_refused() {
        let header = csv_header(true);
        let seg = |id: &str, points: &str, rows: &[&str]| -> Vec<u8> {
            rows.iter()
                .flat_map(|row| format!("{id},,,,,,,,true,{points},{row}\n").into_bytes())
                .collect()
        };
        let a = seg("a", "3", &["2024-07-23,1", "2024-07-24,2", "2024-07-25,'-3"]);
        let b = seg("b", "", &[","]);
        let c = seg("c", "2", &["2024-07-24,5", "2024-07-25,6"]);
        let file = [&header[..], &a, &b, &c].concat();
        let whole = scan(&file[..], ExportFormat::Csv, true).unwrap();
        assert_eq!(whole.keep, file.len() as u64);
        assert_eq!(whole.ids, ["a", "b", "c"].map(String::from).into());
        // Cut anywhere in c's rows: c is dropped whole, a and b kept.
        let c_start = file.len() - c.len();
        for cut in c_start..file.len() {
            let torn = scan(&file[..cut], ExportFormat::Csv, true).unwrap();
            assert_eq!(torn.keep, c_start as u64, "cut at {cut}");
            assert_eq!(torn.ids, ["a", "b"].map(String::from).into());
        }
        for (rows, says) in [
            (
                [&a[..], &seg("b", "2", &["x,1"]), &c].concat(),
                "row 5 starts segment c before segment b has its 2 rows",
            ),
            (
                [&a[..], &seg("a", "1", &["x,1"])].concat(),
                "row 4 holds segment a a second time",
            ),
            (
                seg("a", "2", &["x,1", "y,oops"]),
                "row 2 has a size that is not a whole number",
            ),
            (seg("a", "two", &["x,1"]), "row 1 has a points cell that is not a count"),
            (
                [&seg("a", "2", &["x,1"])[..], &seg("a", "3", &["y,1"])].concat(),
                "row 2 says other points",
            ),
        ] {
            let why = scan(&[&header[..], &rows].concat()[..], ExportFormat::Csv, true).unwrap_err();
            assert!(why.starts_with(says), "{why}");
        }
        // As many rows as Braze sent points, even past three digits.
        let days: Vec<String> = (0..1500).map(|i| format!("d{i},{i}")).collect();
        let long = seg("l", "1500", &days.iter().map(String::as_str).collect::<Vec<_>>());
        let scanned = scan(&[&header[..], &long][..].concat()[..], ExportFormat::Csv, true).unwrap();
        assert_eq!(scanned.ids, ["l"].map(String::from).into());
        // A plain export's file is not a series export's, nor the other way round.
        assert!(scan(&file[..], ExportFormat::Csv, false).is_err());
        assert!(scan(&csv(&[ROW])[..], ExportFormat::Csv, true).is_err());
    }

    #[test]
    fn a_segment_held_twice_is_refused_with_its_line_or_row() {
        let twice = csv(&[ROW, b"'-2,,,,,,,,\n", ROW]);
        let why = scan(&twice[..], ExportFormat::Csv, false).unwrap_err();
        assert_eq!(why, "row 3 holds segment id-1 a second time (another writer?)");
        let line = br#"{"summary":{"id":"s-1"},"details":{"message":"success","name":"a"}}"#;
        let other = br#"{"summary":{"id":"s-2"},"details":{"message":"success","name":"b"}}"#;
        let jsonl = [&line[..], b"\n", other, b"\n", line, b"\n"].concat();
        let why = scan(&jsonl[..], ExportFormat::Jsonl, false).unwrap_err();
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
                scan(&csv(&[rows])[..], ExportFormat::Csv, false).is_err(),
                "{}",
                String::from_utf8_lossy(rows)
            );
        }
        assert!(scan(&b"my notes"[..], ExportFormat::Csv, false).is_err());
        // A torn header is the beginning of an export.
        assert_eq!(scan(&csv_header(false)[..5], ExportFormat::Csv, false).unwrap().keep, 0);
    }

    #[test]
    fn jsonl_tails_are_dropped_only_when_they_start_a_record() {
        let line = r#"{"summary":{"id":"x1"},"details":{"message":"success","name":"Z\u00fcrich Zürich"}}"#.as_bytes();
        let file = [line, b"\n"].concat();
        for cut in 0..line.len() + 1 {
            let data = [&file[..], &line[..cut]].concat();
            let scanned = scan(&data[..], ExportFormat::Jsonl, false).unwrap();
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
                scan(&data[..], ExportFormat::Jsonl, false).is_err(),
                "{}",
                String::from_utf8_lossy(tail)
            );
        }
        assert!(scan(&b"{\"a\":1}\n"[..], ExportFormat::Jsonl, false).is_err());
    }

    #[test]
    fn a_jsonl_tail_must_start_as_our_records_do_and_be_utf8_but_for_a_cut_character() {
        let file = br#"{"summary":{"id":"x1"},"details":{"message":"success"}}"#.to_vec();
        let file = [&file[..], b"\n"].concat();
        let tail = |t: &[u8]| scan(&[&file[..], t].concat()[..], ExportFormat::Jsonl, false);
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
            scan(&csv(&[ROW, b"id-2,a\xffb"])[..], ExportFormat::Csv, false).map(|s| s.keep),
            Err("row 2 (the last, with no newline) is not the start of one of its rows".to_owned())
        );
        assert_eq!(
            scan(&csv(&[ROW, b"id-2,a\xc3"])[..], ExportFormat::Csv, false)
                .unwrap()
                .keep,
            csv(&[ROW]).len() as u64
        );
    }

    #[test]
    fn a_refusal_names_the_row_and_what_is_wrong_with_it() {
        let error = scan(&csv(&[ROW, b"a,b,c\n"])[..], ExportFormat::Csv, false).unwrap_err();
        assert_eq!(error, "row 2 has 3 cells, not 9");
        let error = scan(&csv(&[b"a,\"x\"y\n"])[..], ExportFormat::Csv, false).unwrap_err();
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
            let error = scan(Failing { good }, format, false).unwrap_err();
            assert_eq!(error, "reading it failed: the disk went away", "{format:?}");
        }
    }
}
