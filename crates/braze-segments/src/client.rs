//! The client: a cheap handle on the shared configuration and state.

use std::sync::Arc;

use crate::budget::{BudgetWait, RateBudget, WaitBoard};
use crate::pacer::Pacer;
#[cfg(feature = "quota")]
use crate::quota::Limiter;
use crate::rate_limit::{Gate, LastSeen, RateLimit};
use crate::redact::Redactor;
use crate::retry::RetryPolicy;
use crate::transport::Transport;

/// A client of Braze's segment endpoints. Cheap to clone: clones share the connection pool, the
/// rate-limit state and the quota.
///
/// Build one with [`Client::builder`] or [`Client::from_env`].
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    /// Calls of a bulk job: they wait for a spent budget (see [`Client::bulk`]).
    pub(crate) bulk: bool,
}

/// What every clone of a client shares. Each setting lives once: the transport's own
/// (body cap, attempt timeout) are read from it.
pub(crate) struct Shared {
    pub(crate) api: braze_segments_api::Client,
    pub(crate) transport: Arc<Transport>,
    pub(crate) endpoint: String,
    pub(crate) retry: RetryPolicy,
    /// `retry` with the budget's bulk patience for 429s, for [`Client::bulk`] calls.
    pub(crate) bulk_retry: RetryPolicy,
    pub(crate) budget: RateBudget,
    pub(crate) pacer: Option<Pacer>,
    pub(crate) waits: WaitBoard,
    pub(crate) gate: Gate,
    #[cfg(feature = "quota")]
    pub(crate) limiter: Option<Limiter>,
    pub(crate) last_rate_limit: LastSeen,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.shared.endpoint)
            .field("api_key", &"***")
            .field("retry", &self.shared.retry)
            .field("budget", &self.shared.budget)
            .field("bulk", &self.bulk)
            .field("max_body_bytes", &self.shared.transport.body_limit)
            .finish()
    }
}

impl Client {
    /// The endpoint calls go to (no trailing slash).
    pub fn endpoint(&self) -> &str {
        &self.shared.endpoint
    }

    /// The generated low-level client, for operations this crate does not wrap. Its requests
    /// still carry the key and the body cap, but bypass retries and rate limiting.
    pub fn api(&self) -> &braze_segments_api::Client {
        &self.shared.api
    }

    /// The rate-limit figures of the latest response any clone of this client received.
    pub fn last_rate_limit(&self) -> Option<RateLimit> {
        self.shared.last_rate_limit.load()
    }

    /// A clone for a bulk job: when the budget is spent (or at the reserve, or this client's
    /// share is used up), its calls wait for the window's reset — up to
    /// [`RateBudget::bulk_max_wait`], an hour by default — instead of failing fast, and that
    /// wait does not count against the retry policy's deadline. Single calls fail fast with
    /// [`Error::RateLimited`](crate::Error::RateLimited) once the wait would pass the policy's
    /// `max_rate_limit_wait`. `export_segments` (feature `export`) uses such a clone.
    pub fn bulk(&self) -> Client {
        Client {
            shared: self.shared.clone(),
            bulk: true,
        }
    }

    /// What calls are waiting for, while any clone of this client waits for the budget
    /// (for progress displays: "waiting for Braze's budget until 14:00").
    pub fn budget_wait(&self) -> Option<BudgetWait> {
        self.shared.waits.get(std::time::SystemTime::now())
    }

    /// The budget this client spends by.
    pub fn budget(&self) -> &RateBudget {
        &self.shared.budget
    }
}

impl Client {
    /// A redactor that knows this client's API key (read from the `Authorization` header value
    /// the transport holds: the key is not copied anywhere that outlives the error).
    pub(crate) fn redactor(&self) -> Redactor {
        let header = &self.shared.transport.authorization;
        let key = header.to_str().ok().and_then(|v| v.strip_prefix("Bearer "));
        Redactor::with_secrets(key.into_iter())
    }
}
