//! Where the users go: stdout, or a new temporary file beside `--out` that replaces it only at
//! the end, once every user is written ([`Output::finish`]). Until then `--out` is untouched;
//! an output dropped unfinished (a failure, a signal) removes its temporary file. An `--out`
//! that is a symbolic link is written through: the temporary file is made beside the link's
//! target and replaces the target; the link stays. Stdout on a terminal gets escaped values
//! ([`crate::term::escape`]).

use std::fs::File;
use std::io::{self, IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use braze_segments::UserRecord;

use super::paths::{dir_of, write_target};
use super::rows::Rows;
use super::UsersFormat;
use crate::out_file::is_stdout;
use crate::out_file::target::{self, io_failure, Existing};
use crate::term::write_failure;
use crate::Failure;

/// What the rows are written to.
pub enum Sink {
    File(File),
    Stdout(io::Stdout),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(file) => file.write(buf),
            Sink::Stdout(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(file) => file.flush(),
            Sink::Stdout(out) => out.flush(),
        }
    }
}

/// The temporary file and the file it becomes.
struct Temp {
    path: PathBuf,
    /// `--out` as given, for messages.
    out: PathBuf,
    /// The file replaced: `out`, or the target of the link `out` is.
    target: PathBuf,
    overwrite: bool,
    /// The target, open with the writer's lock (the one `export` takes), once it exists: no
    /// export writes it while the users are on their way to replace it.
    held: Option<File>,
}

pub struct Output {
    rows: Option<Rows<Sink>>,
    temp: Option<Temp>,
}

impl Output {
    /// Stdout for `-`, else a new temporary file beside `out` (or beside the file it links
    /// to); a CSV's header is written.
    pub fn open(out: &Path, overwrite: bool, format: UsersFormat, fields: &[String]) -> Result<Output, Failure> {
        let (sink, temp, terminal) = if is_stdout(out) {
            let stdout = io::stdout();
            let terminal = stdout.is_terminal();
            (Sink::Stdout(stdout), None, terminal)
        } else {
            let target = write_target(out);
            let held = match target::inspect(&target)? {
                Existing::Regular { .. } => Some(target::open_locked(&target)?),
                Existing::Missing => None,
            };
            let path = temp_path(&target);
            let file = target::create(&path, Existing::Missing)?;
            let temp = Temp {
                path,
                out: out.to_owned(),
                target,
                overwrite,
                held,
            };
            (Sink::File(file), Some(temp), false)
        };
        let mut output = Output { rows: None, temp };
        let rows = Rows::new(format, fields, sink, terminal).map_err(|e| output.failure(e))?;
        output.rows = Some(rows);
        Ok(output)
    }

    /// What the users are written to, for messages: the file, or stdout.
    pub fn name(&self) -> String {
        match &self.temp {
            Some(temp) => temp.out.display().to_string(),
            None => "stdout".to_owned(),
        }
    }

    pub fn write(&mut self, user: &UserRecord) -> Result<(), Failure> {
        let written = match &mut self.rows {
            Some(rows) => rows.write(user),
            None => Ok(()),
        };
        written.map_err(|e| self.failure(e))
    }

    /// Writes what is left and, for a file, syncs it and renames it over `--out`. Without
    /// `--overwrite`, a file that something else filled meanwhile is not replaced. Whenever the
    /// written users cannot take `--out`'s place (that, an export writing it, a failed rename),
    /// they stay in the temporary file, which the message names.
    pub fn finish(mut self) -> Result<(), Failure> {
        let Some(rows) = self.rows.take() else {
            return Ok(());
        };
        let sink = rows.finish().map_err(|e| self.failure(e))?;
        let Sink::File(file) = sink else {
            return Ok(());
        };
        let Some(temp) = &mut self.temp else {
            return Ok(());
        };
        file.sync_all().map_err(|e| io_failure(&temp.path, "write", e))?;
        drop(file);
        if temp.held.is_none() && !matches!(target::inspect(&temp.target), Ok(Existing::Missing)) {
            // Made during the run: replaced only when no export is writing it.
            match target::open_locked(&temp.target) {
                Ok(held) => temp.held = Some(held),
                Err(refused) if refused.code == 2 => return Err(self.kept(refused.message)),
                // Not a regular file, or gone again: the checks below and the rename say so.
                Err(_) => {}
            }
        }
        let Some(temp) = &self.temp else {
            return Ok(());
        };
        if !temp.overwrite {
            if let Ok(Existing::Regular { len }) = target::inspect(&temp.target) {
                if len > 0 {
                    let message = format!(
                        "{} was filled by something else during the run and is left as it is",
                        temp.out.display()
                    );
                    return Err(self.kept(message));
                }
            }
        }
        if let Err(e) = std::fs::rename(&temp.path, &temp.target) {
            let message = io_failure(&temp.target, "replace", e).message;
            return Err(self.kept(message));
        }
        self.temp = None;
        Ok(())
    }

    /// A failure (exit 1) that leaves the written users in the temporary file, and says where.
    fn kept(&mut self, problem: String) -> Failure {
        let kept = self.temp.take().map(|temp| temp.path);
        let message = match kept {
            Some(path) => format!("{problem}; the users are in {}", path.display()),
            None => problem,
        };
        Failure { code: 1, message }
    }

    /// A failed write: to stdout (a reader that left ends the command quietly), or to the file.
    fn failure(&self, e: io::Error) -> Failure {
        match &self.temp {
            Some(temp) => io_failure(&temp.path, "write", e),
            None => write_failure(e),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // The file handle first, then the file (unfinished: nothing of it is worth keeping).
        drop(self.rows.take());
        if let Some(temp) = self.temp.take() {
            let _ = std::fs::remove_file(&temp.path);
        }
    }
}

/// A new name beside `out`, hidden: `.NAME.PID-RANDOM.braze-users.tmp`.
fn temp_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir_of(out).join(format!(
        ".{name}.{}-{:08x}.braze-users.tmp",
        std::process::id(),
        rand::random::<u32>()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temporary_file_is_hidden_beside_the_output() {
        let path = temp_path(Path::new("/data/users.csv"));
        assert_eq!(path.parent(), Some(Path::new("/data")));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".users.csv.") && name.ends_with(".braze-users.tmp"),
            "{name}"
        );
        assert_eq!(temp_path(Path::new("u.jsonl")).parent(), Some(Path::new(".")));
    }
}
