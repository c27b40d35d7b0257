//! The response headers the SDK reads, found in one pass over them.
//!
//! A lookup by name hashes the name and probes the map: the seven the transport needs of every
//! response (framing, the three rate-limit figures, `Retry-After`, `Date`) cost more that way
//! than one walk over the few headers a response has.

use reqwest::header::{HeaderMap, HeaderValue};

use crate::rate_limit::RateLimit;

/// The first value of each header the SDK reads (what `HeaderMap::get` would give), and
/// whether a `Transfer-Encoding` is present.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Seen<'h> {
    pub(crate) content_length: Option<&'h HeaderValue>,
    pub(crate) transfer_encoding: bool,
    pub(crate) limit: Option<&'h HeaderValue>,
    pub(crate) remaining: Option<&'h HeaderValue>,
    pub(crate) reset: Option<&'h HeaderValue>,
    pub(crate) retry_after: Option<&'h HeaderValue>,
    pub(crate) date: Option<&'h HeaderValue>,
}

impl<'h> Seen<'h> {
    /// Walks `headers` once. Names are compared as `HeaderName` holds them: lowercase.
    pub(crate) fn scan(headers: &'h HeaderMap) -> Self {
        let mut seen = Seen::default();
        for (name, value) in headers {
            let slot = match name.as_str() {
                "content-length" => &mut seen.content_length,
                "transfer-encoding" => {
                    seen.transfer_encoding = true;
                    continue;
                }
                "x-ratelimit-limit" => &mut seen.limit,
                "x-ratelimit-remaining" => &mut seen.remaining,
                "x-ratelimit-reset" => &mut seen.reset,
                "retry-after" => &mut seen.retry_after,
                "date" => &mut seen.date,
                _ => continue,
            };
            // The first value of a repeated header, as `HeaderMap::get` gives it.
            slot.get_or_insert(value);
        }
        seen
    }

    /// The rate-limit figures these headers carry.
    pub(crate) fn rate_limit(&self) -> RateLimit {
        RateLimit::from_values(self.limit, self.remaining, self.reset)
    }

    /// The length that bounds the body: a `Content-Length` only when it is the framing hyper
    /// uses. With a `Transfer-Encoding` beside it (chunked or identity), hyper ignores the
    /// length and reads to the end of the chunks or the connection, so it is not trusted.
    pub(crate) fn declared_len(&self) -> Option<u64> {
        if self.transfer_encoding {
            return None;
        }
        crate::rate_limit::digits(self.content_length?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn one_pass_finds_what_lookups_by_name_find() {
        let headers = map(&[
            ("Date", "Thu, 25 Jul 2024 15:00:00 GMT"),
            ("X-RateLimit-Remaining", "7"),
            ("x-ratelimit-remaining", "9"),
            ("Content-Length", "12"),
            ("Retry-After", "3"),
            ("X-RateLimit-Limit", "250000"),
            ("X-RateLimit-Reset", "1721919600"),
            ("X-Other", "1"),
        ]);
        let seen = Seen::scan(&headers);
        for (found, name) in [
            (seen.date, "date"),
            (seen.remaining, "x-ratelimit-remaining"),
            (seen.content_length, "content-length"),
            (seen.retry_after, "retry-after"),
            (seen.limit, "x-ratelimit-limit"),
            (seen.reset, "x-ratelimit-reset"),
        ] {
            assert_eq!(found, headers.get(name), "{name}");
        }
        let rate_limit = seen.rate_limit();
        assert_eq!(rate_limit.limit, Some(250_000));
        assert_eq!(rate_limit.remaining, Some(7), "the first of a repeated header");
        assert_eq!(rate_limit.reset_at.map(|at| at.timestamp()), Some(1_721_919_600));
        assert_eq!(seen.declared_len(), Some(12));
        assert_eq!(Seen::scan(&HeaderMap::new()).rate_limit(), RateLimit::default());
    }

    #[test]
    fn a_length_beside_a_transfer_encoding_bounds_nothing() {
        for te in ["chunked", "identity", ""] {
            let headers = map(&[("content-length", "12"), ("transfer-encoding", te)]);
            assert_eq!(Seen::scan(&headers).declared_len(), None, "{te:?}");
        }
        assert_eq!(Seen::scan(&map(&[("content-length", "x")])).declared_len(), None);
    }
}
