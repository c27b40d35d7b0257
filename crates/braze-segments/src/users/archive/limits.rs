//! How much of an archive a reader accepts.

/// Bounds on what reading an export's archive may take, set with builder-style setters from
/// [`ArchiveLimits::default`]: they keep a damaged or hostile archive (a decompression bomb, a
/// line without end, millions of members) from exhausting memory or disk.
///
/// ```
/// use braze_segments::ArchiveLimits;
/// let limits = ArchiveLimits::default()
///     .max_uncompressed_bytes(8 << 30)
///     .max_line_bytes(1 << 20);
/// assert_eq!(limits.uncompressed_bytes_limit(), 8 << 30);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub struct ArchiveLimits {
    pub(super) max_uncompressed_bytes: u64,
    pub(super) max_line_bytes: usize,
    pub(super) max_members: u64,
}

impl Default for ArchiveLimits {
    /// 64 GiB inflated, lines of 16 MiB, 100,000 members.
    fn default() -> Self {
        Self {
            max_uncompressed_bytes: 64 << 30,
            max_line_bytes: 16 << 20,
            max_members: 100_000,
        }
    }
}

impl ArchiveLimits {
    /// The most bytes all members together may inflate to (default 64 GiB), counted as they
    /// are read, whatever sizes the archive declares. Past it reading stops with
    /// [`ArchiveError::TooLarge`](super::ArchiveError::TooLarge).
    pub fn max_uncompressed_bytes(mut self, bytes: u64) -> Self {
        self.max_uncompressed_bytes = bytes;
        self
    }

    /// The longest line read, in bytes, its line ending not counted (default 16 MiB; memory
    /// for one such line is held). A longer line is skipped, never held whole, and reported as
    /// [`ArchiveError::LineTooLong`](super::ArchiveError::LineTooLong).
    pub fn max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes;
        self
    }

    /// The most entries a ZIP archive may have, directories included (default 100,000; Braze
    /// writes one member per 5,000 users). More is
    /// [`ArchiveError::TooManyMembers`](super::ArchiveError::TooManyMembers).
    pub fn max_members(mut self, members: u64) -> Self {
        self.max_members = members;
        self
    }

    /// See [`max_uncompressed_bytes`](Self::max_uncompressed_bytes).
    pub fn uncompressed_bytes_limit(&self) -> u64 {
        self.max_uncompressed_bytes
    }

    /// See [`max_line_bytes`](Self::max_line_bytes).
    pub fn line_bytes_limit(&self) -> usize {
        self.max_line_bytes
    }

    /// See [`max_members`](Self::max_members).
    pub fn members_limit(&self) -> u64 {
        self.max_members
    }
}
