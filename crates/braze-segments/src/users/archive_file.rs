//! The downloaded archive on disk: a temporary file removed when dropped, unless kept.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::users::stream::UserStream;
use crate::users::{ArchiveFormat, ArchiveLimits, DownloadError};

/// A users export's archive on disk (ZIP or gzip of newline-delimited JSON users). A downloaded
/// archive is a temporary file, removed when this is dropped unless [`keep`](Self::keep) moved
/// it somewhere.
#[derive(Debug)]
pub struct UsersArchive {
    file: Place,
    bytes: u64,
    format: ArchiveFormat,
}

#[derive(Debug)]
enum Place {
    Temporary(NamedTempFile),
    Kept(PathBuf),
}

impl UsersArchive {
    /// An archive already on disk (kept from an earlier download, or made by other means).
    pub fn open(path: impl AsRef<Path>) -> std::io::Result<UsersArchive> {
        let path = path.as_ref();
        let mut file = File::open(path)?;
        let bytes = file.metadata()?.len();
        let format = sniff(&mut file)?
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "not a ZIP or gzip archive"))?;
        Ok(UsersArchive {
            file: Place::Kept(path.to_owned()),
            bytes,
            format,
        })
    }

    /// Where the archive is.
    pub fn path(&self) -> &Path {
        match &self.file {
            Place::Temporary(file) => file.path(),
            Place::Kept(path) => path,
        }
    }

    /// Its size in bytes.
    pub fn len(&self) -> u64 {
        self.bytes
    }

    /// True when it holds no bytes (never, for an archive that opened).
    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    /// ZIP or gzip.
    pub fn format(&self) -> ArchiveFormat {
        self.format
    }

    /// Moves the archive to `path`, which must not exist (an existing file is never replaced):
    /// a rename when it is on the same file system, else a copy. On failure the archive stays
    /// where it was, still readable.
    pub fn keep(&mut self, path: impl AsRef<Path>) -> std::io::Result<()> {
        let path = path.as_ref();
        let place = std::mem::replace(&mut self.file, Place::Kept(PathBuf::new()));
        let (place, result) = match place {
            Place::Temporary(temp) => match temp.persist_noclobber(path) {
                Ok(_) => (Place::Kept(path.to_owned()), Ok(())),
                Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                    (Place::Temporary(e.file), Err(e.error))
                }
                // Another file system: copy into a new file, never over an existing one.
                Err(e) => match copy_new(e.file.path(), path) {
                    Ok(()) => (Place::Kept(path.to_owned()), Ok(())),
                    Err(error) => (Place::Temporary(e.file), Err(error)),
                },
            },
            Place::Kept(from) if from == path => (Place::Kept(from), Ok(())),
            Place::Kept(from) => match copy_new(&from, path) {
                Ok(()) => (Place::Kept(path.to_owned()), Ok(())),
                Err(error) => (Place::Kept(from), Err(error)),
            },
        };
        self.file = place;
        result
    }

    /// The users in the archive, read on a blocking thread with flat memory whatever its size:
    /// each a [`UserRecord`](crate::UserRecord), or an [`ArchiveError`](crate::ArchiveError)
    /// (a line that is not JSON is reported with its file and line, and reading goes on; a
    /// corrupt or hostile archive ends the stream with a fatal error).
    pub fn users(&self, limits: ArchiveLimits) -> UserStream {
        UserStream::read(File::open(self.path()), limits)
    }
}

/// Copies `from` into a new file at `to` (never over an existing one); a partial copy is removed.
fn copy_new(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut to_file = std::fs::OpenOptions::new().write(true).create_new(true).open(to)?;
    let copied = File::open(from)
        .and_then(|mut from| std::io::copy(&mut from, &mut to_file))
        .and_then(|_| to_file.sync_all());
    if copied.is_err() {
        drop(to_file);
        let _ = std::fs::remove_file(to);
    }
    copied
}

/// The archive's format from its first bytes, if it is one.
fn sniff(file: &mut File) -> std::io::Result<Option<ArchiveFormat>> {
    let mut head = [0u8; 4];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(ArchiveFormat::detect(&head[..read]))
}

/// The temporary file a download writes, in batches written on a blocking thread.
pub(crate) struct Sink {
    file: Option<NamedTempFile>,
    pending: Vec<u8>,
    written: u64,
}

/// Bytes gathered before a write.
const BATCH: usize = 1 << 20;

impl Sink {
    pub(crate) async fn create(dir: Option<&Path>) -> Result<Sink, DownloadError> {
        let dir = dir.map(Path::to_owned).unwrap_or_else(std::env::temp_dir);
        let file = blocking(move || {
            tempfile::Builder::new()
                .prefix(".braze-users-export-")
                .suffix(".part")
                .tempfile_in(dir)
        })
        .await
        .map_err(|source| DownloadError::Io {
            action: "create",
            source,
        })?;
        Ok(Sink {
            file: Some(file),
            pending: Vec::with_capacity(BATCH),
            written: 0,
        })
    }

    /// Bytes received so far.
    pub(crate) fn len(&self) -> u64 {
        self.written + self.pending.len() as u64
    }

    pub(crate) async fn write(&mut self, chunk: &[u8]) -> Result<(), DownloadError> {
        self.pending.extend_from_slice(chunk);
        if self.pending.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), DownloadError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut file = self.file.take().ok_or_else(gone)?;
        let batch = std::mem::take(&mut self.pending);
        let (file, batch, result) = blocking(move || {
            let result = file.write_all(&batch);
            Ok((file, batch, result))
        })
        .await
        .map_err(|source| DownloadError::Io {
            action: "write",
            source,
        })?;
        self.file = Some(file);
        result.map_err(|source| DownloadError::Io {
            action: "write",
            source,
        })?;
        self.written += batch.len() as u64;
        self.pending = batch;
        self.pending.clear();
        Ok(())
    }

    /// Empties the file, for a download that starts over.
    pub(crate) async fn restart(&mut self) -> Result<(), DownloadError> {
        self.pending.clear();
        let file = self.file.take().ok_or_else(gone)?;
        let file = blocking(move || {
            file.as_file().set_len(0)?;
            let mut file = file;
            file.seek(SeekFrom::Start(0))?;
            Ok(file)
        })
        .await
        .map_err(|source| DownloadError::Io {
            action: "truncate",
            source,
        })?;
        self.file = Some(file);
        self.written = 0;
        Ok(())
    }

    /// Writes what is left and checks the file is an archive.
    pub(crate) async fn finish(mut self) -> Result<UsersArchive, DownloadError> {
        self.flush().await?;
        let file = self.file.take().ok_or_else(gone)?;
        let bytes = self.written;
        let (file, format, head) = blocking(move || {
            file.as_file().sync_all()?;
            let mut reader = file.reopen()?;
            let format = sniff(&mut reader)?;
            let mut head = [0u8; 16];
            let n = reader.read(&mut head)?;
            Ok((file, format, head[..n].to_vec()))
        })
        .await
        .map_err(|source| DownloadError::Io { action: "read", source })?;
        let Some(format) = format else {
            return Err(DownloadError::NotAnArchive {
                starts: head.escape_ascii().to_string(),
            });
        };
        Ok(UsersArchive {
            file: Place::Temporary(file),
            bytes,
            format,
        })
    }
}

fn gone() -> DownloadError {
    DownloadError::Io {
        action: "write",
        source: std::io::Error::other("the temporary file was lost after a failed write"),
    }
}

/// Runs file work on the blocking pool.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> std::io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(format!("file work stopped: {e}"))))
}
