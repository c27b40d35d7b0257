//! The values the SDK returns: the generated types, made pleasant (nulls dropped, `Option`s
//! where Braze may leave a field out, unknown fields kept), one module per endpoint's values.

use serde::{Deserialize, Deserializer};

use crate::RateLimit;

mod data_series;
mod details;
mod listing;

pub use data_series::{DataPoint, SeriesRange};
pub use details::SegmentDetails;
pub use listing::{SegmentSummary, SortDirection};

/// A value with what its response said besides: status, rate-limit figures, attempts made.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Response<T> {
    /// The value.
    pub value: T,
    /// The HTTP status of the response.
    pub status: u16,
    /// The response's rate-limit figures.
    pub rate_limit: RateLimit,
    /// How many attempts the call took (1 without retries).
    pub attempts: u32,
}

impl<T> Response<T> {
    /// `value` as a response with `status` gave it, in one attempt and without rate-limit
    /// figures (set the public fields for others): for users' own tests.
    pub fn new(value: T, status: u16) -> Self {
        Response {
            value,
            status,
            rate_limit: RateLimit::default(),
            attempts: 1,
        }
    }

    /// The value, without the metadata.
    pub fn into_inner(self) -> T {
        self.value
    }

    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            rate_limit: self.rate_limit,
            attempts: self.attempts,
        }
    }
}

fn strings_without_nulls<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    let items = Option::<Vec<Option<String>>>::deserialize(de)?;
    Ok(items.unwrap_or_default().into_iter().flatten().collect())
}
