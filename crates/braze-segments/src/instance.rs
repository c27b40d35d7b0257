//! Braze's REST instances.

use std::fmt;
use std::str::FromStr;

/// A Braze instance: the cluster a workspace lives on, which decides its REST endpoint.
///
/// Parse one from its name as the dashboard shows it (`"US-03"`, case-insensitive; `"us03"` and
/// `"us_03"` work too) and get its endpoint with [`Instance::rest_url`].
///
/// ```
/// use braze_segments::Instance;
/// let instance: Instance = "eu-01".parse().unwrap();
/// assert_eq!(instance, Instance::Eu01);
/// assert_eq!(instance.rest_url(), "https://rest.fra-01.braze.eu");
/// assert_eq!(instance.to_string(), "EU-01");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Instance {
    /// US-01, `https://rest.iad-01.braze.com`.
    Us01,
    /// US-02, `https://rest.iad-02.braze.com`.
    Us02,
    /// US-03, `https://rest.iad-03.braze.com`.
    Us03,
    /// US-04, `https://rest.iad-04.braze.com`.
    Us04,
    /// US-05, `https://rest.iad-05.braze.com`.
    Us05,
    /// US-06, `https://rest.iad-06.braze.com`.
    Us06,
    /// US-07, `https://rest.iad-07.braze.com`.
    Us07,
    /// US-08, `https://rest.iad-08.braze.com`.
    Us08,
    /// US-10, `https://rest.us-10.braze.com` (there is no US-09).
    Us10,
    /// EU-01, `https://rest.fra-01.braze.eu`.
    Eu01,
    /// EU-02, `https://rest.fra-02.braze.eu`.
    Eu02,
    /// AU-01, `https://rest.au-01.braze.com`.
    Au01,
    /// ID-01, `https://rest.id-01.braze.com`.
    Id01,
    /// JP-01, `https://rest.jp-01.braze.com`.
    Jp01,
    /// KR-01, `https://rest.kr-01.braze.com`.
    Kr01,
}

impl Instance {
    /// Every instance, in the order Braze lists them (a slice: Braze adds instances).
    pub const ALL: &'static [Instance] = &[
        Instance::Us01,
        Instance::Us02,
        Instance::Us03,
        Instance::Us04,
        Instance::Us05,
        Instance::Us06,
        Instance::Us07,
        Instance::Us08,
        Instance::Us10,
        Instance::Eu01,
        Instance::Eu02,
        Instance::Au01,
        Instance::Id01,
        Instance::Jp01,
        Instance::Kr01,
    ];

    /// Every instance's name, comma-separated: `"US-01, US-02, …, KR-01"` (for messages).
    pub fn names() -> String {
        Instance::ALL.iter().map(|i| i.name()).collect::<Vec<_>>().join(", ")
    }

    /// The instance's name as Braze writes it, e.g. `"US-03"`.
    pub const fn name(self) -> &'static str {
        self.info().0
    }

    /// The instance's REST endpoint, e.g. `"https://rest.iad-03.braze.com"` (no trailing slash).
    pub const fn rest_url(self) -> &'static str {
        self.info().1
    }

    const fn info(self) -> (&'static str, &'static str) {
        match self {
            Instance::Us01 => ("US-01", "https://rest.iad-01.braze.com"),
            Instance::Us02 => ("US-02", "https://rest.iad-02.braze.com"),
            Instance::Us03 => ("US-03", "https://rest.iad-03.braze.com"),
            Instance::Us04 => ("US-04", "https://rest.iad-04.braze.com"),
            Instance::Us05 => ("US-05", "https://rest.iad-05.braze.com"),
            Instance::Us06 => ("US-06", "https://rest.iad-06.braze.com"),
            Instance::Us07 => ("US-07", "https://rest.iad-07.braze.com"),
            Instance::Us08 => ("US-08", "https://rest.iad-08.braze.com"),
            Instance::Us10 => ("US-10", "https://rest.us-10.braze.com"),
            Instance::Eu01 => ("EU-01", "https://rest.fra-01.braze.eu"),
            Instance::Eu02 => ("EU-02", "https://rest.fra-02.braze.eu"),
            Instance::Au01 => ("AU-01", "https://rest.au-01.braze.com"),
            Instance::Id01 => ("ID-01", "https://rest.id-01.braze.com"),
            Instance::Jp01 => ("JP-01", "https://rest.jp-01.braze.com"),
            Instance::Kr01 => ("KR-01", "https://rest.kr-01.braze.com"),
        }
    }
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an [`Instance`] from a string that names none.
///
/// Its message echoes the input only when it is a short word (a mistyped name); anything else
/// may be a secret put in the wrong place, and is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownInstance {
    /// What was given.
    pub input: String,
}

impl fmt::Display for UnknownInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = self.input.trim();
        if input.len() <= 8
            && input
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            write!(f, "unknown Braze instance {input:?}")?;
        } else {
            f.write_str("unknown Braze instance (the value is not shown, in case it is a secret)")?;
        }
        write!(f, ": expected one of {}", Instance::names())
    }
}

impl std::error::Error for UnknownInstance {}

impl FromStr for Instance {
    type Err = UnknownInstance;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // "US-03", "us-03", "us03", "US_03" all name US-03.
        let wanted: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        Instance::ALL
            .iter()
            .copied()
            .find(|i| i.name().replace('-', "") == wanted)
            .ok_or_else(|| UnknownInstance { input: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_fifteen_parse_from_their_names_in_any_case() {
        for &instance in Instance::ALL {
            let name = instance.name();
            assert_eq!(name.parse::<Instance>(), Ok(instance));
            assert_eq!(name.to_lowercase().parse::<Instance>(), Ok(instance));
            assert_eq!(name.replace('-', "").parse::<Instance>(), Ok(instance));
            assert_eq!(
                format!(" {} ", name.replace('-', "_")).parse::<Instance>(),
                Ok(instance)
            );
            assert_eq!(instance.to_string(), name);
            assert!(instance.rest_url().starts_with("https://rest."));
            assert!(!instance.rest_url().ends_with('/'));
        }
        let urls: std::collections::BTreeSet<_> = Instance::ALL.iter().map(|i| i.rest_url()).collect();
        assert_eq!(urls.len(), 15, "every instance has its own endpoint");
    }

    #[test]
    fn the_endpoints_follow_braze_naming() {
        assert_eq!(Instance::Us01.rest_url(), "https://rest.iad-01.braze.com");
        assert_eq!(Instance::Us08.rest_url(), "https://rest.iad-08.braze.com");
        assert_eq!(Instance::Us10.rest_url(), "https://rest.us-10.braze.com");
        assert_eq!(Instance::Eu02.rest_url(), "https://rest.fra-02.braze.eu");
        assert_eq!(Instance::Kr01.rest_url(), "https://rest.kr-01.braze.com");
    }

    #[test]
    fn unknown_names_are_refused() {
        for bad in ["US-09", "US-1", "EU-03", "", "iad-01", "https://rest.iad-01.braze.com"] {
            let err = bad.parse::<Instance>().unwrap_err();
            assert_eq!(err.input, bad);
            assert!(err.to_string().contains("unknown Braze instance"));
        }
    }
}
