//! The users command's flow: start the export, wait for it and download it, write its users,
//! say what came of it. A signal stops it at any step (see [`super`]).

use std::path::Path;
use std::time::{Duration, Instant};

use braze_segments::{ArchiveLimits, Client, DownloadOptions, UsersArchive, UsersExport};

use super::output::Output;
use super::paths::dir_of;
use super::progress::Progress;
use super::read::{self, Stopped};
use super::report::{download_failed, incomplete, start_failed, stopped, stopped_failure, summary};
use super::signals::interrupt;
use super::{check, UsersArgs};
use crate::term::{brief, note, shown};
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

    let job = tokio::select! {
        job = client.start_users_export(&export) => match job {
            Ok(job) => job,
            Err(e) => {
                progress.finish();
                return Err(start_failed(client, segment_id, e).await);
            }
        },
        stop = &mut interrupted => {
            progress.finish();
            return Err(stopped(client, segment_id, output, stop).await);
        }
    };
    let prefix = job.object_prefix().map(|p| brief(p).into_owned());
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
            return Err(stopped(client, segment_id, output, stop).await);
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
