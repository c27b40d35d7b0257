//! `braze-segments users`: the users of one segment, exported by Braze
//! (`POST /users/export/segment`), waited for, downloaded and written as JSONL or CSV.
//!
//! - Every usage check comes before any request (and before `--demo` starts the stand-in),
//!   exit code 2: no field named, an `--out` that is not a regular file or already holds data
//!   (without `--overwrite`), a `--keep-archive` path that exists or is `--out`'s file however
//!   written, a directory to write in (`--out`'s, `--keep-archive`'s or the temporary one the
//!   archive is downloaded to) that does not exist or cannot be written ([`paths`]). A stdout
//!   that is closed fails at once too (exit 1): nothing could be written to it.
//! - The users are written to a new temporary file beside `--out` (beside its target when it
//!   is a link), renamed over it only once they all are: a failure never destroys or
//!   half-writes the file ([`output`]).
//! - JSONL holds each user as Braze sent it; CSV holds the requested top-level fields, in the
//!   order given, objects and arrays as JSON text, every cell neutralised ([`rows`]); on a
//!   terminal, both escape what a terminal would act on ([`crate::term::escape`]).
//! - Ctrl-C, SIGTERM or SIGHUP while the export is started, waited for or downloaded cancels it
//!   at Braze (best effort), as does a start whose answer cannot be read and a wait or download
//!   that gives up; a signal at any time removes the temporary files and ends with exit code
//!   130, 143 or 129 ([`signals`]).
//! - An archive that cannot be kept (its path appeared meanwhile) is said at once; the users
//!   are still written, and the exit code is 1.
//! - `--detach --job FILE` starts the export, writes its job file ([`job_file`]) and exits;
//!   `--job FILE --out …` later (any process) waits for that export and downloads it with every
//!   guarantee above, cancelling that export on a give-up or a signal.

pub mod job_file;
mod output;
mod paths;
mod progress;
mod read;
mod report;
mod rows;
mod run;
mod signals;

use std::path::PathBuf;
use std::time::Duration;

pub use run::run;

use crate::out_file::target::{self, Existing};
use crate::out_file::{is_stdout, notes, stdout_is_usable};
use braze_segments::UsersExport;

use crate::Failure;

/// The output file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UsersFormat {
    /// One user per line, as Braze sent it (only the fields it has).
    Jsonl,
    /// A header of the requested fields, one row per user; objects and arrays as JSON text,
    /// formula-like cells prefixed with `'`.
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct UsersArgs {
    /// The segment's API identifier (not with --job without --detach: the job names it).
    pub segment_id: Option<String>,
    /// The fields to export, comma-separated, in Braze's names (e.g.
    /// external_id,email,custom_attributes); CSV columns follow their order.
    #[arg(long, value_name = "F1,F2,…")]
    pub fields: Option<String>,
    /// The file to write (replaced only once every user is written); `-` writes to stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Start the export, write its job file (--job) and exit, without waiting for it.
    #[arg(long, requires = "job")]
    pub detach: bool,
    /// The job file: written by --detach (a new file, mode 0600: it holds the download link);
    /// without --detach, the detached export to wait for and download.
    #[arg(long, value_name = "FILE")]
    pub job: Option<PathBuf>,
    /// An https:// URL Braze posts to when the export is ready (Braze's callback_endpoint).
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = UsersFormat::Jsonl)]
    pub format: UsersFormat,
    /// How long to wait for Braze to prepare the export (e.g. 30m, 2h).
    #[arg(long, value_name = "DURATION", default_value = "2h", value_parser = parse_max_wait)]
    pub max_wait: Duration,
    /// Also keep the downloaded archive (Braze's ZIP) at PATH, which must not exist.
    #[arg(long, value_name = "PATH")]
    pub keep_archive: Option<PathBuf>,
    /// Replace FILE if it already holds anything (without this, users refuses to).
    #[arg(long)]
    pub overwrite: bool,
}

fn parse_max_wait(text: &str) -> Result<Duration, String> {
    let wait = humantime::parse_duration(text.trim()).map_err(|e| format!("{text:?}: {e} (e.g. 30m, 2h)"))?;
    if wait.is_zero() {
        return Err("the wait must be longer than 0 (e.g. 30m, 2h)".into());
    }
    Ok(wait)
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// The field names in `--fields`: trimmed, blanks dropped, each once, in their order.
pub fn fields(text: &str) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for field in text.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if !fields.iter().any(|f| f == field) {
            fields.push(field.to_owned());
        }
    }
    fields
}

/// What `users` was asked to do, checked.
#[derive(Debug)]
pub enum Plan {
    /// Start the export, wait for it, download it to `out`.
    Run { export: UsersExport, out: PathBuf },
    /// Start the export and write its job file.
    Detach { export: UsersExport, job: PathBuf },
    /// Wait for and download the export a job file names.
    PickUp {
        job: Box<job_file::Job>,
        path: PathBuf,
        out: PathBuf,
    },
}

