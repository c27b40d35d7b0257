//! [`ExportOptions`]: what an export fetches, and how.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

#[allow(unused_imports)] // for the docs' links
use crate::{Client, Error, ExportError, ExportStream, SegmentRecord};
use crate::{SegmentSummary, SeriesRange, SortDirection};

/// How [`Client::export_segments`] runs: set with its builder-style setters, starting from
/// [`ExportOptions::default`].
///
/// ```
/// use braze_segments::{ExportOptions, SortDirection};
/// let options = ExportOptions::default()
///     .sort(SortDirection::Desc)
///     .concurrency(16)
///     .skip(["already-exported".to_owned()])
///     // Only the segments these say, of those the listing finds: by id, and by their summary.
///     .only(["6d68ea15-26c4-4109-835a-65b81773a5e2".to_owned(), "another-id".to_owned()])
///     .filter(|segment| segment.name.as_deref().is_some_and(|n| n.starts_with("Lapsed")));
/// # let _ = options;
/// ```
#[derive(Clone)]
#[non_exhaustive]
#[must_use]
pub struct ExportOptions {
    /// The order segments are listed in.
    pub(super) sort: SortDirection,
    /// Details requests in flight at once (at least 1; default 8).
    pub(super) concurrency: usize,
    /// Segment ids to leave out (already exported, when resuming).
    pub(super) skip: HashSet<String>,
    /// When set, only these ids are exported.
    pub(super) only: Option<HashSet<String>>,
    /// When set, only the listed segments it accepts are exported.
    pub(super) filter: Option<Filter>,
    /// When set, each record also gets this size history.
    pub(super) series: Option<SeriesRange>,
}

/// A predicate over a listed segment's summary. Asserted unwind-safe: a panic in it ends the
/// export's stream, whose state is not used again, so the options stay `UnwindSafe` whatever
/// the closure captures.
type Filter = Arc<AssertUnwindSafe<Box<dyn Fn(&SegmentSummary) -> bool + Send + Sync>>>;

impl std::fmt::Debug for ExportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportOptions")
            .field("sort", &self.sort)
            .field("concurrency", &self.concurrency)
            .field("skip", &self.skip.len())
            .field("only", &self.only.as_ref().map(HashSet::len))
            .field("filter", &self.filter.as_ref().map(|_| "a predicate"))
            .field("series", &self.series)
            .finish()
    }
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            sort: SortDirection::Asc,
            concurrency: 8,
            skip: HashSet::new(),
            only: None,
            filter: None,
            series: None,
        }
    }
}

impl ExportOptions {
    /// The order segments are listed in (default [`SortDirection::Asc`]).
    pub fn sort(mut self, sort: SortDirection) -> Self {
        self.sort = sort;
        self
    }

    /// Details requests in flight at once (default 8; 0 counts as 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    /// Segment ids to leave out (those already exported, when resuming); replaces any set
    /// before.
    pub fn skip(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.skip = ids.into_iter().collect();
        self
    }

    /// Exports only these segments (replaces any set before). The export still lists every
    /// segment, with every guarantee of a full export (none twice, none that existed throughout
    /// missed, archived ones told apart); ids that no listing found are named by
    /// [`ExportStream::not_listed`] at the end.
    pub fn only(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.only = Some(ids.into_iter().collect());
        self
    }

    /// Exports only the listed segments `accept` says yes to, judged on their summary (name,
    /// tags, `analytics_tracking_enabled`, …); replaces any filter before. With
    /// [`only`](Self::only), a segment must pass both.
    pub fn filter(mut self, accept: impl Fn(&SegmentSummary) -> bool + Send + Sync + 'static) -> Self {
        self.filter = Some(Arc::new(AssertUnwindSafe(Box::new(accept))));
        self
    }

    /// Fetches each exported segment's size history too (`/segments/data_series`, one more
    /// request per segment), into [`SegmentRecord::series`]: a record is yielded whole, details
    /// and series, or as an [`ExportError`]. A segment whose listing says analytics tracking is
    /// off (`analytics_tracking_enabled: false`) has no history at Braze: no request is made
    /// for it, its record has no series, and [`ExportStream::untracked`] names it; so does one
    /// whose series call Braze refuses with a 400 that does not name its id as unknown (what
    /// Braze answers for an untracked segment is not documented). Any other failure of the
    /// series call fails the record. Fix
    /// [`SeriesRange::ending_at`] for an export that may be resumed later, so that every record
    /// covers the same days. A range outside 1 to 100 days ends the export before any request
    /// with [`Error::InvalidInput`].
    pub fn series(mut self, range: SeriesRange) -> Self {
        self.series = Some(range);
        self
    }

    /// Whether `segment` is one to export (ignoring [`skip`](Self::skip)).
    pub(super) fn selects(&self, segment: &SegmentSummary) -> bool {
        self.only.as_ref().is_none_or(|ids| ids.contains(&segment.id))
            && self.filter.as_ref().is_none_or(|accept| (accept.0)(segment))
    }
}
