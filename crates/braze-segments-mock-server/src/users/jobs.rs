//! The users exports: started, ready, cancelled or expired, and what each URL may serve.
//!
//! An export is ready once [`crate::MockConfig::users_export_ready_after`] has passed since its
//! start and its URL has been asked for [`crate::MockConfig::users_export_ready_after_polls`]
//! times; it is running until then, unless cancelled. The table keeps the latest 10,000 exports
//! (an older one's URL then answers 403 as an unknown key's does), at most 100 of them running.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use subtle::ConstantTimeEq as _;

use super::archive::{Contents, Source};
use super::fields::Field;
use super::people::People;
use crate::{ids, MockConfig, ServedArchive};

/// Exports kept, so memory stays bounded however many are started.
const KEPT: usize = 10_000;
/// Exports running at once, as Braze allows a workspace.
pub(crate) const MAX_RUNNING: usize = 100;
/// The most users a segment can be given.
pub const MAX_USERS_PER_SEGMENT: u64 = 10_000_000;

struct Export {
    prefix: String,
    segment_id: String,
    started: Instant,
    /// When its URL expires, for the 403's body.
    expires_at: DateTime<Utc>,
    signed: Signed,
    polls: u32,
    cancelled: bool,
    /// What the URL serves once ready; `None` with the workspace's own bucket.
    source: Option<Source>,
    users: u64,
    fields: Arc<[Field]>,
}

/// The query string a URL was issued with.
struct Signed {
    date: String,
    expires: String,
    signature: String,
}

/// Why an export could not start.
pub(crate) enum Refused {
    /// One is already running for the segment.
    Busy,
    /// [`MAX_RUNNING`] are running.
    TooMany,
}

/// A started export: its prefix, and its URL's path and query unless the bucket is the
/// workspace's own.
pub(crate) struct Started {
    pub(crate) prefix: String,
    pub(crate) path_and_query: Option<String>,
}

/// What the storage host makes of a request for an export's URL.
pub(crate) enum Poll {
    /// No export has that key.
    Unknown,
    BadSignature,
    /// Valid, but past its expiry: when it expired.
    Expired(DateTime<Utc>),
    /// Not ready yet, or cancelled.
    NotReady,
    Ready {
        key: String,
        source: Source,
        contents: Contents,
    },
}

pub(crate) struct Jobs {
    seed: u64,
    /// Exports kept ([`KEPT`] but in tests).
    kept: usize,
    table: Mutex<Table>,
}

struct Table {
    exports: VecDeque<Export>,
    users_in: HashMap<String, u64>,
    served: Source,
    rng: ChaCha8Rng,
}

impl Export {
    fn ready(&self, config: &MockConfig, now: Instant) -> bool {
        let polled = self.source.is_none() || self.polls >= config.users_export_ready_after_polls;
        !self.cancelled && polled && now.duration_since(self.started) >= config.users_export_ready_after
    }

    fn running(&self, config: &MockConfig, now: Instant) -> bool {
        !self.cancelled && !self.ready(config, now)
    }
}

impl Jobs {
    pub(crate) fn new(config: &MockConfig) -> Jobs {
        Jobs::keeping(config, KEPT)
    }

    fn keeping(config: &MockConfig, kept: usize) -> Jobs {
        Jobs {
            seed: config.seed,
            kept,
            table: Mutex::new(Table {
                exports: VecDeque::new(),
                users_in: HashMap::new(),
                served: config.served_archive.clone().into(),
                rng: ChaCha8Rng::seed_from_u64(config.seed ^ 0x0E4F_0E4F_5EED_0001),
            }),
        }
    }

    fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_users(&self, segment_id: &str, users: u64) {
        let mut table = self.table();
        table
            .users_in
            .insert(segment_id.to_owned(), users.min(MAX_USERS_PER_SEGMENT));
    }

    pub(crate) fn serve(&self, served: ServedArchive) {
        self.table().served = served.into();
    }

