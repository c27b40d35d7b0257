//! The users export's errors, side by side: what waiting for and downloading the archive can
//! fail with ([`DownloadError`]), and what reading it can ([`ArchiveError`]).

mod archive;
mod download;

pub use archive::ArchiveError;
pub use download::DownloadError;
