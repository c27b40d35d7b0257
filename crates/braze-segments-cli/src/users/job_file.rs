//! The job file of a detached users export: `users --detach --job FILE` writes it once Braze has
//! started the export, and `users --job FILE --out …` reads it later, from any process, to wait
//! for and download that export.
//!
//! - It holds the segment, the fields asked for, Braze's object prefix and download link, the
//!   start time, and the workspace it belongs to: the endpoint and a salted fingerprint of the
//!   key ([`crate::workspace`]), never the key. A job file of another endpoint or key is refused.
//! - The link is a secret while it lives (anyone holding it can download the users): the file is
//!   created with mode 0600 and the link is never printed.
//! - It is created new (an existing file is never replaced) before the export starts, so a path
//!   that cannot be written stops nothing at Braze; it is removed again when the start fails.
//! - A job file is never an output: `--out` refuses one ([`is_job_file`], by what it holds).
//! - A job whose link has expired (by the expiry the link carries), or whose export a pick-up
//!   cancelled at Braze (marked `cancelled_at` in the file), is refused before any request:
//!   start a new export.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use braze_segments::UsersExportJob;
use serde::{Deserialize, Serialize};

use crate::term::{brief, shown};
use crate::workspace::{fingerprint, new_salt, Workspace};
use crate::Failure;

/// The key that marks a job file as ours; its value is the layout's version.
pub const MARK: &str = "braze_segments_users_job";

const VERSION: u64 = 1;

/// The most a job file of ours holds (the fields asked for are most of it).
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// How a job file of ours starts: compact JSON, its mark first.
const START: &[u8] = b"{\"braze_segments_users_job\":";