/// Refuses what cannot run, before anything is sent or started; what to do.
pub fn check(args: &UsersArgs) -> Result<Plan, Failure> {
    match (&args.job, args.detach) {
        (Some(job), _) if job.as_os_str() == "-" || is_stdout(job) => {
            Err(usage("--job names a file: a job file is never stdout".into()))
        }
        (Some(job), false) => {
            for (given, flag) in [
                (args.segment_id.is_some(), "a segment id"),
                (args.fields.is_some(), "--fields"),
                (args.callback_url.is_some(), "--callback-url"),
            ] {
                if given {
                    return Err(usage(format!(
                        "{flag} is not for --job without --detach: the job file names the export"
                    )));
                }
            }
            let out = args
                .out
                .clone()
                .ok_or_else(|| usage("--job needs --out: where to write the users".into()))?;
            if names_the_job(&out, job) {
                return Err(usage(format!(
                    "--out {} is the job file: the users go to another file",
                    out.display()
                )));
            }
            let read = job_file::read(job)?;
            check_out(args, &out)?;
            Ok(Plan::PickUp {
                job: Box::new(read),
                path: job.clone(),
                out,
            })
        }
        (Some(job), true) => {
            for (given, flag) in [
                (args.out.is_some(), "--out"),
                (args.keep_archive.is_some(), "--keep-archive"),
                (args.overwrite, "--overwrite"),
            ] {
                if given {
                    return Err(usage(format!(
                        "{flag} is not for --detach: it writes the job file only; give {flag} to `users --job {}` later",
                        job.display()
                    )));
                }
            }
            let export = export_of(args)?;
            // What the job file holds besides the fields is well under 64 KiB.
            let fields_bytes: u64 = export.fields().iter().map(|f| f.len() as u64 + 3).sum();
            if fields_bytes + 64 * 1024 > job_file::MAX_BYTES {
                return Err(usage(format!(
                    "--fields names {fields_bytes} bytes of fields: more than a job file holds; name fewer fields"
                )));
            }
            paths::check_writable_dir(paths::dir_of(job), "the directory of --job")?;
            Ok(Plan::Detach {
                export,
                job: job.clone(),
            })
        }
        (None, _) => {
            let out = args
                .out
                .clone()
                .ok_or_else(|| usage("--out is needed: where to write the users".into()))?;
            let export = export_of(args)?;
            check_out(args, &out)?;
            Ok(Plan::Run { export, out })
        }
    }
}

/// Whether `out` and the job file are one file (by path, or the same file reached otherwise).
fn names_the_job(out: &std::path::Path, job: &std::path::Path) -> bool {
    out == job
        || std::fs::canonicalize(out)
            .ok()
            .zip(std::fs::canonicalize(job).ok())
            .is_some_and(|(a, b)| a == b)
}

/// The export to start: segment, fields and callback, checked as a start would check them.
fn export_of(args: &UsersArgs) -> Result<UsersExport, Failure> {
    let segment_id = args.segment_id.as_deref().unwrap_or_default();
    if segment_id.trim().is_empty() {
        return Err(usage("the segment id is empty: give a segment's API identifier".into()));
    }
    let fields = fields(args.fields.as_deref().unwrap_or_default());
    if fields.is_empty() {
        return Err(usage(
            "--fields names no field: give Braze's field names separated by commas, \
             e.g. --fields external_id,email,custom_attributes"
                .into(),
        ));
    }
    let mut export = UsersExport::new(segment_id, fields);
    if let Some(url) = &args.callback_url {
        export = export.callback_endpoint(url.clone());
    }
    // Never echoes the callback: it may carry a token.
    export
        .check()
        .map_err(|e| usage(crate::term::shown(&e.to_string()).into_owned()))?;
    Ok(export)
}

/// Refuses an `--out` (and `--keep-archive`) that cannot be written.
fn check_out(args: &UsersArgs, out_path: &std::path::Path) -> Result<(), Failure> {
    let out = out_path.display();
    let to_stdout = is_stdout(out_path);
    if to_stdout {
        if args.overwrite {
            return Err(usage(format!(
                "--overwrite has nothing to replace: --out {out} writes to stdout"
            )));
        }
        stdout_is_usable(out_path)?;
    } else {
        notes::refuse_as_output(out_path)?;
        if let Existing::Regular { len } = target::inspect(out_path)? {
            if len > 0 && !args.overwrite {
                return Err(usage(format!(
                    "{out} already holds {len} bytes: use --overwrite to replace it (it is replaced only once \
                     every user is written), or choose another --out"
                )));
            }
        }
        let target = paths::write_target(out_path);
        paths::check_writable_dir(paths::dir_of(&target), "the directory of --out")?;
    }
    match &args.keep_archive {
        Some(keep) => {
            paths::check_keep(keep, (!to_stdout).then_some(out_path))?;
            paths::check_writable_dir(paths::dir_of(keep), "the directory of --keep-archive")?;
        }
        // The archive is downloaded there.
        None => paths::check_writable_dir(&std::env::temp_dir(), "the temporary directory (TMPDIR)")?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_trimmed_without_blanks_or_repeats() {
        assert_eq!(fields(" email , external_id,,email, "), ["email", "external_id"]);
        assert!(fields("").is_empty());
        assert!(fields(" , ,, ").is_empty());
    }

    #[test]
    fn a_wait_is_a_positive_duration() {
        assert_eq!(parse_max_wait("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_max_wait(" 90s "), Ok(Duration::from_secs(90)));
        assert!(parse_max_wait("0s").is_err());
        assert!(parse_max_wait("soon").is_err());
    }
}
