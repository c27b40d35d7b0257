//! One exported segment as the bytes of a JSONL line or a CSV row.
//!
//! JSONL keeps every value verbatim. CSV neutralises cells a spreadsheet would run as a
//! formula ([`crate::csv_cell`]), reversibly (resume reads the ids back).
//!
//! With `--series`, CSV is long: one row per segment per day, the segment's columns repeated,
//! then [`SERIES_COLUMNS`]: `points` (how many rows the segment has: resume tells a whole
//! segment from a torn one by it), and each day's `time` (Braze's text) and `size`. A segment
//! without points (analytics tracking off, or an empty history) has one row, its `time` and
//! `size` empty, and `points` empty when it is untracked, `0` when Braze sent no point.

use braze_segments::{SegmentRecord, Timestamp};

use crate::csv_cell::neutralised;

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 9] = [
    "id",
    "name",
    "description",
    "text_description",
    "tags",
    "teams",
    "created_at",
    "updated_at",
    "analytics_tracking_enabled",
];

/// The columns after [`CSV_HEADER`]'s in an export with `--series`.
pub const SERIES_COLUMNS: [&str; 3] = ["points", "time", "size"];

/// How every JSONL line of ours starts (the summary, its id first).
pub const JSONL_START: &[u8] = br#"{"summary":{"id":""#;

pub fn jsonl_line(record: &SegmentRecord) -> Vec<u8> {
    let mut line = serde_json::to_vec(record).expect("records serialize");
    line.push(b'\n');
    line
}

fn time(t: Option<&Timestamp>) -> String {
    t.map(|t| t.at().map_or_else(|| t.raw().to_owned(), |at| at.to_rfc3339()))
        .unwrap_or_default()
}

/// A record's CSV fields, in [`CSV_HEADER`] order, as the data holds them.
pub fn csv_fields(record: &SegmentRecord) -> [String; 9] {
    let d = &record.details;
    let s = &record.summary;
    [
        s.id.clone(),
        d.name.clone().or_else(|| s.name.clone()).unwrap_or_default(),
        d.description.clone().unwrap_or_default(),
        d.text_description.clone().unwrap_or_default(),
        d.tags.join("|"),
        d.teams.join("|"),
        time(d.created_at.as_ref()),
        time(d.updated_at.as_ref()),
        s.analytics_tracking_enabled.map(|b| b.to_string()).unwrap_or_default(),
    ]
}

/// One CSV row, every cell neutralised, ending in `\n`.
fn csv_row<'a>(fields: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer
        .write_record(fields.into_iter().map(|f| neutralised(f).into_owned()))
        .expect("writing to memory");
    writer.into_inner().expect("writing to memory")
}

/// A record's CSV rows: one, or with `series` one per point (at least one).
pub fn csv_rows(record: &SegmentRecord, series: bool) -> Vec<u8> {
    let fields = csv_fields(record);
    if !series {
        return csv_row(fields.iter().map(String::as_str));
    }
    let points = record.series.as_deref().unwrap_or_default();
    let count = record.series.as_ref().map(|p| p.len().to_string()).unwrap_or_default();
    if points.is_empty() {
        return csv_row(fields.iter().map(String::as_str).chain([count.as_str(), "", ""]));
    }
    let mut rows = Vec::new();
    for point in points {
        let size = point.size.to_string();
        rows.extend(csv_row(fields.iter().map(String::as_str).chain([
            count.as_str(),
            point.time.raw(),
            size.as_str(),
        ])));
    }
    rows
}

/// The header row (with `series`, [`SERIES_COLUMNS`] too).
pub fn csv_header(series: bool) -> Vec<u8> {
    let extra: &[&str] = if series { &SERIES_COLUMNS } else { &[] };
    csv_row(CSV_HEADER.iter().chain(extra).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(details: serde_json::Value) -> SegmentRecord {
        serde_json::from_value(serde_json::json!({"summary": {"id": "s1"}, "details": details})).unwrap()
    }

    #[test]
    fn csv_times_are_rfc_3339_when_readable_raw_when_not_and_empty_when_absent() {
        let fields = csv_fields(&record(serde_json::json!({
            "message": "success",
            "created_at": "2021-02-23T10:00:00.000Z",
            "updated_at": "last tuesday",
        })));
        assert_eq!(fields[6], "2021-02-23T10:00:00+00:00");
        assert_eq!(fields[7], "last tuesday");
        let fields = csv_fields(&record(serde_json::json!({"message": "success"})));
        assert_eq!((fields[6].as_str(), fields[7].as_str()), ("", ""));
    }

    #[test]
    fn a_series_export_has_a_row_per_point_or_one_without_points() {
        let mut with_points = record(serde_json::json!({"message": "success", "name": "=VIPs"}));
        with_points.series = Some(vec![
            braze_segments::DataPoint::new("2024-07-24", 10),
            braze_segments::DataPoint::new("2024-07-25", -2),
        ]);
        let rows = String::from_utf8(csv_rows(&with_points, true)).unwrap();
        assert_eq!(
            rows,
            "s1,'=VIPs,,,,,,,,2,2024-07-24,10\ns1,'=VIPs,,,,,,,,2,2024-07-25,'-2\n"
        );
        let mut empty = with_points.clone();
        empty.series = Some(Vec::new());
        assert_eq!(csv_rows(&empty, true), b"s1,'=VIPs,,,,,,,,0,,\n");
        empty.series = None;
        assert_eq!(csv_rows(&empty, true), b"s1,'=VIPs,,,,,,,,,,\n");
        assert_eq!(csv_rows(&empty, false), b"s1,'=VIPs,,,,,,,\n");
        assert!(csv_header(true).ends_with(b",analytics_tracking_enabled,points,time,size\n"));
    }
}