#[derive(Serialize, Deserialize)]
struct JobFile {
    braze_segments_users_job: u64,
    endpoint: String,
    key_salt: String,
    key_sha256: String,
    fields: Vec<String>,
    job: UsersExportJob,
    /// When a pick-up had the export cancelled at Braze: the job is over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cancelled_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a job file says: the export and the fields it was started with.
#[derive(Debug)]
pub struct Job {
    pub job: UsersExportJob,
    pub fields: Vec<String>,
    endpoint: String,
    key_salt: String,
    key_sha256: String,
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// A job file created (empty, mode 0600) before the export starts.
pub struct Reserved {
    path: PathBuf,
    file: File,
}

/// Creates the job file at `path`, new: an existing file of any kind is never replaced.
pub fn reserve(path: &Path) -> Result<Reserved, Failure> {
    if crate::out_file::notes::refuse_as_output(path).is_err() {
        return Err(usage(format!(
            "{} is a file of braze-segments (an export's notes file or a job file): choose another --job",
            path.display()
        )));
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(file) => Ok(Reserved {
            path: path.to_owned(),
            file,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(usage(format!(
            "{} already exists: a job file is always a new file; choose another --job",
            path.display()
        ))),
        Err(e) => Err(usage(format!("the job file {} cannot be created: {e}", path.display()))),
    }
}

impl Reserved {
    /// Writes the started `job` into the file, whole, to disk.
    pub fn write(mut self, workspace: &Workspace, fields: &[String], job: &UsersExportJob) -> Result<PathBuf, String> {
        let key_salt = new_salt();
        let content = JobFile {
            braze_segments_users_job: VERSION,
            endpoint: workspace.endpoint.clone(),
            key_sha256: fingerprint(&key_salt, &workspace.key),
            key_salt,
            fields: fields.to_vec(),
            job: job.clone(),
            cancelled_at: None,
        };
        let mut text = serde_json::to_vec(&content).expect("a job serializes");
        if text.len() as u64 > MAX_BYTES {
            let why = format!("the job would not fit in a job file ({} bytes)", text.len());
            self.abandon();
            return Err(why);
        }
        text.push(b'\n');
        let written = self.file.write_all(&text).and_then(|()| self.file.sync_all());
        match written {
            Ok(()) => Ok(self.path),
            Err(e) => {
                let why = format!("writing the job file {} failed: {e}", self.path.display());
                self.abandon();
                Err(why)
            }
        }
    }

    /// The start failed: the file goes, if it is still the one created here (not a file put
    /// at its path meanwhile).
    pub fn abandon(self) {
        if same_file(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether `path` still names the open `file`.
fn same_file(file: &File, path: &Path) -> bool {
    let (Ok(open), Ok(named)) = (file.metadata(), std::fs::symlink_metadata(path)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        open.dev() == named.dev() && open.ino() == named.ino()
    }
    #[cfg(not(unix))]
    {
        named.is_file() && open.len() == named.len()
    }
}

/// Marks the job file at `path` as over: a pick-up had its export cancelled at Braze. Written
/// whole (a new file renamed over it), and only over a job file of ours. Best effort: says
/// what went wrong.
pub fn mark_cancelled(path: &Path) -> Result<(), String> {
    let bytes = small_regular_file(path)
        .ok()
        .flatten()
        .ok_or_else(|| "it can no longer be read".to_owned())?;
    let mut file: JobFile = serde_json::from_slice(&bytes).map_err(|_| "it is no longer a job file".to_owned())?;
    file.cancelled_at = Some(chrono::Utc::now());
    let mut text = serde_json::to_vec(&file).expect("a job serializes");
    text.push(b'\n');
    crate::out_file::notes::write_whole(path, &text, true).map_err(|e| e.to_string())
}

/// The bytes at `path` if it is a regular file no larger than a job file of ours.
fn small_regular_file(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    File::open(path)?.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Whether `path` holds a job file of ours (following links): a regular file that starts as
/// ours do.
pub fn is_job_file(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let mut start = Vec::with_capacity(START.len());
    meta.is_file()
        && File::open(path)
            .and_then(|f| f.take(START.len() as u64).read_to_end(&mut start))
            .is_ok()
        && start == START
}

/// Reads the job file at `path`: ours, of this version, with a link that has not expired.
/// Whose workspace it is, [`Job::check_workspace`] says once the connection is known.
pub fn read(path: &Path) -> Result<Job, Failure> {
    let name = path.display();
    let bytes = match small_regular_file(path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Err(usage(format!(
                "{name} is not a job file of `users --detach` (not a regular file of at most 4 MiB)"
            )))
        }
        Err(e) => return Err(usage(format!("the job file {name} cannot be read: {e}"))),
    };
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| usage(format!("{name} is not a job file of `users --detach` (not JSON)")))?;
    match value.get(MARK).and_then(serde_json::Value::as_u64) {
        Some(VERSION) => {}
        Some(other) => {
            return Err(usage(format!(
                "{name} is a job file of another version ({other}) of braze-segments"
            )))
        }
        None => return Err(usage(format!("{name} is not a job file of `users --detach`"))),
    }
    let file: JobFile = serde_json::from_value(value)
        .map_err(|e| usage(format!("the job file {name} cannot be read: {}", brief(&e.to_string()))))?;
    if file.fields.is_empty() {
        return Err(usage(format!("the job file {name} names no field")));
    }
    if file.job.goes_to_own_bucket() {
        return Err(usage(format!(
            "the job file {name} has no download link (the export goes to the workspace's own bucket)"
        )));
    }
    if let Some(expired) = file.job.link_expires_at().filter(|at| *at <= chrono::Utc::now()) {
        return Err(usage(format!(
            "the export the job file {name} names has expired (its link ended at {}): start a new export",
            expired.to_rfc3339()
        )));
    }
    if let Some(at) = file.cancelled_at {
        return Err(usage(format!(
            "the export the job file {name} names was cancelled at Braze (at {}): start a new export",
            at.to_rfc3339()
        )));
    }
    Ok(Job {
        job: file.job,
        fields: file.fields,
        endpoint: file.endpoint,
        key_salt: file.key_salt,
        key_sha256: file.key_sha256,
    })
}

impl Job {
    /// Refuses a job of another endpoint or key than this run's: its link would be downloaded,
    /// and its export cancelled on a give-up, in the name of another workspace.
    pub fn check_workspace(&self, workspace: &Workspace, path: &Path) -> Result<(), Failure> {
        let name = path.display();
        if self.endpoint != workspace.endpoint {
            return Err(usage(format!(
                "the job file {name} belongs to another endpoint ({}; this run uses {})",
                shown(&self.endpoint),
                shown(&workspace.endpoint)
            )));
        }
        if fingerprint(&self.key_salt, &workspace.key) != self.key_sha256 {
            return Err(usage(format!(
                "the job file {name} belongs to another API key than this run's"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandoning_removes_only_the_file_it_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.json");
        reserve(&path).ok().unwrap().abandon();
        assert!(!path.exists());
        // A file put at the path meanwhile (another's) stays.
        let reserved = reserve(&path).ok().unwrap();
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "mine").unwrap();
        reserved.abandon();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
        assert!(!is_job_file(&path));
    }
}
