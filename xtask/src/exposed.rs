//! What the SDK makes of each response schema of the spec, in ONE place: the SDK's view of it
//! (the JSON Schema of what it carries, by the spec's JSON names), and every deliberate difference
//! from the spec, each with its reason. `schemas.rs` compares the views with the spec and
//! `decode_path.rs` proves them on real documents; nothing else excuses a difference.

use serde_json::{json, Value};

/// This file, for the fixes the checks name.
pub(crate) const TABLE: &str = "xtask/src/exposed.rs";

/// Where a spec property goes when no field of the SDK's type carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// Into the SDK type's `extra` map, as Braze sent it.
    #[allow(dead_code)] // no property is routed to `extra` today; the unit tests route one
    Extra,
    /// Nowhere: the SDK does not hand it back.
    Dropped,
}

/// One schema of the spec and what the SDK makes of it.
pub(crate) struct Exposed {
    /// The spec's component schema.
    pub spec: &'static str,
    /// What carries it in the SDK, for messages.
    pub sdk: &'static str,
    /// Where that lives, for fixes.
    pub file: &'static str,
    /// The JSON Schema of what the SDK reads and carries, by the spec's names.
    pub view: fn() -> Value,
    /// Properties the SDK reads but does not hand back, and why.
    pub consumed: &'static [(&'static str, &'static str)],
    /// Spec properties no field carries: where they go, and why.
    pub routed: &'static [(&'static str, Route, &'static str)],
    /// Properties the SDK's type requires (and never null) whose absence, `null` or blank text
    /// the conversion tolerates by leaving the whole item out, and why.
    pub tolerated: &'static [(&'static str, &'static str)],
    /// Properties the spec does not name: `None` when they are kept in `extra`, or why not.
    pub unknown_dropped: Option<&'static str>,
    /// Arrays whose order the SDK changes, and why.
    pub reordered: &'static [(&'static str, &'static str)],
}

fn schema<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default()
}

const TYPES: &str = "crates/braze-segments/src/types.rs";
const CHECKED_MESSAGE: &str = "the call fails (Error::Api) unless it says \"success\" (call.rs)";

