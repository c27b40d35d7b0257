//! Braze's timestamps, read tolerantly: Braze documents them only as "ISO 8601", so every shape
//! it may plausibly send is accepted, and a value that cannot be read keeps its raw text instead
//! of failing the record it is part of.

use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A timestamp as Braze sent it: the raw text, and the instant it names when it could be read.
///
/// Accepted shapes (ASCII, surrounding whitespace ignored): `2024-07-25T13:50:47Z`, with or
/// without a fraction (`…47.123456Z`), with an offset `+00:00`, `+0000`, `+00` or Braze's own
/// `-5:00`, without an offset (read as UTC), with a space or `t` for `T`, a lowercase `z`, and a
/// date alone (`2024-07-25`, midnight UTC). Anything else — an empty string, `"N/A"`, a date
/// that does not exist — gives [`at`](Self::at) `None` and keeps [`raw`](Self::raw).
///
/// It serializes as its raw text, so a value read and written again is unchanged. The text is
/// read the first time the instant is asked for (a value only passed on, as the export writes
/// it, is never read), and once.
#[derive(Clone)]
pub struct Timestamp {
    raw: String,
    at: OnceLock<Option<DateTime<FixedOffset>>>,
}

impl Timestamp {
    /// Keeps `raw`, to be read when the instant is first asked for; never fails.
    pub fn parse(raw: impl Into<String>) -> Self {
        Self {
            raw: raw.into(),
            at: OnceLock::new(),
        }
    }

    /// The text Braze sent.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The instant, in UTC; `None` when the text could not be read.
    pub fn at(&self) -> Option<DateTime<Utc>> {
        self.at_offset().map(|t| t.with_timezone(&Utc))
    }

    /// The instant with the offset Braze wrote (`+00:00` when it wrote none).
    pub fn at_offset(&self) -> Option<DateTime<FixedOffset>> {
        *self.at.get_or_init(|| parse_iso8601(&self.raw))
    }

    /// The calendar date as Braze wrote it (in its own offset, not converted to UTC).
    pub fn date(&self) -> Option<NaiveDate> {
        self.at_offset().map(|t| t.date_naive())
    }

    /// True when the text could be read.
    pub fn is_valid(&self) -> bool {
        self.at_offset().is_some()
    }
}

// Equal: the same text and the same instant (a value made from an instant chrono holds but the
// text cannot name, a year past 9999, differs from the text read back). Hashing needs only the
// text, and does not read it.
impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw && self.at_offset() == other.at_offset()
    }
}

impl Eq for Timestamp {}

impl std::hash::Hash for Timestamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timestamp")
            .field("raw", &self.raw)
            .field("at", &self.at_offset())
            .finish()
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 when the text could be read, the raw text (escaped as Rust would) otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at_offset() {
            Some(at) => write!(f, "{}", at.to_rfc3339()),
            None => write!(f, "{:?}", self.raw),
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self {
            raw: at.to_rfc3339(),
            at: OnceLock::from(Some(at.fixed_offset())),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Timestamp::parse)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}

/// Reads an ISO 8601 date or date-time in any shape Braze may send; `None` otherwise.
pub(crate) fn parse_iso8601(text: &str) -> Option<DateTime<FixedOffset>> {
    match utc_seconds(text.as_bytes()) {
        Some(read) => read,
        None => read_any_shape(text),
    }
}

/// [`parse_iso8601`] for every shape, the one read in one step included.
fn read_any_shape(text: &str) -> Option<DateTime<FixedOffset>> {
    // ASCII whitespace first (the common case, without str's Unicode tables), then any other
    // (a vertical tab is whitespace to `trim` and not to `trim_ascii`).
    let text = match text.trim_ascii() {
        ascii if ascii.is_ascii() && !ascii.starts_with('\x0B') && !ascii.ends_with('\x0B') => ascii,
        _ => text.trim(),
    };
    if !text.is_ascii() || text.len() < 10 {
        return None;
    }
    let (date, rest) = text.split_at(10);
    let date = match fixed_date(date.as_bytes()) {
        Some(read) => read?,
        None => NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?,
    };
    if rest.is_empty() {
        return at_offset(date.and_time(NaiveTime::MIN), FixedOffset::east_opt(0)?);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // The time runs up to the offset: `Z`, or a sign after the time's own digits.
    let zone_at = rest
        .bytes()
        .position(|b| matches!(b, b'Z' | b'z' | b'+' | b'-'))
        .unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_at);
    let time = parse_time(time)?;
    let offset = parse_offset(zone)?;
    at_offset(NaiveDateTime::new(date, time), offset)
}

