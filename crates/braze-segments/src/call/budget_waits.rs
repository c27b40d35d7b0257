//! The budget side of a call: waiting for it before an attempt (the shared gate, the paced
//! share, the client-side quota), saying so, and recording what each response said of it.

use std::time::{Duration, Instant, SystemTime};

use crate::budget::WaitReason;
use crate::pacer::{Reserved, Slot};
use crate::rate_limit::{RESET_SLACK, with_jitter};
use crate::transport::AttemptMeta;
use crate::{Client, Error};

impl Client {
    /// Waits for the budget: while the shared gate is closed (a response said nothing, or no
    /// more than the reserve, remains), for this client's paced share, and for the client-side
    /// quota. Fails at once when the wait would pass the call's patience: the policy's
    /// `max_rate_limit_wait`, or for [`Client::bulk`] calls the budget's bulk wait less what
    /// the call already `waited` (every wait of a bulk call counts: the gate's, the share's,
    /// a 429's), the timing rules' slack aside. Returns how long it waited for the gate and the
    /// share.
    pub(super) async fn wait_for_budget(
        &self,
        span: &tracing::Span,
        started: Instant,
        attempts: u32,
        already: Duration,
    ) -> Result<(Duration, Reserved<'_>), Error> {
        #[cfg(not(feature = "quota"))]
        let _ = attempts;
        let shared = &*self.shared;
        let policy = self.policy();
        let patience = if self.bulk {
            policy
                .max_rate_limit_wait
                .saturating_add(RESET_SLACK)
                .saturating_sub(already)
        } else {
            policy.max_rate_limit_wait
        };
        let mut waited = Duration::ZERO;
        let wait = shared.gate.wait(SystemTime::now);
        if !wait.is_zero() {
            // Every clone and process that saw the window spent waits for the same reset: each
            // comes back at its own moment after it.
            let wait = with_jitter(wait);
            let reason = match self.last_rate_limit().and_then(|r| r.remaining) {
                Some(0) | None => WaitReason::Spent,
                Some(_) => WaitReason::Reserve,
            };
            let past_deadline = !self.bulk
                && policy
                    .deadline
                    .is_some_and(|d| started.elapsed().saturating_add(wait) >= d);
            if wait > patience || past_deadline {
                return Err(self.budget_error(wait, reason));
            }
            self.note_wait(span, wait, reason);
            tokio::time::sleep(wait).await;
            waited += wait;
        }
        let mut slot = Reserved::none();
        if let Some(pacer) = &shared.pacer {
            loop {
                match pacer.slot(SystemTime::now(), Instant::now()) {
                    Slot::Go => {
                        slot = Reserved::new(pacer);
                        break;
                    }
                    Slot::At(at) => {
                        // The slot is this request's from now: dropped while waiting, it is
                        // given back.
                        slot = Reserved::new(pacer);
                        let wait = at.saturating_duration_since(Instant::now());
                        span.in_scope(|| {
                            tracing::trace!(wait_ms = wait.as_millis() as u64, "pacing to the budget's share")
                        });
                        tokio::time::sleep_until(at.into()).await;
                        waited += wait;
                        break;
                    }
                    Slot::Later(at) => {
                        waited += at.saturating_duration_since(Instant::now());
                        tokio::time::sleep_until(at.into()).await;
                    }
                    Slot::Spent(reset) => {
                        let wait = with_jitter(reset.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO));
                        if waited.saturating_add(wait) > patience {
                            return Err(self.budget_error(wait, WaitReason::Share));
                        }
                        self.note_wait(span, wait, WaitReason::Share);
                        tokio::time::sleep(wait).await;
                        waited += wait;
                    }
                }
            }
        }
        #[cfg(feature = "quota")]
        if let Some(limiter) = &shared.limiter {
            // The quota's wait counts against the deadline like any other.
            let started = super::shift(started, waited);
            match policy.deadline.map(|d| d.saturating_sub(started.elapsed())) {
                Some(left) => {
                    if tokio::time::timeout(left, limiter.until_ready()).await.is_err() {
                        return Err(Error::Timeout {
                            elapsed: started.elapsed(),
                            attempts,
                        });
                    }
                }
                None => limiter.until_ready().await,
            }
        }
        Ok((waited, slot))
    }

    /// Says, in the trace and on the wait board, that calls wait `wait` for the budget.
    pub(super) fn note_wait(&self, span: &tracing::Span, wait: Duration, reason: WaitReason) {
        let until = SystemTime::now().checked_add(wait);
        if let Some(until) = until {
            self.shared.waits.set(until, reason);
        }
        let until = until.map(chrono::DateTime::<chrono::Utc>::from);
        span.in_scope(|| {
            tracing::info!(
                reason = %reason,
                wait_ms = wait.as_millis() as u64,
                until = until.map(|u| u.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).as_deref().unwrap_or("?"),
                "waiting for Braze's budget"
            )
        });
    }

    /// The error of a call that will not wait `wait` for the budget.
    fn budget_error(&self, wait: Duration, reason: WaitReason) -> Error {
        let rate_limit = self.last_rate_limit().unwrap_or_default();
        let message = match reason {
            WaitReason::Spent => "the rate-limit window is spent (X-RateLimit-Remaining: 0)".to_owned(),
            WaitReason::Reserve => format!(
                "the rate-limit window is down to the reserve of {} requests",
                self.shared.budget.get_reserve()
            ),
            WaitReason::Share => "this client's share of the rate-limit window is used up".to_owned(),
        };
        Error::RateLimited {
            reset_at: rate_limit.reset_at,
            wait: Some(wait),
            rate_limit,
            message: Some(message),
        }
    }

    /// Records what an attempt's response said: the shared gate, the pacer's count (`slot`,
    /// the attempt's reserved slot, if any), the last figures seen.
    pub(super) fn observe(&self, meta: &AttemptMeta, slot: Reserved<'_>) {
        let rate_limit = &meta.rate_limit;
        slot.finish(rate_limit, || {
            if rate_limit.is_empty() {
                return None;
            }
            meta.window_end(SystemTime::now())
        });
        if rate_limit.is_empty() {
            return;
        }
        let shared = &*self.shared;
        shared.gate.observe(
            rate_limit,
            shared.budget.get_reserve(),
            || meta.reset_wait(),
            SystemTime::now,
        );
        self.shared.last_rate_limit.store(rate_limit);
    }
}