/// Every object schema of the spec the SDK reads.
pub(crate) const EXPOSED: &[Exposed] = &[
    Exposed {
        spec: "SegmentDetails",
        sdk: "braze_segments::SegmentDetails",
        file: TYPES,
        view: schema::<braze_segments::SegmentDetails>,
        consumed: &[],
        routed: &[],
        tolerated: &[],
        unknown_dropped: None,
        reordered: &[],
    },
    Exposed {
        spec: "SegmentList",
        sdk: "the page of Client::segments_page (SegmentSummary::from_page)",
        file: TYPES,
        view: || {
            json!({"type": "object", "required": ["message"], "properties": {
                "message": {"type": "string"},
                "segments": {"type": ["array", "null"], "items": {"type": "object"}},
            }})
        },
        consumed: &[("message", CHECKED_MESSAGE)],
        routed: &[],
        tolerated: &[],
        unknown_dropped: Some("the SDK returns a page as its segments: other fields have nowhere to go"),
        reordered: &[],
    },
    Exposed {
        spec: "SegmentSummary",
        sdk: "braze_segments::SegmentSummary",
        file: TYPES,
        view: schema::<braze_segments::SegmentSummary>,
        consumed: &[],
        routed: &[],
        tolerated: &[(
            "id",
            "a listed segment without an id cannot be fetched: SegmentSummary::from_page leaves it out \
             (and still counts it, for paging)",
        )],
        unknown_dropped: None,
        reordered: &[],
    },
    Exposed {
        spec: "SegmentDataSeries",
        sdk: "the points of Client::segment_data_series (DataPoint::from_series)",
        file: TYPES,
        view: || {
            json!({"type": "object", "required": ["message"], "properties": {
                "message": {"type": "string"},
                "data": {"type": ["array", "null"], "items": {"type": "object"}},
            }})
        },
        consumed: &[("message", CHECKED_MESSAGE)],
        routed: &[],
        tolerated: &[],
        unknown_dropped: Some("the SDK returns a series as its points: other fields have nowhere to go"),
        reordered: &[(
            "data",
            "DataPoint::series sorts the points by day: Braze documents no order",
        )],
    },
    Exposed {
        spec: "DataPoint",
        sdk: "braze_segments::DataPoint",
        file: TYPES,
        view: schema::<braze_segments::DataPoint>,
        consumed: &[],
        routed: &[],
        tolerated: &[
            (
                "time",
                "a point without a day says nothing: DataPoint::series leaves it out",
            ),
            (
                "size",
                "a point without a size says nothing: DataPoint::series leaves it out",
            ),
        ],
        unknown_dropped: Some("a point is a day and a size: DataPoint has no `extra`"),
        reordered: &[],
    },
    Exposed {
        spec: "BrazeError",
        sdk: "braze_segments::Error::Api (Error::from_braze_error)",
        file: "crates/braze-segments/src/error.rs",
        view: || {
            json!({"type": "object", "required": ["message"], "properties": {
                "message": {"type": "string"},
                "errors": {"type": ["array", "null"], "items": {"type": ["string", "object"]}},
            }})
        },
        consumed: &[],
        routed: &[],
        tolerated: &[],
        unknown_dropped: Some("Error::Api keeps Braze's `message` and `errors`, not the rest of an error body"),
        reordered: &[],
    },
    Exposed {
        spec: "UsersExportSegmentResponse",
        sdk: "braze_segments::UsersExportJob (UsersExportJob::from_response)",
        file: USERS_JOB,
        view: || {
            json!({"type": "object", "required": ["message"], "properties": {
                "message": {"type": "string"},
                "object_prefix": {"type": ["string", "null"]},
                "url": {"type": ["string", "null"]},
            }})
        },
        consumed: &[("message", CHECKED_MESSAGE)],
        routed: &[],
        tolerated: &[],
        unknown_dropped: Some("a started export is its prefix and its link: other fields have nowhere to go"),
        reordered: &[],
    },
    Exposed {
        spec: "ExportSegmentCancelResponse",
        sdk: "Client::cancel_users_export (returns nothing)",
        file: USERS_JOB,
        view: || json!({"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}),
        consumed: &[("message", CHECKED_MESSAGE)],
        routed: &[],
        tolerated: &[],
        unknown_dropped: Some("a cancel returns nothing: other fields have nowhere to go"),
        reordered: &[],
    },
];

const USERS_JOB: &str = "crates/braze-segments/src/users/job.rs";

/// Component schemas with no entry of their own, and where they are compared instead.
pub(crate) const INLINE: &[(&str, &str)] = &[
    ("BrazeErrorDetail", "inside BrazeError.errors[]"),
    (
        "UsersExportSegmentRequest",
        "a request body, not a response: UsersExport builds it as the generated type (users/job.rs), \
         which holds the spec's constraints, and refuses what the spec refuses before sending",
    ),
    (
        "ExportSegmentCancelRequest",
        "a request body, not a response: Client::cancel_users_export builds it as the generated type",
    ),
];

/// The entry for a spec schema.
pub(crate) fn entry(spec: &str) -> Option<&'static Exposed> {
    EXPOSED.iter().find(|e| e.spec == spec)
}

impl Exposed {
    pub(crate) fn route(&self, path: &str) -> Option<Route> {
        self.routed.iter().find(|(p, ..)| *p == path).map(|(_, r, _)| *r)
    }

    pub(crate) fn is_consumed(&self, path: &str) -> bool {
        self.consumed.iter().any(|(p, _)| *p == path)
    }

    pub(crate) fn is_tolerated(&self, path: &str) -> bool {
        self.tolerated.iter().any(|(p, _)| *p == path)
    }

    pub(crate) fn is_reordered(&self, path: &str) -> bool {
        self.reordered.iter().any(|(p, _)| *p == path)
    }

    /// Every property path the table names for this schema, with what names it.
    pub(crate) fn named_paths(&self) -> Vec<(&'static str, &'static str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        out.extend(self.consumed.iter().map(|(p, _)| (*p, "consumed")));
        out.extend(self.routed.iter().map(|(p, ..)| (*p, "routed")));
        out.extend(self.tolerated.iter().map(|(p, _)| (*p, "tolerated")));
        out.extend(self.reordered.iter().map(|(p, _)| (*p, "reordered")));
        out
    }
}
