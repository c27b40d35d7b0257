//! The Braze operations the SDK wraps, each a thin call through [`Client::run`].

use braze_segments_api::types as api;
use chrono::{DateTime, Datelike as _, FixedOffset, SecondsFormat};

use crate::{Client, DataPoint, Error, Response, SegmentDetails, SegmentSummary, SeriesRange, SortDirection};

impl Client {
    /// The longest segment id the SDK sends, in bytes (Braze documents no limit; this bounds
    /// the request). `cargo xtask check` compares it with the spec's `maxLength`, if any.
    #[doc(hidden)]
    pub const MAX_SEGMENT_ID_BYTES: usize = 1024;

    /// The `length` of `/segments/data_series` Braze accepts, in days. `cargo xtask check`
    /// compares it with the spec's `minimum` and `maximum`.
    #[doc(hidden)]
    pub const DATA_SERIES_LENGTH_DAYS: std::ops::RangeInclusive<u32> = 1..=100;

    /// `GET /segments/details`: the details of one segment.
    pub async fn segment_details(&self, segment_id: &str) -> Result<SegmentDetails, Error> {
        let segment_id = check_segment_id(segment_id)?;
        let response = self.details_call(segment_id).await?;
        Ok(SegmentDetails::from(response.into_inner()))
    }

    /// [`segment_details`](Self::segment_details) with the response's status, rate-limit figures
    /// and attempt count.
    pub async fn segment_details_with_meta(&self, segment_id: &str) -> Result<Response<SegmentDetails>, Error> {
        let segment_id = check_segment_id(segment_id)?;
        let response = self.details_call(segment_id).await?;
        Ok(response.map(SegmentDetails::from))
    }

    /// The `GET /segments/details` call both go through. Not an `async fn`, so that it adds no
    /// layer of its own: each moves the value through it.
    fn details_call<'a>(
        &'a self,
        segment_id: &'a str,
    ) -> impl Future<Output = Result<Response<api::SegmentDetails>, Error>> + 'a {
        self.run("get_segment_details", Some(segment_id), move |api| {
            api.get_segment_details().segment_id(segment_id).send()
        })
    }

    /// `GET /segments/list`: one page (from 0) of up to 100 segments. Listed segments without an
    /// id are left out. See [`segments`](Self::segments) for all pages as a stream.
    pub async fn segments_page(&self, page: u32, sort: SortDirection) -> Result<Vec<SegmentSummary>, Error> {
        self.segments_page_with_meta(page, sort).await.map(Response::into_inner)
    }

    /// [`segments_page`](Self::segments_page) with the response's status, rate-limit figures
    /// and attempt count.
    pub async fn segments_page_with_meta(
        &self,
        page: u32,
        sort: SortDirection,
    ) -> Result<Response<Vec<SegmentSummary>>, Error> {
        self.list_page_with_meta(page, sort)
            .await
            .map(|r| r.map(|(segments, _)| segments))
    }

    /// One page: the listed segments with a usable id, and those without one (missing, empty or
    /// blank). Together they are what Braze listed: the count that says whether another page
    /// follows.
    pub(crate) async fn list_page(
        &self,
        page: u32,
        sort: SortDirection,
    ) -> Result<(Vec<SegmentSummary>, Vec<SegmentSummary>), Error> {
        self.list_page_with_meta(page, sort).await.map(Response::into_inner)
    }

    async fn list_page_with_meta(
        &self,
        page: u32,
        sort: SortDirection,
    ) -> Result<Response<(Vec<SegmentSummary>, Vec<SegmentSummary>)>, Error> {
        let response = self
            .run("get_segments_list", None, |api| {
                api.get_segments_list()
                    .page(page)
                    .sort_direction(api::SortDirection::from(sort))
                    .send()
            })
            .await?;
        Ok(response.map(SegmentSummary::split_page))
    }

    /// `GET /segments/data_series`: the segment's size for each day of `range` (the last 1 to
    /// 100 days, ending now or at a given time). Braze may return fewer points (the days are a
    /// maximum) in any order: the points come back sorted by day. Points without a time or size
    /// are left out.
    ///
    /// ```no_run
    /// # async fn example(client: &braze_segments::Client) -> Result<(), braze_segments::Error> {
    /// use braze_segments::{chrono::DateTime, SeriesRange};
    ///
    /// let month = client.segment_data_series("6d68ea15-…", SeriesRange::last_days(30)).await?;
    /// let end = DateTime::parse_from_rfc3339("2024-07-25T23:59:59-05:00").unwrap();
    /// for point in client.segment_data_series("6d68ea15-…", SeriesRange::last_days(7).ending_at(end)).await? {
    ///     println!("{:?} {}", point.day(), point.size);
    /// }
    /// # let _ = month;
    /// # Ok(()) }
    /// ```
    pub async fn segment_data_series(&self, segment_id: &str, range: SeriesRange) -> Result<Vec<DataPoint>, Error> {
        self.segment_data_series_with_meta(segment_id, range)
            .await
            .map(Response::into_inner)
    }

    /// [`segment_data_series`](Self::segment_data_series) with the response's status,
    /// rate-limit figures and attempt count.
    pub async fn segment_data_series_with_meta(
        &self,
        segment_id: &str,
        range: SeriesRange,
    ) -> Result<Response<Vec<DataPoint>>, Error> {
        let ending_at = range.ending_at;
        let segment_id = check_segment_id(segment_id)?;
        let length = range.length()?;
        let ending_at = ending_at.map(rfc3339).transpose()?;
        let response = self
            .run("get_segment_data_series", Some(segment_id), |api| {
                let mut request = api.get_segment_data_series().segment_id(segment_id).length(length);
                if let Some(at) = &ending_at {
                    request = request.ending_at(at.as_str());
                }
                request.send()
            })
            .await?;
        Ok(response.map(DataPoint::from_series))
    }
}

