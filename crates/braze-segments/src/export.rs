//! Walking the segment list, and exporting every segment with its details.

use std::collections::HashSet;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::stream::{self, Stream, StreamExt};
use serde::{Deserialize, Serialize};

use crate::{Client, Error, SegmentDetails, SegmentSummary, SortDirection};

/// Segments a page of `/segments/list` holds at most.
pub const PAGE_SIZE: usize = 100;

/// One exported segment: as listed, and its details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SegmentRecord {
    /// The segment as `/segments/list` gave it.
    pub summary: SegmentSummary,
    /// Its details from `/segments/details`.
    pub details: SegmentDetails,
}

/// Why one item of an export failed, or that a listed segment is gone.
///
/// A segment archived while the export ran (listed, but unknown to Braze by the time its
/// details were asked for, and no longer listed when the export re-lists at the end) is
/// yielded as an `ExportError` for which [`is_gone`](Self::is_gone) is true: not a failure,
/// there is simply nothing left to export. Every other `ExportError` is a failure.
#[derive(Debug)]
#[non_exhaustive]
pub struct ExportError {
    /// The segment whose details failed (after their retries); `None` when listing itself
    /// failed, which ends the export.
    pub segment: Option<SegmentSummary>,
    /// The error (for a gone segment: Braze's answer to its details call).
    pub error: Error,
    /// Whether the segment is gone rather than failed.
    gone: bool,
}

impl ExportError {
    /// True when the segment was archived while the export ran: Braze answered its details
    /// call with 400 or 404 ("unknown segment") and it was no longer listed afterwards.
    /// Such a segment is not a failure of the export.
    pub fn is_gone(&self) -> bool {
        self.gone
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
            Some(s) => write!(f, "segment {}: {}", s.id, self.error),
            None => write!(f, "listing segments: {}", self.error),
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// How [`Client::export_segments`] runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExportOptions {
    /// The order segments are listed in.
    pub sort: SortDirection,
    /// Details requests in flight at once (at least 1; default 8).
    pub concurrency: usize,
    /// Segment ids to leave out (already exported, when resuming).
    pub skip: HashSet<String>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            sort: SortDirection::Asc,
            concurrency: 8,
            skip: HashSet::new(),
        }
    }
}

impl ExportOptions {
    /// Sets the sort order.
    pub fn sort(mut self, sort: SortDirection) -> Self {
        self.sort = sort;
        self
    }

    /// Sets the number of details requests in flight.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    /// Sets the ids to leave out.
    pub fn skip(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.skip = ids.into_iter().collect();
        self
    }
}

/// The stream [`Client::export_segments`] returns: records in completion order, plus how many
/// segments have been listed so far (a total that grows as pages arrive; Braze gives no count).
pub struct ExportStream {
    inner: Pin<Box<dyn Stream<Item = Result<SegmentRecord, ExportError>> + Send>>,
    listed: Arc<AtomicU64>,
    skipped: Arc<AtomicU64>,
}

impl ExportStream {
    /// Segments listed so far (skipped ones included).
    pub fn listed(&self) -> u64 {
        self.listed.load(Ordering::Relaxed)
    }

    /// Listed segments left out because their id was in [`ExportOptions::skip`].
    pub fn skipped(&self) -> u64 {
        self.skipped.load(Ordering::Relaxed)
    }
}

impl std::fmt::Debug for ExportStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportStream").field("listed", &self.listed()).finish()
    }
}

impl Stream for ExportStream {
    type Item = Result<SegmentRecord, ExportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

struct ListState {
    client: Client,
    sort: SortDirection,
    next_page: Option<u32>,
    buffer: std::vec::IntoIter<SegmentSummary>,
    previous_first: Option<String>,
}

impl Client {
    /// Every segment, page after page (`GET /segments/list?page=0,1,…`), fetched lazily as the
    /// stream is read. Listing stops after a page of fewer than 100 segments. Each page goes
    /// through the same retries and rate limiting as every call; an error ends the stream.
    pub fn segments(&self, sort: SortDirection) -> impl Stream<Item = Result<SegmentSummary, Error>> + Send + 'static {
        let state = ListState {
            client: self.clone(),
            sort,
            next_page: Some(0),
            buffer: Vec::new().into_iter(),
            previous_first: None,
        };
        stream::unfold(state, |mut state| async move {
            loop {
                if let Some(segment) = state.buffer.next() {
                    return Some((Ok(segment), state));
                }
                let page = state.next_page?;
                let (segments, raw_count) = match state.client.list_page(page, state.sort).await {
                    Ok(found) => found,
                    Err(error) => {
                        state.next_page = None;
                        return Some((Err(error), state));
                    }
                };
                let first = segments.first().map(|s| s.id.clone());
                if first.is_some() && first == state.previous_first {
                    state.next_page = None;
                    let error = Error::Api {
                        status: 200,
                        message: format!(
                            "page {page} repeats page {} of /segments/list: pagination is not advancing",
                            page - 1
                        ),
                        errors: Vec::new(),
                        rate_limit: state.client.last_rate_limit().unwrap_or_default(),
                    };
                    return Some((Err(error), state));
                }
                state.previous_first = first;
                state.next_page = (raw_count >= PAGE_SIZE).then(|| page.checked_add(1)).flatten();
                state.buffer = segments.into_iter();
            }
        })
    }

    /// Exports every segment with its details: lists lazily, fetches details with bounded
    /// concurrency (every request within the client's retry policy, rate-limit gate and
    /// quota), and yields each record as soon as it is ready. Memory stays flat in the number
    /// of segments. A segment whose details fail after their retries is yielded as an
    /// [`ExportError`] naming it, and the export goes on; a listing failure ends it.
    pub fn export_segments(&self, options: ExportOptions) -> ExportStream {
        let listed = Arc::new(AtomicU64::new(0));
        let skipped = Arc::new(AtomicU64::new(0));
        let skip = Arc::new(options.skip);
        let client = self.clone();
        let inner = self
            .segments(options.sort)
            .filter({
                let (listed, skipped) = (listed.clone(), skipped.clone());
                move |item| {
                    let keep = match item {
                        Ok(summary) => {
                            listed.fetch_add(1, Ordering::Relaxed);
                            let known = skip.contains(&summary.id);
                            if known {
                                skipped.fetch_add(1, Ordering::Relaxed);
                            }
                            !known
                        }
                        Err(_) => true,
                    };
                    std::future::ready(keep)
                }
            })
            .map(move |item| {
                let client = client.clone();
                async move {
                    let summary = item.map_err(|error| ExportError {
                        segment: None,
                        error,
                        gone: false,
                    })?;
                    match client.segment_details(&summary.id).await {
                        Ok(details) => Ok(SegmentRecord { summary, details }),
                        Err(error) => Err(ExportError {
                            segment: Some(summary),
                            error,
                            gone: false,
                        }),
                    }
                }
            })
            .buffer_unordered(options.concurrency.max(1));
        ExportStream {
            inner: Box::pin(inner),
            listed,
            skipped,
        }
    }
}
