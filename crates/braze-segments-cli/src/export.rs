//! `braze-segments export`: every segment with its details into a JSONL or CSV file, written
//! record by record, resumable after a crash. An export never destroys or duplicates data:
//!
//! - It writes only to a regular file, locked while it is written ([`crate::out_file`]). A new
//!   file is created with `create_new`; an existing non-empty one is refused unless `--resume`
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
//! - `--series DAYS` adds each segment's size per day to its record (one more request per
//!   segment, counted in the progress and the summary); its end is fixed when the export
//!   starts and kept in the sidecar, so a resumed run covers the same days. A record is whole
//!   or absent: details and series together. Segments whose listing says analytics tracking is
//!   off have no history at Braze: they are exported without a series and named apart.

mod json_prefix;
mod open;
mod progress;
mod records;
mod scan;
mod sidecar;

use std::path::Path;
use std::time::Instant;

use braze_segments::{Client, ExportOptions, SeriesRange, SortDirection};
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};

pub use sidecar::Workspace;

use crate::out_file::is_stdout;
use crate::term::{brief, note};
use crate::Failure;
pub use open::check;
use open::{open, open_stdout, Opened};
use records::{csv_rows, jsonl_line};

/// The export file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One JSON object per line: `{"summary": …, "details": …}` (and `"series": […]` with
    /// `--series`).
    Jsonl,
    /// One row per segment (with `--series`, one per segment per day); tags and teams joined
    /// with `|`; formula-like cells prefixed with `'`.
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
    pub series: Option<SeriesArgs>,
}

/// `--series DAYS [--series-ending-at DATE]`.
#[derive(Debug, Clone, Copy)]
pub struct SeriesArgs {
    pub days: u32,
    pub ending_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// Untracked segments the summary names one by one.
const UNTRACKED_NAMED: usize = 10;

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// Warns when the reserve cannot hold: a response saying the reserve is reached stops new
/// requests, but those already sent spend some of it. One process keeps `concurrency` in
/// flight; several on one key, the sum of theirs.
fn in_flight_over_reserve(client: &Client, concurrency: usize) {
    let reserve = client.budget().get_reserve();
    if reserve > 0 && reserve <= concurrency as u64 {
        note!(
            "warning: --reserve {reserve} is not more than the {concurrency} requests this export keeps in flight \
             (--concurrency): those already sent when Braze says the reserve is reached spend it; a reserve must \
             exceed every process's requests in flight together"
        );
    }
}

/// Runs the export; prints progress and a summary on stderr.
pub async fn run(client: &Client, workspace: &Workspace, args: ExportArgs<'_>) -> Result<(), Failure> {
    let to_stdout = is_stdout(args.out);
    let Opened {
        mut file,
        done,
        format,
        sort,
        series,
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
    in_flight_over_reserve(client, args.concurrency);

    let mut options = ExportOptions::default()
        .sort(sort)
        .concurrency(args.concurrency)
        .skip(done);
    if let Some(s) = series {
        options = options.series(SeriesRange::last_days(s.days).ending_at(s.ending_at));
    }
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
                let (done, to_fetch) = progress_counts(written, &[failed.len(), undetermined.len(), gone.len()], stream.listed(), stream.skipped());
                progress.update(done, to_fetch, requests(&stream), started, client.budget_wait());
                continue;
            }
        };
        match item {
            Ok(record) => {
                let bytes = match format {
                    ExportFormat::Jsonl => jsonl_line(&record),
                    ExportFormat::Csv => csv_rows(&record, series.is_some()),
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
            &[failed.len(), undetermined.len(), gone.len()],
            stream.listed(),
            stream.skipped(),
        );
        progress.update(done, to_fetch, requests(&stream), started, client.budget_wait());
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
        "export: {written} written, {already} skipped (already in {out_name}){gone_count}, {} failed in {:.1}s ({rate:.0} segments/s); {}",
        failed.len(),
        elapsed.as_secs_f64(),
        spent(&stream)
    );
    let untracked = stream.untracked();
    if !untracked.is_empty() {
        note!(
            "  {} segment(s) have analytics tracking off, so Braze keeps no size history of them: exported without a series",
            untracked.len()
        );
        // Named up to a few; every one's record says `analytics_tracking_enabled: false`.
        for id in untracked.iter().take(UNTRACKED_NAMED) {
            note!("  no series (analytics tracking off): {}", brief(id));
        }
        if untracked.len() > UNTRACKED_NAMED {
            note!(
                "  … and {} more (their records say analytics_tracking_enabled false)",
                untracked.len() - UNTRACKED_NAMED
            );
        }
    }
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

/// Requests this export started: listing pages are left out (about one per 100 segments).
fn requests(stream: &braze_segments::ExportStream) -> u64 {
    stream.details_calls() + stream.series_calls()
}

/// The summary's account of the requests spent.
fn spent(stream: &braze_segments::ExportStream) -> String {
    match stream.series_calls() {
        0 => format!("{} details requests", stream.details_calls()),
        series => format!(
            "{} requests ({} details, {series} series)",
            requests(stream),
            stream.details_calls()
        ),
    }
}

/// What the progress shows: the records settled (written, or failed, undetermined or gone:
/// `unwritten`), of the segments listed to fetch (listed, less those already in the file).
fn progress_counts(written: u64, unwritten: &[usize], listed: u64, skipped: u64) -> (u64, u64) {
    (written + unwritten.iter().sum::<usize>() as u64, listed - skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_counts_records_settled_of_those_listed_to_fetch() {
        assert_eq!(progress_counts(5, &[2, 3, 1], 20, 4), (11, 16));
        assert_eq!(progress_counts(0, &[0, 0, 0], 0, 0), (0, 0));
    }
}
