//! Turning what the generated client returned into the SDK's [`Error`], and how the retry loop
//! should see it.

use std::time::Instant;

use braze_segments_api::types as api;
use serde::de::DeserializeOwned;

use crate::error::MAX_TEXT_CHARS;
use crate::redact::Redactor;
use crate::retry::{GiveUp, Outcome};
use crate::transport::{AttemptMeta, is_length_limit};
use crate::{Client, Error};

const SNIPPET_BYTES: usize = 200;
const MAX_PATH_CHARS: usize = 200;
/// The most of a `Location` an error shows.
const MAX_LOCATION_CHARS: usize = 200;

impl Client {
    /// Turns the generated client's error into the SDK's, and says how the retry loop should
    /// see it.
    pub(crate) async fn classify<T: DeserializeOwned>(
        &self,
        error: progenitor_client::Error<api::BrazeError>,
        meta: &AttemptMeta,
        started: Instant,
        attempts: u32,
    ) -> (Error, Outcome) {
        use progenitor_client::Error as E;
        let status = meta.status.unwrap_or(0);
        let status_outcome = |status: u16| Outcome::Status {
            status,
            server_wait: meta.server_wait(),
        };
        let limit = self.shared.transport.body_limit;
        let too_large = |status: u16| (Error::BodyTooLarge { status, limit }, Outcome::Permanent);
        // Every text below that a server sent goes through it: no key, no link secrets, bounded.
        let redactor = self.redactor();
        match error {
            E::ErrorResponse(value) => {
                let status = value.status().as_u16();
                let error = Error::api(status, value.into_inner(), meta.rate_limit, &redactor);
                (error, status_outcome(status))
            }
            E::InvalidResponsePayload(..) if meta.body_over_limit => too_large(status),
            E::InvalidResponsePayload(bytes, json_error) => {
                if (200..300).contains(&status) {
                    (
                        decode_error::<T>(status, &bytes, json_error, &redactor),
                        Outcome::Permanent,
                    )
                } else {
                    // An error status whose body is not Braze's JSON (a proxy's HTML page, nothing).
                    let error = Error::Api {
                        status,
                        message: body_message(&bytes, &redactor),
                        errors: Vec::new(),
                        rate_limit: meta.rate_limit,
                    };
                    (error, status_outcome(status))
                }
            }
            E::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let body = response.bytes().await;
                if meta.body_over_limit || body.as_ref().err().is_some_and(|e| is_length_limit(e)) {
                    return too_large(status);
                }
                let body = body.unwrap_or_default();
                let message = match (status, location) {
                    (300..=399, Some(location)) => format!(
                        "redirect to {} not followed (it leaves the configured endpoint)",
                        redactor.text(location, MAX_LOCATION_CHARS)
                    ),
                    _ => serde_json::from_slice::<api::BrazeError>(&body)
                        .map(|b| redactor.text(b.message, MAX_TEXT_CHARS))
                        .unwrap_or_else(|_| body_message(&body, &redactor)),
                };
                let error = Error::Api {
                    status,
                    message,
                    errors: Vec::new(),
                    rate_limit: meta.rate_limit,
                };
                (error, status_outcome(status))
            }
            E::ResponseBodyError(e) => {
                if meta.body_over_limit || is_length_limit(&e) {
                    too_large(status)
                } else {
                    (transport_error(e, started, attempts, &redactor), Outcome::Transport)
                }
            }
            E::CommunicationError(e) => {
                let permanent = e.is_builder() || e.is_redirect();
                let error = transport_error(e, started, attempts, &redactor);
                // A certificate that cannot be trusted now will not be trusted in a second.
                let permanent = permanent || matches!(error, Error::Tls { .. });
                (
                    error,
                    if permanent {
                        Outcome::Permanent
                    } else {
                        Outcome::Transport
                    },
                )
            }
            E::InvalidRequest(reason) => (Error::invalid("request", reason), Outcome::Permanent),
            other => (
                Error::Transport {
                    message: redactor.text(other.to_string(), MAX_TEXT_CHARS),
                    source: redactor.text(other.to_string(), MAX_TEXT_CHARS).into(),
                },
                Outcome::Permanent,
            ),
        }
    }
}

/// The final error of a call that gave up.
pub(crate) fn finish(error: Error, reason: GiveUp, meta: &AttemptMeta, started: Instant, attempts: u32) -> Error {
    match (error, reason) {
        (
            Error::Api {
                status: 429,
                message,
                rate_limit,
                ..
            },
            reason,
        ) => {
            let wait = match reason {
                GiveUp::RateLimitTooFar { wait } => Some(wait),
                _ => meta.server_wait(),
            };
            Error::RateLimited {
                reset_at: rate_limit.reset_at,
                wait,
                rate_limit,
                message: Some(message).filter(|m| !m.is_empty()),
            }
        }
        (Error::Transport { .. }, GiveUp::Deadline) => Error::Timeout {
            elapsed: started.elapsed(),
            attempts,
        },
        (error, _) => error,
    }
}

fn transport_error(e: reqwest::Error, started: Instant, attempts: u32, redactor: &Redactor) -> Error {
    if e.is_timeout() {
        return Error::Timeout {
            elapsed: started.elapsed(),
            attempts,
        };
    }
    if let Some(message) = crate::tls::certificate_problem(&e) {
        // It names what the server's certificate says (its host names): the server's text too.
        return Error::Tls {
            message: redactor.text(message, MAX_TEXT_CHARS),
            source: Box::new(e),
        };
    }
    let message = if e.is_connect() {
        "cannot connect".to_owned()
    } else if e.is_body() || e.is_decode() {
        "the connection failed while reading the response body".to_owned()
    } else if e.is_redirect() {
        "redirect refused".to_owned()
    } else {
        "the request failed".to_owned()
    };
    // reqwest's message names the URL (the request's, or a redirect's within the endpoint's
    // origin, which the server chose): shown without its query, and without the key.
    Error::Transport {
        message: redactor.text(format!("{message}: {e}"), MAX_TEXT_CHARS),
        // The URL is said (cleaned) above; the cause, shown too, goes without it.
        source: Box::new(e.without_url()),
    }
}

/// Re-decodes a body that failed, to name the JSON path that failed.
fn decode_error<T: DeserializeOwned>(
    status: u16,
    bytes: &[u8],
    fallback: serde_json::Error,
    redactor: &Redactor,
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // serde's message quotes the value it refused, and the path names the body's keys.
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (
            redactor.text(e.path().to_string(), MAX_PATH_CHARS),
            redactor.text(e.into_inner().to_string(), MAX_TEXT_CHARS),
        ),
        Ok(_) => (".".to_owned(), redactor.text(fallback.to_string(), MAX_TEXT_CHARS)),
    };
    Error::Decode {
        status,
        path,
        message,
        snippet: redactor.body(bytes, SNIPPET_BYTES),
    }
}

/// A readable message for an error body that is not Braze's JSON.
fn body_message(body: &[u8], redactor: &Redactor) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        "(empty body)".to_owned()
    } else {
        format!("(not Braze's JSON) {}", redactor.body(body, SNIPPET_BYTES))
    }
}
