//! A user's nested values (custom attributes, events, purchases, devices, apps) and loose
//! dates, written straight into the line.

use super::{User, CITIES};
use crate::users::json::Json;

const NOTES: [&str; 6] = [
    "=SUM(A1:A9)",
    "line\nbreak \"q\" \\ end",
    "-2",
    "@mention",
    "مرحبا بالعالم",
    "e\u{301}\u{302}",
];

impl User {
    /// `[{name, first, last, count}]`: 0 to 3 of the names.
    pub(super) fn counted(&self, j: &mut Json, tag: u64, names: &[&str]) {
        j.raw("[");
        for k in 0..self.pick(tag, 4) {
            if k > 0 {
                j.raw(",");
            }
            let name = names[((self.draw(tag + 100) + k) % names.len() as u64) as usize];
            j.raw("{\"name\":").str(name);
            loose_date(j.raw(",\"first\":"), self.draw(tag + 200 + k));
            loose_date(j.raw(",\"last\":"), self.draw(tag + 300 + k));
            j.raw(",\"count\":").num(1 + self.pick(tag + 400 + k, 250)).raw("}");
        }
        j.raw("]");
    }

    pub(super) fn devices(&self, j: &mut Json) {
        let ios = self.pick(42, 2) == 0;
        j.raw("[{\"model\":").str(if ios { "iPhone 15" } else { "Pixel 8" });
        j.raw(",\"os\":").str(if ios { "iOS 17.2" } else { "Android 14" });
        j.raw(",\"carrier\":")
            .str_or_null((self.pick(43, 3) != 0).then_some("Vodafone"));
        j.raw(",\"idfv\":").str(&format!("{:016X}", self.draw(44)));
        j.raw(",\"ad_tracking_enabled\":").bool(self.pick(45, 2) == 0).raw("}]");
    }

    pub(super) fn apps(&self, j: &mut Json) {
        j.raw("[{\"name\":\"Example – App\",\"platform\":");
        j.str(if self.pick(47, 2) == 0 { "iOS" } else { "Android" });
        j.raw(",\"version\":")
            .str(&format!("1.{}.{}", self.pick(48, 9), self.pick(49, 20)));
        j.raw(",\"sessions\":").num(self.pick(50, 500));
        loose_date(j.raw(",\"first_used\":"), self.draw(51));
        loose_date(j.raw(",\"last_used\":"), self.draw(52));
        j.raw("}]");
    }

    /// An object of anything: strings, numbers, booleans, nulls, arrays and nested objects,
    /// each key present or not.
    pub(super) fn custom_attributes(&self, j: &mut Json) {
        let has = self.draw(60);
        let mut first = true;
        let mut key = |j: &mut Json, bit: u32, name: &str| {
            let present = bit == u32::MAX || has >> bit & 1 == 1;
            if present {
                j.raw(if first { "{" } else { "," }).str(name).raw(":");
                first = false;
            }
            present
        };
        if key(j, 0, "tier") {
            j.str_or_null([Some("gold"), Some("silver"), None][self.pick(61, 3) as usize]);
        }
        if key(j, 1, "score") {
            j.num(self.pick(62, 10_000) as f64 / 8.0);
        }
        if key(j, 2, "visits") {
            j.num(self.pick(63, 1000));
        }
        if key(j, u32::MAX, "vip") {
            j.bool(has >> 3 & 1 == 1);
        }
        if key(j, 4, "nothing") {
            j.raw("null");
        }
        if key(j, 5, "tags") {
            j.raw("[\"a\",\"b, c\",1,null,{\"nested\":[true]}]");
        }
        if key(j, 6, "address") {
            j.raw("{\"city\":").str(self.one_of(64, &CITIES));
            j.raw(",\"geo\":{\"lat\":47.37,\"lon\":8.54},\"lines\":[]}");
        }
        if key(j, 7, "note") {
            j.str(self.one_of(65, &NOTES));
        }
        if key(j, 8, "last_seen") {
            loose_date(j, self.draw(66));
        }
        j.raw("}");
    }
}

/// Writes a date-time from 2015 to 2024 as a string in one of the loose forms Braze writes
/// (`2021-02-23`, `2021-02-23T10:00:00.123+0000`, `2021-02-23T10:00:00Z`, …) or an empty one.
pub(super) fn loose_date(j: &mut Json, draw: u64) {
    let secs = draw % (10 * 365 * 86_400);
    let (y, m, d) = civil(16_436 + secs / 86_400);
    let (h, mi, s, ms) = (secs / 3600 % 24, secs / 60 % 60, secs % 60, (draw >> 40) % 1000);
    let form = (draw >> 52) % 6;
    j.raw("\"");
    if form != 2 {
        j.digits(y, 4).raw("-").digits(m, 2).raw("-").digits(d, 2);
    }
    if form != 0 && form != 2 {
        j.raw(if form == 5 { " " } else { "T" });
        j.digits(h, 2).raw(":").digits(mi, 2).raw(":").digits(s, 2);
        match form {
            1 => j.raw(".").digits(ms, 3).raw("+0000"),
            3 => j.raw("Z"),
            4 => j.raw(".").digits(ms, 3).raw("Z"),
            _ => j.raw(" UTC"),
        };
    }
    j.raw("\"");
}

/// The year, month and day of `days` after 1970-01-01 (Hinnant's `civil_from_days`).
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + u64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_chrono() {
        use chrono::Datelike as _;
        for days in (0..40_000).step_by(37) {
            let date = chrono::DateTime::from_timestamp(days as i64 * 86_400, 0).unwrap();
            let expected = (date.year() as u64, u64::from(date.month()), u64::from(date.day()));
            assert_eq!(civil(days), expected, "{days}");
        }
    }

    #[test]
    fn loose_dates_take_every_form() {
        let mut forms = std::collections::HashSet::new();
        for draw in 0..64u64 {
            let mut out = Vec::new();
            loose_date(&mut Json(&mut out), (draw << 52) | (draw * 7_919_000));
            let text: String = serde_json::from_slice(&out).unwrap();
            forms.insert(text.len());
            if !text.is_empty() {
                assert!(
                    chrono::NaiveDate::parse_from_str(&text[..10], "%Y-%m-%d").is_ok(),
                    "{text}"
                );
            }
        }
        assert!(forms.len() >= 5, "{forms:?}");
    }
}
