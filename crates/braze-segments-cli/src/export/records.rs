//! One exported segment as the bytes of a JSONL line or a CSV row.
//!
//! JSONL keeps every value verbatim. CSV neutralises cells a spreadsheet would run as a
//! formula ([`crate::csv_cell`]), reversibly (resume reads the ids back).

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
pub fn csv_row(fields: &[String; 9]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer
        .write_record(fields.iter().map(|f| neutralised(f).into_owned()))
        .expect("writing to memory");
    writer.into_inner().expect("writing to memory")
}

/// The header row.
pub fn csv_header() -> Vec<u8> {
    csv_row(&CSV_HEADER.map(str::to_owned))
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
}
