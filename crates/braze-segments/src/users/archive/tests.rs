//! Archives built here (with `zip`'s and `flate2`'s writers) in temporary files, read back.

use std::io::{Cursor, Write};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::json;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::*;

mod hostile;

pub(super) fn file_with(bytes: &[u8]) -> File {
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(bytes).unwrap();
    file
}

/// A ZIP of `members` (a name ending in `/` is a directory), compressed with `method`.
pub(super) fn zip_of(members: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, content) in members {
        if name.ends_with('/') {
            zip.add_directory(*name, options).unwrap();
        } else {
            zip.start_file(*name, options).unwrap();
            zip.write_all(content).unwrap();
        }
    }
    zip.finish().unwrap().into_inner()
}

pub(super) fn deflated_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(members, CompressionMethod::Deflated)
}

/// A gzip stream of one gzip member per part.
pub(super) fn gzip_of(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
        gzip.write_all(part).unwrap();
        out.extend(gzip.finish().unwrap());
    }
    out
}

pub(super) fn user(i: usize) -> String {
    json!({"external_id": format!("u{i}"), "email": format!("u{i}@example.com"), "random_bucket": i}).to_string()
}

/// `count` users from `first` on, one a line.
pub(super) fn users(first: usize, count: usize) -> String {
    (first..first + count).map(|i| user(i) + "\n").collect()
}

pub(super) fn open(bytes: &[u8], limits: ArchiveLimits) -> Result<ArchiveReader, ArchiveError> {
    ArchiveReader::open(file_with(bytes), limits)
}

pub(super) fn read_all(bytes: &[u8], limits: ArchiveLimits) -> (Vec<Result<UserRecord, ArchiveError>>, ArchiveReader) {
    let mut reader = open(bytes, limits).unwrap();
    let items = reader.by_ref().collect();
    (items, reader)
}

pub(super) fn ids(items: &[Result<UserRecord, ArchiveError>]) -> Vec<String> {
    let id = |user: &UserRecord| user.external_id.clone().unwrap_or_default();
    items.iter().filter_map(|item| item.as_ref().ok().map(id)).collect()
}

pub(super) fn errors(items: Vec<Result<UserRecord, ArchiveError>>) -> Vec<ArchiveError> {
    items.into_iter().filter_map(Result::err).collect()
}

pub(super) fn expect_ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("u{i}")).collect()
}

#[test]
fn a_zip_is_read_member_after_member_in_order() {
    let (a, b, c) = (users(0, 3), users(3, 2), users(5, 4));
    for method in [CompressionMethod::Deflated, CompressionMethod::Stored] {
        let members: &[(&str, &[u8])] = &[
            ("p/", b""),
            ("p/0.txt", a.as_bytes()),
            ("p/1.txt", b.as_bytes()),
            ("p/2.txt", c.as_bytes()),
        ];
        let bytes = zip_of(members, method);
        let (items, reader) = read_all(&bytes, ArchiveLimits::default());
        assert_eq!(ids(&items), expect_ids(0..9), "{method:?}");
        assert_eq!(reader.format(), ArchiveFormat::Zip);
        assert_eq!((reader.users(), reader.bad_lines()), (9, 0));
        assert_eq!(reader.inflated_bytes(), (a.len() + b.len() + c.len()) as u64);
    }
}

#[test]
fn a_multi_member_gzip_is_one_stream() {
    let bytes = gzip_of(&[users(0, 2).as_bytes(), b"oops\n", users(2, 3).as_bytes()]);
    let (items, reader) = read_all(&bytes, ArchiveLimits::default());
    assert_eq!(ids(&items), expect_ids(0..5));
    assert_eq!(reader.format(), ArchiveFormat::Gzip);
    let errors = errors(items);
    assert!(
        matches!(
            &errors[..],
            [ArchiveError::BadLine {
                member: None,
                line: 3,
                ..
            }]
        ),
        "{errors:?}"
    );
    assert!(
        errors[0].to_string().starts_with("line 3 of the gzip stream: "),
        "{}",
        errors[0]
    );
}

#[test]
fn anything_else_is_not_an_archive() {
    let xml = b"<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code></Error>";
    match open(xml, ArchiveLimits::default()) {
        Err(ArchiveError::NotAnArchive { starts_with }) => assert_eq!(starts_with, b"<?xml ve"),
        other => panic!("{:?}", other.map(|_| ())),
    }
    match open(b"", ArchiveLimits::default()) {
        Err(e @ ArchiveError::NotAnArchive { .. }) => assert!(e.to_string().contains("empty"), "{e}"),
        other => panic!("{:?}", other.map(|_| ())),
    }
    assert_eq!(ArchiveFormat::detect(b"PK\x05\x06"), Some(ArchiveFormat::Zip));
    assert_eq!(ArchiveFormat::detect(b"PK\x01\x02"), None);
    assert_eq!(ArchiveFormat::detect(b"\x1f"), None);
}

