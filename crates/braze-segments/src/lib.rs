// The crate's own README (its docs.rs front page); the workspace's README is the repository's.
#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// docs.rs builds with the optional features and `--cfg docsrs`: each gated item shows its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod budget;
mod builder;
mod call;
mod classify;
mod client;
mod endpoint;
mod error;
#[cfg(feature = "export")]
mod export;
mod headers;
mod instance;
mod list;
mod operations;
mod pacer;
#[cfg(feature = "quota")]
mod quota;
mod rate_limit;
mod redact;
mod retry;
mod time;
mod tls;
mod transport;
mod types;
#[cfg(feature = "users")]
mod users;

pub use budget::{BudgetWait, DEFAULT_BULK_MAX_WAIT, RateBudget, WaitReason};
pub use builder::{ClientBuilder, DEFAULT_MAX_BODY_BYTES, ENV_API_KEY};
pub use client::Client;
pub use endpoint::ENV_REST_ENDPOINT;
pub use error::{ConfigError, Error, ErrorDetail};
#[cfg(feature = "export")]
#[cfg_attr(docsrs, doc(cfg(feature = "export")))]
pub use export::{ExportError, ExportOptions, ExportStream, SegmentRecord};
pub use instance::{Instance, UnknownInstance};
pub use list::{MAX_LIST_PAGES, PAGE_SIZE, SegmentList};
#[cfg(feature = "quota")]
#[cfg_attr(docsrs, doc(cfg(feature = "quota")))]
pub use quota::RequestQuota;
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub use secrecy::SecretString;

pub use time::Timestamp;
pub use types::{DataPoint, Response, SegmentDetails, SegmentSummary, SeriesRange, SortDirection};
#[cfg(feature = "users")]
#[cfg_attr(docsrs, doc(cfg(feature = "users")))]
pub use users::{
    ArchiveError, ArchiveFormat, ArchiveLimits, ArchiveTally, DEFAULT_USERS_EXPORT_MAX_WAIT, DownloadError,
    DownloadOptions, DownloadProgress, EventSummary, START_ANSWER_GRACE, UserAlias, UserRecord, UserStream,
    UsersArchive, UsersExport, UsersExportJob, UsersExportStart, read_archive_file,
};

/// The generated low-level client, re-exported for operations this crate does not wrap.
pub use braze_segments_api as api;
/// The chrono the SDK's values use (`DateTime<Utc>`, `DateTime<FixedOffset>`): name its types
/// through here and no version can mismatch.
pub use chrono;
