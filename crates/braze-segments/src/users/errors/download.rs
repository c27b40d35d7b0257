//! What can go wrong waiting for and downloading an export's archive.

use std::time::Duration;

use chrono::{DateTime, Utc};

#[cfg(doc)]
use crate::DownloadOptions;

/// Why a users export could not be downloaded. Never holds the link's signature (shown as
/// `https://host/path?…`) nor the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// The export has no link: Braze writes its files to the workspace's own storage bucket.
    #[error("this export has no download link: Braze writes its files to the workspace's own storage bucket")]
    OwnBucket,
    /// The link is not one the SDK follows: not a URL, not `https://` (plain `http://` only
    /// when the Braze endpoint itself is plain loopback http), or a redirect to such a link.
    #[error("refusing the download link {link}: {reason}")]
    #[non_exhaustive]
    UnsafeLink {
        /// The link without its query.
        link: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The export was not ready within the wait.
    #[error(
        "the export was not ready after {waited:?} ({polls} polls); raise the wait, or try again later with the same link"
    )]
    #[non_exhaustive]
    NotReady {
        /// How long the download waited.
        waited: Duration,
        /// How many times the link was polled.
        polls: u32,
    },
    /// The link expired (after a few hours): start a new export.
    #[error("the download link expired{}; start a new export", ExpiredAt(expired_at))]
    #[non_exhaustive]
    Expired {
        /// When, if the link said.
        expired_at: Option<DateTime<Utc>>,
    },
    /// The storage host refused the link for good (a broken signature, a bad request).
    #[error("the storage host answered {status}{}: {message}", CodeSuffix(code))]
    #[non_exhaustive]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The storage host's error code (S3's `<Code>`), if any.
        code: Option<String>,
        /// Its message, or the start of its body (bounded).
        message: String,
    },
    /// The archive is larger than [`DownloadOptions::max_archive_bytes`].
    #[error("the archive is larger than the limit of {limit} bytes")]
    #[non_exhaustive]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// The file served is not a ZIP or gzip archive.
    #[error("the storage host served something that is not a ZIP or gzip archive (it starts {starts:?})")]
    #[non_exhaustive]
    NotAnArchive {
        /// Its first bytes, escaped.
        starts: String,
    },
    /// The connection failed, or timed out, more times than the download retries.
    #[error("downloading the archive failed: {message}")]
    #[non_exhaustive]
    Transport {
        /// What failed, in short (no link).
        message: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The temporary file could not be written (a full disk, a read-only directory).
    #[error("cannot {action} the temporary file: {source}")]
    #[non_exhaustive]
    Io {
        /// What was being done.
        action: &'static str,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

struct ExpiredAt<'a>(&'a Option<DateTime<Utc>>);

impl std::fmt::Display for ExpiredAt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(at) => write!(f, " at {}", at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            None => Ok(()),
        }
    }
}

struct CodeSuffix<'a>(&'a Option<String>);

impl std::fmt::Display for CodeSuffix<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(code) => write!(f, " ({code})"),
            None => Ok(()),
        }
    }
}
