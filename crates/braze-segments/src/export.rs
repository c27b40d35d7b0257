//! Exporting every segment with its details, each exactly once, while the list may change.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{FuturesUnordered, Stream, StreamExt};

use crate::{Client, DataPoint, Error, SegmentDetails, SegmentList, SegmentSummary, SortDirection};

mod ledger;
mod options;
mod record;

use ledger::{Ledger, Listed};
pub use options::ExportOptions;
pub use record::{ExportError, SegmentRecord};

/// Listing passes an export makes at most: the first, and re-listings until one proves the
/// pass before it complete (see [`Client::export_segments`]).
const MAX_LIST_PASSES: u32 = 5;

/// What one segment's requests came to: its details, and its series when asked for.
type Fetched = Result<(SegmentDetails, Option<Vec<DataPoint>>), Error>;
type Details = Pin<Box<dyn Future<Output = (SegmentSummary, Fetched)> + Send>>;
type List = Box<SegmentList>;

/// Where the listing stands.
enum Listing {
    /// A pass is being listed.
    Running(List),
    /// The pass is listed; once the details in flight are in, it is judged.
    Listed,
    /// No more listing.
    Finished,
}

/// A details call answered "unknown segment", waiting for a listing that started after it.
struct Held {
    summary: SegmentSummary,
    error: Error,
    /// The first pass that starts after the answer.
    judge_by: u32,
}

/// The stream [`Client::export_segments`] returns: records in completion order, and counters
/// of how the export stands.
pub struct ExportStream {
    client: Client,
    sort: SortDirection,
    concurrency: usize,
    /// Which listed segments to export ([`ExportOptions::only`], [`ExportOptions::filter`]).
    select: ExportOptions,
    /// Listed segments left out by that choice.
    unselected: u64,
    ledger: Ledger,
    listing: Listing,
    in_flight: FuturesUnordered<Details>,
    held: Vec<Held>,
    ready: VecDeque<ExportError>,
    verified: bool,
    listed: u64,
    skipped: u64,
    relisted: u64,
    gone: u64,
    undetermined: u64,
    /// The listed segments without a usable id, from the pass that listed most of them.
    without_id: Vec<SegmentSummary>,
    /// Records yielded without a series because their listing says tracking is off.
    untracked: Vec<String>,
    /// Requests started: details, and series.
    details_calls: u64,
    series_calls: u64,
}

impl ExportStream {
    /// Distinct segments listed so far (skipped ones included): a total that grows as pages
    /// arrive (Braze gives no count).
    pub fn listed(&self) -> u64 {
        self.listed
    }

    /// Listed segments left out because their id was in [`ExportOptions::skip`].
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Listed segments left out by [`ExportOptions::only`] or [`ExportOptions::filter`].
    pub fn unselected(&self) -> u64 {
        self.unselected
    }

    /// The ids given to [`ExportOptions::only`] that no listing pass has listed (not a segment,
    /// or archived before it was listed), sorted. Complete once the stream has ended.
    pub fn not_listed(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .select
            .only
            .iter()
            .flatten()
            .filter(|id| !self.ledger.has_listed(id))
            .cloned()
            .collect();
        ids.sort();
        ids
    }

    /// Segments first listed by a re-listing pass: missed by the first pass because a segment
    /// ahead of them was archived, or created while the export ran. Counted in
    /// [`listed`](Self::listed).
    pub fn relisted(&self) -> u64 {
        self.relisted
    }

    /// Segments yielded as gone (see [`ExportError::is_gone`]).
    pub fn gone(&self) -> u64 {
        self.gone
    }

    /// Segments yielded as undetermined (see [`ExportError::is_undetermined`]).
    pub fn undetermined(&self) -> u64 {
        self.undetermined
    }

    /// Listed segments whose id is missing, empty or blank (see [`SegmentList::without_id`]):
    /// they cannot be fetched, so they are not exported, and are reported here instead. Every
    /// pass lists them again: each is reported once, told apart by its name and Braze's id text
    /// (two such segments alike in both count once). Complete once the stream has ended; until
    /// then, as of the last listing pass that ended.
    pub fn without_id(&self) -> &[SegmentSummary] {
        &self.without_id
    }

    /// A pass's listing ended (or failed): adds its segments without id not reported yet.
    fn keep_without_id(&mut self) {
        if let Listing::Running(list) = &self.listing {
            for segment in list.without_id() {
                let known = self
                    .without_id
                    .iter()
                    .any(|s| s.id == segment.id && s.name == segment.name);
                if !known {
                    self.without_id.push(segment.clone());
                }
            }
        }
    }

    /// The ids of the segments yielded without a series although [`ExportOptions::series`] asked
    /// for one: their listing says analytics tracking is off, or Braze refused their series
    /// with a 400 (not one naming the id as unknown): Braze keeps no size history for them. In
    /// the order yielded.
    pub fn untracked(&self) -> &[String] {
        &self.untracked
    }

