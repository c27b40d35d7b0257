use super::*;

fn utc(text: &str) -> Option<String> {
    Timestamp::parse(text).at().map(|t| t.to_rfc3339())
}

#[test]
fn every_plausible_iso_8601_shape_is_read() {
    let noon = Some("2021-02-23T13:50:47+00:00".to_owned());
    for text in [
        "2021-02-23T13:50:47Z",
        "2021-02-23T13:50:47z",
        "2021-02-23t13:50:47Z",
        "2021-02-23 13:50:47Z",
        "2021-02-23T13:50:47+00:00",
        "2021-02-23T13:50:47+0000",
        "2021-02-23T13:50:47+00",
        "2021-02-23T13:50:47",
        " 2021-02-23T13:50:47Z\n",
        "\x0B2021-02-23T13:50:47Z\x0B",
        "2021-02-23T08:50:47-05:00",
        "2021-02-23T08:50:47-0500",
        "2021-02-23T08:50:47-5:00",
        "2021-02-23T15:20:47+01:30",
    ] {
        assert_eq!(utc(text), noon, "{text}");
    }
    assert_eq!(
        utc("2021-02-23T13:50:47.123456Z"),
        Some("2021-02-23T13:50:47.123456+00:00".into())
    );
    assert_eq!(
        utc("2021-02-23T13:50:47,5Z"),
        Some("2021-02-23T13:50:47.500+00:00".into())
    );
    assert_eq!(utc("2021-02-23T13:50Z"), Some("2021-02-23T13:50:00+00:00".into()));
    assert_eq!(utc("2021-02-23"), Some("2021-02-23T00:00:00+00:00".into()));
}

#[test]
fn the_fast_shapes_read_as_chrono_reads_them() {
    let dates = [
        "2021-02-23",
        "0000-01-01",
        "9999-12-31",
        "2021-02-30",
        "2021-13-01",
        "2021-00-10",
        "2020-02-29",
    ];
    for date in dates {
        let chrono = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
        assert_eq!(fixed_date(date.as_bytes()), Some(chrono), "{date}");
    }
    for date in ["2021-2-023", "+021-02-23", "2021/02/23", "２021-02-23"] {
        assert_eq!(fixed_date(date.as_bytes()), None, "{date}");
    }
    let times = [
        "13:50:47",
        "00:00:00",
        "23:59:59",
        "24:00:00",
        "13:60:00",
        "13:50:47.1",
        "13:50:47.123456789",
        "13:50:47,5",
        "13:50:47.000001",
    ];
    for time in times {
        let chrono = NaiveTime::parse_from_str(&time.replacen(',', ".", 1), "%H:%M:%S%.f").ok();
        assert_eq!(fixed_time(time.as_bytes()), Some(chrono), "{time}");
    }
    for time in [
        "13:50:60",
        "13:50:47.1234567891",
        "13:50:47.",
        "13:50",
        "1:50:47",
        "13:50:47x",
    ] {
        assert_eq!(fixed_time(time.as_bytes()), None, "{time}");
    }
    // A leap second is left to chrono, which reads it.
    assert!(utc("2016-12-31T23:59:60Z").is_some());
}

#[test]
fn the_one_step_shape_reads_as_every_shape_does() {
    for text in [
        "2021-02-23T13:50:47Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2020-02-29T12:00:00Z",
        "2021-02-29T12:00:00Z",
        "2021-13-01T00:00:00Z",
        "2021-02-23T24:00:00Z",
        "2021-02-23T13:60:00Z",
    ] {
        assert_eq!(utc_seconds(text.as_bytes()), Some(read_any_shape(text)), "{text}");
    }
    // Seconds of 60 and more (a leap second, or garbage) are left to the general reading.
    for text in [
        "2016-12-31T23:59:60Z",
        "2021-02-23T13:50:99Z",
        "2021-02-23T13:50:47z",
        "2021-02-23 13:50:47Z",
        "2021-02-23T13:50:4xZ",
        "+021-02-23T13:50:47Z",
        " 2021-02-23T13:50:47Z",
    ] {
        assert_eq!(utc_seconds(text.as_bytes()), None, "{text}");
    }
}

#[test]
fn equal_timestamps_have_the_same_text_and_instant() {
    let far = chrono::DateTime::<Utc>::from_timestamp(253_402_300_800, 0).unwrap(); // year 10000
    let made = Timestamp::from(far);
    let read_back = Timestamp::parse(made.raw());
    assert!(made.is_valid() && !read_back.is_valid());
    assert_ne!(made, read_back);
    let a = Timestamp::parse("2021-02-23T13:50:47Z");
    let b = a.clone();
    assert!(a.is_valid());
    assert_eq!(a, b, "a clone of a read value");
    assert_eq!(Timestamp::parse("2021-02-23T13:50:47Z"), a, "read and unread");
    assert_ne!(Timestamp::parse("2021-02-23T13:50:47+00:00"), a, "another text");
}

#[test]
fn unreadable_text_is_kept_raw() {
    for text in [
        "",
        " ",
        "N/A",
        "2021-02-30",
        "2021-02-23T25:00:00Z",
        "2021-02-23T13:50:47+24:00",
        "2021-02-23T13:50:47+5:0:0",
        "2021-02-23X13:50:47Z",
        "2021-02-23T13:50:47Zjunk",
        "1614088247",
        "２０２１-02-23",
        "2021-02-23T13:50:47+",
    ] {
        let t = Timestamp::parse(text);
        assert_eq!(t.at(), None, "{text:?}");
        assert_eq!(t.raw(), text);
        assert!(!t.is_valid());
    }
}

#[test]
fn the_date_is_the_one_braze_wrote() {
    let t = Timestamp::parse("2024-01-31T23:30:00-05:00");
    assert_eq!(t.date(), NaiveDate::from_ymd_opt(2024, 1, 31));
    assert_eq!(
        t.at().unwrap().date_naive(),
        NaiveDate::from_ymd_opt(2024, 2, 1).unwrap()
    );
}

#[test]
fn serializes_as_its_raw_text() {
    for text in ["2021-02-23", "garbage", ""] {
        let t = Timestamp::parse(text);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, serde_json::to_string(text).unwrap());
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
    }
}
