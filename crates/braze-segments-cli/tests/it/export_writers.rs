//! One writer per output file: while an export (or `users`, replacing a file) writes a file, a
//! second export or `users` to it (to continue, replace or start it) is refused and changes
//! nothing, so no segment is written twice, no file replaced under its writer, and no sidecar
//! replaced under the first; an export's notes file is never an output.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use braze_segments::SegmentRecord;
use braze_segments_mock_server::MockConfig;
use common::{RunExpecting, StandIn};

fn sidecar(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".braze-export.json");
    PathBuf::from(name)
}

#[test]
fn a_second_export_to_a_file_being_written_is_refused_and_changes_nothing() {
    // The stand-in holds its answers: the first export has locked its file and is waiting for
    // its first page while the second runs are made.
    let stand_in = StandIn::start(config());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shared.jsonl");
    let held = stand_in.freeze();
    let mut first = spawn_cli(&stand_in, &["export"], &out);
    wait_until_writing(&out);
    let sidecar_text = std::fs::read_to_string(sidecar(&out)).unwrap();

    for flags in [
        &["--resume"][..],
        &["--overwrite"],
        &[],
        &["--format", "csv", "--overwrite"],
    ] {
        let (_, stderr) = stand_in
            .cli()
            .arg("export")
            .args(flags)
            .arg("--out")
            .arg(&out)
            .run_expecting(2);
        assert!(stderr.contains("another export is writing to"), "{flags:?}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(sidecar(&out)).unwrap(),
            sidecar_text,
            "{flags:?}: the first export's sidecar is left alone"
        );
    }
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first export was still running"
    );

    drop(held);
    assert!(first.wait().unwrap().success());
    let content = std::fs::read_to_string(&out).unwrap();
    let mut ids: Vec<String> = content
        .lines()
        .map(|l| serde_json::from_str::<SegmentRecord>(l).unwrap().summary.id)
        .collect();
    ids.sort();
    let mut expected: Vec<String> = stand_in.braze().segments().iter().map(|s| s.id.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected, "every segment once");
}

/// A stand-in of 120 segments whose users exports are ready at once; tests hold its answers
/// ([`StandIn::freeze`]) to keep a writer at work.
fn config() -> MockConfig {
    MockConfig {
        segments: 120,
        rate_limit: None,
        users_export_ready_after: Duration::ZERO,
        ..MockConfig::default()
    }
}

fn spawn_cli(stand_in: &StandIn, args: &[&str], out: &Path) -> std::process::Child {
    stand_in
        .process()
        .args(args)
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until an export writes `out`: its sidecar is written once the file is created and
/// locked.
fn wait_until_writing(out: &Path) {
    common::wait_for("the export to start writing", || sidecar(out).exists());
}

/// `users` replacing a file (`--out` follows).
const USERS: [&str; 5] = ["users", common::README_ID, "--fields", "external_id", "--overwrite"];

#[test]
fn users_and_export_never_replace_a_file_the_other_is_writing() {
    let stand_in = StandIn::start(config());
    let dir = tempfile::tempdir().unwrap();

    // An export writing the file (held by the stand-in): users --overwrite is refused before
    // it starts an export.
    let out = dir.path().join("segments.jsonl");
    let held = stand_in.freeze();
    let mut export = spawn_cli(&stand_in, &["export"], &out);
    wait_until_writing(&out);
    let (_, stderr) = stand_in.cli().args(USERS).arg("--out").arg(&out).run_expecting(2);
    assert!(stderr.contains("another export is writing to"), "{stderr}");
    drop(held);
    assert!(export.wait().unwrap().success());
    let records = std::fs::read_to_string(&out).unwrap();
    assert_eq!(records.lines().count(), 120, "the export's records are all there");
    assert!(records
        .lines()
        .all(|l| serde_json::from_str::<SegmentRecord>(l).is_ok()));

    // users replacing an existing file holds it from the start (before its temporary file is
    // made): an export to it is refused.
    let out = dir.path().join("users.jsonl");
    std::fs::write(&out, b"an older users file\n").unwrap();
    let held = stand_in.freeze();
    let mut users_run = spawn_cli(&stand_in, &USERS, &out);
    common::wait_for("users to make its temporary file", || {
        common::users_temp_file(dir.path()).is_some()
    });
    assert!(
        users_run.try_wait().unwrap().is_none(),
        "users is still waiting for Braze"
    );
    let (_, stderr) = stand_in
        .cli()
        .args(["export", "--overwrite", "--out"])
        .arg(&out)
        .run_expecting(2);
    assert!(stderr.contains("another export is writing to"), "{stderr}");
    assert!(!sidecar(&out).exists(), "the refused export wrote no notes");
    drop(held);
    assert!(users_run.wait().unwrap().success());
    let first: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&out).unwrap().lines().next().unwrap()).unwrap();
    assert!(first.get("external_id").is_some(), "{first}");
}

