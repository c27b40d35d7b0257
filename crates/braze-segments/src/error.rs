//! The SDK's error type.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::RateLimit;
use crate::redact::Redactor;

/// Everything a call can fail with. Matching is future-proof: new variants may be added, and
/// new fields to a variant (match them with `..`).
///
/// No variant ever holds the API key: not in its fields, its `Display` or its `Debug`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was refused before any request was sent.
    #[error("invalid {field}: {reason}")]
    #[non_exhaustive]
    InvalidInput {
        /// The argument's name.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// The client could not be configured (missing key, bad endpoint, insecure URL, ...): what
    /// is wrong, as a [`ConfigError`] to match on.
    #[error("configuration error: {0}")]
    Config(ConfigError),

    /// Braze (or something in front of it) answered with an error status, or with a
    /// `message` other than `"success"`.
    #[error("Braze answered {status}: {message}{}", ErrorsSuffix(errors))]
    #[non_exhaustive]
    Api {
        /// The HTTP status.
        status: u16,
        /// Braze's `message`, or a snippet of a body that was not Braze's JSON.
        message: String,
        /// Braze's `errors`, when it sent any.
        errors: Vec<ErrorDetail>,
        /// The response's rate-limit figures.
        rate_limit: RateLimit,
    },

    /// The workspace's rate limit is spent and resets later than the policy is willing to wait
    /// (or the retries ran out on 429s).
    #[error("rate limited by Braze{}{}", ResetSuffix(reset_at), MessageSuffix(message))]
    #[non_exhaustive]
    RateLimited {
        /// When the window resets, if Braze said.
        reset_at: Option<DateTime<Utc>>,
        /// How long that is from when the call gave up.
        wait: Option<Duration>,
        /// The response's rate-limit figures.
        rate_limit: RateLimit,
        /// Braze's message, if a 429 carried one.
        message: Option<String>,
    },

    /// An attempt or the whole call ran out of time.
    #[error("timed out after {elapsed:?} ({attempts} attempt(s))")]
    #[non_exhaustive]
    Timeout {
        /// How long the call ran.
        elapsed: Duration,
        /// Attempts made.
        attempts: u32,
    },

    /// The request could not be sent or the response not received (DNS, connect, TLS, a
    /// dropped connection). The cause is kept in `source()`.
    #[error("transport error: {message}")]
    #[non_exhaustive]
    Transport {
        /// What failed, in short.
        message: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The server's TLS certificate was refused: signed by a CA this client does not trust, made
    /// for another host name, expired. Never retried (it fails the same way every time); the
    /// message says what is wrong and how to fix it, the cause is kept in `source()`.
    #[error("TLS error: {message}")]
    #[non_exhaustive]
    Tls {
        /// What is wrong with the certificate, and how to fix it.
        message: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A response body did not decode into the expected type.
    #[error("cannot decode the {status} response at `{path}`: {message} (body starts: {snippet:?})")]
    #[non_exhaustive]
    Decode {
        /// The HTTP status.
        status: u16,
        /// The JSON path that failed, e.g. `tags[2]` (`.` for the whole document).
        path: String,
        /// What serde said.
        message: String,
        /// The first bytes of the body, lossily decoded.
        snippet: String,
    },

    /// A response body was larger than the configured cap; the rest was not read.
    #[error("the {status} response body is larger than the {limit}-byte cap")]
    #[non_exhaustive]
    BodyTooLarge {
        /// The HTTP status.
        status: u16,
        /// The cap, in bytes.
        limit: usize,
    },
}

impl Error {
    /// The HTTP status, for errors that came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } | Error::BodyTooLarge { status, .. } => {
                Some(*status)
            }
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// True for a 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True when Braze said the segment id is not a segment (any more): an unknown id, or one
    /// archived. Braze documents no answer for that; it answers such ids a 400 whose message
    /// is about the id (`segment_id must be a string of the Segment api identifier`, as other
    /// clients recorded and the stand-in sends), so this is a 400 whose message names the
    /// segment's id (`segment_id`, "segment id" or "identifier"), or a 404. Another 400 about
    /// the segment, such as one refusing the size history of a segment with analytics tracking
    /// off, is not. A service can answer its own 404 on it. Refused before any request (an
    /// empty id: [`Error::InvalidInput`]), it is false.
    pub fn is_unknown_segment(&self) -> bool {
        match self {
            Error::Api { status: 404, .. } => true,
            Error::Api {
                status: 400, message, ..
            } => {
                let message = message.to_ascii_lowercase();
                ["segment_id", "segment id", "identifier"]
                    .iter()
                    .any(|names| message.contains(names))
            }
            _ => false,
        }
    }

    /// True for a 401 (a bad key, a key of another instance, a quoted key).
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// True for a 403 (a key without the permission, an inactive account).
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// The rate-limit figures of the response behind the error, if any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        match self {
            Error::Api { rate_limit, .. } | Error::RateLimited { rate_limit, .. } => Some(rate_limit),
            _ => None,
        }
    }

    /// Braze's error body, answered with `status`, as an [`Error::Api`] (texts bounded, links
    /// without their secrets). Public for `cargo xtask check`, which runs the spec's error
    /// examples through it.
    #[doc(hidden)]
    pub fn from_braze_error(status: u16, body: braze_segments_api::types::BrazeError, rate_limit: RateLimit) -> Self {
        Self::api(status, body, rate_limit, &Redactor::generic())
    }

    /// Braze's error body as an [`Error::Api`], its texts through `redactor` (which knows the key).
    pub(crate) fn api(
        status: u16,
        body: braze_segments_api::types::BrazeError,
        rate_limit: RateLimit,
        redactor: &Redactor,
    ) -> Self {
        Error::Api {
            status,
            message: redactor.text(body.message, MAX_TEXT_CHARS),
            errors: ErrorDetail::bounded_list(body.errors.unwrap_or_default(), redactor),
            rate_limit,
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }
}

