//! The output file that `export` and `users` write, and what both promise about it:
//!
//! - `-` (or stdout's own path) is stdout; a closed stdout is refused before anything is sent
//!   ([`stdout_is_usable`]).
//! - Otherwise only a regular file is written (never a directory, FIFO or device), created
//!   without a race, and held with the writer's advisory lock while it is written, so two
//!   commands never write one file at once ([`target`]).
//! - An export's notes file (`FILE.braze-export.json`) is never an output, by its name or,
//!   through a link, by what it holds, nor is a users job file ([`notes`]).

pub mod notes;
pub mod target;

use std::path::Path;

use crate::Failure;

/// Whether `out` names stdout: `-`, as command-line tools take it, or stdout's own path.
pub fn is_stdout(out: &Path) -> bool {
    ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
        .iter()
        .any(|name| out == Path::new(name))
}

/// Refuses `--out` naming stdout when stdout is closed (`>&-`): nothing could be written, and
/// the command would otherwise run, maybe for hours, for nothing. Exit code 1.
pub fn stdout_is_usable(out: &Path) -> Result<(), Failure> {
    if crate::closed_stdout::closed_at_start() {
        return Err(Failure {
            code: 1,
            message: format!(
                "--out {} writes to stdout, but stdout is closed: nothing could be written; give a file, \
                 or run without closing stdout (>&-)",
                out.display()
            ),
        });
    }
    Ok(())
}
