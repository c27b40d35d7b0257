//! Reading an export's archive (a ZIP of NDJSON members, or a gzip stream of NDJSON) into users,
//! within limits, line by line.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use super::UserRecord;
use super::lines::{Line, LineReader};

mod limits;
mod zip_members;

pub use super::errors::ArchiveError;
pub use limits::ArchiveLimits;
use zip_members::{ZipMember, ZipMembers};

/// The kinds of archive Braze serves an export in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArchiveFormat {
    /// A ZIP archive of newline-delimited JSON members (`output_format` `zip`, the default).
    Zip,
    /// A gzip stream (possibly of several gzip members) of newline-delimited JSON
    /// (`output_format` `gzip`).
    Gzip,
}

impl ArchiveFormat {
    /// Every format, as the spec's `UsersExportOutputFormat` lists them (`cargo xtask check`
    /// compares the two).
    pub const ALL: [ArchiveFormat; 2] = [ArchiveFormat::Zip, ArchiveFormat::Gzip];

    /// The format a file's first bytes announce: `PK\x03\x04` (or `PK\x05\x06`, an empty ZIP)
    /// or `\x1f\x8b`; `None` for anything else.
    pub fn detect(head: &[u8]) -> Option<ArchiveFormat> {
        match head {
            [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => Some(ArchiveFormat::Zip),
            [0x1f, 0x8b, ..] => Some(ArchiveFormat::Gzip),
            _ => None,
        }
    }
}

/// Reads an export's archive from a file, yielding its users in order: ZIP members in the
/// order the archive lists them, lines in order. Skipped lines are yielded as non-fatal
/// errors; after a fatal error the iterator ends.
pub(crate) struct ArchiveReader {
    limits: ArchiveLimits,
    format: ArchiveFormat,
    source: Source,
    /// The ZIP member being read.
    member: Option<String>,
    lines: LineReader,
    inflated: u64,
    users: u64,
    bad_lines: u64,
    done: bool,
}

enum Source {
    /// The members, and the one being read.
    Zip(ZipMembers, Option<ZipMember>),
    Gzip(MultiGzDecoder<File>),
}

impl ArchiveReader {
    /// Opens the archive in `file` (from its start), judging its format by its first bytes. A
    /// ZIP archive's central directory is read, and its member names checked, here.
    pub(crate) fn open(mut file: File, limits: ArchiveLimits) -> Result<Self, ArchiveError> {
        file.seek(SeekFrom::Start(0)).map_err(ArchiveError::Io)?;
        let mut head = [0; 8];
        let read = read_head(&mut file, &mut head).map_err(ArchiveError::Io)?;
        let Some(format) = ArchiveFormat::detect(&head[..read]) else {
            return Err(ArchiveError::NotAnArchive {
                starts_with: head[..read].to_vec(),
            });
        };
        file.seek(SeekFrom::Start(0)).map_err(ArchiveError::Io)?;
        let source = match format {
            ArchiveFormat::Zip => Source::Zip(ZipMembers::open(file, &limits)?, None),
            ArchiveFormat::Gzip => Source::Gzip(MultiGzDecoder::new(file)),
        };
        Ok(Self {
            lines: LineReader::new(limits.max_line_bytes),
            limits,
            format,
            source,
            member: None,
            inflated: 0,
            users: 0,
            bad_lines: 0,
            done: false,
        })
    }

    /// The archive's format.
    pub(crate) fn format(&self) -> ArchiveFormat {
        self.format
    }

    /// Users yielded so far.
    pub(crate) fn users(&self) -> u64 {
        self.users
    }

    /// Lines skipped so far (not JSON objects, or too long).
    pub(crate) fn bad_lines(&self) -> u64 {
        self.bad_lines
    }

    /// Bytes inflated so far, all members together.
    pub(crate) fn inflated_bytes(&self) -> u64 {
        self.inflated
    }

