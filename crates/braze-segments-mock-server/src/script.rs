//! Scripted faults: a fault for the requests of one endpoint, or of one segment, the next N times
//! or until removed, set at start ([`crate::MockConfig::scripts`]) or while the stand-in serves
//! ([`crate::MockBraze::script`]). What scripted mocks give (a 5xx that outlives the retries, "fail
//! twice then succeed"), without hunting for a seed.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use crate::{Endpoint, Fault};

/// A fault for the requests a script matches: those of one endpoint ([`on`](Self::on)), of one
/// segment ([`segment`](Self::segment): the `segment_id` of a details or data-series request),
/// or every request with the key; the next [`times`](Self::times) of them, or every one.
///
/// Scripts are tried before the random faults of [`crate::FaultConfig`], in the order they were
/// added; the first that matches answers, and a script whose times are used up is removed.
/// Like every fault, a script meets only requests that carry the key, and spends no budget.
///
/// ```
/// use braze_segments_mock_server::{Endpoint, Fault, Script};
///
/// // The details of one segment fail with a 500 twice, then are answered as usual.
/// let flaky = Script::fault(Fault::ServerError).on(Endpoint::Details).segment("seg-1").times(2);
/// // The same, as the command line's `--script` writes it.
/// assert_eq!("details/seg-1=server-error*2".parse::<Script>(), Ok(flaky.clone()));
/// assert_eq!(flaky.to_string(), "details/seg-1=server-error*2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Script {
    /// The fault the matching requests meet.
    pub fault: Fault,
    /// Only requests of this endpoint; `None`: every endpoint.
    pub endpoint: Option<Endpoint>,
    /// Only requests for this segment (their `segment_id` query parameter); `None`: any.
    pub segment: Option<String>,
    /// How many matching requests meet the fault; `None`: every one.
    pub times: Option<u64>,
}

impl Script {
    /// `fault` for every request with the key, until narrowed.
    pub fn fault(fault: Fault) -> Self {
        Script {
            fault,
            endpoint: None,
            segment: None,
            times: None,
        }
    }

    /// Only for requests of `endpoint`.
    pub fn on(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// Only for requests for segment `id` (the `segment_id` of details and data-series
    /// requests; a users export names its segment in its body: script it by endpoint).
    pub fn segment(mut self, id: impl Into<String>) -> Self {
        self.segment = Some(id.into());
        self
    }

    /// Only the next `n` matching requests; the ones after are answered as usual.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    fn matches(&self, endpoint: Endpoint, segment: Option<&str>) -> bool {
        self.endpoint.is_none_or(|e| e == endpoint) && self.segment.as_deref().is_none_or(|s| Some(s) == segment)
    }
}

/// `ENDPOINT[/SEGMENT]=KIND[*N]`, e.g. `details/seg-1=server-error*2`: `ENDPOINT` is an
/// [`Endpoint::name`] (`list`, `details`, `data-series`, `users-export`, `cancel`) or `any`, `KIND`
/// a [`Fault::name`].
impl FromStr for Script {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (target, effect) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?}: expected ENDPOINT[/SEGMENT]=KIND[*N], e.g. details=server-error*2"))?;
        let (endpoint, segment) = match target.split_once('/') {
            Some((endpoint, segment)) if !segment.trim().is_empty() => (endpoint, Some(segment.trim())),
            Some(_) => return Err(format!("{text:?}: the segment after '/' is empty")),
            None => (target, None),
        };
        let endpoint = match endpoint.trim() {
            "any" => None,
            name => Some(Endpoint::from_name(name).ok_or_else(|| {
                format!("{text:?}: unknown endpoint {name:?} (expected list, details, data-series, users-export, cancel or any)")
            })?),
        };
        let (kind, times) = match effect.split_once('*') {
            Some((kind, n)) => {
                let n = n
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("{text:?}: the count after '*' must be a whole number above 0"))?;
                (kind, Some(n))
            }
            None => (effect, None),
        };
        let fault = Fault::from_name(kind.trim()).ok_or_else(|| {
            let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
            format!(
                "{text:?}: unknown fault {:?} (expected one of {})",
                kind.trim(),
                names.join(", ")
            )
        })?;
        Ok(Script {
            fault,
            endpoint,
            segment: segment.map(str::to_owned),
            times,
        })
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.endpoint.map_or("any", Endpoint::name))?;
        if let Some(segment) = &self.segment {
            write!(f, "/{segment}")?;
        }
        write!(f, "={}", self.fault.name())?;
        if let Some(n) = self.times {
            write!(f, "*{n}")?;
        }
        Ok(())
    }
}

/// The scripts in force, in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct Scripts {
    scripts: Mutex<Vec<Script>>,
}

impl Scripts {
    pub(crate) fn new(scripts: Vec<Script>) -> Scripts {
        Scripts {
            scripts: Mutex::new(scripts.into_iter().filter(|s| s.times != Some(0)).collect()),
        }
    }

    pub(crate) fn add(&self, script: Script) {
        if script.times != Some(0) {
            self.lock().push(script);
        }
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn snapshot(&self) -> Vec<Script> {
        self.lock().clone()
    }

    /// The fault of the first script that matches a request, counting it against that script's
    /// times (a script used up is removed).
    pub(crate) fn take(&self, endpoint: Endpoint, segment: Option<&str>) -> Option<Fault> {
        let mut scripts = self.lock();
        let at = scripts.iter().position(|s| s.matches(endpoint, segment))?;
        let fault = scripts[at].fault;
        match &mut scripts[at].times {
            Some(1) => {
                scripts.remove(at);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Script>> {
        self.scripts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_fails_its_requests_n_times_then_steps_aside() {
        let scripts = Scripts::new(vec![
            Script::fault(Fault::ServerError)
                .on(Endpoint::Details)
                .segment("a")
                .times(2),
            Script::fault(Fault::Forbidden).on(Endpoint::Details),
        ]);
        assert_eq!(scripts.take(Endpoint::List, None), None);
        assert_eq!(scripts.take(Endpoint::Details, Some("b")), Some(Fault::Forbidden));
        assert_eq!(scripts.take(Endpoint::Details, Some("a")), Some(Fault::ServerError));
        assert_eq!(scripts.take(Endpoint::Details, Some("a")), Some(Fault::ServerError));
        // used up: the next script that matches answers
        assert_eq!(scripts.take(Endpoint::Details, Some("a")), Some(Fault::Forbidden));
        assert_eq!(scripts.snapshot().len(), 1);
        scripts.clear();
        assert_eq!(scripts.take(Endpoint::Details, Some("a")), None);
        scripts.add(Script::fault(Fault::Queued).times(0));
        assert!(scripts.snapshot().is_empty(), "zero times is no script");
    }

    #[test]
    fn scripts_read_and_write_their_command_line_form() {
        for text in [
            "details/seg-1=server-error*2",
            "any=drop",
            "list=rate-limited*1",
            "data-series/x=unordered",
            "users-export=unavailable*3",
            "cancel=forbidden",
        ] {
            let script: Script = text.parse().unwrap();
            assert_eq!(script.to_string(), text);
        }
        for (bad, says) in [
            ("details", "expected ENDPOINT"),
            ("detail=server-error", "unknown endpoint \"detail\""),
            ("details=oops", "unknown fault \"oops\""),
            ("details=drop*0", "above 0"),
            ("details=drop*x", "above 0"),
            ("details/=drop", "segment after '/' is empty"),
        ] {
            let err = bad.parse::<Script>().unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
