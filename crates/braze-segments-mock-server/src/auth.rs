//! The bearer-key check, in constant time.

use hyper::header::AUTHORIZATION;
use hyper::{HeaderMap, StatusCode};
use subtle::ConstantTimeEq as _;

use crate::reply::{self, Reply};

/// The one `Authorization` value the stand-in accepts.
pub(crate) struct Key {
    expected: Vec<u8>,
}

impl Key {
    pub(crate) fn new(api_key: &str) -> Key {
        Key {
            expected: format!("Bearer {api_key}").into_bytes(),
        }
    }

    /// Whether `headers` carry the key. The bytes are compared in constant time, so how long
    /// the answer takes does not tell how much of a guess was right (a guess of another length
    /// is refused at once: the key's length is not a secret worth the cost).
    pub(crate) fn accepts(&self, headers: &HeaderMap) -> bool {
        headers
            .get(AUTHORIZATION)
            .is_some_and(|value| bool::from(value.as_bytes().ct_eq(&self.expected)))
    }
}

/// Braze's 401, with the three rate-limit headers present and empty, as Braze sends them.
pub(crate) fn unauthorized() -> Reply {
    let mut reply = reply::error(StatusCode::UNAUTHORIZED, "Invalid API key: non-existent");
    reply::set_rate_headers(&mut reply, None, None, None);
    reply
}
