//! Walking `/segments/list`, page after page, as a lazy stream that always ends.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::Stream;

use crate::{Client, Error, SegmentSummary, SortDirection};

/// Segments a page of `/segments/list` holds at most.
pub const PAGE_SIZE: usize = 100;

/// Pages one listing reads at most: 1,000 pages, 100,000 segments. Braze documents no count of
/// segments a workspace may hold, but its dashboard is built for hundreds to a few thousand;
/// 100,000 is far beyond any real workspace, while the requests it allows (1,000 a listing, at
/// most five listings in an export) stay within 2% of Braze's default hourly budget of 250,000
/// requests, which about fifty other endpoints share. A server still answering full pages of
/// new ids after that is not listing a workspace: the listing ends with an error.
pub const MAX_LIST_PAGES: u32 = 1_000;

type Page = Pin<Box<dyn Future<Output = Result<(Vec<SegmentSummary>, Vec<SegmentSummary>), Error>> + Send>>;

/// The stream [`Client::segments`] returns: the listed segments, and those Braze listed without
/// a usable id ([`without_id`](Self::without_id)).
///
/// It always ends: after a page of fewer than 100 segments, after an error, or with an error
/// when the pages stop advancing — a full page listing no segment that an earlier page of this
/// listing had not already listed (a server cycling through the same pages), or more than
/// [`MAX_LIST_PAGES`] pages.
#[must_use = "streams do nothing unless polled"]
pub struct SegmentList {
    client: Client,
    sort: SortDirection,
    next_page: Option<u32>,
    page: Option<Page>,
    buffer: std::vec::IntoIter<SegmentSummary>,
    /// Ids listed so far (one entry per segment, as the export's own ledger).
    seen: HashSet<String>,
    without_id: Vec<SegmentSummary>,
    /// The error that ends the listing, yielded once the segments before it are.
    ended: Option<Error>,
}

impl SegmentList {
    /// Listed segments whose id is missing, empty or blank, in the order listed so far: they
    /// cannot be fetched by id, so they are not yielded, and are kept here to be reported
    /// instead (`id` holds Braze's text, empty when it left the id out).
    pub fn without_id(&self) -> &[SegmentSummary] {
        &self.without_id
    }

    /// Records a page: its segments to yield, then the next page to ask for or the error that
    /// ends the listing.
    fn on_page(&mut self, page: u32, segments: Vec<SegmentSummary>, without_id: Vec<SegmentSummary>) {
        let listed = segments.len() + without_id.len();
        let new = segments.iter().filter(|s| self.seen.insert(s.id.clone())).count();
        self.without_id.extend(without_id);
        self.buffer = segments.into_iter();
        if listed < PAGE_SIZE {
            return;
        }
        let stuck = if new == 0 {
            // Only repeats: nothing to yield.
            self.buffer = Vec::new().into_iter();
            Some(format!(
                "page {page} of /segments/list is full but lists no segment that an earlier page had not \
                 listed: pagination is not advancing"
            ))
        } else if page.saturating_add(1) >= MAX_LIST_PAGES {
            Some(format!(
                "/segments/list still had full pages after {MAX_LIST_PAGES} pages ({} segments, more than \
                 any workspace holds): pagination is not advancing",
                u64::from(MAX_LIST_PAGES) * PAGE_SIZE as u64
            ))
        } else {
            None
        };
        match stuck {
            Some(message) => {
                self.ended = Some(Error::Api {
                    status: 200,
                    message,
                    errors: Vec::new(),
                    rate_limit: self.client.last_rate_limit().unwrap_or_default(),
                });
            }
            None => self.next_page = Some(page + 1),
        }
    }
}

impl std::fmt::Debug for SegmentList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SegmentList")
            .field("sort", &self.sort)
            .field("next_page", &self.next_page)
            .field("listed", &self.seen.len())
            .field("without_id", &self.without_id.len())
            .finish()
    }
}

impl Stream for SegmentList {
    type Item = Result<SegmentSummary, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(segment) = this.buffer.next() {
                return Poll::Ready(Some(Ok(segment)));
            }
            if let Some(error) = this.ended.take() {
                return Poll::Ready(Some(Err(error)));
            }
            if this.page.is_none() {
                let Some(page) = this.next_page else {
                    return Poll::Ready(None);
                };
                let client = this.client.clone();
                let sort = this.sort;
                this.page = Some(Box::pin(async move { client.list_page(page, sort).await }));
            }
            let Some(pending) = this.page.as_mut() else {
                continue;
            };
            let answer = std::task::ready!(pending.as_mut().poll(cx));
            this.page = None;
            let page = this.next_page.take().unwrap_or_default();
            match answer {
                Ok((segments, without_id)) => this.on_page(page, segments, without_id),
                Err(error) => this.ended = Some(error),
            }
        }
    }
}

impl Client {
    /// Every segment, page after page (`GET /segments/list?page=0,1,…`), fetched lazily as the
    /// stream is read. Listing stops after a page of fewer than 100 segments. Each page goes
    /// through the same retries and rate limiting as every call; an error ends the stream.
    ///
    /// Listed segments without a usable id are not yielded: [`SegmentList::without_id`] keeps
    /// them. The listing always ends: a full page that lists only segments already listed, or
    /// more than [`MAX_LIST_PAGES`] pages, ends it with an [`Error::Api`] (status 200) saying
    /// pagination is not advancing.
    ///
    /// Braze pages by offset: a segment created or archived while the pages are read shifts
    /// the later pages, so this stream may list a segment twice or miss one.
    /// `export_segments` (feature `export`) makes up for that.
    ///
    /// Oldest first ([`SortDirection::Asc`], Braze's default); [`segments_sorted`](Self::segments_sorted)
    /// chooses the order.
    pub fn segments(&self) -> SegmentList {
        self.segments_sorted(SortDirection::default())
    }

    /// [`segments`](Self::segments) in the order `sort` says.
    pub fn segments_sorted(&self, sort: SortDirection) -> SegmentList {
        SegmentList {
            client: self.clone(),
            sort,
            next_page: Some(0),
            page: None,
            buffer: Vec::new().into_iter(),
            seen: HashSet::new(),
            without_id: Vec::new(),
            ended: None,
        }
    }
}
