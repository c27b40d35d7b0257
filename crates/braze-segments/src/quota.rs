//! The optional client-side quota (the `quota` feature): a [`governor`] token bucket every clone
//! of the client waits on before each attempt.

use std::num::NonZeroU32;
use std::time::Duration;

/// A client-side request quota, enforced before each attempt by every clone of the client (a
/// [`governor`] rate limiter: a token bucket with no background task).
///
/// ```
/// use braze_segments::RequestQuota;
/// // Braze's default budget for these endpoints.
/// let quota = RequestQuota::per_hour(250_000).unwrap();
/// # let _ = quota;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestQuota {
    pub(crate) quota: governor::Quota,
}

impl RequestQuota {
    /// At most `n` requests a second, in bursts of up to `n`. `None` when `n` is zero.
    pub fn per_second(n: u32) -> Option<Self> {
        Some(Self {
            quota: governor::Quota::per_second(NonZeroU32::new(n)?),
        })
    }

    /// At most `n` requests an hour, spread evenly, in bursts of up to `n`. `None` when `n` is zero.
    pub fn per_hour(n: u32) -> Option<Self> {
        Some(Self {
            quota: governor::Quota::per_hour(NonZeroU32::new(n)?),
        })
    }

    /// At most `n` requests per `window`, spread evenly, in bursts of up to `n`. `None` when
    /// `n` is zero or the window is shorter than `n` nanoseconds.
    pub fn per_window(n: u32, window: Duration) -> Option<Self> {
        let n = NonZeroU32::new(n)?;
        let quota = governor::Quota::with_period(window / n.get())?.allow_burst(n);
        Some(Self { quota })
    }
}

pub(crate) type Limiter = governor::DefaultDirectRateLimiter;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_refuse_zero() {
        assert!(RequestQuota::per_second(0).is_none());
        assert!(RequestQuota::per_hour(0).is_none());
        assert!(RequestQuota::per_window(5, Duration::from_secs(1)).is_some());
    }

    #[test]
    fn quotas_have_the_period_and_burst_asked_for() {
        let figures = |q: RequestQuota| (q.quota.replenish_interval(), q.quota.burst_size().get());
        let ms = Duration::from_millis;
        assert_eq!(
            figures(RequestQuota::per_window(5, Duration::from_secs(1)).unwrap()),
            (ms(200), 5)
        );
        assert_eq!(
            figures(RequestQuota::per_window(3, Duration::from_secs(6)).unwrap()),
            (ms(2000), 3)
        );
        assert_eq!(figures(RequestQuota::per_second(4).unwrap()), (ms(250), 4));
        assert_eq!(figures(RequestQuota::per_hour(7200).unwrap()), (ms(500), 7200));
        assert!(RequestQuota::per_window(0, Duration::from_secs(1)).is_none());
        assert!(
            RequestQuota::per_window(5, Duration::from_nanos(4)).is_none(),
            "a period under 1 ns"
        );
    }
}
