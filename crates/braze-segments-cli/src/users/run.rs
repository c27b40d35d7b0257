//! The users command's flow: start the export, wait for it and download it, write its users,
//! say what came of it. Ctrl-C stops it at any step (see [`super`]).

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::{Duration, Instant};

use braze_segments::{ArchiveLimits, Client, DownloadError, DownloadOptions, UsersArchive, UsersExport};
use indicatif::HumanBytes;

use super::output::Output;
use super::paths::dir_of;
use super::progress::Progress;
use super::read::{self, Stopped, Tally};
use super::{check, UsersArgs};
use crate::term::{note, shown};
use crate::Failure;

/// The first and the longest interval between polls of the export's link.
const POLL_FIRST: Duration = Duration::from_secs(2);
const POLL_LONGEST: Duration = Duration::from_secs(30);
/// How long a cancel after Ctrl-C is waited for.
const CANCEL_WAIT: Duration = Duration::from_secs(15);

/// Resolves on Ctrl-C (never, if it cannot be listened for).
type Interrupt = Pin<Box<dyn Future<Output = ()> + Send>>;

fn interrupt() -> Interrupt {
    Box::pin(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}

/// Runs the command; progress and a summary on stderr.
pub async fn run(client: &Client, args: &UsersArgs) -> Result<(), Failure> {
    let fields = check(args)?;
    let started = Instant::now();
    let mut interrupted = interrupt();
    // Before the export starts: a file that cannot be written stops nothing at Braze.
    let mut output = Output::open(&args.out, args.overwrite, args.format, &fields)?;
    let export = UsersExport::new(args.segment_id.clone(), fields);
    let mut progress = Progress::new();

    let job = tokio::select! {
        job = client.start_users_export(&export) => job?,
        () = &mut interrupted => {
            progress.finish();
            return Err(stop(client, &args.segment_id, &output).await);
        }
    };
    let prefix = job.object_prefix().map(|p| shown(p).into_owned());
    let prefix = prefix.as_deref().unwrap_or("(none given)");
    if job.goes_to_own_bucket() {
        progress.finish();
        note!(
            "users: Braze writes this export's files to the workspace's own storage bucket, under the object \
             prefix {prefix}; there is nothing to download here, and {} is left as it was",
            output.name()
        );
        return Ok(());
    }
    note!("users: export started (object prefix {prefix})");

    let mut options = DownloadOptions::default()
        .poll_interval(POLL_FIRST, POLL_LONGEST)
        .max_wait(args.max_wait);
    if let Some(keep) = &args.keep_archive {
        // Downloaded where it is kept, so keeping it is a rename.
        options = options.temp_dir(dir_of(keep));
    }
    let downloaded = {
        let download = client.download_users_export(&job, &options, |p| progress.download(p));
        tokio::select! {
            archive = download => Some(archive),
            () = &mut interrupted => None,
        }
    };
    let archive = match downloaded {
        Some(Ok(archive)) => archive,
        Some(Err(e)) => {
            progress.finish();
            return Err(download_failed(client, &args.segment_id, e).await);
        }
        None => {
            progress.finish();
            return Err(stop(client, &args.segment_id, &output).await);
        }
    };
    let mut archive = archive;
    if let Some(path) = &args.keep_archive {
        keep(&mut archive, path, &mut progress)?;
    }

    let read = {
        let copy = read::copy(archive.users(ArchiveLimits::default()), &mut output, &mut progress);
        tokio::select! {
            tally = copy => Some(tally),
            () = &mut interrupted => None,
        }
    };
    progress.finish();
    let tally = match read {
        Some(Ok(tally)) => tally,
        Some(Err(Stopped::Output(failure))) => return Err(failure),
        Some(Err(Stopped::Fatal(e))) => {
            return Err(Failure {
                code: 1,
                message: format!(
                    "the archive cannot be read: {}; {} is left as it was",
                    shown(&e.to_string()),
                    output.name()
                ),
            })
        }
        None => return Err(interrupted_failure(&output)),
    };
    let name = output.name();
    output.finish()?;
    summary(&tally, &name, &archive, started.elapsed());
    if tally.bad_lines > 0 {
        return Err(Failure {
            code: 1,
            message: format!(
                "{} users were lost: {} lines of the archive were not users (listed above); the others are in {name}",
                tally.bad_lines, tally.bad_lines
            ),
        });
    }
    Ok(())
}

/// Moves the downloaded archive to `path`.
fn keep(archive: &mut UsersArchive, path: &Path, progress: &mut Progress) -> Result<(), Failure> {
    archive.keep(path).map_err(|e| {
        progress.finish();
        Failure {
            code: 1,
            message: format!("cannot keep the archive at {}: {e}", path.display()),
        }
    })
}

fn summary(tally: &Tally, name: &str, archive: &UsersArchive, elapsed: Duration) {
    let format = format!("{:?}", archive.format()).to_lowercase();
    note!(
        "users: {} written to {name}, {} bad lines; archive {} ({format}) in {:.1}s",
        tally.users,
        tally.bad_lines,
        HumanBytes(archive.len()),
        elapsed.as_secs_f64()
    );
    for bad in &tally.first_bad {
        note!("  bad line: {bad}");
    }
    let more = tally.bad_lines.saturating_sub(tally.first_bad.len() as u64);
    if more > 0 {
        note!("  … and {more} more bad lines");
    }
}

/// A download that failed; an export that was never ready is cancelled at Braze (this command
/// cannot come back for it, and it would block the next export of the segment).
async fn download_failed(client: &Client, segment_id: &str, error: DownloadError) -> Failure {
    if let DownloadError::NotReady { waited, polls, .. } = error {
        cancel(client, segment_id).await;
        return Failure {
            code: 1,
            message: format!(
                "the export was not ready after {} ({polls} polls of its link): raise --max-wait (Braze takes \
                 an hour or more for large segments)",
                humantime::format_duration(Duration::from_secs(waited.as_secs()))
            ),
        };
    }
    Failure {
        code: 1,
        message: format!("the export could not be downloaded: {}", shown(&error.to_string())),
    }
}

/// Ctrl-C before the archive was downloaded: the export is cancelled at Braze.
async fn stop(client: &Client, segment_id: &str, output: &Output) -> Failure {
    note!("users: interrupted");
    cancel(client, segment_id).await;
    interrupted_failure(output)
}

fn interrupted_failure(output: &Output) -> Failure {
    Failure {
        code: 130,
        message: format!("interrupted; {} is left as it was", output.name()),
    }
}

/// Asks Braze to cancel the segment's export, best effort: a second Ctrl-C or no answer within
/// a few seconds stops waiting.
async fn cancel(client: &Client, segment_id: &str) {
    note!("users: asking Braze to cancel the export (best effort)");
    let cancelled = tokio::time::timeout(CANCEL_WAIT, client.cancel_users_export(segment_id));
    tokio::select! {
        answer = cancelled => match answer {
            Ok(Ok(())) => note!("users: the export was cancelled at Braze"),
            Ok(Err(e)) => note!("users: Braze did not cancel the export: {}", shown(&e.to_string())),
            Err(_) => note!("users: Braze did not answer the cancel within {}s; the export may still run there", CANCEL_WAIT.as_secs()),
        },
        () = interrupt() => note!("users: interrupted again: not waiting for the cancel"),
    }
}
