//! The archive's users into the output, one at a time, and what reading it gave.

use braze_segments::{ArchiveError, UserStream};
use futures::StreamExt as _;

use super::output::Output;
use super::progress::Progress;
use crate::term::shown;
use crate::Failure;

/// Bad lines listed in the summary; the others are counted.
pub const BAD_LINES_SHOWN: usize = 5;

/// Progress is told every this many users.
const PROGRESS_EVERY: u64 = 1024;

/// What reading the archive gave.
#[derive(Debug, Default)]
pub struct Tally {
    /// Users written.
    pub users: u64,
    /// Lines that were not a user (skipped).
    pub bad_lines: u64,
    /// The first few of them, escaped for the terminal (member, line and why).
    pub first_bad: Vec<String>,
}

/// How reading ended, when it did not end well.
pub enum Stopped {
    /// The archive cannot be read on (corrupt, hostile, a file system error).
    Fatal(ArchiveError),
    /// Writing the output failed.
    Output(Failure),
}

/// Writes every user of `users` to `output`; bad lines are counted and the first few kept.
pub async fn copy(mut users: UserStream, output: &mut Output, progress: &mut Progress) -> Result<Tally, Stopped> {
    let mut tally = Tally::default();
    while let Some(item) = users.next().await {
        match item {
            Ok(user) => {
                output.write(&user).map_err(Stopped::Output)?;
                tally.users += 1;
                if tally.users % PROGRESS_EVERY == 0 {
                    progress.reading(tally.users);
                }
            }
            Err(e) if e.is_fatal() => return Err(Stopped::Fatal(e)),
            Err(e) => {
                tally.bad_lines += 1;
                if tally.first_bad.len() < BAD_LINES_SHOWN {
                    tally.first_bad.push(shown(&e.to_string()).into_owned());
                }
            }
        }
    }
    progress.reading(tally.users);
    Ok(tally)
}
