//! `braze-segments export`: every segment with its details into a JSONL or CSV file, written
//! record by record, resumable after a crash. An export never destroys or duplicates data:
//!
//! - It writes only to a regular file (never a directory, FIFO or device). A new file is
//!   created with `create_new`; an existing non-empty one is refused unless `--resume`
//!   continues it or `--overwrite` replaces it.
//! - Next to the file it keeps a sidecar, `FILE.braze-export.json` ([`sidecar`]), saying which
//!   endpoint and key (as a salted fingerprint) the file was exported with, and its format and
//!   order. `--resume` continues only a file whose sidecar names the same endpoint and key; a
//!   file without a sidecar (made by hand, or by a version before sidecars) is refused: there is
//!   no telling which workspace it came from, and `--overwrite` starts it again.
//! - `--resume` drops only bytes it can prove are the torn last record of its own export
//!   ([`scan`]); anything else is refused and the file is left byte for byte as it was.
//! - CSV cells a spreadsheet would run as a formula are neutralised ([`records`]); JSONL keeps
//!   the data verbatim.
//! - A segment archived between being listed and having its details fetched is reported as
//!   gone, not as a failure.
//! - `--out -` (or `/dev/stdout`) writes the records to stdout instead: no file, no sidecar,
//!   no `--resume` or `--overwrite`; a reader that leaves (`| head`) ends the export quietly.
//! - When the segment list changed during every listing pass, so that no pass could be proven
//!   complete, the export says a segment may be missing and how to fetch it.

mod json_prefix;
mod progress;
mod records;
mod scan;
mod sidecar;
pub(crate) mod target;

use std::collections::HashSet;
use std::fs::File;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use braze_segments::{Client, ExportOptions, SortDirection};
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};

pub use sidecar::Workspace;

use crate::term::{brief, note, record_line, write_failure, Notation};
use crate::Failure;
use records::{csv_fields, csv_header, csv_row, jsonl_line};
use sidecar::{Found, Sidecar};
use target::{io_failure, Existing};

/// The export file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One JSON object per line: `{"summary": …, "details": …}`.
    Jsonl,
    /// One row per segment; tags and teams joined with `|`; formula-like cells prefixed with `'`.
    Csv,
}

/// What `export` was asked to do. `format` and `sort` default to the file's when resuming, to
/// JSONL and oldest first otherwise.
#[derive(Debug)]
pub struct ExportArgs<'a> {
    pub out: &'a Path,
    pub format: Option<ExportFormat>,
    pub concurrency: usize,
    pub resume: bool,
    pub overwrite: bool,
    pub sort: Option<SortDirection>,
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// Whether `out` names stdout: `-`, as command-line tools take it, or stdout's own path.
pub(crate) fn is_stdout(out: &Path) -> bool {
    ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
        .iter()
        .any(|name| out == Path::new(name))
}

/// Where the records go: a file, or stdout (escaped in `terminal`'s notation when a terminal).
enum Sink {
    File(File),
    Stdout { terminal: Option<Notation> },
}

impl Sink {
    /// Stdout, for records in `format`.
    fn stdout(format: ExportFormat) -> Sink {
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout()).then_some(match format {
            ExportFormat::Jsonl => Notation::Json,
            ExportFormat::Csv => Notation::Rust,
        });
        Sink::Stdout { terminal }
    }

    /// Writes one whole record; a reader of stdout that left ends the export quietly. A
    /// terminal gets the record with what a terminal would act on escaped.
    fn write(&mut self, out: &Path, bytes: &[u8]) -> Result<(), Failure> {
        match self {
            Sink::File(file) => write_record(file, bytes).map_err(|e| io_failure(out, "write", e)),
            Sink::Stdout { terminal } => {
                let escaped;
                let bytes = match terminal {
                    Some(notation) => {
                        // Our records are UTF-8 (serde_json's and the csv crate's output of strings).
                        escaped = record_line(&String::from_utf8_lossy(bytes), *notation).into_owned();
                        escaped.as_bytes()
                    }
                    None => bytes,
                };
                let mut stdout = std::io::stdout().lock();
                stdout
                    .write_all(bytes)
                    .and_then(|()| stdout.flush())
                    .map_err(write_failure)
            }
        }
    }
}