    /// The next user, skipped line or fatal error; `None` at the end.
    fn read_next(&mut self) -> Option<Result<UserRecord, ArchiveError>> {
        loop {
            let reader: &mut dyn Read = match &mut self.source {
                Source::Gzip(gzip) => gzip,
                Source::Zip(members, current) => {
                    if current.is_none() {
                        let next = match members.next_member() {
                            Ok(Some(next)) => next,
                            Ok(None) => return None,
                            Err(e) => return Some(Err(e)),
                        };
                        self.member = Some(next.name().to_owned());
                        self.lines.reset();
                        *current = Some(next);
                    }
                    match current {
                        Some(current) => current,
                        None => return None,
                    }
                }
            };
            let mut budget = Budget {
                inner: reader,
                inflated: &mut self.inflated,
                cap: self.limits.max_uncompressed_bytes,
            };
            let member = self.member.as_deref();
            let line = match self.lines.next_line(&mut budget) {
                Ok(line) => line,
                Err(e) => return Some(Err(read_error(&self.limits, self.inflated, member, e))),
            };
            match line {
                None => match &mut self.source {
                    Source::Zip(_, current) => *current = None,
                    Source::Gzip(_) => return None,
                },
                Some((_, Line::Text(text))) if text.iter().all(u8::is_ascii_whitespace) => {}
                Some((line_no, Line::Text(text))) => {
                    return Some(match UserRecord::from_json_line(text) {
                        Ok(user) => {
                            self.users += 1;
                            Ok(user)
                        }
                        Err(e) => {
                            self.bad_lines += 1;
                            Err(ArchiveError::bad_line(member, line_no, e))
                        }
                    });
                }
                Some((line_no, Line::TooLong)) => {
                    self.bad_lines += 1;
                    let limit = self.limits.max_line_bytes;
                    return Some(Err(ArchiveError::line_too_long(member, line_no, limit)));
                }
            }
        }
    }
}

/// What a failed read means: over the cap, damaged data, or the file system.
fn read_error(limits: &ArchiveLimits, inflated: u64, member: Option<&str>, error: io::Error) -> ArchiveError {
    if inflated > limits.max_uncompressed_bytes {
        return ArchiveError::TooLarge {
            limit: limits.max_uncompressed_bytes,
        };
    }
    match error.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof => {
            ArchiveError::corrupt(member, error)
        }
        _ => ArchiveError::Io(error),
    }
}

impl Iterator for ArchiveReader {
    type Item = Result<UserRecord, ArchiveError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.read_next();
        self.done = match &item {
            None => true,
            Some(Err(e)) => e.is_fatal(),
            Some(Ok(_)) => false,
        };
        item
    }
}

/// Counts the bytes inflated, all members together, and fails once they pass the cap: it
/// never asks for more than one byte past it.
struct Budget<'a> {
    inner: &'a mut dyn Read,
    inflated: &'a mut u64,
    cap: u64,
}

impl Read for Budget<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.cap.saturating_sub(*self.inflated).saturating_add(1);
        if *self.inflated > self.cap {
            return Err(io::Error::other("over the uncompressed size limit"));
        }
        let room = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..room])?;
        *self.inflated += n as u64;
        if *self.inflated > self.cap {
            return Err(io::Error::other("over the uncompressed size limit"));
        }
        Ok(n)
    }
}

/// Reads up to `head.len()` bytes from the start of `file`; how many it got.
fn read_head(file: &mut File, head: &mut [u8]) -> io::Result<usize> {
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(read)
}

/// What reading a whole archive gave (see [`read_archive_file`]).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ArchiveTally {
    /// The archive's format.
    pub format: ArchiveFormat,
    /// Users read.
    pub users: u64,
    /// Lines skipped (not JSON objects, or too long).
    pub bad_lines: u64,
    /// Bytes inflated, all members together.
    pub inflated_bytes: u64,
}

/// Reads every user of the archive at `path` and drops them: for benchmarks. Fails on the first
/// fatal error; skipped lines are counted.
#[doc(hidden)]
pub fn read_archive_file(path: &Path, limits: ArchiveLimits) -> Result<ArchiveTally, ArchiveError> {
    let file = File::open(path).map_err(ArchiveError::Io)?;
    let mut reader = ArchiveReader::open(file, limits)?;
    for item in reader.by_ref() {
        if let Err(e) = item
            && e.is_fatal()
        {
            return Err(e);
        }
    }
    Ok(ArchiveTally {
        format: reader.format(),
        users: reader.users(),
        bad_lines: reader.bad_lines(),
        inflated_bytes: reader.inflated_bytes(),
    })
}

#[cfg(test)]
mod tests;
