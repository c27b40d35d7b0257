//! `export --out -` (or `/dev/stdout`) writes the records to stdout: no file, no sidecar, no
//! resume; a reader that leaves (`| head`) ends the export quietly, as every other command.

use crate::common;

use std::collections::HashSet;
use std::process::Stdio;

use common::{no_rate_limit, RunExpecting as _, StandIn};

fn small_stand_in() -> StandIn {
    StandIn::start(braze_segments_mock_server::MockConfig {
        segments: 120,
        ..no_rate_limit()
    })
}

#[test]
fn out_dash_writes_every_record_to_stdout_and_no_file() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let (stdout, stderr) = stand_in
        .cli()
        .current_dir(dir.path())
        .args(["export", "--out", "-"])
        .run_expecting(0);
    let ids: Vec<String> = stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["summary"]["id"].as_str().unwrap().to_owned()
        })
        .collect();
    let expected: HashSet<String> = stand_in.braze().segments().into_iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), expected.len(), "{stderr}");
    assert_eq!(ids.iter().cloned().collect::<HashSet<_>>(), expected);
    assert!(stderr.contains("120 written"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file named - and no sidecar"
    );

    let (stdout, _) = stand_in
        .cli()
        .current_dir(dir.path())
        .args(["export", "--format", "csv", "--out", "-"])
        .run_expecting(0);
    let mut rows = csv::Reader::from_reader(stdout.as_bytes());
    assert_eq!(rows.records().count(), 120);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn out_dash_with_resume_or_overwrite_is_a_usage_error() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    for flag in ["--resume", "--overwrite"] {
        let (stdout, stderr) = stand_in
            .cli()
            .current_dir(dir.path())
            .args(["export", flag, "--out", "-"])
            .run_expecting(2);
        assert!(stderr.contains(flag) && stderr.contains("stdout"), "{flag}: {stderr}");
        assert_eq!(stdout, "");
    }
    assert_eq!(stand_in.braze().counters().total(), 0);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // Refused before --demo's stand-in starts.
    let (_, stderr) = assert_cmd::Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .args(["--demo", "export", "--out", "-", "--resume"])
        .run_expecting(2);
    assert!(!stderr.contains("demo: using"), "{stderr}");
}

/// The binary as `std::process::Command`, configured for `stand_in`, to give it any stdout.
/// A pipe whose reader is already gone: every write to it fails with "broken pipe".
fn abandoned_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Stdio::from(writer)
}

#[test]
fn a_reader_that_leaves_ends_the_export_quietly_with_exit_0_as_list_does() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["list"][..],
        &["export", "--out", "-"][..],
        &["export", "--out", "/dev/stdout"][..],
        &["export", "--format", "csv", "--out", "/dev/stdout"][..],
    ] {
        let out = stand_in
            .process()
            .current_dir(dir.path())
            .args(args)
            .stdout(abandoned_pipe())
            .output()
            .unwrap();
        let stderr = common::text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn out_dev_stdout_into_a_file_writes_the_records_and_no_sidecar_beside_dev_stdout() {
    let stand_in = small_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("records.jsonl");
    let out = stand_in
        .process()
        .args(["export", "--out", "/dev/stdout"])
        .stdout(std::fs::File::create(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 120);
    // Removed when found (a root run can write to /dev), so one failure does not fail every
    // later run, nor a mutation run's next mutant.
    let beside = std::path::Path::new("/dev/stdout.braze-export.json");
    let written_beside = beside.exists();
    if written_beside {
        let _ = std::fs::remove_file(beside);
    }
    assert!(!written_beside, "a sidecar was written beside /dev/stdout");
}

#[test]
fn a_closed_stdout_fails_before_anything_is_sent() {
    let stand_in = small_stand_in();
    // `>&-`: Rust's runtime puts /dev/null there before main, where every write succeeds.
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" "$@" >&-"#)
        .arg(assert_cmd::cargo::cargo_bin("braze-segments"))
        .args(["export", "--out", "-"])
        .env_clear()
        .env("BRAZE_API_KEY", stand_in.braze().api_key())
        .env("BRAZE_REST_ENDPOINT", stand_in.braze().url())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stdout is closed"), "{stderr}");
    assert_eq!(stand_in.braze().counters().total(), 0, "nothing was sent");
}