/// The file (or stdout) to append to, and what it holds already.
struct Opened {
    file: Sink,
    done: HashSet<String>,
    format: ExportFormat,
    sort: SortDirection,
}

/// Runs the export; prints progress and a summary on stderr.
pub async fn run(client: &Client, workspace: &Workspace, args: ExportArgs<'_>) -> Result<(), Failure> {
    let to_stdout = is_stdout(args.out);
    let Opened {
        mut file,
        done,
        format,
        sort,
    } = if to_stdout {
        open_stdout(&args)?
    } else {
        open(workspace, &args)?
    };
    let out_name = if to_stdout {
        "stdout".to_owned()
    } else {
        args.out.display().to_string()
    };
    let already = done.len() as u64;

    let options = ExportOptions::default()
        .sort(sort)
        .concurrency(args.concurrency)
        .skip(done);
    let mut stream = client.export_segments(options);
    let started = Instant::now();
    let mut progress = progress::Progress::new();
    let mut written = 0u64;
    let (mut failed, mut gone, mut undetermined) = (Vec::new(), Vec::new(), Vec::new());
    let mut listing_failed = None;
    // A tick keeps the progress moving while no record arrives (a wait for Braze's budget).
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let item = tokio::select! {
            item = stream.next() => match item {
                Some(item) => item,
                None => break,
            },
            _ = tick.tick() => {
                let (done, to_fetch) = progress_counts(written, failed.len() + undetermined.len(), gone.len(), stream.listed(), stream.skipped());
                progress.update(done, to_fetch, started, client.budget_wait());
                continue;
            }
        };
        match item {
            Ok(record) => {
                let bytes = match format {
                    ExportFormat::Jsonl => jsonl_line(&record),
                    ExportFormat::Csv => csv_row(&csv_fields(&record)),
                };
                if let Err(failure) = file.write(args.out, &bytes) {
                    progress.finish();
                    return Err(failure);
                }
                written += 1;
            }
            Err(e) => {
                let (is_gone, is_undetermined) = (e.is_gone(), e.is_undetermined());
                match e.segment {
                    Some(segment) if is_gone => gone.push(segment.id),
                    Some(segment) if is_undetermined => undetermined.push((segment.id, e.error.to_string())),
                    Some(segment) => failed.push((segment.id, e.error.to_string())),
                    None => listing_failed = Some(e.error.to_string()),
                }
            }
        }
        let (done, to_fetch) = progress_counts(
            written,
            failed.len() + undetermined.len(),
            gone.len(),
            stream.listed(),
            stream.skipped(),
        );
        progress.update(done, to_fetch, started, client.budget_wait());
    }
    progress.finish();

    let elapsed = started.elapsed();
    let rate = progress::per_second(written, elapsed);
    let gone_count = if gone.is_empty() {
        String::new()
    } else {
        format!(", {} gone (archived during the export)", gone.len())
    };
    let gone_count = if undetermined.is_empty() {
        gone_count
    } else {
        format!("{gone_count}, {} undetermined (maybe archived)", undetermined.len())
    };
    note!(
        "export: {written} written, {already} skipped (already in {out_name}){gone_count}, {} failed in {:.1}s ({rate:.0} segments/s)",
        failed.len(),
        elapsed.as_secs_f64()
    );
    for id in &gone {
        note!("  gone (archived during the export): {}", brief(id));
    }
    for (id, error) in &failed {
        note!("  failed: {}: {}", brief(id), brief(error));
    }
    if let Some(error) = &listing_failed {
        note!("  listing failed, the export is incomplete: {}", brief(error));
    }
    let again = if to_stdout {
        "run the export again"
    } else {
        "run it again with --resume"
    };
    for (id, error) in &undetermined {
        note!("  could not tell whether archived: {}: {}", brief(id), brief(error));
    }
    if !undetermined.is_empty() {
        note!(
            "warning: Braze answered {} segment(s) as unknown and no later listing could tell whether they \
             were archived (the list kept changing): {again} to fetch any that still exist",
            undetermined.len()
        );
    }
    let without_id = stream.without_id();
    if !without_id.is_empty() {
        note!(
            "warning: {} listed segment(s) have no usable id (missing or blank) and cannot be exported:",
            without_id.len()
        );
        for s in without_id {
            note!(
                "  without id: {} (id \"{}\")",
                brief(s.name.as_deref().unwrap_or("—")),
                brief(&s.id)
            );
        }
    }
    if listing_failed.is_none() && !stream.listing_verified() {
        note!(
            "warning: the segment list changed during every listing pass, so a segment may be missing \
             from {out_name}: {again} to fetch what is missing"
        );
    }
    if !failed.is_empty() || listing_failed.is_some() {
        return Err(Failure {
            code: 1,
            message: format!("the export is incomplete: {again} to fetch what is missing"),
        });
    }
    Ok(())
}

