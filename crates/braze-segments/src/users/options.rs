//! How a users export's archive is waited for and downloaded, and what the wait reports (how
//! it can fail: [`super::errors`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How [`Client::download_users_export`](crate::Client::download_users_export) waits for the
/// link and downloads. Polling the link costs nothing of Braze's rate limit (it is another host).
///
/// ```
/// use std::time::Duration;
/// use braze_segments::DownloadOptions;
/// let options = DownloadOptions::default()
///     .max_wait(Duration::from_secs(30 * 60))
///     .poll_interval(Duration::from_secs(2), Duration::from_secs(30));
/// assert_eq!(options.get_max_wait(), Duration::from_secs(1800));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DownloadOptions {
    max_wait: Duration,
    /// The first and the longest interval: one setting, `poll_interval`.
    poll_interval: (Duration, Duration),
    max_archive_bytes: u64,
    request_timeout: Duration,
    temp_dir: Option<PathBuf>,
}

/// How long a download waits for the export by default: large segments take an hour or more.
pub const DEFAULT_USERS_EXPORT_MAX_WAIT: Duration = Duration::from_secs(2 * 60 * 60);

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            max_wait: DEFAULT_USERS_EXPORT_MAX_WAIT,
            poll_interval: (Duration::from_secs(5), Duration::from_secs(60)),
            max_archive_bytes: 32 << 30,
            request_timeout: Duration::from_secs(60),
            temp_dir: None,
        }
    }
}

impl DownloadOptions {
    /// How long to wait for the export to be ready (default 2 hours); past it,
    /// [`DownloadError::NotReady`](crate::users::DownloadError::NotReady).
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// The first interval between polls and the longest: each interval is 1.5 times the last,
    /// up to `max`, and each wait is drawn at random in its upper half (default 5 s to 60 s).
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.poll_interval = (first, max.max(first));
        self
    }

    /// The largest archive downloaded (default 32 GiB); past it, [`DownloadError::TooLarge`](crate::users::DownloadError::TooLarge)
    /// and the partial file is removed.
    pub fn max_archive_bytes(mut self, bytes: u64) -> Self {
        self.max_archive_bytes = bytes;
        self
    }

    /// The time limit of one poll, and the longest silence while the archive downloads
    /// (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The directory of the temporary file (default: the system's temporary directory).
    pub fn temp_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.temp_dir = Some(dir.into());
        self
    }

    /// How long to wait for the export to be ready ([`max_wait`](Self::max_wait)).
    pub fn get_max_wait(&self) -> Duration {
        self.max_wait
    }

    /// The first and the longest interval between polls ([`poll_interval`](Self::poll_interval)).
    pub fn get_poll_interval(&self) -> (Duration, Duration) {
        self.poll_interval
    }

    /// The largest archive downloaded, in bytes ([`max_archive_bytes`](Self::max_archive_bytes)).
    pub fn get_max_archive_bytes(&self) -> u64 {
        self.max_archive_bytes
    }

    /// The time limit of one poll or one silence of the download
    /// ([`request_timeout`](Self::request_timeout)).
    pub fn get_request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The directory of the temporary file, if not the system's ([`temp_dir`](Self::temp_dir)).
    pub fn get_temp_dir(&self) -> Option<&Path> {
        self.temp_dir.as_deref()
    }
}

/// What a download is doing, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DownloadProgress {
    /// The export is not ready: the link was polled `polls` times over `waited`; the next poll
    /// is in `next_poll`.
    Waiting {
        /// Polls so far.
        polls: u32,
        /// Time since the download began.
        waited: Duration,
        /// Time until the next poll.
        next_poll: Duration,
    },
    /// The archive is downloading: `bytes` so far, of `total` when the host said.
    Downloading {
        /// Bytes written to the temporary file.
        bytes: u64,
        /// The archive's size, when the host said.
        total: Option<u64>,
    },
}
