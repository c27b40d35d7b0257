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
pub use archive::{ArchiveFormat, ArchiveLimits, ArchiveTally, read_archive_file};
pub use archive_file::UsersArchive;
pub use errors::{ArchiveError, DownloadError};
pub use job::{UsersExport, UsersExportJob};
pub use options::{DEFAULT_USERS_EXPORT_MAX_WAIT, DownloadOptions, DownloadProgress};
pub use record::{EventSummary, UserAlias, UserRecord};
pub use start::{START_ANSWER_GRACE, UsersExportStart};
pub use stream::UserStream;
