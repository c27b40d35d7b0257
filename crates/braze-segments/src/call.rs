//! The one retry loop every call goes through: gate and quota, one attempt through the
//! generated client, then the retry decision.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use braze_segments_api::types as api;
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;
use tokio::time::Sleep;
use tracing::Instrument as _;

use crate::budget::WaitReason;
use crate::classify::finish;
use crate::rate_limit::{RESET_SLACK, WHOLE_SECOND, with_jitter};
use crate::retry::{Decision, GiveUp, Outcome, RetryPolicy, decide};
use crate::transport::{AttemptMeta, poll_attempt};
use crate::{Client, Error, Response};

mod budget_waits;

/// A successful body's `message`, which must say `"success"`.
pub(crate) trait BrazeBody {
    fn message(&self) -> &str;
}

impl BrazeBody for api::SegmentDetails {
    fn message(&self) -> &str {
        &self.message
    }
}

impl BrazeBody for api::SegmentList {
    fn message(&self) -> &str {
        &self.message
    }
}

impl BrazeBody for api::SegmentDataSeries {
    fn message(&self) -> &str {
        &self.message
    }
}

pub(crate) type ApiResult<T> = Result<ResponseValue<T>, progenitor_client::Error<api::BrazeError>>;

impl Client {
    /// Every call goes through here: gate and quota, one attempt through the generated client,
    /// then [`decide`] whether and when to retry. One tracing span per call, and inside it one
    /// `braze.attempt` span per attempt (debug level) with that attempt's number.
    ///
    /// Not an `async fn`: each layer of `async fn` holds the one below and moves it on its first
    /// poll, and the loop's future is kilobytes.
    pub(crate) fn run<'a, T, F, Fut>(
        &'a self,
        operation: &'static str,
        segment_id: Option<&'a str>,
        send: F,
    ) -> impl Future<Output = Result<Response<T>, Error>> + 'a
    where
        T: DeserializeOwned + BrazeBody + 'a,
        F: Fn(&'a braze_segments_api::Client) -> Fut + 'a,
        Fut: Future<Output = ApiResult<T>> + 'a,
    {
        self.run_with(self.policy(), operation, segment_id, send)
    }

    /// [`run`](Self::run) with another retry policy than the handle's (an operation that is not
    /// idempotent retries less).
    pub(crate) fn run_with<'a, T, F, Fut>(
        &'a self,
        policy: &'a RetryPolicy,
        operation: &'static str,
        segment_id: Option<&'a str>,
        send: F,
    ) -> impl Future<Output = Result<Response<T>, Error>> + 'a
    where
        T: DeserializeOwned + BrazeBody + 'a,
        F: Fn(&'a braze_segments_api::Client) -> Fut + 'a,
        Fut: Future<Output = ApiResult<T>> + 'a,
    {
        // No subscriber listens (tracing's level filter is off until one is set): no span at
        // all. A span made by the macro anyway would carry its metadata when tracing's `log`
        // feature is on (httpmock turns it on, for one), and log on every enter, exit and
        // record: about a thousand instructions a call for nothing.
        let span = if tracing::level_enabled!(tracing::Level::INFO) {
            tracing::info_span!(
                "braze.call",
                operation,
                segment_id,
                status = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
                ratelimit_remaining = tracing::field::Empty,
            )
        } else {
            tracing::Span::none()
        };
        let traced = !span.is_disabled();
        let shared = &*self.shared;
        async move {
            // For bulk calls, waits for the budget move the start forward: they do not count
            // against the deadline, which bounds the call's own attempts.
            let mut started = Instant::now();
            let mut attempts = 0u32;
            // Attempts the policy counts: a bulk call's 429s are waited out without spending one
            // (up to the budget's bulk wait, `rate_limited` so far).
            let mut counted = 0u32;
            let mut rate_limited = Duration::ZERO;
            let result = loop {
                let reserved = match self.wait_for_budget(&span, started, attempts, rate_limited).await {
                    Ok((waited, reserved)) => {
                        if self.bulk {
                            started = shift(started, waited);
                            rate_limited += waited;
                        }
                        reserved
                    }
                    Err(e) => break Err(e),
                };
                attempts += 1;
                counted += 1;
                // Its own span: recording the number on the call's span again would print every
                // number so far on each line.
                // Made whenever debug is on, the call's span or not: a filter may name this
                // span alone (`[braze.attempt]=trace`), to watch the HTTP stack inside attempts.
                let attempt_span = if tracing::level_enabled!(tracing::Level::DEBUG) {
                    tracing::debug_span!(parent: &span, "braze.attempt", attempt = attempts)
                } else {
                    tracing::Span::none()
                };
                // One timer per attempt: the attempt's own limit, or what is left of the deadline.
                let left = policy.deadline.map(|d| d.saturating_sub(started.elapsed()));
                if left.is_some_and(|l| l.is_zero()) {
                    break Err(Error::Timeout {
                        elapsed: started.elapsed(),
                        attempts: attempts - 1,
                    });
                }
                let timeout = match (shared.transport.attempt_timeout, left) {
                    (Some(a), Some(l)) => Some(a.min(l)),
                    (a, l) => a.or(l),
                };
                let mut meta = AttemptMeta {
                    timeout,
                    ..AttemptMeta::default()
                };
                let outcome = {
                    // Polled where it stands, inside the attempt's span, with `meta` as the
                    // attempt under way: no wrapper future to move it into (it is kilobytes).
                    let mut attempt = std::pin::pin!(send(&shared.api));
                    std::future::poll_fn(|cx| {
                        // Both spans entered, as `instrument` would: what the HTTP stack logs
                        // during the attempt has the call for its context.
                        let _call = span.enter();
                        let _attempt = attempt_span.enter();
                        poll_attempt(attempt.as_mut(), &mut meta, cx)
                    })
                    .await
                };
                self.observe(&meta, reserved);

                let (error, retry_outcome) = match outcome {
                    Ok(value) => {
                        let status = value.status().as_u16();
                        let message = value.message();
                        if message.trim().eq_ignore_ascii_case("success") {
                            break Ok(Response {
                                value: value.into_inner(),
                                status,
                                rate_limit: meta.rate_limit,
                                attempts,
                            });
                        }
                        let error = Error::Api {
                            status,
                            message: self.redactor().text(message, crate::error::MAX_TEXT_CHARS),
                            errors: Vec::new(),
                            rate_limit: meta.rate_limit,
                        };
                        (error, Outcome::Permanent)
                    }
                    // Boxed, like every wait below: the happy path's future stays small.
                    Err(e) => Box::pin(self.classify::<T>(e, &meta, started, attempts).instrument(span.clone())).await,
                };
                tracing::debug!(parent: &attempt_span, error = %error, "attempt failed");
                if self.bulk
                    && policy.retries_status(429)
                    && let Outcome::Status {
                        status: 429,
                        server_wait,
                    } = retry_outcome
                {
                    // Bulk work waits a 429 out: until the window has surely ended (a second
                    // when the answer said nothing), with jitter, spending no attempt.
                    let wait = with_jitter(server_wait.unwrap_or(WHOLE_SECOND).max(WHOLE_SECOND));
                    let patience = policy.max_rate_limit_wait.saturating_add(RESET_SLACK);
                    if rate_limited.saturating_add(wait) <= patience {
                        rate_limited += wait;
                        counted -= 1;
                        self.note_wait(&span, wait, WaitReason::Spent);
                        pause(wait).await;
                        started = shift(started, wait);
                        continue;
                    }
                    break Err(finish(
                        error,
                        GiveUp::RateLimitTooFar { wait },
                        &meta,
                        started,
                        attempts,
                    ));
                }
                match decide(policy, &retry_outcome, counted, started.elapsed()) {
                    Decision::RetryAfter(wait) if self.bulk => {
                        let wait = with_jitter(wait);
                        self.note_wait(&span, wait, WaitReason::Spent);
                        pause(wait).await;
                        started = shift(started, wait);
                    }
                    Decision::RetryAfter(wait) => sleep_within(with_jitter(wait), policy.deadline, started).await,
                    Decision::RetryJittered { ceiling } => {
                        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
                        let wait = Duration::from_nanos(fastrand::u64(0..=nanos));
                        sleep_within(wait, policy.deadline, started).await;
                    }
                    Decision::GiveUp(reason) => break Err(finish(error, reason, &meta, started, attempts)),
                }
            };
            if traced {
                span.record("elapsed_ms", started.elapsed().as_millis() as u64);
            }
            match &result {
                Ok(response) => {
                    span.record("status", response.status);
                    if let Some(remaining) = response.rate_limit.remaining {
                        span.record("ratelimit_remaining", remaining);
                    }
                    if traced {
                        span.in_scope(|| tracing::info!(attempts, "call succeeded"));
                    } else {
                        // No span to carry the call's fields (tracing's `log` output, or a
                        // subscriber whose filter leaves the span out): the event carries them.
                        tracing::info!(
                            operation,
                            segment_id,
                            status = response.status,
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            attempts,
                            "call succeeded"
                        );
                    }
                }
                Err(error) => {
                    if let Some(status) = error.status() {
                        span.record("status", status);
                    }
                    if traced {
                        span.in_scope(|| tracing::warn!(attempts, error = %error, "call failed"));
                    } else {
                        tracing::warn!(
                            operation,
                            segment_id,
                            status = error.status(),
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            attempts,
                            error = %error,
                            "call failed"
                        );
                    }
                }
            }
            result
        }
    }

    /// The retry policy of this handle's calls: a bulk clone's waits longer for the budget.
    pub(crate) fn policy(&self) -> &RetryPolicy {
        if self.bulk {
            &self.shared.bulk_retry
        } else {
            &self.shared.retry
        }
    }
}

/// `started` moved `by` later (a wait that does not count against the deadline).
fn shift(started: Instant, by: Duration) -> Instant {
    started.checked_add(by).unwrap_or(started)
}

/// Sleeps `wait`, but not past the deadline (the next attempt then times out at once).
fn sleep_within(wait: Duration, deadline: Option<Duration>, started: Instant) -> Pin<Box<Sleep>> {
    let wait = match deadline {
        Some(d) => wait.min(d.saturating_sub(started.elapsed())),
        None => wait,
    };
    pause(wait)
}

/// A sleep on the heap: a retry's wait is rare, and a `Sleep` held in the loop's future would
/// be copied with it on every call.
fn pause(wait: Duration) -> Pin<Box<Sleep>> {
    Box::pin(tokio::time::sleep(wait))
}