#[test]
fn an_empty_zip_has_no_users() {
    let (items, _) = read_all(&deflated_zip(&[]), ArchiveLimits::default());
    assert!(items.is_empty(), "{items:?}");
}

#[test]
fn a_line_that_is_not_a_user_is_reported_and_reading_goes_on() {
    let content = format!("{}\nnot json\n[1,2]\n\n{}\n", user(0), user(1));
    let bytes = deflated_zip(&[("p/0.txt", users(9, 1).as_bytes()), ("p/1.txt", content.as_bytes())]);
    let (items, reader) = read_all(&bytes, ArchiveLimits::default());
    assert_eq!(ids(&items), ["u9", "u0", "u1"]);
    assert_eq!((reader.users(), reader.bad_lines()), (3, 2));
    let errors = errors(items);
    match &errors[..] {
        [
            a @ ArchiveError::BadLine {
                member: Some(m),
                line: 2,
                ..
            },
            ArchiveError::BadLine { line: 3, .. },
        ] => {
            assert_eq!(m, "p/1.txt");
            assert!(!a.is_fatal());
            assert!(a.to_string().starts_with("line 2 of member \"p/1.txt\": "), "{a}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_over_long_line_is_skipped_and_reading_goes_on() {
    let long = json!({"external_id": "x".repeat(500)}).to_string();
    let content = format!("{}\n{long}\n{}\n", user(0), user(1));
    let bytes = gzip_of(&[content.as_bytes()]);
    let limits = ArchiveLimits::default().max_line_bytes(200);
    let (items, reader) = read_all(&bytes, limits);
    assert_eq!(ids(&items), ["u0", "u1"]);
    assert_eq!(reader.bad_lines(), 1);
    let errors = errors(items);
    assert!(
        matches!(
            &errors[..],
            [ArchiveError::LineTooLong {
                line: 2,
                limit: 200,
                ..
            }]
        ),
        "{errors:?}"
    );
    let (items, _) = read_all(&bytes, ArchiveLimits::default());
    assert_eq!(ids(&items).len(), 3);
}

#[test]
fn crlf_blank_lines_and_a_last_line_without_newline_are_fine() {
    let content = format!("\u{feff}{}\r\n\r\n   \n{}\r\n\n{}", user(0), user(1), user(2));
    let bytes = deflated_zip(&[("p/0.txt", content.as_bytes())]);
    let (items, reader) = read_all(&bytes, ArchiveLimits::default());
    assert_eq!(ids(&items), expect_ids(0..3), "{items:?}");
    assert_eq!(reader.bad_lines(), 0);
}

#[test]
fn users_come_out_as_they_went_in() {
    let odd = json!({"external_id": "o", "first_name": 5, "custom_attributes": "x", "created_at": 12,
        "home_city": "Zoë \"Ü\" 東京 🦀", "custom_events": [{"name": "e", "count": 2, "first": null}], "new_field": [1]});
    let bytes = gzip_of(&[format!("{odd}\n").as_bytes()]);
    let (items, _) = read_all(&bytes, ArchiveLimits::default());
    let user = items.into_iter().next().unwrap().unwrap();
    assert_eq!(user.first_name, None);
    assert_eq!(user.extra["first_name"], json!(5));
    assert_eq!(user.extra["custom_attributes"], json!("x"));
    assert_eq!(user.home_city.as_deref(), Some("Zoë \"Ü\" 東京 🦀"));
    assert_eq!(serde_json::to_value(&user).unwrap(), odd);
}

#[test]
fn the_bench_entry_point_counts_a_whole_archive() {
    let bytes = deflated_zip(&[("p/0.txt", format!("{}nope\n", users(0, 4)).as_bytes())]);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &bytes).unwrap();
    let tally = read_archive_file(file.path(), ArchiveLimits::default()).unwrap();
    assert_eq!((tally.format, tally.users, tally.bad_lines), (ArchiveFormat::Zip, 4, 1));
    let missing = file.path().with_extension("missing");
    assert!(matches!(
        read_archive_file(&missing, ArchiveLimits::default()),
        Err(ArchiveError::Io(_))
    ));
}
