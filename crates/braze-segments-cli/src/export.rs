//! `braze-segments export`: every segment with its details into a JSONL or CSV file, written
//! record by record, resumable after a crash.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use braze_segments::{Client, ExportOptions, SegmentRecord, SortDirection};
use futures::StreamExt as _;

use crate::Failure;

/// The export file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line: `{"summary": …, "details": …}`.
    Jsonl,
    /// One row per segment; tags and teams joined with `|`.
    Csv,
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 9] = [
    "id",
    "name",
    "description",
    "text_description",
    "tags",
    "teams",
    "created_at",
    "updated_at",
    "analytics_tracking_enabled",
];

/// What `export` was asked to do.
#[derive(Debug)]
pub struct ExportArgs<'a> {
    pub out: &'a Path,
    pub format: ExportFormat,
    pub concurrency: usize,
    pub resume: bool,
    pub sort: SortDirection,
}

fn io_failure(path: &Path, what: &str, e: std::io::Error) -> Failure {
    Failure {
        code: if e.kind() == std::io::ErrorKind::InvalidData {
            2
        } else {
            1
        },
        message: format!("cannot {what} {}: {e}", path.display()),
    }
}

/// Runs the export; prints progress and a summary on stderr.
pub async fn run(client: &Client, args: ExportArgs<'_>) -> Result<(), Failure> {
    if args.concurrency == 0 {
        return Err(Failure {
            code: 2,
            message: "--concurrency must be at least 1".into(),
        });
    }
    let done = if args.resume && args.out.exists() {
        let (done, good_len) = scan(args.out, args.format).map_err(|e| io_failure(args.out, "read", e))?;
        let file = OpenOptions::new()
            .write(true)
            .open(args.out)
            .map_err(|e| io_failure(args.out, "open", e))?;
        // Drop a torn last record: a run killed mid-write left it incomplete.
        file.set_len(good_len)
            .map_err(|e| io_failure(args.out, "truncate", e))?;
        done
    } else {
        File::create(args.out).map_err(|e| io_failure(args.out, "create", e))?;
        HashSet::new()
    };
    let mut file = OpenOptions::new()
        .append(true)
        .open(args.out)
        .map_err(|e| io_failure(args.out, "open", e))?;
    if args.format == ExportFormat::Csv && file.metadata().map(|m| m.len()).unwrap_or(0) == 0 {
        write_record_bytes(&mut file, &csv_row(&CSV_HEADER.map(str::to_owned)))
            .map_err(|e| io_failure(args.out, "write", e))?;
    }
    let already = done.len() as u64;

    let options = ExportOptions::default()
        .sort(args.sort)
        .concurrency(args.concurrency)
        .skip(done);
    let mut stream = client.export_segments(options);
    let started = Instant::now();
    let progress = Progress::new();
    let (mut written, mut failed) = (0u64, Vec::new());
    let mut listing_failed = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(record) => {
                let bytes = match args.format {
                    ExportFormat::Jsonl => jsonl_line(&record),
                    ExportFormat::Csv => csv_row(&csv_fields(&record)),
                };
                write_record_bytes(&mut file, &bytes).map_err(|e| io_failure(args.out, "write", e))?;
                written += 1;
            }
            Err(e) => match e.segment {
                Some(segment) => failed.push((segment.id, e.error.to_string())),
                None => listing_failed = Some(e.error.to_string()),
            },
        }
        progress.update(
            written + failed.len() as u64,
            stream.listed() - stream.skipped(),
            started,
        );
    }
    progress.finish();

    let elapsed = started.elapsed();
    let rate = written as f64 / elapsed.as_secs_f64().max(1e-9);
    eprintln!(
        "export: {written} written, {already} skipped (already in {}), {} failed in {:.1}s ({rate:.0} segments/s)",
        args.out.display(),
        failed.len(),
        elapsed.as_secs_f64()
    );
    for (id, error) in &failed {
        eprintln!("  failed: {id}: {error}");
    }
    if let Some(error) = &listing_failed {
        eprintln!("  listing failed, the export is incomplete: {error}");
    }
    if !failed.is_empty() || listing_failed.is_some() {
        return Err(Failure {
            code: 1,
            message: "the export is incomplete: run it again with --resume to fetch what is missing".into(),
        });
    }
    Ok(())
}

/// Writes one whole record and flushes it, so a crash leaves at most one torn record.
fn write_record_bytes(file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.flush()
}