    /// Starts an export of `segment_id`'s users with `fields` (names as asked).
    pub(crate) fn start(&self, config: &MockConfig, segment_id: &str, fields: &[&str]) -> Result<Started, Refused> {
        let now = Instant::now();
        let mut table = self.table();
        if table
            .exports
            .iter()
            .any(|e| e.segment_id == segment_id && e.running(config, now))
        {
            return Err(Refused::Busy);
        }
        if table.exports.iter().filter(|e| e.running(config, now)).count() >= MAX_RUNNING {
            return Err(Refused::TooMany);
        }
        if table.exports.len() >= self.kept {
            // At most MAX_RUNNING run, so one is done.
            if let Some(done) = table.exports.iter().position(|e| !e.running(config, now)) {
                table.exports.remove(done);
            }
        }
        let people = People::new(self.seed, segment_id);
        let users = (table.users_in.get(segment_id).copied())
            .or(config.users_per_segment)
            .unwrap_or_else(|| people.default_count())
            .min(MAX_USERS_PER_SEGMENT);
        let utc = Utc::now();
        let prefix = format!("{}-{}", ids::random(&mut table.rng), utc.timestamp());
        let signature: String = (0..32).map(|_| format!("{:02x}", table.rng.random::<u8>())).collect();
        let expiry = config.users_export_expiry;
        let signed = Signed {
            date: utc.format("%Y%m%dT%H%M%SZ").to_string(),
            expires: (expiry.as_secs() + u64::from(expiry.subsec_nanos() > 0)).to_string(),
            signature,
        };
        let source = (!config.own_bucket).then(|| table.served.clone());
        let path_and_query = source.as_ref().map(|source| {
            format!(
                "/exports/{prefix}.{}?X-Amz-Date={}&X-Amz-Expires={}&X-Amz-Signature={}",
                source.extension(),
                signed.date,
                signed.expires,
                signed.signature
            )
        });
        table.exports.push_back(Export {
            prefix: prefix.clone(),
            segment_id: segment_id.to_owned(),
            started: now,
            expires_at: TimeDelta::from_std(expiry)
                .ok()
                .and_then(|d| utc.checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            signed,
            polls: 0,
            cancelled: false,
            source,
            users,
            fields: Field::parse_all(fields.iter().copied()).into(),
        });
        Ok(Started { prefix, path_and_query })
    }

    /// Cancels the running export of `segment_id`; whether one was running.
    pub(crate) fn cancel(&self, config: &MockConfig, segment_id: &str) -> bool {
        let now = Instant::now();
        let mut table = self.table();
        let running = table
            .exports
            .iter_mut()
            .find(|e| e.segment_id == segment_id && e.running(config, now));
        running.map(|e| e.cancelled = true).is_some()
    }

    /// A request for `/exports/<file>` with `query` (decoded pairs): checked as S3 checks a
    /// pre-signed URL (signature, then expiry), then counted as a poll of the export.
    pub(crate) fn poll(&self, config: &MockConfig, file: &str, query: &[(String, String)]) -> Poll {
        let now = Instant::now();
        let mut table = self.table();
        let found = table.exports.iter_mut().find(|e| {
            let stem = |s: &Source| file.strip_suffix(s.extension()).and_then(|f| f.strip_suffix('.'));
            e.source.as_ref().and_then(stem) == Some(e.prefix.as_str())
        });
        let Some(export) = found else {
            return Poll::Unknown;
        };
        let param = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_bytes());
        let signed = &export.signed;
        let valid = param("X-Amz-Date") == Some(signed.date.as_bytes())
            && param("X-Amz-Expires") == Some(signed.expires.as_bytes())
            && param("X-Amz-Signature").is_some_and(|s| bool::from(s.ct_eq(signed.signature.as_bytes())));
        if !valid {
            return Poll::BadSignature;
        }
        if now.duration_since(export.started) > config.users_export_expiry {
            return Poll::Expired(export.expires_at);
        }
        let ready = export.ready(config, now);
        export.polls = export.polls.saturating_add(1);
        match (&export.source, ready) {
            (Some(source), true) => Poll::Ready {
                key: export.prefix.clone(),
                source: source.clone(),
                contents: Contents {
                    prefix: export.prefix.clone(),
                    people: People::new(self.seed, &export.segment_id),
                    users: export.users,
                    fields: export.fields.clone(),
                },
            },
            _ => Poll::NotReady,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_table_keeps_the_latest_exports_and_never_drops_a_running_one() {
        // Ready once polled once: an export never polled keeps running.
        let config = MockConfig {
            users_export_ready_after: Duration::ZERO,
            users_export_ready_after_polls: 1,
            ..MockConfig::default()
        };
        let jobs = Jobs::keeping(&config, 8);
        let ask = |pq: &str| {
            let (path, query) = pq.split_once('?').unwrap();
            let query: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            jobs.poll(&config, path.strip_prefix("/exports/").unwrap(), &query)
        };
        let running = jobs
            .start(&config, "running", &["email"])
            .ok()
            .unwrap()
            .path_and_query
            .unwrap();
        let mut urls = Vec::new();
        for n in 0..20 {
            let url = jobs
                .start(&config, &format!("s{n}"), &["email"])
                .ok()
                .unwrap()
                .path_and_query
                .unwrap();
            assert!(matches!(ask(&url), Poll::NotReady));
            urls.push(url);
            assert!(jobs.table().exports.len() <= 8);
        }
        assert!(
            matches!(ask(&urls[0]), Poll::Unknown),
            "the oldest done export was let go"
        );
        assert!(matches!(ask(&urls[19]), Poll::Ready { .. }));
        assert!(matches!(ask(&running), Poll::NotReady), "the running one was kept");
        assert!(matches!(ask(&running), Poll::Ready { .. }));
    }
}