/// What the progress shows: the records settled (written, failed or gone), of the segments
/// listed to fetch (listed, less those skipped as already in the file).
fn progress_counts(written: u64, failed: usize, gone: usize, listed: u64, skipped: u64) -> (u64, u64) {
    (written + (failed + gone) as u64, listed - skipped)
}

/// Writes one whole record at once, so a crash leaves at most one torn record.
fn write_record(file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.flush()
}

/// Refuses flags that cannot apply, before anything is sent: `--resume` and `--overwrite`
/// need a file, and `--out -` writes to stdout.
pub fn check(args: &ExportArgs<'_>) -> Result<(), Failure> {
    let out = args.out.display();
    if is_stdout(args.out) && args.resume {
        return Err(usage(format!(
            "--resume needs a file: --out {out} writes to stdout, where there is nothing to continue"
        )));
    }
    if is_stdout(args.out) && args.overwrite {
        return Err(usage(format!(
            "--overwrite has nothing to replace: --out {out} writes to stdout"
        )));
    }
    if is_stdout(args.out) && crate::closed_stdout::closed_at_start() {
        return Err(Failure {
            code: 1,
            message: format!(
                "--out {out} writes to stdout, but stdout is closed: nothing could be written; give a file, \
                 or run without closing stdout (>&-)"
            ),
        });
    }
    Ok(())
}

/// Stdout, for `--out -`: nothing to continue or replace.
fn open_stdout(args: &ExportArgs<'_>) -> Result<Opened, Failure> {
    check(args)?;
    let format = args.format.unwrap_or(ExportFormat::Jsonl);
    let mut file = Sink::stdout(format);
    if format == ExportFormat::Csv {
        file.write(args.out, &csv_header())?;
    }
    Ok(Opened {
        file,
        done: HashSet::new(),
        format,
        sort: args.sort.unwrap_or(SortDirection::Asc),
    })
}

