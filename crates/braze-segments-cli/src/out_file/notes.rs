//! An export's notes file, `FILE.braze-export.json` (what it holds is the export's own business:
//! [`crate::export`]'s sidecar): where it is, whether a file is one, and the rule that no command
//! ever writes its output there — that would destroy what makes the export resumable.

use std::path::{Path, PathBuf};

use crate::Failure;

/// What a notes file's name adds to its export's.
pub const SUFFIX: &str = ".braze-export.json";

/// The key that marks a notes file as one of ours; its value is the layout's version.
pub const MARK: &str = "braze_segments_export";

/// The most a notes file of ours holds.
const MAX_BYTES: u64 = 64 * 1024;

/// The notes file's path: the export file's with [`SUFFIX`] added.
pub fn path_of(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(SUFFIX);
    PathBuf::from(name)
}

/// What is at a notes file's path.
pub enum Read {
    Missing,
    /// A JSON object carrying [`MARK`], with that version: written by braze-segments.
    Marked {
        version: u64,
        value: serde_json::Value,
    },
    /// Something else: never replaced. The text says what.
    Other(String),
}

/// Reads what is at `path` (following links), up to the most a notes file holds.
pub fn read(path: &Path) -> std::io::Result<Read> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Read::Missing),
        Err(e) => return Err(e),
    };
    if !meta.is_file() {
        return Ok(Read::Other("it is not a regular file".into()));
    }
    if meta.len() > MAX_BYTES {
        return Ok(Read::Other("it is larger than any sidecar of ours".into()));
    }
    let text = std::fs::read(path)?;
    let value: Option<serde_json::Value> = serde_json::from_slice(&text).ok();
    match value
        .as_ref()
        .and_then(|v| v.get(MARK))
        .and_then(serde_json::Value::as_u64)
    {
        Some(version) => Ok(Read::Marked {
            version,
            value: value.unwrap_or_default(),
        }),
        None => Ok(Read::Other("it was not written by braze-segments".into())),
    }
}

/// Refuses an `--out` that is an export's notes file: by its name, or by what it holds when it
/// is reached another way (a link); or a users job file, by what it holds. Exit code 2.
pub fn refuse_as_output(out: &Path) -> Result<(), Failure> {
    if crate::users::job_file::is_job_file(out) {
        return Err(Failure {
            code: 2,
            message: format!(
                "{} is a users job file (`users --detach`): it is never written as an output; choose another path",
                out.display()
            ),
        });
    }
    let named = out.to_string_lossy().ends_with(SUFFIX);
    if named || matches!(read(out), Ok(Read::Marked { .. })) {
        return Err(Failure {
            code: 2,
            message: format!(
                "{} is an export's notes file ({SUFFIX}): it is never written as an output; choose another --out",
                out.display()
            ),
        });
    }
    Ok(())
}

/// Writes `bytes` at `path` whole or not at all: a new file beside it (mode 0600 when
/// `private`), synced, then renamed over it. The files of ours beside an output (an export's
/// notes file, a users job file) are written so.
pub fn write_whole(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut temp = path.as_os_str().to_owned();
    temp.push(format!(".{}.tmp", crate::workspace::hex(&rand::random::<[u8; 6]>())));
    let temp = PathBuf::from(temp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let written = options
        .open(&temp)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