/// Why a client could not be configured, as [`Error::Config`] carries it. Match on it to act
/// on a kind of problem; its `Display` says what is wrong and how to fix it, and never shows a
/// value that may be a secret. New kinds may be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable the configuration reads is not set, or is empty.
    #[error("{name} is not set (or empty)")]
    #[non_exhaustive]
    MissingVariable {
        /// The variable, e.g. [`ENV_REST_ENDPOINT`](crate::ENV_REST_ENDPOINT).
        name: &'static str,
    },
    /// No API key was given.
    #[error("no API key: call .api_key(…) or set BRAZE_API_KEY")]
    MissingApiKey,
    /// No endpoint was given.
    #[error("no endpoint: call .instance(…) or .endpoint(…), or set BRAZE_REST_ENDPOINT")]
    MissingEndpoint,
    /// The API key cannot be used: empty, not allowed in a header, or an endpoint by mistake.
    #[error("{reason}")]
    #[non_exhaustive]
    InvalidApiKey {
        /// What is wrong with it (the key itself is never shown).
        reason: String,
    },
    /// The endpoint cannot be used: not a URL, plain http to a host that is not loopback,
    /// credentials or a query in it, or (from the environment) neither a URL nor an instance.
    #[error("{reason}")]
    #[non_exhaustive]
    InvalidEndpoint {
        /// What is wrong with it, and how to fix it.
        reason: String,
    },
    /// The rate budget cannot be used: a share that is not a fraction `0 < f ≤ 1`.
    #[error("{reason}")]
    #[non_exhaustive]
    InvalidBudget {
        /// What is wrong with it, and how to fix it.
        reason: String,
    },
    /// The user agent holds characters not allowed in a header.
    #[error("the user agent holds characters not allowed in a header")]
    InvalidUserAgent,
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {reason}")]
    #[non_exhaustive]
    HttpClient {
        /// What the HTTP library said.
        reason: String,
    },
}

impl ConfigError {
    /// The environment variable that is missing, for [`ConfigError::MissingVariable`].
    pub fn missing_variable(&self) -> Option<&'static str> {
        match self {
            ConfigError::MissingVariable { name } => Some(name),
            _ => None,
        }
    }

    pub(crate) fn api_key(reason: impl Into<String>) -> Error {
        Error::Config(ConfigError::InvalidApiKey { reason: reason.into() })
    }

    pub(crate) fn endpoint(reason: impl Into<String>) -> Error {
        Error::Config(ConfigError::InvalidEndpoint { reason: reason.into() })
    }
}

