//! What an export yields: a whole record ([`SegmentRecord`]), or why a segment is not one
//! ([`ExportError`]).

use serde::{Deserialize, Serialize};

#[allow(unused_imports)] // for the docs' links
use crate::{Client, ExportOptions, ExportStream};
use crate::{DataPoint, Error, SegmentDetails, SegmentSummary};

/// One exported segment: as listed, its details, and its size history when asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SegmentRecord {
    /// The segment as `/segments/list` gave it.
    pub summary: SegmentSummary,
    /// Its details from `/segments/details`.
    pub details: SegmentDetails,
    /// Its estimated size per day from `/segments/data_series`, sorted as
    /// [`Client::segment_data_series`] sorts them, when the export was asked for it
    /// ([`ExportOptions::series`]); `None` otherwise, and for a segment whose listing says
    /// analytics tracking is off ([`ExportStream::untracked`]): Braze keeps no history of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Vec<DataPoint>>,
}

impl SegmentRecord {
    /// A record of `summary` and its `details`: for users' own tests of what consumes an
    /// export (the struct is `#[non_exhaustive]`).
    ///
    /// ```
    /// use braze_segments::{SegmentDetails, SegmentRecord, SegmentSummary};
    ///
    /// let record = SegmentRecord::new(SegmentSummary::new("seg-1"), SegmentDetails::success().with_name("VIPs"));
    /// assert_eq!(record.summary.id, "seg-1");
    /// ```
    pub fn new(summary: SegmentSummary, details: SegmentDetails) -> Self {
        SegmentRecord {
            summary,
            details,
            series: None,
        }
    }

    /// The record with this size history.
    pub fn with_series(mut self, series: Vec<DataPoint>) -> Self {
        self.series = Some(series);
        self
    }
}

/// Why one item of an export failed, or that a listed segment is gone.
///
/// A segment archived while the export ran (listed, but unknown to Braze by the time its
/// details were asked for, and no longer listed when the export re-lists at the end) is
/// yielded as an `ExportError` for which [`is_gone`](Self::is_gone) is true: not a failure,
/// there is simply nothing left to export. One Braze answered as unknown when no listing could
/// follow that answer is [`is_undetermined`](Self::is_undetermined): it may be gone or failed.
/// Every other `ExportError` is a failure.
#[derive(Debug)]
#[non_exhaustive]
pub struct ExportError {
    /// The segment whose details (or series) failed, after their retries; `None` when listing
    /// itself failed, or the options were refused before any request, which ends the export.
    pub segment: Option<SegmentSummary>,
    /// The error (for a gone segment: Braze's answer to its details call).
    pub error: Error,
    /// Whether the segment is gone rather than failed.
    pub(super) gone: bool,
    /// Whether it could not be told gone or failed.
    pub(super) undetermined: bool,
}

impl ExportError {
    /// True when the segment was archived while the export ran: Braze answered its details
    /// call as unknown ([`Error::is_unknown_segment`]) and a listing that started after that answer
    /// no longer listed it. Such a segment is not a failure of the export.
    pub fn is_gone(&self) -> bool {
        self.gone
    }

    /// True when Braze answered the segment's details call as unknown ([`Error::is_unknown_segment`])
    /// but no listing started after that answer, so the export cannot tell whether it was
    /// archived (gone) or failed: the answer came during the last of the five listing passes
    /// (the list kept changing), or listing failed before another pass. Neither
    /// [`is_gone`](Self::is_gone) nor a proven failure; listing again (a later export) tells.
    pub fn is_undetermined(&self) -> bool {
        self.undetermined
    }

    pub(super) fn new(segment: Option<SegmentSummary>, error: Error) -> Self {
        Self {
            segment,
            error,
            gone: false,
            undetermined: false,
        }
    }
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.segment {
            Some(s) if self.gone => write!(
                f,
                "segment {} is gone (archived during the export): {}",
                s.id, self.error
            ),
            Some(s) if self.undetermined => write!(
                f,
                "segment {} may be gone (Braze answered it as unknown and no later listing could tell): {}",
                s.id, self.error
            ),
            Some(s) => write!(f, "segment {}: {}", s.id, self.error),
            None if matches!(self.error, Error::InvalidInput { .. }) => write!(f, "{}", self.error),
            None => write!(f, "listing segments: {}", self.error),
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
