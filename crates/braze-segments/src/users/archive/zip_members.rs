//! The members of a ZIP archive, one after the other, each checked against its size and CRC.
//!
//! The `zip` crate reads the central directory and finds each member's data; the data are read
//! here, through a second handle on the file, so that a member can be read a line at a time
//! while the archive stays owned beside it (a `zip::read::ZipFile` borrows its archive).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Take};

use flate2::Crc;
use flate2::read::DeflateDecoder;
use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use super::{ArchiveError, ArchiveLimits};

/// The members of a ZIP archive still to read.
pub(super) struct ZipMembers {
    archive: ZipArchive<File>,
    /// The same file, opened again: members are read through clones of it. (All handles share
    /// one offset: each member seeks to its data, and only one is read at a time.)
    file: File,
    next: usize,
}

impl ZipMembers {
    /// Reads the central directory, and refuses an archive with too many members or an unsafe
    /// member name before anything is read from a member.
    pub(super) fn open(file: File, limits: &ArchiveLimits) -> Result<Self, ArchiveError> {
        let clone = file.try_clone().map_err(ArchiveError::Io)?;
        let archive = ZipArchive::new(file).map_err(|e| zip_error(None, e))?;
        let members = archive.len() as u64;
        if members > limits.max_members {
            return Err(ArchiveError::TooManyMembers {
                members,
                limit: limits.max_members,
            });
        }
        if let Some(name) = archive.file_names().find(|name| !is_safe_name(name)) {
            return Err(ArchiveError::unsafe_member(name));
        }
        let mut archive = archive;
        check_no_overlap(&mut archive)?;
        Ok(Self {
            archive,
            file: clone,
            next: 0,
        })
    }

    /// The next member holding data (directories are passed over), ready to read; `None`
    /// after the last.
    pub(super) fn next_member(&mut self) -> Result<Option<ZipMember>, ArchiveError> {
        while self.next < self.archive.len() {
            let index = self.next;
            self.next += 1;
            let name = self.archive.name_for_index(index).unwrap_or_default().to_owned();
            let entry = self
                .archive
                .by_index_raw(index)
                .map_err(|e| zip_error(Some(&name), e))?;
            if entry.is_dir() {
                continue;
            }
            if entry.encrypted() {
                return Err(ArchiveError::unsupported(Some(&name), "the member is encrypted"));
            }
            let deflated = match entry.compression() {
                CompressionMethod::Stored => false,
                CompressionMethod::Deflated => true,
                other => {
                    return Err(ArchiveError::unsupported(
                        Some(&name),
                        format!("compression method {other}"),
                    ));
                }
            };
            let Some(start) = entry.data_start() else {
                return Err(ArchiveError::corrupt(
                    Some(&name),
                    "the member's data could not be found",
                ));
            };
            let (compressed, expected_crc, expected_size) = (entry.compressed_size(), entry.crc32(), entry.size());
            drop(entry);
            self.file.seek(SeekFrom::Start(start)).map_err(ArchiveError::Io)?;
            let raw = self.file.try_clone().map_err(ArchiveError::Io)?.take(compressed);
            let data = if deflated {
                Data::Deflated(DeflateDecoder::new(raw))
            } else {
                Data::Stored(raw)
            };
            return Ok(Some(ZipMember {
                name,
                data,
                crc: Crc::new(),
                size: 0,
                expected_crc,
                expected_size,
            }));
        }
        Ok(None)
    }
}

/// Refuses an archive whose members share compressed data: a handful of bytes deflated once
/// and listed by thousands of members is a known decompression bomb (and no archive a real
/// writer makes).
fn check_no_overlap(archive: &mut ZipArchive<File>) -> Result<(), ArchiveError> {
    let mut spans = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|e| zip_error(None, e))?;
        if let Some(start) = entry.data_start() {
            spans.push((
                start,
                start.saturating_add(entry.compressed_size()),
                entry.name().to_owned(),
            ));
        }
    }
    spans.sort_unstable_by_key(|(start, end, _)| (*start, *end));
    for pair in spans.windows(2) {
        let ((_, end, first), (start, _, second)) = (&pair[0], &pair[1]);
        if start < end {
            return Err(ArchiveError::corrupt(
                Some(second),
                format!("its data overlaps the data of {first:?} (members sharing data: a decompression bomb)"),
            ));
        }
    }
    Ok(())
}

/// One member's content, inflated. Reading fails (`InvalidData`) when it inflates to another
/// size than the archive declares or does not match its CRC-32; it never reads past its own
/// compressed data.
pub(super) struct ZipMember {
    name: String,
    data: Data,
    crc: Crc,
    size: u64,
    expected_crc: u32,
    expected_size: u64,
}

enum Data {
    Stored(Take<File>),
    Deflated(DeflateDecoder<Take<File>>),
}

impl ZipMember {
    /// The member's name in the archive.
    pub(super) fn name(&self) -> &str {
        &self.name
    }
}

impl Read for ZipMember {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match &mut self.data {
            Data::Stored(raw) => raw.read(buf)?,
            Data::Deflated(inflate) => inflate.read(buf)?,
        };
        self.crc.update(&buf[..n]);
        self.size += n as u64;
        let declared = self.expected_size;
        if self.size > declared || (n == 0 && !buf.is_empty() && self.size < declared) {
            let read = self.size;
            let message = format!("the member inflates to {read}+ bytes, {declared} declared");
            return Err(io::Error::new(io::ErrorKind::InvalidData, message));
        }
        if n == 0 && !buf.is_empty() && self.crc.sum() != self.expected_crc {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "CRC-32 mismatch"));
        }
        Ok(n)
    }
}

/// Whether a member name is a plain relative path: not absolute, no `..` component, no
/// backslash, no drive letter, no NUL.
fn is_safe_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    !(drive
        || name.starts_with('/')
        || name.contains(['\\', '\0'])
        || name.split('/').any(|component| component == ".."))
}

fn zip_error(member: Option<&str>, error: ZipError) -> ArchiveError {
    match error {
        ZipError::Io(e) if e.kind() != io::ErrorKind::UnexpectedEof => ArchiveError::Io(e),
        ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_) => {
            ArchiveError::unsupported(member, error)
        }
        other => ArchiveError::corrupt(member, other),
    }
}

#[cfg(test)]
mod tests {
    use super::is_safe_name;

    #[test]
    fn only_plain_relative_names_are_safe() {
        for name in ["a.txt", "prefix/1.txt", "dir/", "a..b/c", ".hidden", "x/./y"] {
            assert!(is_safe_name(name), "{name}");
        }
        for name in [
            "../evil.txt",
            "a/../../b",
            "/abs",
            "C:evil",
            "c:/x",
            "a\\b",
            "..",
            "a/..",
            "nul\0",
        ] {
            assert!(!is_safe_name(name), "{name}");
        }
    }
}
