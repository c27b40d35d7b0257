//! The users command's flow: start the export, wait for it and download it, write its users,
//! say what came of it. A signal stops it at any step (see [`super`]).

use std::cell::Cell;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use braze_segments::{
    ArchiveLimits, Client, DownloadOptions, UsersArchive, UsersExport, UsersExportJob, UsersExportStart,
};

use super::job_file;
use super::output::Output;
use super::paths::dir_of;
use super::progress::Progress;
use super::read::{self, Stopped};
use super::report::{
    cancelled_at_braze, detach_failed, download_failed, incomplete, no_link, start_failed, stopped, stopped_failure,
    summary, Open, Started,
};
use super::signals::{interrupt, Interrupt, Stop};
use super::{Plan, UsersArgs};
use crate::term::{brief, note, shown};
use crate::workspace::{Workspace, DEMO};
use crate::Failure;

/// What one run carries through its steps: the signals it listens for, its progress line and
/// when it started.
struct Session {
    interrupted: Interrupt,
    progress: Progress,
    started: Instant,
}

/// The first and the longest interval between polls of the export's link.
const POLL_FIRST: Duration = Duration::from_secs(2);
const POLL_LONGEST: Duration = Duration::from_secs(30);

/// Runs the command as [`super::check`] planned it; progress and a summary on stderr.
pub async fn run(client: &Client, workspace: &Workspace, plan: Plan, args: &UsersArgs) -> Result<(), Failure> {
    // From here on, the stopping signals no longer end the process before it has tidied up.
    let mut session = Session {
        interrupted: interrupt(),
        progress: Progress::new(),
        started: Instant::now(),
    };
    let s = &mut session;
    match plan {
        Plan::Run { export, out } => {
            // Before the export starts: a file that cannot be written stops nothing at Braze.
            let output = Output::open(&out, args.overwrite, args.format, export.fields())?;
            let (job, output) = start(client, &export, output, s).await?;
            fetch(client, &job, output, args, s, false).await
        }
        Plan::Detach { export, job } => {
            let reserved = job_file::reserve(&job)?;
            let (started_job, reserved) = start(client, &export, reserved, s).await?;
            s.progress.finish();
            match reserved.write(workspace, export.fields(), &started_job) {
                Ok(path) => {
                    let demo = if workspace.endpoint == DEMO { "--demo " } else { "" };
                    note!(
                        "users: the export of segment {} is started; its job file is {} (it holds the download link: \
                         keep it private). Pick it up with: braze-segments {demo}users --job {} --out FILE",
                        brief(export.segment_id()),
                        path.display(),
                        path.display()
                    );
                    // The path alone on stdout, for scripts; a closed or broken stdout loses nothing.
                    let _ = writeln!(std::io::stdout(), "{}", path.display());
                    Ok(())
                }
                Err(why) => Err(detach_failed(client, export.segment_id(), why).await),
            }
        }
        Plan::PickUp { job, path, out } => {
            job.check_workspace(workspace, &path)?;
            let output = Output::open(&out, args.overwrite, args.format, &job.fields)?;
            let prefix = job.job.object_prefix().map(|p| brief(p).into_owned());
            s.progress.say(&format!(
                "users: picking up the export of segment {} (object prefix {}) from {}",
                brief(job.job.segment_id()),
                prefix.as_deref().unwrap_or("(none given)"),
                path.display()
            ));
            if workspace.endpoint == DEMO {
                // The stand-in that started it ended with its process: this one prepares the
                // same export anew, so that the pick-up runs end to end without an account.
                note!("demo: the stand-in of the run that detached ended with it; this run's stand-in prepares the same export anew");
                let export = UsersExport::new(job.job.segment_id(), job.fields.clone());
                let (again, output) = start(client, &export, output, s).await?;
                return fetch(client, &again, output, args, s, false).await;
            }
            let fetched = fetch(client, &job.job, output, args, s, true).await;
            if fetched.is_err() && cancelled_at_braze() {
                // The job is over: a later pick-up would wait for an export that no longer runs.
                match job_file::mark_cancelled(&path) {
                    Ok(()) => note!("users: the job file {} is marked cancelled", path.display()),
                    Err(why) => note!(
                        "users: the job file {} could not be marked cancelled: {why}",
                        path.display()
                    ),
                }
            }
            fetched
        }
    }
}

