//! The bearer-key check, in constant time.

use hyper::header::AUTHORIZATION;
use hyper::{HeaderMap, StatusCode};
use subtle::ConstantTimeEq as _;

use crate::reply::{self, Reply};

/// The one key the stand-in accepts.
pub(crate) struct Key {
    expected: Vec<u8>,
}

impl Key {
    pub(crate) fn new(api_key: &str) -> Key {
        Key {
            expected: api_key.as_bytes().to_vec(),
        }
    }

    /// Whether `headers` carry the key as `Bearer <key>`. The scheme's name is read in any case
    /// (`bearer`, `BEARER`: schemes are case-insensitive, RFC 9110 §11.1) and may be followed by
    /// more than one space; the key must match exactly. Its bytes are compared in constant time,
    /// so how long the answer takes does not tell how much of a guess was right (a guess of
    /// another length is refused at once: the key's length is not a secret worth the cost).
    pub(crate) fn accepts(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers.get(AUTHORIZATION) else {
            return false;
        };
        let value = value.as_bytes();
        let Some((scheme, rest)) = value.split_at_checked(6) else {
            return false;
        };
        if !scheme.eq_ignore_ascii_case(b"bearer") || rest.first() != Some(&b' ') {
            return false;
        }
        let key = match rest.iter().position(|&b| b != b' ') {
            Some(start) => &rest[start..],
            None => return false,
        };
        bool::from(key.ct_eq(&self.expected))
    }
}

/// Braze's 401, with the three rate-limit headers present and empty, as Braze sends them.
pub(crate) fn unauthorized() -> Reply {
    let mut reply = reply::error(StatusCode::UNAUTHORIZED, "Invalid API key: non-existent");
    reply::set_rate_headers(&mut reply, None, None, None);
    reply
}
