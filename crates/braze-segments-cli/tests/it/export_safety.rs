//! `export` never destroys or duplicates data: the files it refuses to touch, the torn record it
//! may drop, and how it knows a file continues an export of the same workspace.

use crate::common;

use std::path::{Path, PathBuf};

use braze_segments::SegmentRecord;
use braze_segments_mock_server::MockConfig;
use common::{no_rate_limit, RunExpecting, StandIn};

fn small_stand_in() -> StandIn {
    StandIn::start(MockConfig {
        // 11: the twelfth would have a newline in its name, and these tests cut the files at newlines.
        segments: 11,
        ..no_rate_limit()
    })
}

fn sidecar(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".braze-export.json");
    PathBuf::from(name)
}

/// A whole export of the stand-in into `dir/name`, made by the CLI (with its sidecar).
fn exported(stand_in: &StandIn, dir: &Path, name: &str, format: &str) -> (PathBuf, Vec<u8>) {
    let path = dir.join(name);
    stand_in
        .cli()
        .args(["export", "--format", format, "--out"])
        .arg(&path)
        .run_expecting(0);
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

fn ids(path: &Path, format: &str) -> Vec<String> {
    if format == "jsonl" {
        let content = std::fs::read_to_string(path).unwrap();
        assert!(content.ends_with('\n'), "{content}");
        content
            .lines()
            .map(|l| serde_json::from_str::<SegmentRecord>(l).unwrap().summary.id)
            .collect()
    } else {
        let mut reader = csv::Reader::from_path(path).unwrap();
        reader.records().map(|r| r.unwrap()[0].to_owned()).collect()
    }
}

fn assert_every_segment_once(path: &Path, format: &str, stand_in: &StandIn) {
    let mut got = ids(path, format);
    got.sort();
    let mut expected: Vec<String> = stand_in.braze().segments().iter().map(|s| s.id.clone()).collect();
    expected.sort();
    assert_eq!(got, expected);
}

/// Everything before the last line (the records that stay whole), as bytes.
fn all_but_last_line(bytes: &[u8]) -> &[u8] {
    let body = &bytes[..bytes.len() - 1];
    &bytes[..body.iter().rposition(|b| *b == b'\n').unwrap() + 1]
}

#[test]
fn resume_refuses_bytes_it_cannot_prove_are_a_torn_record_of_its_own() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let (_, jsonl) = exported(&stand_in, dir.path(), "ref.jsonl", "jsonl");
    let (_, csv) = exported(&stand_in, dir.path(), "ref.csv", "csv");
    let header_end = csv.iter().position(|b| *b == b'\n').unwrap() + 1;
    let glue = |a: &[u8], b: &[u8]| [a, b].concat();
    let first_line_end = jsonl.iter().position(|b| *b == b'\n').unwrap() + 1;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("jsonl", b"my notes".to_vec()),
        ("jsonl", b"my notes\n".to_vec()),
        ("jsonl", glue(&jsonl, b"my notes")),
        ("jsonl", glue(&jsonl, br#"{"name":"not ours"#)),
        ("jsonl", glue(&jsonl, br#"{"summary":{"id":"x"}} trailing"#)),
        ("jsonl", glue(&jsonl, br#"{"summary":{"id":"x\q"#)),
        (
            "jsonl",
            glue(&glue(&jsonl[..first_line_end], b"not json\n"), &jsonl[first_line_end..]),
        ),
        ("csv", b"my notes".to_vec()),
        ("csv", glue(&csv[..header_end], b"my,own\ndata,here\n")),
        ("csv", glue(&csv, b"1,2,3,4,5,6,7,8,9,10")),
        ("csv", glue(&csv, br#"x,"closed" then text"#)),
        ("csv", glue(&csv, b"x,un\"quoted")),
        ("csv", glue(&csv[..header_end], b"id,,,,,,,,maybe\n")),
    ];
    for (i, (format, content)) in cases.iter().enumerate() {
        // Where an export of ours was (its sidecar stays), someone's own data now is.
        let (path, _) = exported(&stand_in, dir.path(), &format!("case{i}.{format}"), format);
        std::fs::write(&path, content).unwrap();
        let requests = stand_in.braze().counters().total();
        let (_, stderr) = stand_in
            .cli()
            .args(["export", "--resume", "--format", format, "--out"])
            .arg(&path)
            .run_expecting(2);
        assert!(stderr.contains("not an export"), "case {i}: {stderr}");
        assert_eq!(
            &std::fs::read(&path).unwrap(),
            content,
            "case {i}: the file is untouched"
        );
        assert_eq!(
            stand_in.braze().counters().total(),
            requests,
            "case {i}: nothing was fetched"
        );
    }
}

#[test]
fn resume_drops_only_a_torn_last_record_of_its_own() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "csv"] {
        let (path, full) = exported(&stand_in, dir.path(), &format!("torn.{format}"), format);
        let kept = all_but_last_line(&full).to_vec();
        let last = &full[kept.len()..];
        let tails: Vec<&[u8]> = vec![b"", &last[..1], &last[..last.len() / 2], &last[..last.len() - 1]];
        for tail in tails {
            std::fs::write(&path, [&kept[..], tail].concat()).unwrap();
            stand_in
                .cli()
                .args(["export", "--resume", "--format", format, "--out"])
                .arg(&path)
                .run_expecting(0);
            let now = std::fs::read(&path).unwrap();
            assert!(
                now.starts_with(&kept),
                "{format}: the whole records are kept byte for byte"
            );
            assert_every_segment_once(&path, format, &stand_in);
        }
    }
}

#[test]
fn export_refuses_to_replace_a_file_unless_told_to() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("precious.jsonl");
    std::fs::write(&path, "precious\n").unwrap();
    let (_, stderr) = stand_in.cli().args(["export", "--out"]).arg(&path).run_expecting(2);
    assert!(
        stderr.contains("--resume") && stderr.contains("--overwrite"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious\n");
    assert!(!sidecar(&path).exists());

    stand_in
        .cli()
        .args(["export", "--overwrite", "--out"])
        .arg(&path)
        .run_expecting(0);
    assert_every_segment_once(&path, "jsonl", &stand_in);

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    stand_in
        .cli()
        .args(["export", "--format", "csv", "--out"])
        .arg(&empty)
        .run_expecting(0);
    assert_every_segment_once(&empty, "csv", &stand_in);
}

#[test]
fn export_writes_only_to_regular_files() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for target in [dir.path().to_owned(), fifo, PathBuf::from("/dev/null")] {
        for flags in [&[][..], &["--overwrite"][..], &["--resume"][..]] {
            let (_, stderr) = stand_in
                .cli()
                .args(["export"])
                .args(flags)
                .arg("--out")
                .arg(&target)
                // Only a guard against a hang (opening a FIFO for writing waits for a reader).
                .timeout(std::time::Duration::from_secs(60))
                .run_expecting(2);
            assert!(stderr.contains("not a regular file"), "{target:?} {flags:?}: {stderr}");
        }
    }
    assert_eq!(stand_in.braze().counters().total(), 0);
}

#[test]
fn a_sidecar_that_is_not_ours_is_never_replaced() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.jsonl");
    std::fs::write(sidecar(&path), "my own notes").unwrap();
    for flags in [&[][..], &["--overwrite"][..], &["--resume"][..]] {
        let (_, stderr) = stand_in
            .cli()
            .args(["export"])
            .args(flags)
            .arg("--out")
            .arg(&path)
            .run_expecting(2);
        assert!(stderr.contains(".braze-export.json"), "{stderr}");
        assert_eq!(std::fs::read_to_string(sidecar(&path)).unwrap(), "my own notes");
        assert!(!path.exists(), "{flags:?}");
    }
}

#[test]
fn resume_refuses_another_workspace_and_says_what_differs() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let (path, full) = exported(&stand_in, dir.path(), "partial.jsonl", "jsonl");
    let partial = all_but_last_line(all_but_last_line(&full)).to_vec();
    std::fs::write(&path, &partial).unwrap();
    let sidecar_text = std::fs::read_to_string(sidecar(&path)).unwrap();
    assert!(!sidecar_text.contains(stand_in.braze().api_key()), "{sidecar_text}");

    let other_key = "other-key-5f0c1e7d";
    let requests = stand_in.braze().counters().total();
    let (_, stderr) = stand_in
        .cli_with_key(other_key)
        .args(["export", "--resume", "--out"])
        .arg(&path)
        .run_expecting(2);
    assert!(stderr.contains("key differs"), "{stderr}");
    assert!(
        !stderr.contains(other_key) && !stderr.contains(stand_in.braze().api_key()),
        "{stderr}"
    );
    assert_eq!(stand_in.braze().counters().total(), requests, "nothing was fetched");

    // The same dataset behind another endpoint is still another workspace.
    let elsewhere = small_stand_in();
    let (_, stderr) = elsewhere
        .cli()
        .args(["export", "--resume", "--out"])
        .arg(&path)
        .run_expecting(2);
    assert!(stderr.contains("endpoint differs"), "{stderr}");
    assert_eq!(elsewhere.braze().counters().total(), 0);
    assert_eq!(std::fs::read(&path).unwrap(), partial, "the file is untouched");
    assert_eq!(std::fs::read_to_string(sidecar(&path)).unwrap(), sidecar_text);

    let (_, stderr) = stand_in
        .cli()
        .args(["export", "--resume", "--format", "csv", "--out"])
        .arg(&path)
        .run_expecting(2);
    assert!(stderr.contains("format differs"), "{stderr}");

    let (_, stderr) = stand_in
        .cli()
        .args(["export", "--resume", "--sort", "desc", "--out"])
        .arg(&path)
        .run_expecting(2);
    assert!(stderr.contains("order differs"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), partial, "the file is untouched");
    assert_eq!(stand_in.braze().counters().total(), requests, "nothing was fetched");

    // Saying what the file already is continues it.
    stand_in
        .cli()
        .args(["export", "--resume", "--format", "jsonl", "--sort", "asc", "--out"])
        .arg(&path)
        .run_expecting(0);
    assert_every_segment_once(&path, "jsonl", &stand_in);
}

#[test]
fn resume_refuses_a_file_without_its_sidecar() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let (path, full) = exported(&stand_in, dir.path(), "old.jsonl", "jsonl");
    std::fs::remove_file(sidecar(&path)).unwrap();
    let partial = all_but_last_line(&full).to_vec();
    std::fs::write(&path, &partial).unwrap();
    let (_, stderr) = stand_in
        .cli()
        .args(["export", "--resume", "--out"])
        .arg(&path)
        .run_expecting(2);
    assert!(stderr.contains("old.jsonl.braze-export.json"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), partial);
}

#[test]
fn resume_refuses_a_file_that_holds_a_segment_twice() {
    // Two writers at once (or a hand edit) leave a segment twice: resuming would only add to it.
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "csv"] {
        let (path, full) = exported(&stand_in, dir.path(), &format!("twice.{format}"), format);
        let last_line = &full[all_but_last_line(&full).len()..];
        let doubled = [all_but_last_line(all_but_last_line(&full)), last_line, last_line].concat();
        std::fs::write(&path, &doubled).unwrap();
        let last_id = ids(&path, format).pop().unwrap();
        let (_, stderr) = stand_in
            .cli()
            .args(["export", "--resume", "--out"])
            .arg(&path)
            .run_expecting(2);
        assert!(
            stderr.contains(&format!("holds segment {last_id} a second time")),
            "{format}: {stderr}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            doubled,
            "{format}: the file is untouched"
        );
    }
}

#[test]
fn resume_of_an_empty_file_follows_its_sidecar() {
    // An export stopped between its sidecar and its first byte (a full disk, a kill) is empty:
    // resuming it keeps to the sidecar's workspace and format.
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let (path, full) = exported(&stand_in, dir.path(), "empty.csv", "csv");
    let sidecar_text = std::fs::read_to_string(sidecar(&path)).unwrap();
    std::fs::write(&path, b"").unwrap();

    let (_, stderr) = stand_in
        .cli_with_key("another-key-8d1f")
        .args(["export", "--resume", "--out"])
        .arg(&path)
        .run_expecting(2);
    assert!(stderr.contains("key differs"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), b"", "the file is untouched");

    let (_, stderr) = stand_in
        .cli()
        .args(["export", "--resume", "--format", "jsonl", "--out"])
        .arg(&path)
        .run_expecting(2);
    assert!(stderr.contains("format differs"), "{stderr}");

    stand_in
        .cli()
        .args(["export", "--resume", "--out"])
        .arg(&path)
        .run_expecting(0);
    assert_eq!(
        std::fs::read(&path).unwrap().len(),
        full.len(),
        "a CSV again, header and all"
    );
    assert_every_segment_once(&path, "csv", &stand_in);
    assert_eq!(std::fs::read_to_string(sidecar(&path)).unwrap(), sidecar_text);
}