/// Starts `export`; a signal while its answer is on its way, or a start that fails, closes
/// what is `open` and cancels what this run may have started. The SDK says whether this run
/// may have started an export, the one it may cancel (Braze's cancel ends any export of the
/// segment, also another process's).
async fn start<O: Into<Open>>(
    client: &Client,
    export: &UsersExport,
    open: O,
    session: &mut Session,
) -> Result<(UsersExportJob, O), Failure> {
    let Session {
        interrupted, progress, ..
    } = session;
    let segment_id = export.segment_id();
    let signal = Cell::new(None);
    let stop = async {
        signal.set(Some((&mut *interrupted).await));
    };
    let job = match client.start_users_export_until(export, stop).await {
        UsersExportStart::Started(job) => match signal.get() {
            // Stopped while its answer came: the export is this run's, and is cancelled.
            Some(stop) => {
                progress.finish();
                return Err(stopped(client, segment_id, open, stop, Started::Yes).await);
            }
            None => job,
        },
        UsersExportStart::Failed {
            error,
            may_have_started,
        } => {
            progress.finish();
            return Err(match signal.get() {
                Some(stop) => stopped(client, segment_id, open, stop, Started::from(may_have_started)).await,
                None => {
                    open.into().close();
                    start_failed(client, segment_id, error, may_have_started).await
                }
            });
        }
        UsersExportStart::Stopped { may_have_started } => {
            progress.finish();
            let stop = signal.get().unwrap_or(Stop::CtrlC);
            return Err(stopped(client, segment_id, open, stop, Started::from(may_have_started)).await);
        }
        _ => unreachable!("a start ends started, failed or stopped"),
    };
    let prefix = job.object_prefix().map(|p| brief(p).into_owned());
    let prefix = prefix.as_deref().unwrap_or("(none given)");
    if job.goes_to_own_bucket() {
        progress.finish();
        let open = open.into();
        let failure = no_link(segment_id, prefix, &open.left());
        open.close();
        return Err(failure);
    }
    progress.say(&format!("users: export started (object prefix {prefix})"));
    Ok((job, open))
}

/// Waits for the export of `job`, downloads it and writes its users to `output`; a give-up or
/// a signal cancels that export.
async fn fetch(
    client: &Client,
    job: &UsersExportJob,
    mut output: Output,
    args: &UsersArgs,
    session: &mut Session,
    picked_up: bool,
) -> Result<(), Failure> {
    let Session {
        interrupted,
        progress,
        started,
    } = session;
    let started = *started;
    let segment_id = job.segment_id();
    let mut options = DownloadOptions::default()
        .poll_interval(POLL_FIRST, POLL_LONGEST)
        .max_wait(args.max_wait);
    if let Some(keep) = &args.keep_archive {
        // Downloaded where it is kept, so keeping it is a rename.
        options = options.temp_dir(dir_of(keep));
    }
    let downloaded = {
        let download = client.download_users_export(job, &options, |p| progress.download(p));
        tokio::select! {
            archive = download => Ok(archive),
            stop = &mut *interrupted => Err(stop),
        }
    };
    let mut archive = match downloaded {
        Ok(Ok(archive)) => archive,
        Ok(Err(e)) => {
            progress.finish();
            return Err(download_failed(client, segment_id, e, picked_up).await);
        }
        Err(stop) => {
            progress.finish();
            return Err(stopped(client, segment_id, output, stop, Started::Yes).await);
        }
    };
    progress.downloaded(archive.len());
    let not_kept = match &args.keep_archive {
        Some(path) => keep(&mut archive, path, progress),
        None => None,
    };

    let read = {
        let copy = read::copy(archive.users(ArchiveLimits::default()), &mut output, progress);
        tokio::select! {
            tally = copy => Ok(tally),
            stop = &mut *interrupted => Err(stop),
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
