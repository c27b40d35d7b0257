//! A deterministic dataset of segments, made from a seed.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

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
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut created = Utc.with_ymd_and_hms(2019, 1, 1, 9, 0, 0).single().expect("valid date");
    let example = Segment {
        id: EXAMPLE_ID.to_owned(),
        name: "Lapsed Users - 7 days".to_owned(),
        description: "Last used app more than 7 days ago".to_owned(),
        text_description: Some("People we are losing".to_owned()),
        tags: vec![Some("retention".to_owned())],
        teams: vec!["Growth".to_owned()],
        analytics_tracking_enabled: true,
        created_at: created - Duration::hours(1),
        updated_at: created + Duration::days(30),
        base_size: 12_000,
        seed,
    };
    let generated = (1..count).map(|i| {
        let id = random_uuid(&mut rng);
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
        let text_description = (i % 3 != 0).then(|| format!("{adjective} {} we care about ({i})", noun.to_lowercase()));
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
        created += Duration::minutes(rng.random_range(30..=3 * 24 * 60));
        let updated_at = created + Duration::hours(rng.random_range(0..=24 * 400));
        Segment {
            id,
            name,
            description,
            text_description,
            tags,
            teams,
            analytics_tracking_enabled: rng.random_bool(0.5),
            created_at: created,
            updated_at,
            base_size: rng.random_range(100..=2_000_000),
            seed: rng.random(),
        }
    });
    std::iter::once(example).take(count).chain(generated).collect()
}

/// A segment made at run time (by [`crate::Dataset::create_segment`]): a fresh id from `rng`, the
/// given name, created and updated at `created_at`, no tags, teams or typed description.
pub(crate) fn made_at_run_time(name: &str, created_at: DateTime<Utc>, rng: &mut ChaCha8Rng) -> Segment {
    Segment {
        id: random_uuid(rng),
        name: name.to_owned(),
        description: "Made at run time".to_owned(),
        text_description: None,
        tags: Vec::new(),
        teams: Vec::new(),
        analytics_tracking_enabled: false,
        created_at,
        updated_at: created_at,
        base_size: rng.random_range(100..=2_000_000),
        seed: rng.random(),
    }
}

/// A version 4 UUID (RFC 4122) drawn from `rng`.
fn random_uuid(rng: &mut ChaCha8Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    uuid_text(&bytes)
}

fn uuid_text(b: &[u8; 16]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
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
    fn awkward_names_and_null_tags_are_present() {
        let segments = generate(100, 1);
        assert!(segments.iter().any(|s| s.name.contains(',') && s.name.contains('"')));
        assert!(segments.iter().any(|s| s.name.contains('\n')));
        assert!(segments.iter().any(|s| !s.name.is_ascii()));
        assert!(segments.iter().any(|s| s.tags.contains(&None)));
        assert!(segments.iter().any(|s| s.text_description.is_none()));
    }
}