/// `at` as RFC 3339 (`2024-07-25T23:59:59-05:00`, `Z` for UTC, a fraction only when it has
/// one). RFC 3339 has four-digit years only: another year is refused before any request.
fn rfc3339(at: DateTime<FixedOffset>) -> Result<String, Error> {
    if !(0..=9999).contains(&at.year()) {
        return Err(Error::invalid(
            "ending_at",
            format!("year {} cannot be written in RFC 3339 (0 to 9999)", at.year()),
        ));
    }
    Ok(at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

pub(crate) fn check_segment_id(segment_id: &str) -> Result<&str, Error> {
    if segment_id.trim().is_empty() {
        return Err(Error::invalid("segment_id", "is empty"));
    }
    if segment_id.len() > Client::MAX_SEGMENT_ID_BYTES {
        return Err(Error::invalid(
            "segment_id",
            format!("is longer than {} bytes", Client::MAX_SEGMENT_ID_BYTES),
        ));
    }
    Ok(segment_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_ids_are_checked() {
        assert!(check_segment_id("abc").is_ok());
        for bad in ["", " ", "\t\n"] {
            assert!(matches!(
                check_segment_id(bad),
                Err(Error::InvalidInput {
                    field: "segment_id",
                    ..
                })
            ));
        }
        assert!(check_segment_id(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn ending_at_is_sent_as_rfc3339_with_its_offset() {
        let at = |text: &str| DateTime::parse_from_rfc3339(text).unwrap();
        assert_eq!(
            rfc3339(at("2024-07-25T23:59:59-05:00")).unwrap(),
            "2024-07-25T23:59:59-05:00"
        );
        assert_eq!(
            rfc3339(at("2024-07-25T00:00:00+00:00")).unwrap(),
            "2024-07-25T00:00:00Z"
        );
        assert_eq!(
            rfc3339(at("2024-07-25T00:00:00.250+09:30")).unwrap(),
            "2024-07-25T00:00:00.250+09:30"
        );
        let far = DateTime::parse_from_rfc3339("9999-12-31T23:59:59+00:00").unwrap() + chrono::TimeDelta::days(1);
        assert!(matches!(
            rfc3339(far),
            Err(Error::InvalidInput { field: "ending_at", .. })
        ));
    }
}