    /// `/segments/details` calls started so far (one per segment fetched; its retries are
    /// within it).
    pub fn details_calls(&self) -> u64 {
        self.details_calls
    }

    /// `/segments/data_series` calls started so far ([`ExportOptions::series`]).
    pub fn series_calls(&self) -> u64 {
        self.series_calls
    }

    /// Listing passes started so far (the first one included; at most five).
    pub fn passes(&self) -> u32 {
        self.ledger.pass()
    }

    /// True once a re-listing proved a pass complete, so that every segment that existed
    /// throughout the listing has been or is being exported. False at the end only when the
    /// list changed during every one of the five passes (or listing failed).
    pub fn listing_verified(&self) -> bool {
        self.verified
    }

    fn on_listed(&mut self, summary: SegmentSummary) {
        match self.ledger.list(&summary.id) {
            Listed::Known => {}
            Listed::Skipped => {
                self.listed += 1;
                self.skipped += 1;
            }
            Listed::New => {
                self.listed += 1;
                if self.ledger.pass() > 1 {
                    self.relisted += 1;
                }
                if !self.select.selects(&summary) {
                    self.unselected += 1;
                    return;
                }
                let client = self.client.clone();
                let series = self
                    .select
                    .series
                    .filter(|_| summary.analytics_tracking_enabled != Some(false));
                self.details_calls += 1;
                self.series_calls += u64::from(series.is_some());
                self.in_flight.push(Box::pin(async move {
                    let fetched = match client.segment_details(&summary.id).await {
                        Ok(details) => match series {
                            Some(range) => match client.segment_data_series(&summary.id, range).await {
                                Ok(points) => Ok((details, Some(points))),
                                // Braze keeps no history of an untracked segment and refuses its
                                // series (how is not documented: a 400 is what peers see), also
                                // when the listing did not say: the record goes without one.
                                Err(e) if e.status() == Some(400) && !e.is_unknown_segment() => Ok((details, None)),
                                Err(e) => Err(e),
                            },
                            None => Ok((details, None)),
                        },
                        Err(e) => Err(e),
                    };
                    (summary, fetched)
                }));
            }
        }
    }

    /// A pass is listed and its details are in: judges the failures waiting for it, and lists
    /// again or stops.
    fn end_pass(&mut self) {
        self.verified |= self.ledger.end_pass();
        let pass = self.ledger.pass();
        let (due, later): (Vec<Held>, Vec<Held>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|h| h.judge_by <= pass);
        self.held = later;
        self.judge(due);
        if (!self.verified || !self.held.is_empty()) && pass < MAX_LIST_PASSES {
            self.ledger.next_pass();
            self.listing = Listing::Running(Box::new(self.client.segments_sorted(self.sort)));
        } else {
            // Out of passes: what no listing after its answer could judge stays undetermined
            // (the last pass started before that answer, so it proves nothing either way).
            self.undetermine();
            self.listing = Listing::Finished;
        }
    }

    /// Yields each held failure as gone if the current pass no longer lists it.
    fn judge(&mut self, held: Vec<Held>) {
        for h in held {
            let gone = !self.ledger.in_pass(&h.summary.id);
            self.gone += u64::from(gone);
            self.ready.push_back(ExportError {
                gone,
                ..ExportError::new(Some(h.summary), h.error)
            });
        }
    }

    /// Yields what is held, unjudged, as undetermined.
    fn undetermine(&mut self) {
        for h in std::mem::take(&mut self.held) {
            self.undetermined += 1;
            self.ready.push_back(ExportError {
                undetermined: true,
                ..ExportError::new(Some(h.summary), h.error)
            });
        }
    }

    /// Listing failed: what was held cannot be judged.
    fn give_up_listing(&mut self) {
        self.keep_without_id();
        self.listing = Listing::Finished;
        self.undetermine();
    }
}

impl std::fmt::Debug for ExportStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportStream")
            .field("listed", &self.listed)
            .field("skipped", &self.skipped)
            .field("unselected", &self.unselected)
            .field("relisted", &self.relisted)
            .field("gone", &self.gone)
            .field("undetermined", &self.undetermined)
            .field("without_id", &self.without_id().len())
            .field("passes", &self.ledger.pass())
            .field("in_flight", &self.in_flight.len())
            .finish()
    }
}

