//! What can go wrong reading an export's archive.

use std::fmt;

/// Names and reasons longer than this (in bytes) are cut in errors, so an error stays small
/// whatever the archive holds.
const MAX_TEXT: usize = 200;

/// Why reading an export's archive failed, or why one of its lines was skipped.
///
/// [`is_fatal`](Self::is_fatal) tells the two apart: after a fatal error nothing more is read;
/// after a skipped line ([`BadLine`](Self::BadLine), [`LineTooLong`](Self::LineTooLong)) the
/// next users are. Matching is future-proof: new variants may be added, and new fields to a
/// variant (match them with `..`). Member names and reasons are cut to a few hundred bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The file is neither a ZIP nor a gzip archive (judged by its first bytes).
    #[error("not a ZIP or gzip archive: {}", Head(starts_with))]
    #[non_exhaustive]
    NotAnArchive {
        /// The file's first bytes (at most 8; none when it is empty).
        starts_with: Vec<u8>,
    },

    /// The archive could not be read (a file system error, not its content).
    #[error("reading the archive: {0}")]
    Io(#[source] std::io::Error),

    /// The archive is damaged: cut short, a checksum that does not match, bad compressed data.
    #[error("corrupt archive{}: {reason}", In(member))]
    #[non_exhaustive]
    Corrupt {
        /// The ZIP member it was found in; `None` for the archive's structure or a gzip stream.
        member: Option<String>,
        /// What is wrong.
        reason: String,
    },

    /// A ZIP member is stored in a way this reader does not read (encrypted, or compressed
    /// otherwise than with deflate).
    #[error("unsupported archive{}: {reason}", In(member))]
    #[non_exhaustive]
    Unsupported {
        /// The member; `None` for the archive's structure.
        member: Option<String>,
        /// What it uses.
        reason: String,
    },

    /// A ZIP member's name is absolute, has a `..` component, a backslash or a drive letter.
    /// Checked for every member before any user is read.
    #[error("unsafe archive member name {member:?} (absolute, `..`, backslash or drive letter)")]
    #[non_exhaustive]
    UnsafeMemberPath {
        /// The name.
        member: String,
    },

    /// The members inflate to more bytes than [`ArchiveLimits::max_uncompressed_bytes`]
    /// allows (counted as they are read, whatever sizes the archive declares).
    ///
    /// [`ArchiveLimits::max_uncompressed_bytes`]: crate::users::ArchiveLimits::max_uncompressed_bytes
    #[error("the archive inflates to more than {limit} bytes, the limit; reading stopped there")]
    #[non_exhaustive]
    TooLarge {
        /// The limit.
        limit: u64,
    },

    /// The ZIP archive has more entries than [`ArchiveLimits::max_members`] allows.
    ///
    /// [`ArchiveLimits::max_members`]: crate::users::ArchiveLimits::max_members
    #[error("the archive has {members} members, more than the limit of {limit}")]
    #[non_exhaustive]
    TooManyMembers {
        /// Its entries (directories included).
        members: u64,
        /// The limit.
        limit: u64,
    },

    /// A line was longer than [`ArchiveLimits::max_line_bytes`]: skipped (not fatal).
    ///
    /// [`ArchiveLimits::max_line_bytes`]: crate::users::ArchiveLimits::max_line_bytes
    #[error("line {line}{}: longer than {limit} bytes; skipped", Of(member))]
    #[non_exhaustive]
    LineTooLong {
        /// The ZIP member; `None` in a gzip stream.
        member: Option<String>,
        /// The line's number in its member (from 1; blank lines count).
        line: u64,
        /// The limit.
        limit: usize,
    },

    /// A line was not one JSON object: skipped (not fatal).
    #[error("line {line}{}: not a user (one JSON object): {reason}", Of(member))]
    #[non_exhaustive]
    BadLine {
        /// The ZIP member; `None` in a gzip stream.
        member: Option<String>,
        /// The line's number in its member (from 1; blank lines count).
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
}

impl ArchiveError {
    /// False for a skipped line (reading goes on), true for everything else (reading stopped).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, ArchiveError::BadLine { .. } | ArchiveError::LineTooLong { .. })
    }

    pub(crate) fn corrupt(member: Option<&str>, reason: impl fmt::Display) -> Self {
        ArchiveError::Corrupt {
            member: member.map(cut),
            reason: cut(&reason.to_string()),
        }
    }

    pub(crate) fn unsupported(member: Option<&str>, reason: impl fmt::Display) -> Self {
        ArchiveError::Unsupported {
            member: member.map(cut),
            reason: cut(&reason.to_string()),
        }
    }

    pub(crate) fn unsafe_member(member: &str) -> Self {
        ArchiveError::UnsafeMemberPath { member: cut(member) }
    }

    pub(crate) fn bad_line(member: Option<&str>, line: u64, reason: impl fmt::Display) -> Self {
        ArchiveError::BadLine {
            member: member.map(cut),
            line,
            reason: cut(&reason.to_string()),
        }
    }

    pub(crate) fn line_too_long(member: Option<&str>, line: u64, limit: usize) -> Self {
        ArchiveError::LineTooLong {
            member: member.map(cut),
            line,
            limit,
        }
    }
}

