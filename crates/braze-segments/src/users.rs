//! The users export (`/users/export/segment`): start and cancel it, wait for its link, download
//! the archive to a temporary file and read it into typed users.

mod archive;
mod archive_file;
mod download;
mod errors;
mod job;
mod lines;
mod options;
mod record;
mod start;
mod storage;
mod stream;

pub(crate) use archive::ArchiveReader;
pub use archive::{read_archive_file, ArchiveFormat, ArchiveLimits, ArchiveTally};
pub use archive_file::UsersArchive;
pub use errors::{ArchiveError, DownloadError};
pub use job::{UsersExport, UsersExportJob};
pub use options::{DownloadOptions, DownloadProgress, DEFAULT_USERS_EXPORT_MAX_WAIT};
pub use record::{EventSummary, UserAlias, UserRecord};
pub use start::{UsersExportStart, START_ANSWER_GRACE};
pub use stream::UserStream;