impl Stream for ExportStream {
    type Item = Result<SegmentRecord, ExportError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(error) = this.ready.pop_front() {
                return Poll::Ready(Some(Err(error)));
            }
            // List while there is room for details in flight: known ids take no room.
            while this.in_flight.len() < this.concurrency {
                let Listing::Running(list) = &mut this.listing else {
                    break;
                };
                match list.poll_next_unpin(cx) {
                    Poll::Ready(Some(Ok(summary))) => this.on_listed(summary),
                    Poll::Ready(Some(Err(error))) => {
                        this.give_up_listing();
                        return Poll::Ready(Some(Err(ExportError::new(None, error))));
                    }
                    Poll::Ready(None) => {
                        this.keep_without_id();
                        this.listing = Listing::Listed;
                    }
                    Poll::Pending => break,
                }
            }
            match this.in_flight.poll_next_unpin(cx) {
                Poll::Ready(Some((summary, Ok((details, series))))) => {
                    if series.is_none() && this.select.series.is_some() {
                        this.untracked.push(summary.id.clone());
                    }
                    return Poll::Ready(Some(Ok(SegmentRecord {
                        summary,
                        details,
                        series,
                    })));
                }
                Poll::Ready(Some((summary, Err(error)))) => {
                    let unknown = error.is_unknown_segment();
                    if unknown && !matches!(this.listing, Listing::Finished) {
                        let judge_by = this.ledger.pass() + 1;
                        this.held.push(Held {
                            summary,
                            error,
                            judge_by,
                        });
                        continue;
                    }
                    return Poll::Ready(Some(Err(ExportError::new(Some(summary), error))));
                }
                // Nothing in flight: the listing is pending (its waker is set), or a pass ended.
                Poll::Ready(None) => match this.listing {
                    Listing::Running(_) => return Poll::Pending,
                    Listing::Listed => this.end_pass(),
                    Listing::Finished => return Poll::Ready(None),
                },
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl Client {
    /// Exports every segment with its details: lists lazily, fetches details with bounded
    /// concurrency (every request within the client's retry policy, rate-limit gate and
    /// quota), and yields each record as soon as it is ready.
    ///
    /// Braze pages `/segments/list` by offset, so segments created or archived during the
    /// export shift the pages. The export makes up for it:
    ///
    /// - **No segment twice** within one run: ids are remembered, and a segment listed again
    ///   is not fetched again.
    /// - **No segment missed** that existed from the start to the end of the listing: after
    ///   the last page, the export lists everything again (one more pass of `/segments/list`,
    ///   about one request per 100 segments) and fetches any id it had not seen. It re-lists
    ///   until a pass proves the one before it complete — the later pass lists every id of the
    ///   earlier one, and the earlier one listed no id twice — which takes one re-listing when
    ///   nothing changed and two when something did, at most five passes in all
    ///   ([`ExportStream::listing_verified`] says whether the proof was reached). Segments
    ///   created during the run are exported too when a pass lists them.
    /// - **Archived during the run**: a segment whose details Braze answers as unknown
    ///   ([`Error::is_unknown_segment`])
    ///   is held until a listing that started after that answer; if that listing no longer has
    ///   it, it is yielded as gone ([`ExportError::is_gone`]), otherwise as the failure. When
    ///   no such listing comes (the answer came during the fifth pass, or listing failed), it is
    ///   yielded as undetermined ([`ExportError::is_undetermined`]), never judged by a listing
    ///   that started before the answer.
    /// - **Listed without an id**: a listed segment whose id is missing or blank cannot be
    ///   fetched; it is not exported, and [`ExportStream::without_id`] reports it.
    ///
    /// Memory: flat apart from one entry per segment id (the id and a pass number). A segment
    /// whose details fail after their retries is yielded as an [`ExportError`] naming it, and
    /// the export goes on; a listing failure ends it.
    ///
    /// Budget: an export is a bulk job ([`Client::bulk`]): when the rate-limit budget is spent
    /// (or down to the reserve, or this client's share is used), it waits for the window's
    /// reset instead of failing the rest; [`Client::budget_wait`] says until when.
    pub fn export_segments(&self, mut options: ExportOptions) -> ExportStream {
        let client = self.bulk();
        let skip = std::mem::take(&mut options.skip);
        // A range Braze would refuse: said once, before any request.
        let refused = options.series.map(|range| range.length()).and_then(Result::err);
        let listing = match refused {
            Some(_) => Listing::Finished,
            None => Listing::Running(Box::new(client.segments_sorted(options.sort))),
        };
        ExportStream {
            listing,
            client,
            sort: options.sort,
            concurrency: options.concurrency.max(1),
            ledger: Ledger::new(skip),
            select: options,
            unselected: 0,
            in_flight: FuturesUnordered::new(),
            held: Vec::new(),
            ready: refused.map(|e| ExportError::new(None, e)).into_iter().collect(),
            verified: false,
            listed: 0,
            skipped: 0,
            relisted: 0,
            gone: 0,
            undetermined: 0,
            without_id: Vec::new(),
            untracked: Vec::new(),
            details_calls: 0,
            series_calls: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_keep_what_they_are_given() {
        let defaults = ExportOptions::default();
        assert_eq!((defaults.sort, defaults.concurrency), (SortDirection::Asc, 8));
        assert!(defaults.skip.is_empty());
        let options = ExportOptions::default()
            .sort(SortDirection::Desc)
            .concurrency(3)
            .skip(["a".to_owned(), "b".to_owned()]);
        assert_eq!((options.sort, options.concurrency), (SortDirection::Desc, 3));
        assert_eq!(options.skip.len(), 2);
    }
}
