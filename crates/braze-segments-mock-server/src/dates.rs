//! Reading `ending_at` and walking back from it, total on any input: a date chrono cannot hold
//! is unreadable (a 400), and days before the calendar's start are left out of a series.

use chrono::{Days, NaiveDate, NaiveTime};

/// Reads `ending_at` in the forms Braze accepts and returns its calendar day, as written (the
/// day in the value's own offset): a date alone (`2024-01-31`), RFC 3339
/// (`2024-01-31T23:59:59Z`, `+05:30`, a fraction), an offset without its colon (`-0500`) or
/// without its leading zero (Braze's own example, `2018-06-27T23:59:59-5:00`), or no offset at
/// all (read as UTC). `T`, `t` or a space separates date and time; years beyond four digits
/// carry a sign (`+10000-01-01`, `-9999-01-01`). Anything else, or a day chrono cannot hold,
/// is `None`.
pub fn parse_loose_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (date, time) = match text.find(['T', 't', ' ']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let date = parse_date(date)?;
    match time {
        None => Some(date),
        Some(time) => valid_time_and_offset(time).then_some(date),
    }
}

/// `[+-]YYYY-MM-DD`, the sign required past four digits (chrono's `%Y` rules).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `HH:MM[:SS[.fraction]]` then nothing, `Z`, or an offset `±H[H][:]MM` within a day.
fn valid_time_and_offset(text: &str) -> bool {
    let (time, offset) = match text.find(['Z', 'z', '+', '-']) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    };
    let time_ok = ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .any(|format| NaiveTime::parse_from_str(time, format).is_ok());
    time_ok && valid_offset(offset)
}

fn valid_offset(text: &str) -> bool {
    if matches!(text, "" | "Z" | "z") {
        return true;
    }
    let Some(rest) = text.strip_prefix(['+', '-']) else {
        return false;
    };
    if !rest.is_ascii() {
        return false;
    }
    let (hours, minutes) = match rest.split_once(':') {
        Some(parts) => parts,
        None if rest.len() == 4 => rest.split_at(2),
        None => return false,
    };
    let number = |s: &str, max: u32| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    (1..=2).contains(&hours.len()) && minutes.len() == 2 && number(hours, 23) && number(minutes, 59)
}

/// The `length` days that end on `end`, oldest first; days before the calendar's start are
/// left out (Braze sends at most `length` points).
pub(crate) fn days_ending_on(end: NaiveDate, length: u8) -> impl Iterator<Item = NaiveDate> {
    (0..u64::from(length))
        .rev()
        .filter_map(move |back| end.checked_sub_days(Days::new(back)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Option<String> {
        parse_loose_date(text).map(|d| d.format("%Y-%m-%d").to_string())
    }

    #[test]
    fn braze_forms_read_as_their_own_calendar_day() {
        for (text, expected) in [
            ("2024-07-25", "2024-07-25"),
            ("2024-07-25T23:59:59Z", "2024-07-25"),
            ("2024-07-25t23:59:59z", "2024-07-25"),
            ("2024-07-25 23:59:59.5+00:00", "2024-07-25"),
            ("2018-06-27T23:59:59-5:00", "2018-06-27"),
            ("2018-06-27T23:59:59+05:30", "2018-06-27"),
            ("2018-06-27T23:59:59-0500", "2018-06-27"),
            ("2018-06-27T23:59:59", "2018-06-27"),
            ("2018-06-27T23:59", "2018-06-27"),
            ("-9999-01-01", "-9999-01-01"),
            ("+10000-01-01T00:00:00Z", "+10000-01-01"),
        ] {
            assert_eq!(day(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn anything_else_is_unreadable() {
        for text in [
            "",
            "yesterday",
            "-",
            "2024-07-25T",
            "2024-07-25T24:00:00Z",
            "2024-07-25T23:59:59+24:00",
            "2024-07-25T23:59:59-5",
            "2024-07-25T23:59:59-500",
            "2024-07-25T23:59:59-05:0",
            "2024-07-25T23:59:59Z+01:00",
            "2024-07-25T23:59:59-é:00",
            "2024-07-25T23:59:59-0é00",
            "2024-7-25x",
            "+275760-09-13",
            "-275760-09-13",
            "2024-01-99999999999999999999",
            "٢٠٢٤-٠١-٠١",
        ] {
            assert_eq!(day(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_series_stops_at_the_calendar_start() {
        let first = NaiveDate::MIN;
        assert_eq!(days_ending_on(first, 100).collect::<Vec<_>>(), [first]);
        let days: Vec<_> = days_ending_on(NaiveDate::MAX, 100).collect();
        assert_eq!((days.len(), days.last()), (100, Some(&NaiveDate::MAX)));
        assert!(days.windows(2).all(|w| w[0] < w[1]));
    }
}
