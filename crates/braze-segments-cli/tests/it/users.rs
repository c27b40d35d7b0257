//! `users` as a user runs it, against the stand-in and its storage host: JSONL, CSV, stdout,
//! the kept archive, `--demo`, an own bucket, an expired link (lines that are not users and the
//! progress lines: `users_report.rs`).

use crate::common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use braze_segments::ArchiveLimits;
use braze_segments_mock_server::{Endpoint, MockConfig};
use common::{no_rate_limit, RunExpecting as _, StandIn, README_ID};
use serde_json::{Map, Value};

/// A stand-in whose exports are ready at once.
fn ready_at_once() -> MockConfig {
    MockConfig {
        users_export_ready_after: Duration::ZERO,
        ..no_rate_limit()
    }
}

fn jsonl_users(path: &Path) -> Vec<Map<String, Value>> {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with('\n'), "whole lines");
    text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

/// The names in `dir`, sorted: no temporary file may be left beside the output.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn jsonl_holds_every_user_with_the_requested_fields_only() {
    let stand_in = StandIn::start(ready_at_once());
    stand_in.braze().set_users_in_segment(README_ID, 7_321);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let (_, stderr) = stand_in
        .cli()
        .args([
            "users",
            README_ID,
            "--fields",
            " external_id, email ,custom_attributes",
            "--out",
        ])
        .arg(&out)
        .run_expecting(0);
    assert!(stderr.contains("object prefix "), "{stderr}");
    assert!(stderr.contains("users: 7321 written to "), "{stderr}");
    assert!(stderr.contains(", 0 bad lines; archive "), "{stderr}");
    let users = jsonl_users(&out);
    assert_eq!(users.len(), 7_321, "every user, across two members");
    let asked = ["external_id", "email", "custom_attributes"];
    for user in &users {
        assert!(user.keys().all(|k| asked.contains(&k.as_str())), "{user:?}");
    }
    for field in asked {
        assert!(
            users.iter().any(|u| u.get(field).is_some_and(|v| !v.is_null())),
            "{field}"
        );
    }
    assert!(
        users
            .iter()
            .any(|u| u.get("custom_attributes").is_some_and(Value::is_object)),
        "nested objects kept"
    );
    assert_eq!(stand_in.braze().counters().requests(Endpoint::UsersExportSegment), 1);
    assert_eq!(names_in(dir.path()), ["users.jsonl"]);
}

#[test]
fn csv_neutralises_formula_cells_and_writes_objects_as_json_text() {
    let stand_in = StandIn::start(ready_at_once());
    stand_in.braze().set_users_in_segment(README_ID, 600);
    let dir = tempfile::tempdir().unwrap();
    let fields = "first_name,custom_attributes,external_id,random_bucket";
    let jsonl = dir.path().join("users.jsonl");
    let csv_path = dir.path().join("users.csv");
    for (format, out) in [("jsonl", &jsonl), ("csv", &csv_path)] {
        stand_in
            .cli()
            .args(["users", README_ID, "--fields", fields, "--format", format, "--out"])
            .arg(out)
            .run_expecting(0);
    }
    let users = jsonl_users(&jsonl);
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        fields.split(',').collect::<Vec<_>>(),
        "the requested fields, in order"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), users.len());
    assert_eq!(rows.len(), 600);
    let mut neutralised = 0;
    let mut objects = 0;
    for (row, user) in rows.iter().zip(&users) {
        for (cell, field) in row.iter().zip(&header) {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{field}: {cell:?}");
            let restored = cell.strip_prefix('\'').unwrap_or(cell);
            neutralised += usize::from(restored.len() != cell.len());
            match user.get(field) {
                None | Some(Value::Null) => assert_eq!(cell, "", "{field}"),
                Some(Value::String(s)) => assert_eq!(restored, s, "{field}"),
                Some(value @ Value::Object(_)) => {
                    objects += 1;
                    assert_eq!(&serde_json::from_str::<Value>(cell).unwrap(), value, "{field}");
                }
                Some(value) => assert_eq!(restored, value.to_string(), "{field}"),
            }
        }
    }
    assert!(neutralised > 0, "the stand-in's formula-like names were neutralised");
    assert!(objects > 0, "custom attributes were objects");
}

#[test]
fn stdout_gets_the_users_and_the_kept_archive_is_readable() {
    let stand_in = StandIn::start(ready_at_once());
    stand_in.braze().set_users_in_segment(README_ID, 5_001);
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept.zip");
    let (stdout, stderr) = stand_in
        .cli()
        .args([
            "users",
            README_ID,
            "--fields",
            "external_id,braze_id",
            "--out",
            "-",
            "--keep-archive",
        ])
        .arg(&kept)
        .run_expecting(0);
    assert_eq!(stdout.lines().count(), 5_001, "{stderr}");
    assert!(stderr.contains("5001 written to stdout"), "{stderr}");
    let bytes = std::fs::read(&kept).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a ZIP");
    let tally = braze_segments::read_archive_file(&kept, ArchiveLimits::default()).unwrap();
    assert_eq!((tally.users, tally.bad_lines), (5_001, 0));
    assert_eq!(
        names_in(dir.path()),
        ["kept.zip"],
        "only the archive, no temporary file"
    );
}

#[test]
fn demo_exports_the_users_of_the_readme_segment() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo.jsonl");
    let (_, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .args(["users", README_ID, "--fields", "external_id,email", "--demo", "--out"])
        .arg(&out)
        .run_expecting(0);
    let users = jsonl_users(&out);
    assert!(!users.is_empty());
    assert!(
        stderr.contains(&format!("users: {} written to ", users.len())),
        "{stderr}"
    );
}

#[test]
fn an_own_bucket_export_says_where_the_files_go_writes_nothing_and_exits_3() {
    let stand_in = StandIn::start(MockConfig {
        own_bucket: true,
        ..ready_at_once()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let (_, stderr) = stand_in
        .cli()
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(&out)
        .run_expecting(3);
    assert!(
        stderr.contains(&format!(
            "the workspace's own storage bucket, under segment-export/{README_ID}/<date>/"
        )),
        "{stderr}"
    );
    assert!(names_in(dir.path()).is_empty(), "nothing written");
    assert!(stand_in.braze().storage_requests().is_empty());
}

#[test]
fn an_expired_link_fails_and_leaves_nothing() {
    let stand_in = StandIn::start(MockConfig {
        users_export_expiry: Duration::ZERO,
        ..ready_at_once()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let (_, stderr) = stand_in
        .cli()
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(&out)
        .run_expecting(1);
    assert!(stderr.contains("the download link expired"), "{stderr}");
    assert!(names_in(dir.path()).is_empty());
}
