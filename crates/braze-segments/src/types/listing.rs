//! One listed segment, as `GET /segments/list` gives it, and the order of the listing.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use braze_segments_api::types as api;

use super::strings_without_nulls;

/// One segment as listed by `GET /segments/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SegmentSummary {
    /// The segment's API identifier.
    pub id: String,
    /// The segment's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether analytics tracking is enabled for the segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytics_tracking_enabled: Option<bool>,
    /// The segment's tags; `null` items are dropped.
    #[serde(default, deserialize_with = "strings_without_nulls")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<Vec<Option<String>>>"))]
    pub tags: Vec<String>,
    /// Fields the spec does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SegmentSummary {
    /// A listed segment with this id, every other field empty: for users' own tests and
    /// fixtures (the struct is `#[non_exhaustive]`), with the `with_` setters or the public
    /// fields.
    ///
    /// ```
    /// use braze_segments::SegmentSummary;
    ///
    /// let listed = SegmentSummary::new("6d68ea15-26c4-4109-835a-65b81773a5e2")
    ///     .with_name("Lapsed Users - 7 days")
    ///     .with_tags(["retention"])
    ///     .with_analytics_tracking_enabled(true);
    /// assert_eq!(listed.tags, ["retention"]);
    /// ```
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: None,
            analytics_tracking_enabled: None,
            tags: Vec::new(),
            extra: Map::new(),
        }
    }

    /// With this name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// With analytics tracking on or off.
    pub fn with_analytics_tracking_enabled(mut self, enabled: bool) -> Self {
        self.analytics_tracking_enabled = Some(enabled);
        self
    }

    /// With these tags.
    pub fn with_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// A page of `/segments/list` as the SDK returns it: the listed segments that have an id,
    /// and how many Braze listed (the count that says whether another page follows). Public
    /// for `cargo xtask check`, which runs the spec's examples through it.
    #[doc(hidden)]
    pub fn from_page(list: api::SegmentList) -> (Vec<SegmentSummary>, usize) {
        let (segments, without_id) = SegmentSummary::split_page(list);
        let count = segments.len() + without_id.len();
        (segments, count)
    }

    /// A page of `/segments/list` split in two: the listed segments with a usable id, and those
    /// whose id is missing, empty or blank (they cannot be fetched by id; their `id` holds
    /// Braze's text, empty when it left the id out). Together they are what Braze listed.
    pub(crate) fn split_page(list: api::SegmentList) -> (Vec<SegmentSummary>, Vec<SegmentSummary>) {
        list.segments
            .unwrap_or_default()
            .into_iter()
            .map(SegmentSummary::from_listed)
            .fold((Vec::new(), Vec::new()), |(mut usable, mut without_id), s| {
                if s.has_usable_id() {
                    usable.push(s);
                } else {
                    without_id.push(s);
                }
                (usable, without_id)
            })
    }

    /// Converts a listed segment as it is (an id Braze left out reads as empty).
    fn from_listed(s: api::SegmentSummary) -> Self {
        Self {
            id: s.id.unwrap_or_default(),
            name: s.name,
            analytics_tracking_enabled: s.analytics_tracking_enabled,
            tags: s.tags.unwrap_or_default().into_iter().flatten().collect(),
            extra: s.extra,
        }
    }

    /// Whether the id can be fetched: not empty, not only blanks.
    fn has_usable_id(&self) -> bool {
        !self.id.trim().is_empty()
    }
}

/// The order of [`Client::segments`](crate::Client::segments), by creation time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortDirection {
    /// Oldest first (Braze's default).
    #[default]
    Asc,
    /// Newest first.
    Desc,
}

impl SortDirection {
    /// Every direction (`cargo xtask check` compares them with the spec's enum; the CLI offers
    /// them as its `--sort` values).
    pub const ALL: [SortDirection; 2] = [SortDirection::Asc, SortDirection::Desc];

    /// The value Braze takes: `"asc"` or `"desc"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SortDirection::Asc => "asc",
            SortDirection::Desc => "desc",
        }
    }
}

impl std::fmt::Display for SortDirection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<SortDirection> for api::SortDirection {
    fn from(s: SortDirection) -> Self {
        match s {
            SortDirection::Asc => api::SortDirection::Asc,
            SortDirection::Desc => api::SortDirection::Desc,
        }
    }
}

impl std::str::FromStr for SortDirection {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SortDirection::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown sort direction {s:?}: expected asc or desc"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_segment_without_id_is_skipped() {
        let api: api::SegmentSummary = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
        assert!(!SegmentSummary::from_listed(api).has_usable_id());
    }

    #[test]
    fn a_page_splits_into_usable_ids_and_those_without_one() {
        let list: api::SegmentList = serde_json::from_str(
            r#"{"message":"success","segments":[{"id":"","name":"empty"},{"id":"ok","name":"a"},{"id":" \t","name":"blank"},{"name":"none"}]}"#,
        )
        .unwrap();
        let (usable, without_id) = SegmentSummary::split_page(list);
        assert_eq!(usable.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["ok"]);
        let names: Vec<_> = without_id.iter().map(|s| (s.id.as_str(), s.name.as_deref())).collect();
        assert_eq!(names, [("", Some("empty")), (" \t", Some("blank")), ("", Some("none"))]);
    }
}