/// One item of Braze's `errors`: a string or an object.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum ErrorDetail {
    /// A detail as text.
    Text(String),
    /// A detail as a JSON object.
    Object(serde_json::Map<String, serde_json::Value>),
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorDetail::Text(text) => f.write_str(text),
            ErrorDetail::Object(map) => write!(f, "{}", serde_json::Value::Object(map.clone())),
        }
    }
}

impl ErrorDetail {
    /// Braze's `errors`, bounded: at most [`MAX_DETAILS`] items, each at most
    /// [`MAX_TEXT_CHARS`] characters, through `redactor` (an object too large, or holding a
    /// secret, becomes its cleaned, cut JSON text).
    pub(crate) fn bounded_list(
        details: Vec<braze_segments_api::types::BrazeErrorDetail>,
        redactor: &Redactor,
    ) -> Vec<Self> {
        use braze_segments_api::types::BrazeErrorDetail as D;
        let count = details.len();
        let mut out: Vec<Self> = details
            .into_iter()
            .take(MAX_DETAILS)
            .map(|detail| match detail {
                D::String(text) => ErrorDetail::Text(redactor.text(text, MAX_TEXT_CHARS)),
                D::Object(map) => {
                    let text = serde_json::to_string(&map).unwrap_or_default();
                    let shown = redactor.text(text.clone(), MAX_TEXT_CHARS);
                    if shown == text {
                        ErrorDetail::Object(map)
                    } else {
                        ErrorDetail::Text(shown)
                    }
                }
            })
            .collect();
        if count > MAX_DETAILS {
            out.push(ErrorDetail::Text(format!("… and {} more", count - MAX_DETAILS)));
        }
        out
    }
}

struct ErrorsSuffix<'a>(&'a [ErrorDetail]);

impl fmt::Display for ErrorsSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, detail) in self.0.iter().enumerate() {
            f.write_str(if i == 0 { " (" } else { "; " })?;
            write!(f, "{detail}")?;
        }
        if !self.0.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

struct ResetSuffix<'a>(&'a Option<DateTime<Utc>>);

impl fmt::Display for ResetSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(at) => write!(f, " until {}", at.to_rfc3339()),
            None => Ok(()),
        }
    }
}

struct MessageSuffix<'a>(&'a Option<String>);

impl fmt::Display for MessageSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(message) => write!(f, ": {message}"),
            None => Ok(()),
        }
    }
}

/// The longest text from a server an error keeps, in characters: a 200 KB message from a server
/// never makes a 200 KB error.
pub(crate) const MAX_TEXT_CHARS: usize = 1_000;
/// The most items of Braze's `errors` an error keeps.
pub(crate) const MAX_DETAILS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_say_status_message_and_details() {
        let err = Error::Api {
            status: 400,
            message: "segment_id must be a string".into(),
            errors: vec![
                ErrorDetail::Text("bad id".into()),
                ErrorDetail::Object(serde_json::from_str(r#"{"code":1}"#).unwrap()),
            ],
            rate_limit: RateLimit::default(),
        };
        assert_eq!(
            err.to_string(),
            r#"Braze answered 400: segment_id must be a string (bad id; {"code":1})"#
        );
        assert!(!err.is_retryable());
        assert_eq!(err.status(), Some(400));
    }

    #[test]
    fn config_errors_say_what_is_wrong_and_keep_their_kind() {
        let missing = Error::Config(ConfigError::MissingVariable {
            name: crate::ENV_REST_ENDPOINT,
        });
        assert_eq!(
            missing.to_string(),
            "configuration error: BRAZE_REST_ENDPOINT is not set (or empty)"
        );
        assert!(
            std::error::Error::source(&missing).is_none(),
            "said once, not again as a cause"
        );
        let Error::Config(kind) = &missing else { unreachable!() };
        assert_eq!(kind.missing_variable(), Some("BRAZE_REST_ENDPOINT"));
        let endpoint = ConfigError::endpoint("the endpoint has no host: use https://HOST");
        assert_eq!(
            endpoint.to_string(),
            "configuration error: the endpoint has no host: use https://HOST"
        );
        let Error::Config(kind) = &endpoint else { unreachable!() };
        assert_eq!(kind.missing_variable(), None);
        assert!(matches!(kind, ConfigError::InvalidEndpoint { .. }));
    }
}
