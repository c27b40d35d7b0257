//! A segment's size history (`GET /segments/data_series`): the days asked for ([`SeriesRange`])
//! and the points that come back ([`DataPoint`]).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use braze_segments_api::types as api;

use crate::Timestamp;

/// The days [`Client::segment_data_series`](crate::Client::segment_data_series) asks for: the
/// last `days` (1 to 100) ending now, or ending at a given time. Checked before any request.
///
/// ```
/// use braze_segments::{chrono::DateTime, SeriesRange};
///
/// let month = SeriesRange::last_days(30);
/// let end = DateTime::parse_from_rfc3339("2024-07-25T23:59:59-05:00").unwrap();
/// let week = SeriesRange::last_days(7).ending_at(end);
/// assert_eq!((month.get_days(), month.get_ending_at()), (30, None));
/// assert_eq!(week.get_ending_at(), Some(end));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub struct SeriesRange {
    pub(crate) days: u32,
    pub(crate) ending_at: Option<DateTime<FixedOffset>>,
}

impl SeriesRange {
    /// The last `days` days (1 to 100; Braze's `length`), ending now unless
    /// [`ending_at`](Self::ending_at) says otherwise.
    pub fn last_days(days: u32) -> Self {
        SeriesRange { days, ending_at: None }
    }

    /// The series ends at `at` (Braze's `ending_at`, sent as RFC 3339 with its offset: the offset
    /// decides which calendar day it falls on).
    pub fn ending_at(mut self, at: DateTime<FixedOffset>) -> Self {
        self.ending_at = Some(at);
        self
    }

    /// The number of days asked for ([`last_days`](Self::last_days)).
    pub fn get_days(&self) -> u32 {
        self.days
    }

    /// The end of the series, if one was set ([`ending_at`](Self::ending_at)).
    pub fn get_ending_at(&self) -> Option<DateTime<FixedOffset>> {
        self.ending_at
    }

    /// Braze's `length`: the days, if within [`Client::DATA_SERIES_LENGTH_DAYS`](crate::Client::DATA_SERIES_LENGTH_DAYS).
    pub(crate) fn length(&self) -> Result<std::num::NonZeroU8, crate::Error> {
        let days = crate::Client::DATA_SERIES_LENGTH_DAYS;
        Some(self.days)
            .filter(|n| days.contains(n))
            .and_then(|n| u8::try_from(n).ok())
            .and_then(std::num::NonZeroU8::new)
            .ok_or_else(|| {
                let (min, max) = (days.start(), days.end());
                crate::Error::invalid("length_days", format!("{} is outside {min}..={max}", self.days))
            })
    }
}

/// A segment's estimated size on one day (`GET /segments/data_series`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct DataPoint {
    /// The day, as Braze wrote it; [`day`](Self::day) is the typed date.
    pub time: Timestamp,
    /// The estimated number of users in the segment.
    pub size: i64,
}

impl DataPoint {
    /// A point of `size` users on the day `time` (any text Braze may send).
    pub fn new(time: impl Into<String>, size: i64) -> Self {
        Self {
            time: Timestamp::parse(time),
            size,
        }
    }

    /// The calendar day, as Braze wrote it; `None` when its text could not be read (the raw
    /// text stays in [`time`](Self::time)).
    pub fn day(&self) -> Option<NaiveDate> {
        self.time.date()
    }

    /// The points of a `/segments/data_series` answer, as [`series`](Self::series) converts
    /// them. Public for `cargo xtask check`, which runs the spec's examples through it.
    #[doc(hidden)]
    pub fn from_series(series: api::SegmentDataSeries) -> Vec<DataPoint> {
        DataPoint::series(series.data.unwrap_or_default())
    }

    /// Converts Braze's points: those without a time or a size are left out, the rest sorted
    /// by day (Braze promises no order), points whose day cannot be read last, in the order
    /// received.
    pub(crate) fn series(points: Vec<api::DataPoint>) -> Vec<DataPoint> {
        let mut points: Vec<DataPoint> = points
            .into_iter()
            .filter_map(|p| Some(DataPoint::new(p.time?, p.size?)))
            .collect();
        // Stable: equal days, and unreadable ones, keep Braze's order.
        points.sort_by_key(|p| (p.time.at().is_none(), p.time.at()));
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_points_come_sorted_by_day_with_unreadable_days_last() {
        let points: Vec<api::DataPoint> = serde_json::from_str(
            r#"[{"time":"2024-01-03","size":3},{"time":"yesterday","size":9},{"time":"2024-01-01T00:00:00Z","size":1},
                {"time":null,"size":5},{"time":"2024-01-02 00:00:00+0000","size":2},{"size":7},{"time":"2024-01-04"}]"#,
        )
        .unwrap();
        let series = DataPoint::series(points);
        let days: Vec<_> = series.iter().map(|p| (p.time.raw(), p.size)).collect();
        assert_eq!(
            days,
            [
                ("2024-01-01T00:00:00Z", 1),
                ("2024-01-02 00:00:00+0000", 2),
                ("2024-01-03", 3),
                ("yesterday", 9)
            ]
        );
        assert_eq!(series[0].day(), NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(series[3].day(), None);
    }
}
