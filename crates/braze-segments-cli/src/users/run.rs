//! The users command's flow: start the export, wait for it and download it, write its users,
//! say what came of it. A signal stops it at any step (see [`super`]).

use std::cell::Cell;
use std::path::Path;
use std::time::{Duration, Instant};

use braze_segments::{ArchiveLimits, Client, DownloadOptions, UsersArchive, UsersExport, UsersExportStart};

use super::output::Output;
use super::paths::dir_of;
use super::progress::Progress;
use super::read::{self, Stopped};
use super::report::{download_failed, incomplete, no_link, start_failed, stopped, stopped_failure, summary, Started};
use super::signals::{interrupt, Stop};
use super::{check, UsersArgs};
use crate::term::{brief, shown};
use crate::Failure;

/// The first and the longest interval between polls of the export's link.
const POLL_FIRST: Duration = Duration::from_secs(2);
const POLL_LONGEST: Duration = Duration::from_secs(30);

/// Runs the command; progress and a summary on stderr.
pub async fn run(client: &Client, args: &UsersArgs) -> Result<(), Failure> {
    let fields = check(args)?;
    let started = Instant::now();
    // From here on, the stopping signals no longer end the process before it has tidied up.
    let mut interrupted = interrupt();
    // Before the export starts: a file that cannot be written stops nothing at Braze.
    let mut output = Output::open(&args.out, args.overwrite, args.format, &fields)?;
    let export = UsersExport::new(args.segment_id.clone(), fields);
    let mut progress = Progress::new();
    let segment_id = args.segment_id.as_str();

    // A signal while the start is on its way: the SDK says whether this run may have started
    // an export, the one it may cancel (Braze's cancel ends any export of the segment, also
    // another process's).
    let signal = Cell::new(None);
    let stop = async {
        signal.set(Some((&mut interrupted).await));
    };
    let job = match client.start_users_export_until(&export, stop).await {
        UsersExportStart::Started(job) => match signal.get() {
            // Stopped while its answer came: the export is this run's, and is cancelled.
            Some(stop) => {
                progress.finish();
                return Err(stopped(client, segment_id, output, stop, Started::Yes).await);
            }
            None => job,
        },
        UsersExportStart::Failed {
            error,
            may_have_started,
        } => {
            progress.finish();
            return Err(match signal.get() {
                Some(stop) => stopped(client, segment_id, output, stop, Started::from(may_have_started)).await,
                None => start_failed(client, segment_id, error, may_have_started).await,
            });
        }
        UsersExportStart::Stopped { may_have_started } => {
            progress.finish();
            let stop = signal.get().unwrap_or(Stop::CtrlC);
            return Err(stopped(client, segment_id, output, stop, Started::from(may_have_started)).await);
        }
        _ => unreachable!("a start ends started, failed or stopped"),
    };
    let prefix = job.object_prefix().map(|p| brief(p).into_owned());
    let prefix = prefix.as_deref().unwrap_or("(none given)");
    if job.goes_to_own_bucket() {
        progress.finish();
        return Err(no_link(segment_id, prefix, &output));
    }
    progress.say(&format!("users: export started (object prefix {prefix})"));

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
            archive = download => Ok(archive),
            stop = &mut interrupted => Err(stop),
        }
    };
    let mut archive = match downloaded {
        Ok(Ok(archive)) => archive,
        Ok(Err(e)) => {
            progress.finish();
            return Err(download_failed(client, segment_id, e).await);
        }
        Err(stop) => {
            progress.finish();
            return Err(stopped(client, segment_id, output, stop, Started::Yes).await);
        }
    };
    progress.downloaded(archive.len());
    let not_kept = match &args.keep_archive {
        Some(path) => keep(&mut archive, path, &progress),
        None => None,
    };

    let read = {
        let copy = read::copy(archive.users(ArchiveLimits::default()), &mut output, &mut progress);
        tokio::select! {
            tally = copy => Ok(tally),
            stop = &mut interrupted => Err(stop),
        }
    };
    progress.finish();
    let tally = match read {
        Ok(Ok(tally)) => tally,
        Ok(Err(Stopped::Output(failure))) => return Err(failure),
        Ok(Err(Stopped::Fatal(e))) => {
            return Err(Failure {
                code: 1,
                message: format!(
                    "the archive cannot be read: {}; {} is left as it was",
                    shown(&e.to_string()),
                    output.name()
                ),
            })
        }
        Err(stop) => return Err(stopped_failure(&output, stop)),
    };
    let name = output.name();
    output.finish()?;
    summary(&tally, &name, &archive, started.elapsed());
    match incomplete(&tally, &name, not_kept) {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// Moves the downloaded archive to `path`. When it cannot be (the path appeared meanwhile, a
/// full disk), the archive stays where it was and its users are still written: what went wrong,
/// said at once and returned for the end.
fn keep(archive: &mut UsersArchive, path: &Path, progress: &Progress) -> Option<String> {
    let error = archive.keep(path).err()?;
    let why = format!("the archive could not be kept at {}: {error}", path.display());
    progress.say(&format!(
        "users: {why}; its users are written all the same, from the downloaded copy (removed at the end)"
    ));
    Some(why)
}
