//! The paths `users` writes, checked before anything is sent: what could only fail after an
//! export of hours (a directory that does not exist or cannot be written, an archive kept over
//! the output) fails at once instead, with exit code 2.

use std::path::{Path, PathBuf};

use crate::Failure;

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// Where `path` leads: the file itself when it exists (through every link), else its directory
/// resolved (through links) and its name; absolute either way. Two paths that lead to the same
/// file resolve alike, however they are written (`./a` and `a`, a link to a directory).
pub fn resolved(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => match std::fs::canonicalize(dir) {
            Ok(dir) => dir.join(name),
            Err(_) => absolute,
        },
        _ => absolute,
    }
}

/// The file a write to `out` replaces: the link's final target when `out` is a symbolic link
/// (so the link stays a link, as when a file is written in place), else `out`.
pub fn write_target(out: &Path) -> PathBuf {
    match std::fs::symlink_metadata(out) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(out).unwrap_or_else(|_| out.to_owned()),
        _ => out.to_owned(),
    }
}

/// The directory a file at `path` is created in (`.` for a bare name).
pub fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// `--keep-archive` must name a new path, and not the one `--out` writes (the users would
/// replace the archive, or the archive block the users).
pub fn check_keep(keep: &Path, out: Option<&Path>) -> Result<(), Failure> {
    if std::fs::symlink_metadata(keep).is_ok() {
        return Err(usage(format!(
            "--keep-archive {} already exists: the archive never replaces a file; choose a new path",
            keep.display()
        )));
    }
    if let Some(out) = out {
        let kept = resolved(keep);
        if kept == resolved(out) {
            return Err(usage(format!(
                "--keep-archive {} and --out {} are the same file ({}): give the archive its own path",
                keep.display(),
                out.display(),
                kept.display()
            )));
        }
    }
    Ok(())
}

/// Checks that files can be created in `dir` (an existing, writable directory) by creating and
/// removing one. `what` says which directory it is, for the message.
pub fn check_writable_dir(dir: &Path, what: &str) -> Result<(), Failure> {
    let shown = dir.display();
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(usage(format!("{what}, {shown}, is not a directory"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(usage(format!("{what}, {shown}, does not exist")))
        }
        Err(e) => return Err(usage(format!("{what}, {shown}, cannot be read: {e}"))),
    }
    tempfile::Builder::new()
        .prefix(".braze-users-probe-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| usage(format!("{what}, {shown}, cannot be written: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_to_one_file_resolve_alike() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        let file = real.join("a");
        let link = real.join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let dotted = real.join(".").join("sub").join("..").join("a");
        std::fs::create_dir(real.join("sub")).unwrap();
        for path in [&file, &link.join("a"), &dotted] {
            assert_eq!(resolved(path), file, "{path:?} (missing)");
        }
        std::fs::write(&file, "x").unwrap();
        let file_link = real.join("file-link");
        std::os::unix::fs::symlink(&file, &file_link).unwrap();
        for path in [&file, &link.join("a"), &dotted, &file_link] {
            assert_eq!(resolved(path), file, "{path:?} (existing)");
        }
        assert!(resolved(Path::new("x")).is_absolute());
    }

    #[test]
    fn a_directory_must_exist_and_take_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_writable_dir(dir.path(), "the directory").is_ok());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the probe is removed"
        );
        let missing = dir.path().join("missing");
        let failure = check_writable_dir(&missing, "the directory").unwrap_err();
        assert_eq!(failure.code, 2);
        assert!(failure.message.ends_with("does not exist"), "{}", failure.message);
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let failure = check_writable_dir(&file, "the directory").unwrap_err();
        assert!(failure.message.ends_with("is not a directory"), "{}", failure.message);
    }
}
