//! How a users run ends, in words: the summary, and each failure with what was done about the
//! export at Braze (cancelled when this run can no longer come back for it: it would block the
//! next export of the segment for hours).

use std::time::Duration;

use braze_segments::{Client, DownloadError, Error, UsersArchive};
use indicatif::HumanBytes;

use super::job_file::Reserved;
use super::output::Output;
use super::read::Tally;
use super::signals::{interrupt, Stop};
use crate::term::{brief, note, shown};
use crate::Failure;

/// How long a cancel is waited for.
const CANCEL_WAIT: Duration = Duration::from_secs(15);

/// `n` and the noun, singular for 1.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn summary(tally: &Tally, name: &str, archive: &UsersArchive, elapsed: Duration) {
    let format = format!("{:?}", archive.format()).to_lowercase();
    note!(
        "users: {} written to {name}, {}; archive {} ({format}) in {:.1}s",
        tally.users,
        count(tally.bad_lines, "bad line", "bad lines"),
        HumanBytes(archive.len()),
        elapsed.as_secs_f64()
    );
    for bad in &tally.first_bad {
        note!("  bad line: {bad}");
    }
    let more = tally.bad_lines.saturating_sub(tally.first_bad.len() as u64);
    if more > 0 {
        note!(
            "  … and {more} more {}",
            if more == 1 { "bad line" } else { "bad lines" }
        );
    }
}

/// What failed the run although every readable user was written: bad lines, an archive not
/// kept. `None` when nothing did.
pub fn incomplete(tally: &Tally, name: &str, not_kept: Option<String>) -> Option<Failure> {
    let mut problems = Vec::new();
    if tally.bad_lines > 0 {
        problems.push(format!(
            "{} of the archive could not be read (listed above), so {} may be missing; the others are in {name}",
            count(tally.bad_lines, "line", "lines"),
            count(tally.bad_lines, "user", "users"),
        ));
    }
    problems.extend(not_kept);
    (!problems.is_empty()).then(|| Failure {
        code: 1,
        message: problems.join("\n  and "),
    })
}

/// Whether this run started the export at Braze, as far as it can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    /// Braze's answer said so.
    Yes,
    /// A request was sent whose answer did not prove the opposite.
    Maybe,
    /// Nothing was sent, or every answer proved that nothing started.
    No,
}

impl From<bool> for Started {
    fn from(may_have_started: bool) -> Self {
        if may_have_started {
            Started::Maybe
        } else {
            Started::No
        }
    }
}

/// The exit code of a run that wrote no users because Braze gave no link to download: the
/// export goes to the workspace's own storage bucket (or the answer was garbled).
pub const NO_LINK_CODE: u8 = 3;

/// A start that failed. One that may have started an export (a 2xx answer that cannot be
/// used, a 5xx that may have started it, an answer that never came) cancels it: its link is
/// lost, and it would block the segment's next export.
pub async fn start_failed(client: &Client, segment_id: &str, error: Error, may_have_started: bool) -> Failure {
    let accepted = error.status().is_some_and(|status| (200..300).contains(&status));
    let mut failure = Failure::from(error);
    if may_have_started {
        if accepted {
            note!("users: Braze accepted the export, but its answer cannot be used: the export's link is lost");
        } else {
            note!("users: the start's answer does not prove that Braze started nothing: the export may be running");
        }
        cancel(client, segment_id).await;
        failure.message.push_str(
            "\n  the export may have started at Braze without a link this run can use, so it was asked to \
             cancel it (see above), so that the segment is not blocked for the next export",
        );
    }
    failure
}

/// An answer without a link to download: no users are written, and the exit code says so.
pub fn no_link(segment_id: &str, prefix: &str, left: &str) -> Failure {
    Failure {
        code: NO_LINK_CODE,
        message: format!(
            "Braze's answer holds no link to download: it writes this export's files to the workspace's own \
             storage bucket, under segment-export/{}/<date>/{prefix}/ (its answer may also have been garbled); \
             no users were written, and {left}",
            brief(segment_id),
        ),
    }
}

/// A download that failed. Whatever failed, the export this run started is cancelled (best
/// effort): a run that gives up never comes back for it, and it would block the segment's next
/// export for hours.
pub async fn download_failed(client: &Client, segment_id: &str, error: DownloadError, picked_up: bool) -> Failure {
    let message = match &error {
        DownloadError::NotReady { waited, polls, .. } => format!(
            "the export was not ready after {} ({} of its link): raise --max-wait (Braze takes an hour or \
             more for large segments)",
            humantime::format_duration(Duration::from_secs(waited.as_secs())),
            count(u64::from(*polls), "poll", "polls"),
        ),
        error => format!("the export could not be downloaded: {}", shown(&error.to_string())),
    };
    cancel(client, segment_id).await;
    let which = if picked_up { "the job file names" } else { "it started" };
    Failure {
        code: 1,
        message: format!(
            "{message}\n  this run gave up on the export {which}, so it asked Braze to cancel it (see above): \
             the segment is not blocked for the next export"
        ),
    }
}

