//! The three endpoints' answers, for a request already authenticated and within budget.

use std::collections::HashMap;

use braze_segments_api::types;
use chrono::{DateTime, SecondsFormat, Utc};
use hyper::StatusCode;
use rand::seq::SliceRandom as _;
use rand::SeedableRng as _;
use rand_chacha::ChaCha8Rng;

use crate::dates::{days_ending_on, parse_loose_date};
use crate::reply::{self, json, Reply};
use crate::store::Dataset;
use crate::PAGE_SIZE;

/// The request's query, decoded.
pub(crate) type Query = HashMap<String, String>;

/// `GET /segments/list`: 100 a page by creation time, archived segments left out.
pub(crate) fn list(dataset: &Dataset, query: &Query) -> Reply {
    let page = match query.get("page").map(String::as_str) {
        None => 0,
        // A page number past any dataset is simply an empty page.
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse::<u64>().unwrap_or(u64::MAX),
        Some(_) => return reply::error(StatusCode::BAD_REQUEST, "page must be a non-negative integer"),
    };
    let descending = match query.get("sort_direction").map(String::as_str) {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => return reply::error(StatusCode::BAD_REQUEST, "sort_direction must be asc or desc"),
    };
    dataset.run_page_actions(page);
    let live = dataset.read();
    let total = live.len();
    let start = usize::try_from(page)
        .ok()
        .and_then(|p| p.checked_mul(PAGE_SIZE))
        .unwrap_or(usize::MAX)
        .min(total);
    let end = start.saturating_add(PAGE_SIZE).min(total);
    let segments = (start..end)
        .map(|i| if descending { total - 1 - i } else { i })
        .map(|i| {
            let s = live.at(i);
            types::SegmentSummary {
                id: Some(s.id),
                name: Some(s.name),
                analytics_tracking_enabled: Some(s.analytics_tracking_enabled),
                tags: Some(s.tags),
                extra: Default::default(),
            }
        })
        .collect();
    json(
        StatusCode::OK,
        &types::SegmentList {
            message: "success".into(),
            segments: Some(segments),
            extra: Default::default(),
        },
    )
}

/// Braze's answer to an id it does not know (or no longer lists).
fn unknown_segment() -> Reply {
    reply::error(
        StatusCode::BAD_REQUEST,
        "segment_id must be a string of the Segment api identifier",
    )
}

/// `GET /segments/details`.
pub(crate) fn details(dataset: &Dataset, query: &Query) -> Reply {
    let Some(segment) = query.get("segment_id").and_then(|id| dataset.read().get(id)) else {
        return unknown_segment();
    };
    json(
        StatusCode::OK,
        &types::SegmentDetails {
            message: "success".into(),
            created_at: Some(timestamp(segment.created_at)),
            updated_at: Some(timestamp(segment.updated_at)),
            name: Some(segment.name),
            description: Some(segment.description),
            text_description: segment.text_description,
            tags: Some(segment.tags),
            teams: Some(segment.teams.into_iter().map(Some).collect()),
            extra: Default::default(),
        },
    )
}

/// A time as RFC 3339 in UTC with `Z`, as chrono writes it.
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `GET /segments/data_series`: one point a day for at most `length` days ending on
/// `ending_at`'s day, none before the day the segment was created (so a younger segment gets
/// fewer), oldest first unless `shuffle` gives the seed of another order. A segment with
/// analytics tracking off has no history: 400, as peers report Braze's call failing for them
/// (the exact answer is not documented).
pub(crate) fn data_series(dataset: &Dataset, query: &Query, shuffle: Option<u64>) -> Reply {
    let Some(segment) = query.get("segment_id").and_then(|id| dataset.read().get(id)) else {
        return unknown_segment();
    };
    if !segment.analytics_tracking_enabled {
        return reply::error(
            StatusCode::BAD_REQUEST,
            "analytics tracking is not enabled for this segment: it has no data series",
        );
    }
    let length = match query.get("length").map(|l| l.parse::<u8>()) {
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        _ => return reply::error(StatusCode::BAD_REQUEST, "length must be an integer from 1 to 100"),
    };
    let end = match query.get("ending_at") {
        None => Utc::now().date_naive(),
        Some(text) => match parse_loose_date(text) {
            Some(date) => date,
            None => return reply::error(StatusCode::BAD_REQUEST, "ending_at must be an ISO 8601 date"),
        },
    };
    let born = segment.created_at.date_naive();
    let mut data: Vec<types::DataPoint> = days_ending_on(end, length)
        .filter(|day| *day >= born)
        .map(|day| types::DataPoint {
            time: Some(day.format("%Y-%m-%d").to_string()),
            size: Some(segment.size_on(day)),
            extra: Default::default(),
        })
        .collect();
    if let Some(seed) = shuffle {
        data.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    }
    json(
        StatusCode::OK,
        &types::SegmentDataSeries {
            message: "success".into(),
            data: Some(data),
            extra: Default::default(),
        },
    )
}
