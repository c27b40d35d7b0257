//! A deterministic dataset of segments, made from a seed. Each generated segment is made from
//! the seed and its index alone, so the stand-in keeps only when each was created (what orders
//! them) and makes a segment's fields when a request needs them: a million segments take a few
//! megabytes and start in well under a second.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ids::{self, Permutation};

/// One segment of the stand-in's dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// A UUID, as Braze's ids are.
    pub id: String,
    /// The name; some hold commas, quotes, newlines or non-ASCII text.
    pub name: String,
    /// The generated description of the filters.
    pub description: String,
    /// The description a person typed, for some segments.
    pub text_description: Option<String>,
    /// Tags; some segments carry a `null` tag, as real responses do.
    pub tags: Vec<Option<String>>,
    /// Teams.
    pub teams: Vec<String>,
    /// Whether analytics tracking is on.
    pub analytics_tracking_enabled: bool,
    /// Creation time; the dataset is ordered by it (oldest first).
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
    /// The size the daily series wobbles around.
    pub base_size: i64,
    seed: u64,
}

impl Segment {
    /// The segment's size on `day` (deterministic).
    pub fn size_on(&self, day: NaiveDate) -> i64 {
        let n = day.num_days_from_ce() as u64;
        let mut x = self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        let wobble = (x % 2001) as i64 - 1000; // ±10% in steps of 0.01%
        let trend = (n % 365) as i64 * self.base_size / 3650; // slow growth over a year
        (self.base_size + self.base_size * wobble / 10_000 + trend).max(0)
    }
}

use chrono::Datelike as _;

const ADJECTIVES: [&str; 10] = [
    "Lapsed", "Active", "New", "Loyal", "Dormant", "Engaged", "Churned", "Trial", "Premium", "Mobile",
];
const NOUNS: [&str; 8] = [
    "Users",
    "Shoppers",
    "Subscribers",
    "Players",
    "Readers",
    "Customers",
    "Members",
    "Visitors",
];
const TAGS: [&str; 8] = [
    "retention",
    "onboarding",
    "vip",
    "europe",
    "us",
    "winback",
    "beta",
    "q3-campaign",
];
const TEAMS: [&str; 5] = ["Growth", "Lifecycle", "CRM", "Data", "Marketing EMEA"];
const PLACES: [&str; 6] = ["Zürich", "São Paulo", "東京", "Kraków", "Montréal", "Αθήνα"];

/// An example id, the one the spec's examples and the README use (no Braze page shows it). Every
/// dataset of at least one segment starts with it, so those examples work as written.
pub const EXAMPLE_ID: &str = "6d68ea15-26c4-4109-835a-65b81773a5e2";

/// Makes `count` segments from `seed`; the same arguments always give the same segments. The
/// first is always the example segment ([`EXAMPLE_ID`], "Lapsed Users - 7 days").
pub fn generate(count: usize, seed: u64) -> Vec<Segment> {
    let generated = Generated::new(count, seed);
    (0..count).map(|i| generated.segment(i)).collect()
}

/// When the generated segments after the example begin (the example is an hour older).
fn first_created() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 1, 1, 9, 0, 0).single().unwrap_or_default()
}

/// The generated part of a dataset: what orders its segments, and the means to make any of them.
pub(crate) struct Generated {
    seed: u64,
    ids: Permutation,
    /// When each segment was created, in seconds after [`first_created`] (the example's first).
    created: Vec<i64>,
}

