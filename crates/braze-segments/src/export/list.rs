//! Walking `/segments/list`, page after page, as a lazy stream.

use futures_util::stream::{self, Stream};

use crate::{Client, Error, SegmentSummary, SortDirection};

/// Segments a page of `/segments/list` holds at most.
pub const PAGE_SIZE: usize = 100;

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
    ///
    /// Braze pages by offset: a segment created or archived while the pages are read shifts
    /// the later pages, so this stream may list a segment twice or miss one.
    /// [`export_segments`](Self::export_segments) makes up for that.
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
}
