//! The users of a segment, made from a seed. User `i` follows from the seed, the segment's id
//! and `i` alone, and each of its fields from its own draw, so an archive is written a user at a
//! time (nothing is kept between users) and asking for fewer fields changes none of the others.
//!
//! Values are awkward on purpose, as Braze's may be: unicode (emoji, right-to-left text,
//! combining marks), quotes, backslashes and newlines inside strings, formula-like text
//! (`=HYPERLINK(…)`, `+1`, `-2`, `@x`), nulls and missing fields, nested custom attributes and
//! loose dates (`2021-02-23`, `2021-02-23T10:00:00.123+0000`, an empty string).

use super::fields::Field;
use super::json::Json;
use crate::ids::mix;

mod nested;

const FIRST_NAMES: [&str; 16] = [
    "Ana",
    "Zoë 🎉",
    "مريم",
    "Jose\u{301}",
    "O\"Brien",
    "back\\slash",
    "two\nlines",
    "=HYPERLINK(\"https://evil.example\",\"click\")",
    "+1",
    "-2",
    "@x",
    "李雷",
    "Ævar",
    "  spaced  ",
    "Ngọc",
    "null",
];
const LAST_NAMES: [&str; 8] = [
    "Smith",
    "Müller",
    "Nguyễn",
    "O'Connor",
    "שָׁלוֹם",
    "=1+1",
    "",
    "Sánchez-Ruiz, Jr.",
];
const CITIES: [&str; 6] = ["Zürich", "São Paulo", "東京", "Kraków", "Montréal", "Αθήνα"];
const COUNTRIES: [&str; 6] = ["US", "DE", "JP", "BR", "FR", "EG"];
const ZONES: [&str; 4] = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "Africa/Cairo"];
const EVENTS: [&str; 5] = ["played_game", "opened app", "added \"to\" cart", "level=up", "🎯 goal"];
const LANGUAGES: [&str; 4] = ["en", "fr", "ar", "ja"];
const GENDERS: [&str; 6] = ["M", "F", "O", "N", "P", "U"];
const SOURCES: [&str; 3] = ["Facebook", "", "organic"];
const SUBSCRIPTIONS: [&str; 3] = ["opted_in", "subscribed", "unsubscribed"];
const PRODUCTS: [&str; 4] = ["sku-1", "premium_month", "Gift card €20", "+bonus"];

/// The users of one segment.
pub(crate) struct People {
    seed: u64,
}

impl People {
    /// The users of segment `segment_id` in a dataset made from `seed`.
    pub(crate) fn new(seed: u64, segment_id: &str) -> People {
        People {
            seed: segment_id.bytes().fold(mix(seed), |h, b| mix(h ^ u64::from(b))),
        }
    }

    /// How many users the segment holds unless told otherwise: 200 to 3,000.
    pub(crate) fn default_count(&self) -> u64 {
        200 + mix(self.seed ^ 0xC0FF_EE00) % 2801
    }

    /// Appends user `i` to `out` as one line of JSON holding the `fields` it has, in their order.
    pub(crate) fn write_user(&self, i: u64, fields: &[Field], out: &mut Vec<u8>) {
        let user = User {
            hash: mix(self.seed ^ mix(i)),
            i,
        };
        out.push(b'{');
        let mut first = true;
        for &field in fields {
            let mark = out.len();
            if !first {
                out.push(b',');
            }
            // The stand-in's own names need no escaping.
            Json(out).raw("\"").raw(field.name()).raw("\":");
            if user.write(field, &mut Json(out)) {
                first = false;
            } else {
                out.truncate(mark);
            }
        }
        out.extend_from_slice(b"}\n");
    }
}

/// One user: its draws come from its hash, a different one for each field.
struct User {
    hash: u64,
    i: u64,
}

impl User {
    /// The draw for `tag`.
    fn draw(&self, tag: u64) -> u64 {
        mix(self.hash ^ mix(tag))
    }

    /// A draw below `n`.
    fn pick(&self, tag: u64, n: u64) -> u64 {
        self.draw(tag) % n
    }