impl Generated {
    pub(crate) fn new(count: usize, seed: u64) -> Generated {
        let mut created = Vec::with_capacity(count);
        let mut at: i64 = 0;
        for i in 0..count {
            if i == 0 {
                created.push(-3600);
                continue;
            }
            // From 30 minutes to 3 days after the one before.
            at += 60 * (30 + (ids::mix(seed ^ ids::mix(i as u64)) % (3 * 24 * 60 - 30 + 1)) as i64);
            created.push(at);
        }
        Generated {
            seed,
            ids: Permutation::new(seed),
            created,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.created.len()
    }

    pub(crate) fn created_at(&self, index: usize) -> DateTime<Utc> {
        first_created() + Duration::seconds(self.created[index])
    }

    /// The index of the segment whose id is `id`.
    pub(crate) fn index_of(&self, id: &str) -> Option<usize> {
        if id == EXAMPLE_ID {
            return (self.len() > 0).then_some(0);
        }
        let index = usize::try_from(self.ids.index(id)?).ok()?;
        (1..self.len()).contains(&index).then_some(index)
    }

    /// The segment at `index` (below [`Generated::len`]).
    pub(crate) fn segment(&self, i: usize) -> Segment {
        let created_at = self.created_at(i);
        if i == 0 {
            return Segment {
                id: EXAMPLE_ID.to_owned(),
                name: "Lapsed Users - 7 days".to_owned(),
                description: "Last used app more than 7 days ago".to_owned(),
                text_description: Some("People we are losing".to_owned()),
                tags: vec![Some("retention".to_owned())],
                teams: vec!["Growth".to_owned()],
                analytics_tracking_enabled: true,
                created_at,
                updated_at: first_created() + Duration::days(30),
                base_size: 12_000,
                seed: self.seed,
            };
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ ids::mix(!(i as u64)));
        let adjective = ADJECTIVES[rng.random_range(0..ADJECTIVES.len())];
        let noun = NOUNS[rng.random_range(0..NOUNS.len())];
        let days = rng.random_range(1..=90);
        let name = match i % 13 {
            3 => format!("{adjective} {noun}, \"{}\" tier", TAGS[i % TAGS.len()]),
            7 => format!("{noun} in {} – {days} days", PLACES[i % PLACES.len()]),
            11 => format!("{adjective} {noun}\nsecond line, #{i}"),
            _ => format!("{adjective} {noun} - {days} days"),
        };
        let description = format!("Last used app more than {days} days ago AND is in {noun}");
        let text_description =
            (!i.is_multiple_of(3)).then(|| format!("{adjective} {} we care about ({i})", noun.to_lowercase()));
        let mut tags: Vec<Option<String>> = (0..rng.random_range(0..=3))
            .map(|_| Some(TAGS[rng.random_range(0..TAGS.len())].to_owned()))
            .collect();
        tags.dedup();
        if i % 5 == 4 {
            tags.push(None);
        }
        let teams = (0..rng.random_range(0..=2))
            .map(|k| TEAMS[(i + k) % TEAMS.len()].to_owned())
            .collect();
        let updated_at = created_at + Duration::hours(rng.random_range(0..=24 * 400));
        Segment {
            id: self.ids.id(i as u64),
            name,
            description,
            text_description,
            tags,
            teams,
            analytics_tracking_enabled: rng.random_bool(0.5),
            created_at,
            updated_at,
            base_size: rng.random_range(100..=2_000_000),
            seed: rng.random(),
        }
    }
}

/// A segment made at run time (by [`crate::Dataset::create_segment`]): a fresh id from `rng`, the
/// given name, created and updated at `created_at`, no tags, teams or typed description.
pub(crate) fn made_at_run_time(name: &str, created_at: DateTime<Utc>, rng: &mut ChaCha8Rng) -> Segment {
    Segment {
        id: ids::random(rng),
        name: name.to_owned(),
        description: "Made at run time".to_owned(),
        text_description: None,
        tags: Vec::new(),
        teams: Vec::new(),
        // Tracked: its size history starts the day it is made.
        analytics_tracking_enabled: true,
        created_at,
        updated_at: created_at,
        base_size: rng.random_range(100..=2_000_000),
        seed: rng.random(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_segments() {
        assert_eq!(generate(50, 7), generate(50, 7));
        assert_ne!(generate(5, 7)[1].id, generate(5, 8)[1].id);
    }

    #[test]
    fn the_example_segment_comes_first() {
        assert!(generate(0, 1).is_empty());
        let one = generate(1, 1);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].id, EXAMPLE_ID);
        assert_eq!(one[0].name, "Lapsed Users - 7 days");
        assert_eq!(generate(3, 9)[0].id, EXAMPLE_ID);
    }

    #[test]
    fn ids_are_unique_uuids_and_creation_is_ordered() {
        let segments = generate(2000, 42);
        let ids: std::collections::HashSet<_> = segments.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids.len(), 2000);
        for s in &segments {
            assert_eq!(s.id.len(), 36);
            assert_eq!(&s.id[14..15], "4");
        }
        assert!(segments.windows(2).all(|w| w[0].created_at < w[1].created_at));
    }

    #[test]
    fn every_id_reads_back_into_its_segment() {
        let generated = Generated::new(3000, 5);
        for i in (0..3000).step_by(7) {
            let segment = generated.segment(i);
            assert_eq!(generated.index_of(&segment.id), Some(i), "{}", segment.id);
        }
        assert_eq!(
            generated.index_of(&Generated::new(3000, 6).segment(9).id),
            None,
            "another seed's id"
        );
        assert_eq!(
            generated.index_of(&Generated::new(4000, 5).segment(3500).id),
            None,
            "past the end"
        );
        assert_eq!(
            Generated::new(0, 5).index_of(EXAMPLE_ID),
            None,
            "no example in an empty dataset"
        );
    }

    #[test]
    fn awkward_names_and_null_tags_are_present() {
        let segments = generate(100, 1);
        assert!(segments.iter().any(|s| s.name.contains(',') && s.name.contains('"')));
        assert!(segments.iter().any(|s| s.name.contains('\n')));
        assert!(segments.iter().any(|s| !s.name.is_ascii()));
        assert!(segments.iter().any(|s| s.tags.contains(&None)));
        assert!(segments.iter().any(|s| s.text_description.is_none()));
    }
}