/// A signal before the archive was downloaded: the temporary file goes first (a second signal,
/// or a SIGKILL after a grace period, may end the process during the cancel), then the export
/// is cancelled at Braze if this run started it or may have. One it did not start is another
/// run's (Braze answers a second start of a segment "already in progress"), and Braze's cancel
/// would end that one.
pub async fn stopped(
    client: &Client,
    segment_id: &str,
    open: impl Into<Open>,
    stop: Stop,
    started: Started,
) -> Failure {
    note!("users: interrupted ({})", stop.name());
    let open = open.into();
    let mut failure = interrupted(stop, &open.left());
    open.close();
    match started {
        Started::Yes => cancel(client, segment_id).await,
        Started::Maybe => {
            note!(
                "users: the start was sent and its answer did not come within {}s: it may have started the export",
                braze_segments::START_ANSWER_GRACE.as_secs()
            );
            cancel(client, segment_id).await;
        }
        Started::No => {
            note!("users: this run started no export at Braze (none sent yet, or its answer started none): nothing to cancel");
            failure.message.push_str("; no export was started at Braze");
        }
    }
    failure
}

/// What a run has open when it stops: removed first.
pub enum Open {
    /// The users' output (its temporary file).
    Output(Output),
    /// The job file `--detach` reserved.
    Job(Reserved),
}

impl From<Output> for Open {
    fn from(output: Output) -> Self {
        Open::Output(output)
    }
}

impl From<Reserved> for Open {
    fn from(job: Reserved) -> Self {
        Open::Job(job)
    }
}

impl Open {
    /// What the run leaves of it, said in a failure.
    pub fn left(&self) -> String {
        match self {
            Open::Output(output) => left_as_it_was(output),
            Open::Job(_) => "no job file was written".into(),
        }
    }

    pub fn close(self) {
        match self {
            Open::Output(output) => drop(output),
            Open::Job(job) => job.abandon(),
        }
    }
}

fn left_as_it_was(output: &Output) -> String {
    format!("{} is left as it was", output.name())
}

/// A run stopped by `stop`, saying what it `left`.
fn interrupted(stop: Stop, left: &str) -> Failure {
    Failure {
        code: stop.code(),
        message: format!("interrupted ({}); {left}", stop.name()),
    }
}

pub fn stopped_failure(output: &Output, stop: Stop) -> Failure {
    interrupted(stop, &left_as_it_was(output))
}

/// Whether this process had an export cancelled at Braze (one command a process).
static CANCELLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once Braze answered a cancel of this process as done.
pub fn cancelled_at_braze() -> bool {
    CANCELLED.load(std::sync::atomic::Ordering::Relaxed)
}

/// The export `--detach` started cannot be recorded (`why`): its link would be lost, so it is
/// cancelled at Braze (this run started it).
pub async fn detach_failed(client: &Client, segment_id: &str, why: String) -> Failure {
    note!("users: {why}");
    cancel(client, segment_id).await;
    Failure {
        code: 1,
        message: format!(
            "{why}; no job file holds the export's link, so the export this run started was asked to cancel (see above)"
        ),
    }
}

/// Asks Braze to cancel the segment's export, best effort: a signal or no answer within a few
/// seconds stops waiting.
async fn cancel(client: &Client, segment_id: &str) {
    note!("users: asking Braze to cancel the export (best effort)");
    let cancelled = tokio::time::timeout(CANCEL_WAIT, client.cancel_users_export(segment_id));
    tokio::select! {
        answer = cancelled => match answer {
            Ok(Ok(())) => {
                CANCELLED.store(true, std::sync::atomic::Ordering::Relaxed);
                note!("users: the export was cancelled at Braze");
            }
            Ok(Err(e)) => note!("users: Braze did not cancel the export: {}", shown(&e.to_string())),
            Err(_) => note!(
                "users: Braze did not answer the cancel within {}s; the export may still run there",
                CANCEL_WAIT.as_secs()
            ),
        },
        stop = interrupt() => note!("users: interrupted again ({}): not waiting for the cancel", stop.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count(0, "line", "lines"), "0 lines");
        assert_eq!(count(1, "line", "lines"), "1 line");
        assert_eq!(count(2, "poll", "polls"), "2 polls");
    }

    #[test]
    fn one_bad_line_is_said_in_the_singular() {
        let tally = Tally {
            users: 3,
            bad_lines: 1,
            first_bad: Vec::new(),
        };
        let failure = incomplete(&tally, "u.jsonl", None).unwrap();
        assert_eq!(
            failure.message,
            "1 line of the archive could not be read (listed above), so 1 user may be missing; the others are in u.jsonl"
        );
        assert!(incomplete(&Tally::default(), "u.jsonl", None).is_none());
        let failure = incomplete(&Tally::default(), "u.jsonl", Some("not kept".into())).unwrap();
        assert_eq!((failure.code, failure.message.as_str()), (1, "not kept"));
    }
}
