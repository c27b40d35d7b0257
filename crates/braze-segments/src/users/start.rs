//! Starting and cancelling a users export: `POST /users/export/segment` and
//! `POST /export/segment/cancel`, through the generated client like every call to Braze.
//!
//! Braze runs one export of a segment at a time, and its cancel ends **every** export of the
//! segment, whoever started it. So a caller that gives up must know whether its own start may
//! have begun an export: [`Client::start_users_export_until`] says so, also when it is stopped
//! while a start is on its way.

use std::future::Future;
use std::time::Duration;

use braze_segments_api::types as api;
use tokio::sync::watch;

use crate::call::BrazeBody;
use crate::retry::RetryPolicy;
use crate::users::{UsersExport, UsersExportJob};
use crate::{Client, Error};

/// The statuses that prove Braze started nothing: a start is retried only on these. A 500, a
/// 504 or a connection lost after the request was sent may have started the export, and a
/// second start would then be refused ("already in progress").
const START_RETRY_STATUSES: [u16; 3] = [429, 502, 503];

/// How long [`Client::start_users_export_until`], once stopped, still waits for the answer to a
/// request already sent.
pub const START_ANSWER_GRACE: Duration = Duration::from_secs(10);

/// How [`Client::start_users_export_until`] ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum UsersExportStart {
    /// Braze started the export: this caller's to download, or to cancel.
    Started(UsersExportJob),
    /// The start failed with `error`. `may_have_started` is true when the failure does not prove
    /// that nothing started: a 2xx answer that could not be used (not readable, too large, a
    /// `message` other than "success"), a 500, a 504 or another 5xx than 502 and 503, or a
    /// request sent whose answer never came (a dropped connection, a time-out). A 4xx (such as
    /// the 429 of an export of the segment already in progress), a 502, a 503, a refused
    /// connection or an untrusted certificate prove that nothing started.
    Failed {
        /// Why it failed.
        error: Error,
        /// Whether an export may be running at Braze because of this start.
        may_have_started: bool,
    },
    /// The stop future resolved first. `may_have_started` is false when no request of this
    /// start was awaiting its answer then (none was sent yet, the wait for the budget or
    /// between retries was running, or the answer to a request in flight came within
    /// [`START_ANSWER_GRACE`] and started nothing); true when a request was sent and its answer
    /// did not come within that grace.
    Stopped {
        /// Whether an export may be running at Braze because of this start.
        may_have_started: bool,
    },
}

impl Client {
    /// `POST /users/export/segment`: starts an export of the segment's users. Braze runs one
    /// export per segment at a time: a second start is refused (an [`Error::Api`] or
    /// [`Error::RateLimited`] with Braze's message, "already in progress") until the first is
    /// ready, or cancelled with [`cancel_users_export`](Self::cancel_users_export). Not
    /// idempotent, so retried only on 429, 502 and 503 (answers that started nothing), whatever
    /// the retry policy says of other statuses.
    ///
    /// Dropping this future while a request is on its way leaves it unknown whether an export
    /// started: [`start_users_export_until`](Self::start_users_export_until) stops it and says.
    pub async fn start_users_export(&self, export: &UsersExport) -> Result<UsersExportJob, Error> {
        let (in_flight, _) = watch::channel(false);
        self.start(export, &in_flight).await
    }

    /// [`start_users_export`](Self::start_users_export) that stops when `stop` resolves (a
    /// signal, a shutdown), and says whether an export may have started because of it — the one
    /// fact a caller needs before it cancels: Braze's cancel ends every export of the segment,
    /// also one another process started.
    ///
    /// When `stop` resolves while a request is on its way, the start goes on for at most
    /// [`START_ANSWER_GRACE`] to read its answer (and sends nothing more); between attempts, or
    /// before the first, it ends at once.
    pub async fn start_users_export_until<S: Future>(&self, export: &UsersExport, stop: S) -> UsersExportStart {
        let (in_flight, mut answered) = watch::channel(false);
        let start = self.start(export, &in_flight);
        let mut start = std::pin::pin!(start);
        tokio::select! {
            biased;
            result = &mut start => return outcome(result),
            _ = stop => {}
        }
        let grace = tokio::time::sleep(START_ANSWER_GRACE);
        let mut grace = std::pin::pin!(grace);
        loop {
            if !*answered.borrow_and_update() {
                return UsersExportStart::Stopped {
                    may_have_started: false,
                };
            }
            tokio::select! {
                biased;
                result = &mut start => return outcome(result),
                // The sender lives as long as this function: `changed` fails only never.
                _ = answered.changed() => {}
                () = &mut grace => return UsersExportStart::Stopped { may_have_started: true },
            }
        }
    }

