//! What the storage host received, kept for tests (the latest requests, within a bound).

use std::collections::VecDeque;
use std::sync::Mutex;

use hyper::Request;

/// Requests kept at most.
const KEPT: usize = 10_000;
/// Bytes of methods, targets and headers kept at most (16 MiB).
const KEPT_BYTES: usize = 16 << 20;

/// A request the storage host received, as it came (see
/// [`crate::MockBraze::storage_requests`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageRequest {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    /// The headers in the order received: names in lowercase, values as text (bytes that are
    /// not UTF-8 replaced).
    pub headers: Vec<(String, String)>,
}

impl StorageRequest {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn size(&self) -> usize {
        self.method.len() + self.target.len() + self.headers.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>()
    }
}

/// The latest requests: at most 10,000 and 16 MiB of them, the oldest dropped first.
#[derive(Default)]
pub(crate) struct Log {
    kept: Mutex<(VecDeque<StorageRequest>, usize)>,
}

impl Log {
    pub(crate) fn record<B>(&self, request: &Request<B>) {
        let entry = StorageRequest {
            method: request.method().as_str().to_owned(),
            target: request
                .uri()
                .path_and_query()
                .map_or_else(|| request.uri().path().to_owned(), |pq| pq.as_str().to_owned()),
            headers: request
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
        };
        let size = entry.size();
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let (entries, bytes) = &mut *kept;
        *bytes += size;
        entries.push_back(entry);
        while entries.len() > KEPT || *bytes > KEPT_BYTES {
            match entries.pop_front() {
                Some(old) => *bytes -= old.size(),
                None => break,
            }
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<StorageRequest> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.0.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_latest_requests_within_its_bounds() {
        let log = Log::default();
        for n in 0..KEPT + 50 {
            log.record(&Request::get(format!("/exports/{n}")).body(()).unwrap());
        }
        let kept = log.snapshot();
        assert_eq!(kept.len(), KEPT);
        assert_eq!(kept[0].target, "/exports/50");
        let big = "x".repeat(60_000);
        for _ in 0..300 {
            log.record(&Request::get("/").header("x-big", big.as_str()).body(()).unwrap());
        }
        let kept = log.snapshot();
        let bytes: usize = kept.iter().map(StorageRequest::size).sum();
        assert!(
            bytes <= KEPT_BYTES && kept.len() < 300,
            "{} requests, {bytes} bytes",
            kept.len()
        );
        assert_eq!(kept.last().unwrap().header("X-Big"), Some(big.as_str()));
    }
}
