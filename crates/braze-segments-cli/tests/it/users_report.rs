//! What `users` says: lines of the archive that are not users (listed, counted, exit 1), the
//! progress lines (polls, the whole download), counts in the singular for one.

use crate::common;

use std::path::Path;
use std::time::Duration;

use braze_segments_mock_server::{MockConfig, ServedArchive};
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

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// CRC-32 (IEEE), for a gzip member made by hand.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `data` (under 64 KiB) as one gzip member of one stored deflate block.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).unwrap();
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1];
    out.extend(len.to_le_bytes());
    out.extend((!len).to_le_bytes());
    out.extend(data);
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

#[test]
fn lines_that_are_not_users_are_listed_and_fail_the_run_with_the_file_written() {
    let stand_in = StandIn::start(ready_at_once());
    let mut lines = String::from("{\"email\":\"a@x\"}\nnot json\n");
    for i in 0..6 {
        lines.push_str(&format!("[{i}]\n{{\"email\":\"b{i}@x\"}}\n"));
    }
    stand_in
        .braze()
        .serve_archive(ServedArchive::Bytes(gzip_stored(lines.as_bytes())));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let (_, stderr) = stand_in
        .cli()
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(&out)
        .run_expecting(1);
    assert_eq!(jsonl_users(&out).len(), 7, "the good users are written");
    assert!(stderr.contains("users: 7 written to "), "{stderr}");
    assert!(stderr.contains(", 7 bad lines;"), "{stderr}");
    assert!(stderr.contains("bad line: line 2 of the gzip stream"), "{stderr}");
    assert_eq!(stderr.matches("  bad line: ").count(), 5, "the first five: {stderr}");
    assert!(stderr.contains("… and 2 more bad lines"), "{stderr}");
    assert!(
        stderr.contains("7 lines of the archive could not be read (listed above), so 7 users may be missing"),
        "{stderr}"
    );
    assert_eq!(names_in(dir.path()), ["users.jsonl"]);
}

#[test]
fn one_bad_line_and_one_poll_are_said_in_the_singular_and_the_whole_download_is_shown() {
    let stand_in = StandIn::start(MockConfig {
        users_export_ready_after_polls: 1,
        ..ready_at_once()
    });
    let lines = "{\"email\":\"a@x\"}\nnot json\n{\"email\":\"b@x\"}\n";
    let archive = gzip_stored(lines.as_bytes());
    let size = archive.len();
    stand_in.braze().serve_archive(ServedArchive::Bytes(archive));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let (_, stderr) = stand_in
        .cli()
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(&out)
        .run_expecting(1);
    assert!(
        stderr.contains("progress: waiting for Braze to prepare the export (1 poll, "),
        "{stderr}"
    );
    assert!(
        !stderr.contains("poll polls") && !stderr.contains("polls polls"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("progress: downloaded {size} B")),
        "the last count is the archive's size: {stderr}"
    );
    assert!(stderr.contains("users: 2 written to "), "{stderr}");
    assert!(stderr.contains(", 1 bad line;"), "{stderr}");
    assert!(
        stderr.contains("1 line of the archive could not be read (listed above), so 1 user may be missing"),
        "{stderr}"
    );
}

#[test]
fn the_last_download_line_shows_the_whole_archive() {
    let stand_in = StandIn::start(ready_at_once());
    stand_in.braze().set_users_in_segment(README_ID, 40_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let (_, stderr) = stand_in
        .cli()
        .args([
            "users",
            README_ID,
            "--fields",
            "external_id,email,custom_attributes,first_name",
            "--out",
        ])
        .arg(&out)
        .run_expecting(0);
    // The summary's size, e.g. "archive 1.53 MiB (zip)".
    let size = stderr
        .split("; archive ")
        .nth(1)
        .and_then(|s| s.split(" (").next())
        .unwrap();
    assert!(
        size.ends_with("MiB"),
        "large enough for several progress reports: {stderr}"
    );
    let last = stderr
        .lines()
        .rfind(|l| l.starts_with("progress: downloaded "))
        .unwrap();
    assert!(
        last.starts_with(&format!("progress: downloaded {size}")),
        "the last count is the archive's size ({size}): {stderr}"
    );
}
