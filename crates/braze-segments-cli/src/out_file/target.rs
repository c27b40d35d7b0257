//! The output file itself: only ever a regular file, created without a race, locked while it is
//! written, and replaced only when asked to.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::Failure;

/// What is at the export's path before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Missing,
    Regular { len: u64 },
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

pub fn io_failure(path: &Path, what: &str, e: std::io::Error) -> Failure {
    Failure {
        code: 1,
        message: format!("cannot {what} {}: {e}", path.display()),
    }
}

fn not_regular(path: &Path, file_type: std::fs::FileType) -> Failure {
    let what = if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a dangling link"
    } else {
        "a device, FIFO or socket"
    };
    usage(format!(
        "{} is not a regular file ({what}): only regular files are written",
        path.display()
    ))
}

/// What is at `path` (following links); anything but a regular file is refused.
pub fn inspect(path: &Path) -> Result<Existing, Failure> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Existing::Regular { len: meta.len() }),
        Ok(meta) => Err(not_regular(path, meta.file_type())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::symlink_metadata(path) {
            Ok(meta) => Err(not_regular(path, meta.file_type())),
            Err(_) => Ok(Existing::Missing),
        },
        Err(e) => Err(io_failure(path, "read", e)),
    }
}

/// Options that never wait on a FIFO (opening one for writing would wait for a reader).
fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options
}

/// Opens the existing regular file at `path` to read and append, checking what was opened.
pub fn open_existing(path: &Path) -> Result<File, Failure> {
    let file = options()
        .read(true)
        .append(true)
        .open(path)
        .map_err(|e| io_failure(path, "open", e))?;
    let meta = file.metadata().map_err(|e| io_failure(path, "read", e))?;
    if !meta.is_file() {
        return Err(not_regular(path, meta.file_type()));
    }
    Ok(file)
}

/// Takes the writer's lock on `file` (the file at `path`), without waiting: while one export
/// writes to a file, a second one (to continue, replace or start it) is refused instead of
/// writing the same segments again. An advisory `flock`, released when the process ends however
/// it ends. A file system that cannot lock (some network mounts) is said and not fatal.
pub fn lock(path: &Path, file: &File) -> Result<(), Failure> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd as _;
        // SAFETY: `flock` on a descriptor `file` owns and keeps open for the call.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::WouldBlock {
                return Err(usage(format!(
                    "another export is writing to {} now (it holds the file's lock): let it finish, or choose \
                     another --out",
                    path.display()
                )));
            }
            crate::term::note!(
                "warning: cannot lock {} ({e}): a second export to it at once would not be noticed",
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (path, file);
    Ok(())
}

/// The existing regular file at `path`, open to read and append, with the writer's lock.
pub fn open_locked(path: &Path) -> Result<File, Failure> {
    let file = open_existing(path)?;
    lock(path, &file)?;
    Ok(file)
}

/// A new, empty file at `path`; an existing regular file there is emptied (the caller has
/// made sure that may happen).
pub fn create(path: &Path, existing: Existing) -> Result<File, Failure> {
    match existing {
        Existing::Missing => options()
            .read(true)
            .append(true)
            .create_new(true)
            .open(path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => usage(format!(
                    "{} appeared while the command was starting; run it again",
                    path.display()
                )),
                _ => io_failure(path, "create", e),
            }),
        Existing::Regular { .. } => {
            let file = open_existing(path)?;
            file.set_len(0).map_err(|e| io_failure(path, "empty", e))?;
            Ok(file)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_appeared_after_the_check_is_a_usage_error_and_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, b"someone else's").unwrap();
        let failure = create(&path, Existing::Missing).unwrap_err();
        assert_eq!(failure.code, 2);
        assert!(
            failure
                .message
                .ends_with("appeared while the command was starting; run it again"),
            "{}",
            failure.message
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"someone else's");
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_cannot_be_read_is_an_io_failure_not_a_missing_or_odd_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop");
        std::os::unix::fs::symlink(&path, &path).unwrap();
        let failure = inspect(&path).unwrap_err();
        assert_eq!(failure.code, 1);
        let expected = format!("cannot read {}: ", path.display());
        assert!(failure.message.starts_with(&expected), "{}", failure.message);
    }
}