    /// The start, with `in_flight` true from the moment each attempt is sent until its answer
    /// is read (or the attempt is dropped).
    async fn start(&self, export: &UsersExport, in_flight: &watch::Sender<bool>) -> Result<UsersExportJob, Error> {
        let body = export.body()?;
        let policy = start_policy(self.policy());
        let response = self
            .run_with(&policy, "post_users_export_segment", Some(export.segment_id()), |api| {
                let send = api.post_users_export_segment().body(body.clone()).send();
                async move {
                    in_flight.send_replace(true);
                    let _answered = Answered(in_flight);
                    send.await
                }
            })
            .await?;
        Ok(UsersExportJob::from_response(
            export.segment_id(),
            response.into_inner(),
        ))
    }

    /// `POST /export/segment/cancel`: cancels the running users export of a segment. Its link
    /// then never becomes ready. Braze cancels **every** export of the segment, whoever started
    /// it: cancel only an export you started or may have started ([`UsersExportStart`]).
    pub async fn cancel_users_export(&self, segment_id: &str) -> Result<(), Error> {
        let segment_id = crate::operations::check_segment_id(segment_id)?;
        let body = api::ExportSegmentCancelRequest {
            segment_id: segment_id
                .to_owned()
                .try_into()
                .map_err(|e| Error::invalid("segment_id", format!("{e}")))?,
        };
        self.run("post_export_segment_cancel", Some(segment_id), |api| {
            api.post_export_segment_cancel().body(body.clone()).send()
        })
        .await?;
        Ok(())
    }
}

/// Sets the in-flight flag back when an attempt's answer is read, or the attempt dropped.
struct Answered<'a>(&'a watch::Sender<bool>);

impl Drop for Answered<'_> {
    fn drop(&mut self) {
        self.0.send_replace(false);
    }
}

fn outcome(result: Result<UsersExportJob, Error>) -> UsersExportStart {
    match result {
        Ok(job) => UsersExportStart::Started(job),
        Err(error) => UsersExportStart::Failed {
            may_have_started: may_have_started(&error),
            error,
        },
    }
}

/// Whether a start that failed with `error` may have begun an export at Braze.
fn may_have_started(error: &Error) -> bool {
    match error {
        Error::InvalidInput { .. } | Error::Config(_) | Error::Tls { .. } => false,
        // No connection, no request.
        Error::Transport { source, .. } => !source
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_connect),
        Error::Timeout { .. } => true,
        error => match error.status() {
            Some(status) => (200..300).contains(&status) || (status >= 500 && !matches!(status, 502 | 503)),
            None => true,
        },
    }
}

impl BrazeBody for api::UsersExportSegmentResponse {
    fn message(&self) -> &str {
        &self.message
    }
}

impl BrazeBody for api::ExportSegmentCancelResponse {
    fn message(&self) -> &str {
        &self.message
    }
}

/// `policy` retrying only the statuses that prove nothing started, and no transport error (the
/// request may have reached Braze).
fn start_policy(policy: &RetryPolicy) -> RetryPolicy {
    let statuses: Vec<u16> = START_RETRY_STATUSES
        .into_iter()
        .filter(|s| policy.retries_status(*s))
        .collect();
    policy.clone().retry_statuses(statuses).retry_transport_errors(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_is_retried_only_when_nothing_started() {
        let policy = start_policy(&RetryPolicy::default());
        for status in [429, 502, 503] {
            assert!(policy.retries_status(status), "{status}");
        }
        for status in [500, 504, 400] {
            assert!(!policy.retries_status(status), "{status}");
        }
        assert!(!policy.get_retry_transport_errors());
        // A policy that retries nothing stays so.
        let none = start_policy(&RetryPolicy::none().retry_statuses([]));
        assert!(!none.retries_status(429));
    }

    fn api(status: u16) -> Error {
        Error::Api {
            status,
            message: "m".into(),
            errors: Vec::new(),
            rate_limit: Default::default(),
        }
    }

    #[test]
    fn only_answers_that_prove_nothing_started_say_so() {
        for status in [400, 401, 403, 404, 429, 502, 503, 301] {
            assert!(!may_have_started(&api(status)), "{status}");
        }
        for status in [200, 201, 202, 500, 504, 505, 599] {
            assert!(may_have_started(&api(status)), "{status}");
        }
        let decode = Error::Decode {
            status: 201,
            path: ".".into(),
            message: "m".into(),
            snippet: String::new(),
        };
        assert!(may_have_started(&decode));
        assert!(may_have_started(&Error::BodyTooLarge { status: 200, limit: 1 }));
        assert!(!may_have_started(&Error::BodyTooLarge { status: 400, limit: 1 }));
        assert!(may_have_started(&Error::Timeout {
            elapsed: Duration::ZERO,
            attempts: 1
        }));
        assert!(!may_have_started(&Error::invalid("segment_id", "empty")));
        let rate_limited = Error::RateLimited {
            reset_at: None,
            wait: None,
            rate_limit: Default::default(),
            message: None,
        };
        assert!(!may_have_started(&rate_limited));
        // A transport error that is not reqwest's refused connection: the request may have gone.
        let dropped = Error::Transport {
            message: "the request failed".into(),
            source: "connection reset".into(),
        };
        assert!(may_have_started(&dropped));
    }
}