/// `text`, cut to [`MAX_TEXT`] bytes at a character boundary (marked with `…`).
fn cut(text: &str) -> String {
    if text.len() <= MAX_TEXT {
        return text.to_owned();
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The first bytes of a file, in hex.
struct Head<'a>(&'a [u8]);

impl fmt::Display for Head<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("the file is empty");
        }
        f.write_str("it starts with")?;
        for byte in self.0 {
            write!(f, " {byte:02x}")?;
        }
        Ok(())
    }
}

/// ` in member "…"`, or nothing.
struct In<'a>(&'a Option<String>);

impl fmt::Display for In<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(member) => write!(f, " in member {member:?}"),
            None => Ok(()),
        }
    }
}

/// ` of member "…"`, or ` of the gzip stream`.
struct Of<'a>(&'a Option<String>);

impl fmt::Display for Of<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(member) => write!(f, " of member {member:?}"),
            None => f.write_str(" of the gzip stream"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_cut_at_a_character_boundary() {
        let long = "é".repeat(MAX_TEXT);
        let cut = cut(&long);
        assert!(cut.len() <= MAX_TEXT + '…'.len_utf8(), "{}", cut.len());
        assert!(cut.ends_with('…'));
        let error = ArchiveError::bad_line(Some(&long), 3, "x".repeat(100_000));
        assert!(error.to_string().len() < 3 * MAX_TEXT + 100, "{error}");
        assert_eq!(super::cut("short"), "short");
    }

    #[test]
    fn displays_say_what_and_where() {
        let error = ArchiveError::bad_line(Some("p/1.txt"), 7, "expected value");
        assert_eq!(
            error.to_string(),
            "line 7 of member \"p/1.txt\": not a user (one JSON object): expected value"
        );
        assert!(!error.is_fatal());
        let error = ArchiveError::line_too_long(None, 2, 16);
        assert_eq!(
            error.to_string(),
            "line 2 of the gzip stream: longer than 16 bytes; skipped"
        );
        assert!(!error.is_fatal());
        let error = ArchiveError::NotAnArchive {
            starts_with: b"<?xml".to_vec(),
        };
        assert_eq!(
            error.to_string(),
            "not a ZIP or gzip archive: it starts with 3c 3f 78 6d 6c"
        );
        assert!(error.is_fatal());
        let error = ArchiveError::corrupt(Some("a.txt"), "CRC mismatch");
        assert_eq!(error.to_string(), "corrupt archive in member \"a.txt\": CRC mismatch");
        assert!(ArchiveError::TooLarge { limit: 5 }.is_fatal());
    }
}
