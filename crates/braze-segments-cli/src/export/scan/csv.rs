//! Reading a CSV export back: its header, then its rows byte by byte, exactly as the `csv`
//! crate writes them. With `--series` (the long layout), a segment's rows are whole only when
//! there are as many as its `points` cell says: a segment cut short at the end is torn, and
//! dropped whole.

use std::collections::HashSet;
use std::io::{BufRead, Read};

use super::{io, twice, utf8_but_a_cut_at_the_end, Scanned};
use crate::csv_cell::restored;
use crate::export::records::{csv_header, CSV_HEADER, SERIES_COLUMNS};

/// The cell saying whether analytics tracking is on (the last of [`CSV_HEADER`]).
const TRACKING: usize = CSV_HEADER.len() - 1;

pub(super) fn scan_csv(mut reader: impl BufRead, series: bool) -> Result<Scanned, String> {
    let header = csv_header(series);
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
    let mut rows = CsvRows::new(header.len() as u64, series);
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

/// The rows of one segment read so far, in the long layout.
struct Block {
    id: String,
    /// Its `points` cell, as written.
    points: Vec<u8>,
    /// Rows it must have.
    expected: u64,
    seen: u64,
}

/// Our CSV rows, byte by byte, exactly as the `csv` crate writes them (`,` `"` `\n`, a cell
/// holding a quote, a comma, a CR or LF quoted, quotes doubled).
struct CsvRows {
    scanned: Scanned,
    offset: u64,
    /// Cells a row has.
    columns: usize,
    series: bool,
    /// Whole rows read.
    rows: u64,
    row: Vec<u8>,
    cells: Vec<Vec<u8>>,
    cell: Vec<u8>,
    state: Cell,
    /// The long layout's segment being read.
    block: Option<Block>,
}

impl CsvRows {
    fn new(offset: u64, series: bool) -> Self {
        Self {
            scanned: Scanned {
                ids: HashSet::new(),
                keep: offset,
            },
            offset,
            columns: CSV_HEADER.len() + if series { SERIES_COLUMNS.len() } else { 0 },
            series,
            rows: 0,
            row: Vec::new(),
            cells: Vec::new(),
            cell: Vec::new(),
            state: Cell::Start,
            block: None,
        }
    }

    fn not_ours(&self, why: &str) -> String {
        format!("row {} {why}", self.rows + 1)
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
        self.cells.push(std::mem::take(&mut self.cell));
        self.state = Cell::Start;
        let columns = self.columns;
        if !row_ends {
            if self.cells.len() >= columns {
                return Err(self.not_ours(&format!("has more than {columns} cells")));
            }
            return Ok(());
        }
        if self.cells.len() != columns {
            return Err(self.not_ours(&format!("has {} cells, not {columns}", self.cells.len())));
        }
        if !matches!(&self.cells[TRACKING][..], b"" | b"true" | b"false") {
            let which = if self.series {
                "an analytics cell"
            } else {
                "a last cell"
            };
            return Err(self.not_ours(&format!("has {which} that is not true, false or empty")));
        }
        let id = String::from_utf8(std::mem::take(&mut self.cells[0]))
            .ok()
            .filter(|_| std::str::from_utf8(&self.row).is_ok())
            .ok_or_else(|| self.not_ours("is not UTF-8"))?;
        let id = restored(&id).to_owned();
        if id.is_empty() {
            return Err(self.not_ours("has no id"));
        }
        if self.series {
            self.end_series_row(id)?;
        } else {
            if let Some(twice) = twice(&mut self.scanned.ids, id) {
                return Err(self.not_ours(&twice));
            }
            self.scanned.keep = self.offset;
        }
        self.rows += 1;
        self.row.clear();
        self.cells.clear();
        Ok(())
    }

    /// A whole row of the long layout: the segment's next row, or its first. The segment is
    /// whole (kept) once it has as many rows as its `points` cell says.
    fn end_series_row(&mut self, id: String) -> Result<(), String> {
        let points = std::mem::take(&mut self.cells[CSV_HEADER.len()]);
        let size = restored(std::str::from_utf8(&self.cells[CSV_HEADER.len() + 2]).unwrap_or("x")).to_owned();
        let expected = match &points[..] {
            b"" => 1,
            // As many as Braze sent (the writer keeps every point): up to nine digits.
            digits if digits.iter().all(u8::is_ascii_digit) && digits.len() <= 9 => u64::from(
                std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse::<u32>().ok())
                    .unwrap_or(0),
            )
            .max(1),
            _ => return Err(self.not_ours("has a points cell that is not a count")),
        };
        if !size.is_empty() && size.parse::<i64>().is_err() {
            return Err(self.not_ours("has a size that is not a whole number"));
        }
        let block = match self.block.take() {
            Some(mut block) if block.id == id => {
                if block.points != points {
                    return Err(self.not_ours(&format!("says other points than the rows of segment {id} before it")));
                }
                block.seen += 1;
                block
            }
            Some(block) => {
                return Err(self.not_ours(&format!(
                    "starts segment {id} before segment {} has its {} rows",
                    block.id, block.expected
                )));
            }
            None => Block {
                id,
                points,
                expected,
                seen: 1,
            },
        };
        if block.seen < block.expected {
            self.block = Some(block);
            return Ok(());
        }
        if let Some(twice) = twice(&mut self.scanned.ids, block.id) {
            return Err(self.not_ours(&twice));
        }
        self.scanned.keep = self.offset;
        Ok(())
    }

    /// At the end of the file: what is left after the last whole row must be a torn row (and,
    /// in the long layout, a segment short of its rows is torn too: dropped whole).
    fn finish(self) -> Result<Scanned, String> {
        if !self.row.is_empty() {
            let torn_tracking =
                self.cells.len() == TRACKING && !(b"true".starts_with(&self.cell) || b"false".starts_with(&self.cell));
            if torn_tracking || !utf8_but_a_cut_at_the_end(&self.row) {
                return Err(self.not_ours("(the last, with no newline) is not the start of one of its rows"));
            }
        }
        Ok(self.scanned)
    }
}