/// `local` read at `offset`; `None` when the instant is out of chrono's range (what
/// `from_local_datetime(..).single()` says, without its general time-zone machinery).
fn at_offset(local: NaiveDateTime, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let utc = local.checked_sub_offset(offset)?;
    Some(DateTime::from_naive_utc_and_offset(utc, offset))
}

/// The shape Braze sends most, `YYYY-MM-DDTHH:MM:SSZ`, read in one step. `None`: not this
/// shape exactly, let the general reading take it; `Some(None)`: this shape, but no such
/// date or time.
fn utc_seconds(b: &[u8]) -> Option<Option<DateTime<FixedOffset>>> {
    let &[
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        i0,
        i1,
        b':',
        s0,
        s1,
        b'Z',
    ] = b
    else {
        return None;
    };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, i0, i1, s0, s1];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |hi: u8, lo: u8| u32::from(hi - b'0') * 10 + u32::from(lo - b'0');
    let year = (n(y0, y1) * 100 + n(y2, y3)) as i32;
    let (hour, minute, second) = (n(h0, h1), n(i0, i1), n(s0, s1));
    if second >= 60 {
        // A leap second: chrono's reading decides, as for every other shape.
        return None;
    }
    let local =
        NaiveDate::from_ymd_opt(year, n(m0, m1), n(d0, d1)).and_then(|date| date.and_hms_opt(hour, minute, second));
    Some(
        local.map(|utc| DateTime::from_naive_utc_and_offset(utc, FixedOffset::east_opt(0).expect("zero is an offset"))),
    )
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    if let Some(read) = fixed_time(text.as_bytes()) {
        return read;
    }
    // `%.f` takes an optional fraction of any length; a comma is ISO 8601's other separator.
    let text = text.replacen(',', ".", 1);
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|format| NaiveTime::parse_from_str(&text, format).ok())
}

// The common shapes, read without chrono's format strings (parsed anew on every call, they
// cost a users export a tenth of its time). `None`: not this shape, let chrono read it;
// `Some(None)`: this shape, but no such date or time (as chrono would say).

/// `YYYY-MM-DD`.
fn fixed_date(b: &[u8]) -> Option<Option<NaiveDate>> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(number(&b[..4])?).ok()?;
    Some(NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..])?))
}

/// `HH:MM:SS`, then `.` or `,` and 1 to 9 digits (leap seconds and longer fractions are left
/// to chrono).
fn fixed_time(b: &[u8]) -> Option<Option<NaiveTime>> {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (hour, minute, second) = (number(&b[..2])?, number(&b[3..5])?, number(&b[6..8])?);
    if second >= 60 {
        return None;
    }
    let nano = match &b[8..] {
        [] => 0,
        [b'.' | b',', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            number(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    Some(NaiveTime::from_hms_nano_opt(hour, minute, second, nano))
}

/// The ASCII digits of `b` as a number (at most 9 of them); `None` for anything else.
fn number(b: &[u8]) -> Option<u32> {
    if b.len() > 9 {
        return None;
    }
    ascii_digits(b).map(|n| n as u32)
}

/// The ASCII digits of `b` as a number (1 to 19 of them, so that it fits); `None` for anything
/// else. Dates here and header figures (`rate_limit`) are read with it.
pub(crate) fn ascii_digits(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let mut n = 0u64;
    for &byte in b {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n * 10 + u64::from(digit);
    }
    Some(n)
}

fn parse_offset(text: &str) -> Option<FixedOffset> {
    if text.is_empty() || text.eq_ignore_ascii_case("z") {
        return FixedOffset::east_opt(0);
    }
    let sign = match text.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = &text[1..];
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    if hours.is_empty() || hours.len() > 2 || minutes.is_empty() || minutes.len() > 2 {
        return None;
    }
    let hours: i32 = hours.parse().ok().filter(|h| *h <= 23)?;
    let minutes: i32 = minutes.parse().ok().filter(|m| *m <= 59)?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests;