/// Checks what is at the export's path and opens it: continued, replaced or new. The file is
/// opened (or created) and locked before its sidecar is read for the decision, so two exports
/// to one file never both go on, and neither acts on a sidecar the other is replacing.
fn open(workspace: &Workspace, args: &ExportArgs<'_>) -> Result<Opened, Failure> {
    let existing = target::inspect(args.out)?;
    let sidecar_path = sidecar::path_of(args.out);
    let find = || -> Result<Found, Failure> {
        let found = Sidecar::find(&sidecar_path).map_err(|e| io_failure(&sidecar_path, "read", e))?;
        if let Found::NotOurs(why) = &found {
            return Err(usage(format!(
                "{} is in the way ({why}): export keeps its own notes there and never replaces another file; \
                 move it away or choose another --out",
                sidecar_path.display()
            )));
        }
        Ok(found)
    };
    // Refused before anything is created.
    find()?;
    let (mut file, len) = match existing {
        Existing::Missing => {
            let file = target::create(args.out, existing)?;
            target::lock(args.out, &file)?;
            (file, 0)
        }
        Existing::Regular { .. } => {
            let file = target::open_locked(args.out)?;
            let len = file.metadata().map_err(|e| io_failure(args.out, "read", e))?.len();
            (file, len)
        }
    };
    let found = find()?;
    let stopped_before_its_first_record = existing != Existing::Missing && matches!(found, Found::Ours(_));
    if args.resume && (len > 0 || stopped_before_its_first_record) {
        return resume(workspace, args, found, file, len);
    }
    if len > 0 && !args.overwrite {
        return Err(usage(format!(
            "{} already holds {len} bytes: use --resume to continue that export or --overwrite to replace the file",
            args.out.display()
        )));
    }
    let format = args.format.unwrap_or(ExportFormat::Jsonl);
    let sort = args.sort.unwrap_or(SortDirection::Asc);
    if len > 0 {
        file.set_len(0).map_err(|e| io_failure(args.out, "empty", e))?;
    }
    Sidecar::new(workspace, format, sort)
        .write(&sidecar_path)
        .map_err(|e| io_failure(&sidecar_path, "write", e))?;
    if format == ExportFormat::Csv {
        write_record(&mut file, &csv_header()).map_err(|e| io_failure(args.out, "write", e))?;
    }
    Ok(Opened {
        file: Sink::File(file),
        done: HashSet::new(),
        format,
        sort,
    })
}

/// Continues the export in `file` (locked, `len` bytes), when its sidecar says it is ours and
/// this run asks for nothing else.
fn resume(
    workspace: &Workspace,
    args: &ExportArgs<'_>,
    found: Found,
    mut file: File,
    len: u64,
) -> Result<Opened, Failure> {
    let out = args.out.display();
    let Found::Ours(sidecar) = found else {
        return Err(usage(format!(
            "{out} is not an export this command can resume: {} is missing, so nothing says which workspace \
             it came from (exports made before sidecars have none); start it again with --overwrite",
            sidecar::path_of(args.out).display()
        )));
    };
    let name = |v: &dyn std::fmt::Debug| format!("{v:?}").to_lowercase();
    let differs = sidecar.differs_from(workspace).or_else(|| {
        let format = args.format.filter(|f| *f != sidecar.format).map(|f| {
            format!(
                "the format differs: the file is {}, this run asks for {} (leave out --format to continue it as it is)",
                name(&sidecar.format),
                name(&f)
            )
        });
        let sort = args.sort.filter(|s| *s != sidecar.sort).map(|s| {
            format!(
                "the order differs: the file was listed {}, this run asks for {} (leave out --sort to continue it as it is)",
                name(&sidecar.sort),
                name(&s)
            )
        });
        format.or(sort)
    });
    if let Some(why) = differs {
        return Err(usage(format!("cannot resume {out}: {why}; the file is left as it was")));
    }
    let scanned = scan::scan(&file, sidecar.format).map_err(|why| {
        usage(format!(
            "{out} is not an export this command can resume ({why}); the file is left as it was: \
             choose another --out, or --overwrite to replace it"
        ))
    })?;
    if scanned.keep < len {
        // The torn last record of a run that was killed mid-write.
        file.set_len(scanned.keep)
            .map_err(|e| io_failure(args.out, "truncate", e))?;
    }
    if scanned.keep == 0 && sidecar.format == ExportFormat::Csv {
        write_record(&mut file, &csv_header()).map_err(|e| io_failure(args.out, "write", e))?;
    }
    Ok(Opened {
        file: Sink::File(file),
        done: scanned.ids,
        format: sidecar.format,
        sort: sidecar.sort,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_counts_records_settled_of_those_listed_to_fetch() {
        assert_eq!(progress_counts(5, 2, 1, 20, 4), (8, 16));
        assert_eq!(progress_counts(0, 0, 0, 0, 0), (0, 0));
    }
}
