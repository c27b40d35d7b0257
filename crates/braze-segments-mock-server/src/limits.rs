//! The connection cap when none is given: derived from the process's descriptor limit, after
//! raising its soft limit towards the hard one (as servers commonly do at start).

/// Descriptors kept back from the cap: the listeners, the runtime's own, files, the refusals
/// in flight ([`crate::server::REFUSING`]) and whatever else the process holds (the storage
/// host shares the cap; a test's own clients do not).
const RESERVE: u64 = 128;
/// The largest cap derived, however high the limit.
pub(crate) const MAX_DERIVED: usize = 16_384;
/// The soft limit asked for at most when raising it.
const WANTED: u64 = 65_536;
/// The cap where the limit cannot be read (or on systems without one).
const FALLBACK: usize = 1_024;

/// The cap for a descriptor limit of `limit`: the limit less a reserve (half of it when the
/// limit is small), between 1 and [`MAX_DERIVED`].
fn cap_for(limit: u64) -> usize {
    let reserve = RESERVE.min(limit / 2);
    let cap = limit.saturating_sub(reserve).max(1);
    usize::try_from(cap).unwrap_or(usize::MAX).min(MAX_DERIVED)
}

/// Raises the soft descriptor limit towards the hard one where allowed; the cap: `explicit` if
/// given, else derived from the soft limit then in force.
pub(crate) fn max_connections(explicit: Option<usize>) -> usize {
    let limit = raise_descriptor_limit();
    explicit.unwrap_or_else(|| limit.map_or(FALLBACK, cap_for))
}

/// Raises the soft `RLIMIT_NOFILE` towards the hard limit (at most [`WANTED`]); the soft limit
/// in force after, or `None` if it cannot be read.
#[cfg(unix)]
// `rlim_t` is `u64` on Linux and macOS but signed on some BSDs: the conversions are kept.
#[allow(clippy::useless_conversion)]
fn raise_descriptor_limit() -> Option<u64> {
    let mut limits = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limits` is a valid, writable `rlimit` for the call's duration.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limits) } != 0 {
        return None;
    }
    let current = u64::try_from(limits.rlim_cur).unwrap_or(u64::MAX);
    let hard = u64::try_from(limits.rlim_max).unwrap_or(u64::MAX);
    // macOS refuses a soft limit above OPEN_MAX whatever the hard limit says.
    #[cfg(target_os = "macos")]
    let hard = hard.min(10_240);
    let target = hard.min(WANTED);
    if target <= current {
        return Some(current);
    }
    let raised = libc::rlimit {
        rlim_cur: libc::rlim_t::try_from(target).ok()?,
        rlim_max: limits.rlim_max,
    };
    // SAFETY: `raised` is a valid `rlimit`; the call only reads it.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
        tracing::debug!(from = current, to = target, "descriptor limit raised");
        Some(target)
    } else {
        Some(current)
    }
}

#[cfg(not(unix))]
fn raise_descriptor_limit() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_the_limit_less_a_reserve_within_bounds() {
        assert_eq!(cap_for(0), 1);
        assert_eq!(cap_for(1), 1);
        assert_eq!(cap_for(64), 32);
        assert_eq!(cap_for(256), 128);
        assert_eq!(cap_for(1_024), 896);
        assert_eq!(cap_for(20_000), MAX_DERIVED);
        assert_eq!(cap_for(u64::MAX), MAX_DERIVED);
    }

    #[test]
    fn the_derived_cap_fits_the_limit_in_force() {
        let cap = max_connections(None);
        assert!((1..=MAX_DERIVED).contains(&cap), "{cap}");
        assert_eq!(max_connections(Some(7)), 7);
    }
}