    fn one_of<'a>(&self, tag: u64, list: &[&'a str]) -> &'a str {
        list[self.pick(tag, list.len() as u64) as usize]
    }

    /// Missing for 1 in `missing` (false: nothing written), `null` for 1 in `null` of the
    /// rest, else what `value` writes.
    fn sometimes(&self, j: &mut Json, tag: u64, missing: u64, null: u64, value: impl FnOnce(&mut Json)) -> bool {
        if self.pick(tag ^ 0xAB, missing) == 0 {
            return false;
        }
        if self.pick(tag ^ 0xCD, null) == 0 {
            j.raw("null");
        } else {
            value(j);
        }
        true
    }

    /// Writes the user's `field`; false when the user has none.
    fn write(&self, field: Field, j: &mut Json) -> bool {
        let i = self.i;
        match field {
            // Unique per user: every value holds the user's number.
            Field::ExternalId => {
                if self.pick(1, 9) == 4 {
                    return false;
                }
                j.str(&match self.pick(2, 13) {
                    5 => format!("ext \"{i}\" ✓"),
                    7 => format!("=ext-{i}"),
                    _ => format!("ext-{i:06}"),
                });
            }
            Field::BrazeId => {
                j.str(&format!("{:016x}{:08x}", self.draw(3), i as u32));
            }
            Field::UserAliases => match self.pick(4, 4) {
                0 => return false,
                1 => {
                    j.raw("[]");
                }
                _ => {
                    j.raw("[{\"alias_name\":").str(&format!("crm-{i}"));
                    j.raw(",\"alias_label\":\"crm_id\"}]");
                }
            },
            Field::FirstName => {
                return self.sometimes(j, 5, 20, 12, |j| {
                    j.str(self.one_of(6, &FIRST_NAMES));
                })
            }
            Field::LastName => {
                return self.sometimes(j, 7, 10, 9, |j| {
                    j.str(self.one_of(8, &LAST_NAMES));
                })
            }
            Field::Email => {
                return self.sometimes(j, 9, 8, 7, |j| {
                    j.str(&match self.pick(10, 6) {
                        0 => format!("\"quoted {i}\"@example.com"),
                        1 => format!("user.{i}+tag@exämple.com"),
                        _ => format!("user.{i}@example.com"),
                    });
                })
            }
            Field::Phone => {
                return self.sometimes(j, 11, 3, 5, |j| {
                    j.str(&format!("+1 555 01{:02} {i}", i % 100));
                })
            }
            Field::Dob => {
                return self.sometimes(j, 12, 4, 4, |j| {
                    let day = self.draw(13);
                    let (y, m, d) = (1940 + day % 70, 1 + (day >> 8) % 12, 1 + (day >> 16) % 28);
                    {
                        j.str(&format!("{y}-{m:02}-{d:02}"));
                    }
                })
            }
            Field::Country => {
                return self.sometimes(j, 14, 5, 6, |j| {
                    j.str(self.one_of(15, &COUNTRIES));
                })
            }
            Field::HomeCity => {
                return self.sometimes(j, 16, 4, 6, |j| {
                    j.str(self.one_of(17, &CITIES));
                })
            }
            Field::Language => {
                return self.sometimes(j, 18, 5, 6, |j| {
                    j.str(self.one_of(19, &LANGUAGES));
                })
            }
            Field::TimeZone => {
                return self.sometimes(j, 20, 5, 6, |j| {
                    j.str(self.one_of(21, &ZONES));
                })
            }
            Field::Gender => {
                return self.sometimes(j, 22, 4, 5, |j| {
                    j.str(self.one_of(23, &GENDERS));
                })
            }
            Field::LastCoordinates => {
                return self.sometimes(j, 24, 3, 8, |j| {
                    let lon = self.pick(25, 36_000) as f64 / 100.0 - 180.0;
                    let lat = self.pick(26, 18_000) as f64 / 100.0 - 90.0;
                    {
                        j.raw("[").num(lon).raw(",").num(lat).raw("]");
                    }
                })
            }
            Field::TotalRevenue => {
                j.num(self.pick(27, 100_000) as f64 / 100.0);
            }
            Field::RandomBucket => {
                j.num(self.pick(28, 10_000));
            }
            Field::PushSubscribe => {
                return self.sometimes(j, 29, 6, 8, |j| {
                    j.str(self.one_of(30, &SUBSCRIPTIONS));
                })
            }
            Field::EmailSubscribe => {
                return self.sometimes(j, 31, 6, 8, |j| {
                    j.str(self.one_of(32, &SUBSCRIPTIONS));
                })
            }
            Field::CreatedAt => {
                nested::loose_date(j, self.draw(33));
            }
            Field::AttributedSource => {
                return self.sometimes(j, 34, 2, 4, |j| {
                    j.str(self.one_of(35, &SOURCES));
                })
            }
            Field::CustomAttributes => return self.sometimes(j, 36, 10, 20, |j| self.custom_attributes(j)),
            Field::CustomEvents => return self.sometimes(j, 37, 5, 20, |j| self.counted(j, 38, &EVENTS)),
            Field::Purchases => return self.sometimes(j, 39, 4, 20, |j| self.counted(j, 40, &PRODUCTS)),
            Field::Devices => return self.sometimes(j, 41, 6, 20, |j| self.devices(j)),
            Field::Apps => return self.sometimes(j, 46, 6, 20, |j| self.apps(j)),
        }
        true
    }
}
