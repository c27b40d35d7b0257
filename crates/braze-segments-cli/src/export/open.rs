//! Where an export's records go: the file checked, locked and opened (continued, replaced or
//! new), or stdout.

use std::collections::HashSet;
use std::fs::File;
use std::io::Write as _;
use std::path::Path;

use braze_segments::SortDirection;
use chrono::Timelike as _;

use super::records::csv_header;
use super::scan;
use super::sidecar::{Found, Series, Sidecar, Workspace};
use super::{usage, ExportArgs, ExportFormat};
use crate::out_file::target::{self, io_failure, Existing};
use crate::out_file::{is_stdout, notes, stdout_is_usable};
use crate::term::{record_line, write_failure, Notation};
use crate::Failure;

/// Where the records go: a file, or stdout (escaped in `terminal`'s notation when a terminal).
pub(super) enum Sink {
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
    pub fn write(&mut self, out: &Path, bytes: &[u8]) -> Result<(), Failure> {
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
pub(super) struct Opened {
    pub file: Sink,
    pub done: HashSet<String>,
    pub format: ExportFormat,
    pub sort: SortDirection,
    /// `--series`, its end fixed (the file's when resuming).
    pub series: Option<Series>,
}

/// `--series` of a new export: its end fixed now unless `--series-ending-at` set it, so that
/// every record, and those of a resumed run, cover the same days.
fn fixed_series(args: &ExportArgs<'_>) -> Option<Series> {
    args.series.map(|s| Series {
        days: s.days,
        ending_at: s.ending_at.unwrap_or_else(|| {
            let now = chrono::Utc::now();
            now.with_timezone(&chrono::FixedOffset::east_opt(0).expect("UTC"))
                .with_nanosecond(0)
                .unwrap_or_else(|| now.into())
        }),
    })
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
    if is_stdout(args.out) {
        stdout_is_usable(args.out)?;
    }
    Ok(())
}

/// Stdout, for `--out -`: nothing to continue or replace.
pub(super) fn open_stdout(args: &ExportArgs<'_>) -> Result<Opened, Failure> {
    check(args)?;
    let format = args.format.unwrap_or(ExportFormat::Jsonl);
    let series = fixed_series(args);
    let mut file = Sink::stdout(format);
    if format == ExportFormat::Csv {
        file.write(args.out, &csv_header(series.is_some()))?;
    }
    Ok(Opened {
        file,
        done: HashSet::new(),
        format,
        sort: args.sort.unwrap_or(SortDirection::Asc),
        series,
    })
}

/// Checks what is at the export's path and opens it: continued, replaced or new. The file is
/// opened (or created) and locked before its sidecar is read for the decision, so two exports
/// to one file never both go on, and neither acts on a sidecar the other is replacing.
pub(super) fn open(workspace: &Workspace, args: &ExportArgs<'_>) -> Result<Opened, Failure> {
    notes::refuse_as_output(args.out)?;
    let existing = target::inspect(args.out)?;
    let sidecar_path = notes::path_of(args.out);
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
    let series = fixed_series(args);
    // Replaced (`--overwrite`), or empty already.
    file.set_len(0).map_err(|e| io_failure(args.out, "empty", e))?;
    Sidecar::new(workspace, format, sort, series)
        .write(&sidecar_path)
        .map_err(|e| io_failure(&sidecar_path, "write", e))?;
    if format == ExportFormat::Csv {
        write_record(&mut file, &csv_header(series.is_some())).map_err(|e| io_failure(args.out, "write", e))?;
    }
    Ok(Opened {
        file: Sink::File(file),
        done: HashSet::new(),
        format,
        sort,
        series,
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
            notes::path_of(args.out).display()
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
        format.or(sort).or_else(|| series_differs(args, sidecar.series))
    });
    if let Some(why) = differs {
        return Err(usage(format!("cannot resume {out}: {why}; the file is left as it was")));
    }
    if let Some(days) = sidecar.series.map(|s| s.days).filter(|d| !(1..=100).contains(d)) {
        return Err(usage(format!(
            "{out} is not an export this command can resume: its notes file asks for a series of {days} days \
             (1 to 100); the file is left as it was"
        )));
    }
    let scanned = scan::scan(&file, sidecar.format, sidecar.series.is_some()).map_err(|why| {
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
        write_record(&mut file, &csv_header(sidecar.series.is_some())).map_err(|e| io_failure(args.out, "write", e))?;
    }
    Ok(Opened {
        file: Sink::File(file),
        done: scanned.ids,
        format: sidecar.format,
        sort: sidecar.sort,
        series: sidecar.series,
    })
}

/// Why this run's `--series` cannot continue a file exported with `file`'s, if it cannot:
/// every record of one file covers the same days.
fn series_differs(args: &ExportArgs<'_>, file: Option<Series>) -> Option<String> {
    let asked = args.series?;
    let Some(file) = file else {
        return Some("the file was exported without --series (leave out --series to continue it as it is)".into());
    };
    let end_differs = asked.ending_at.is_some_and(|at| at != file.ending_at);
    (asked.days != file.days || end_differs).then(|| {
        format!(
            "the series differs: the file has {} days ending at {}, this run asks for {} days{} \
             (leave out --series and --series-ending-at to continue it as it is)",
            file.days,
            file.ending_at.to_rfc3339(),
            asked.days,
            asked
                .ending_at
                .map(|at| format!(" ending at {}", at.to_rfc3339()))
                .unwrap_or_default()
        )
    })
}
