//! Request counters for tests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::Fault;

/// An endpoint of the stand-in, for its counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `GET /segments/list`.
    List,
    /// `GET /segments/details`.
    Details,
    /// `GET /segments/data_series`.
    DataSeries,
    /// `POST /users/export/segment`.
    UsersExportSegment,
    /// `POST /export/segment/cancel`.
    ExportSegmentCancel,
    /// Anything else (answered 404, or 405 for another method on a known path).
    Other,
}

/// How many [`Endpoint`]s there are (with [`Endpoint::Other`]).
const ENDPOINTS: usize = 6;

impl Endpoint {
    /// The endpoints the stand-in serves (its storage host aside: see
    /// [`crate::MockBraze::storage_requests`]).
    pub const SERVED: [Endpoint; 5] = [
        Endpoint::List,
        Endpoint::Details,
        Endpoint::DataSeries,
        Endpoint::UsersExportSegment,
        Endpoint::ExportSegmentCancel,
    ];

    /// The endpoint's path (`/` for [`Endpoint::Other`]).
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::List => "/segments/list",
            Endpoint::Details => "/segments/details",
            Endpoint::DataSeries => "/segments/data_series",
            Endpoint::UsersExportSegment => "/users/export/segment",
            Endpoint::ExportSegmentCancel => "/export/segment/cancel",
            Endpoint::Other => "/",
        }
    }

    /// The endpoint's name on the command line (`--script`, `--fault-endpoints`).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::List => "list",
            Endpoint::Details => "details",
            Endpoint::DataSeries => "data-series",
            Endpoint::UsersExportSegment => "users-export",
            Endpoint::ExportSegmentCancel => "cancel",
            Endpoint::Other => "other",
        }
    }

    /// The served endpoint named `name` on the command line.
    pub fn from_name(name: &str) -> Option<Endpoint> {
        Endpoint::SERVED.into_iter().find(|e| e.name() == name)
    }
}

/// Request counters, updated as requests arrive (before auth, faults and rate limits).
///
/// Their memory is bounded whatever the requests say: one counter per endpoint and fault kind,
/// and one per segment the dataset holds or held (a request naming any other id counts toward
/// its endpoint only).
#[derive(Debug, Default)]
pub struct Counters {
    endpoints: [AtomicU64; ENDPOINTS],
    /// By endpoint, then kind.
    faults: [[AtomicU64; Fault::ALL.len()]; ENDPOINTS],
    unauthorized: AtomicU64,
    rate_limited: AtomicU64,
    per_segment: Mutex<HashMap<String, u64>>,
}

impl Counters {
    /// Requests received for `endpoint`.
    pub fn requests(&self, endpoint: Endpoint) -> u64 {
        self.endpoints[endpoint as usize].load(Ordering::Relaxed)
    }

    /// Requests received in all.
    pub fn total(&self) -> u64 {
        self.endpoints.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// Requests naming `segment_id`, for a segment the dataset holds or held: details and data
    /// series with a valid key or not; the users export and its cancel once their body is read
    /// (so with the key, no fault and within the budget).
    pub fn requests_for_segment(&self, segment_id: &str) -> u64 {
        self.per_segment().get(segment_id).copied().unwrap_or(0)
    }

    /// How many segment ids have a counter: never more than the segments the dataset held.
    pub fn tracked_segments(&self) -> usize {
        self.per_segment().len()
    }

    /// Faults of `kind` injected.
    pub fn faults(&self, kind: Fault) -> u64 {
        self.faults
            .iter()
            .map(|by_kind| by_kind[kind.index()].load(Ordering::Relaxed))
            .sum()
    }

    /// Faults of `kind` injected into requests for `endpoint`.
    pub fn faults_at(&self, endpoint: Endpoint, kind: Fault) -> u64 {
        self.faults[endpoint as usize][kind.index()].load(Ordering::Relaxed)
    }

    /// Faults injected in all.
    pub fn total_faults(&self) -> u64 {
        self.faults.iter().flatten().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// Requests refused with 401.
    pub fn unauthorized(&self) -> u64 {
        self.unauthorized.load(Ordering::Relaxed)
    }

    /// Requests refused with 429 because the budget was spent (injected 429s not included).
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    fn per_segment(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.per_segment.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn count_request(&self, endpoint: Endpoint) {
        self.endpoints[endpoint as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a request naming a segment the caller checked the dataset holds or held.
    pub(crate) fn count_known_segment(&self, segment_id: &str) {
        let mut map = self.per_segment();
        match map.get_mut(segment_id) {
            Some(n) => *n += 1,
            None => {
                map.insert(segment_id.to_owned(), 1);
            }
        }
    }

    pub(crate) fn count_fault(&self, endpoint: Endpoint, kind: Fault) {
        self.faults[endpoint as usize][kind.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_unauthorized(&self) {
        self.unauthorized.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }
}