#[test]
fn users_never_renames_over_a_file_an_export_began_during_its_run() {
    // Two stand-ins, each held while the other's process makes its move: users has its
    // temporary file when the export creates and holds `out`; then users finishes while the
    // export is held writing.
    let for_users = StandIn::start(config());
    let for_export = StandIn::start(config());
    for_users.braze().set_users_in_segment(common::README_ID, 7);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new.jsonl");
    let users_held = for_users.freeze();
    let users_run = for_users
        .process()
        .args(USERS)
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let users_temp = || common::users_temp_file(dir.path());
    common::wait_for("users to write its temporary file", || users_temp().is_some());
    let export_held = for_export.freeze();
    let mut export = spawn_cli(&for_export, &["export"], &out);
    wait_until_writing(&out);
    drop(users_held);

    let users_out = users_run.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&users_out.stderr);
    assert_eq!(users_out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another export is writing to") && stderr.contains("the users are in"),
        "{stderr}"
    );
    assert!(export.try_wait().unwrap().is_none(), "the export was still writing");
    let temp = users_temp().expect("the users are kept in the temporary file the message names");
    assert!(stderr.contains(&*temp.to_string_lossy()), "{stderr}");
    let first: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&temp).unwrap().lines().next().unwrap()).unwrap();
    assert!(first.get("external_id").is_some(), "{first}");

    drop(export_held);
    assert!(export.wait().unwrap().success());
    let records = std::fs::read_to_string(&out).unwrap();
    assert_eq!(records.lines().count(), 120, "the export's file is its own");
    assert!(records
        .lines()
        .all(|l| serde_json::from_str::<SegmentRecord>(l).is_ok()));
}

#[test]
fn an_exports_notes_file_is_never_an_output() {
    let stand_in = StandIn::start(MockConfig {
        segments: 5,
        ..common::no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.jsonl");
    stand_in.cli().args(["export", "--out"]).arg(&out).run_expecting(0);
    let notes = sidecar(&out);
    let notes_text = std::fs::read(&notes).unwrap();
    let link = dir.path().join("innocent.jsonl");
    std::os::unix::fs::symlink(&notes, &link).unwrap();
    for target in [&notes, &link] {
        for flags in [&["export", "--overwrite"][..], &["export", "--resume"], &["export"]] {
            let (_, stderr) = stand_in.cli().args(flags).arg("--out").arg(target).run_expecting(2);
            assert!(stderr.contains("is an export's notes file"), "{flags:?}: {stderr}");
        }
        let (_, stderr) = stand_in.cli().args(USERS).arg("--out").arg(target).run_expecting(2);
        assert!(stderr.contains("is an export's notes file"), "{stderr}");
    }
    assert_eq!(std::fs::read(&notes).unwrap(), notes_text, "the notes are untouched");
    stand_in
        .cli()
        .args(["export", "--resume", "--out"])
        .arg(&out)
        .run_expecting(0);
}