fn jsonl_line(record: &SegmentRecord) -> Vec<u8> {
    let mut line = serde_json::to_vec(record).expect("records serialize");
    line.push(b'\n');
    line
}

/// A record's CSV fields, in [`CSV_HEADER`] order.
pub fn csv_fields(record: &SegmentRecord) -> [String; 9] {
    let d = &record.details;
    let s = &record.summary;
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    [
        s.id.clone(),
        d.name.clone().or_else(|| s.name.clone()).unwrap_or_default(),
        d.description.clone().unwrap_or_default(),
        d.text_description.clone().unwrap_or_default(),
        d.tags.join("|"),
        d.teams.join("|"),
        time(d.created_at),
        time(d.updated_at),
        s.analytics_tracking_enabled.map(|b| b.to_string()).unwrap_or_default(),
    ]
}

fn csv_row(fields: &[String; 9]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(fields).expect("writing to memory");
    writer.into_inner().expect("writing to memory")
}

/// Reads an existing export: the ids of its complete records, and the length of the file up to
/// the end of the last complete record.
pub fn scan(path: &Path, format: ExportFormat) -> std::io::Result<(HashSet<String>, u64)> {
    match format {
        ExportFormat::Jsonl => scan_jsonl(path),
        ExportFormat::Csv => scan_csv(path),
    }
}

fn not_an_export(path: &Path, why: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "{} is not an export this command can resume ({why}); choose another --out or drop --resume",
            path.display()
        ),
    )
}

fn scan_jsonl(path: &Path) -> std::io::Result<(HashSet<String>, u64)> {
    let mut reader = BufReader::new(File::open(path)?);
    let (mut ids, mut good) = (HashSet::new(), 0u64);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            break; // end of file, or a torn last line (JSON lines hold no raw newline)
        }
        let record = serde_json::from_slice::<SegmentRecord>(&line)
            .map_err(|e| not_an_export(path, &format!("line {} is not a record: {e}", ids.len() + 1)))?;
        ids.insert(record.summary.id);
        good += n as u64;
    }
    Ok((ids, good))
}

fn scan_csv(path: &Path) -> std::io::Result<(HashSet<String>, u64)> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let header = csv_row(&CSV_HEADER.map(str::to_owned));
    let mut start = vec![0u8; header.len().min(len as usize)];
    file.read_exact(&mut start)?;
    if !header.starts_with(&start) {
        return Err(not_an_export(path, "its first line is not this command's CSV header"));
    }
    if (len as usize) <= header.len() {
        return Ok((HashSet::new(), 0)); // empty, or a torn header: start over
    }
    let ends_with_newline = {
        file.seek(SeekFrom::End(-1))?;
        let mut last = [0u8; 1];
        file.read_exact(&mut last)?;
        last[0] == b'\n'
    };
    file.seek(SeekFrom::Start(header.len() as u64))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::new(file));
    let mut record = csv::StringRecord::new();
    let mut ids = HashSet::new();
    let mut good_end = header.len() as u64;
    // The latest record read; it is complete once something follows it (or the file ends with
    // its newline).
    let mut pending: Option<(String, u64)> = None;
    loop {
        let read = reader.read_record(&mut record);
        let more = !matches!(read, Ok(false)); // a record (whole or not) or an error follows
        let whole = matches!(read, Ok(true)) && record.len() == CSV_HEADER.len();
        if let Some((id, end)) = pending.take() {
            if more || ends_with_newline {
                ids.insert(id);
                good_end = end;
            }
        }
        if !whole {
            break;
        }
        pending = Some((record[0].to_owned(), header.len() as u64 + reader.position().byte()));
    }
    Ok((ids, good_end))
}

/// Progress on stderr: a bar on a terminal, a plain line every few seconds otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    last_line: std::cell::Cell<Instant>,
}

impl Progress {
    fn new() -> Self {
        let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
            let style = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} segments ({per_sec}, ETA {eta})",
            )
            .expect("a valid template");
            indicatif::ProgressBar::new(0).with_style(style)
        });
        Self {
            bar,
            last_line: std::cell::Cell::new(Instant::now()),
        }
    }

    fn update(&self, done: u64, listed: u64, started: Instant) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(listed.max(done));
                bar.set_position(done);
            }
            None => {
                if self.last_line.get().elapsed() >= Duration::from_secs(5) {
                    self.last_line.set(Instant::now());
                    let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
                    eprintln!("progress: {done} of {listed} listed so far ({rate:.0} segments/s)");
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
