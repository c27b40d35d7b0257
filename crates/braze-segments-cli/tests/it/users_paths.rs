//! The paths `users` writes: refused before anything is sent when a run of hours could only
//! fail or destroy at its end (the archive kept over the output, a directory missing), written
//! through a link, and an archive path that appears during the run.

use crate::common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use braze_segments_mock_server::MockConfig;
use common::{no_rate_limit, text, RunExpecting as _, StandIn, README_ID};

fn ready_at_once() -> MockConfig {
    MockConfig {
        users_export_ready_after: Duration::ZERO,
        ..no_rate_limit()
    }
}

fn assert_nothing_sent(stand_in: &StandIn) {
    assert_eq!(stand_in.braze().counters().total(), 0, "no request to Braze");
    assert!(stand_in.braze().storage_requests().is_empty());
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_archive_kept_at_the_outputs_file_however_written_is_refused() {
    let stand_in = StandIn::start(ready_at_once());
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("here")).unwrap();
    // As written, through a link to the directory, with a `.`: one file each time.
    for (keep, out) in [("./a", "a"), ("here/b", "b"), ("c", "./c")] {
        for overwrite in [false, true] {
            let mut cmd = stand_in.cli();
            cmd.current_dir(dir.path()).args([
                "users",
                README_ID,
                "--fields",
                "email",
                "--keep-archive",
                keep,
                "--out",
                out,
            ]);
            if overwrite {
                cmd.arg("--overwrite");
            }
            let (_, stderr) = cmd.run_expecting(2);
            assert!(stderr.contains("are the same file"), "{keep} {out}: {stderr}");
        }
    }
    assert_nothing_sent(&stand_in);
    assert_eq!(names_in(dir.path()), ["here"]);
}

#[test]
fn directories_that_cannot_take_the_files_are_refused_before_anything_is_sent() {
    let stand_in = StandIn::start(ready_at_once());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let missing = dir.path().join("missing");
    let (_, stderr) = stand_in
        .cli()
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(&out)
        .arg("--keep-archive")
        .arg(missing.join("kept.zip"))
        .run_expecting(2);
    assert!(
        stderr.contains(&format!(
            "the directory of --keep-archive, {}, does not exist",
            missing.display()
        )),
        "{stderr}"
    );
    let (_, stderr) = stand_in
        .cli()
        .env("TMPDIR", &missing)
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(&out)
        .run_expecting(2);
    assert!(
        stderr.contains(&format!(
            "the temporary directory (TMPDIR), {}, does not exist",
            missing.display()
        )),
        "{stderr}"
    );
    let (_, stderr) = stand_in
        .cli()
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(missing.join("users.jsonl"))
        .run_expecting(2);
    assert!(stderr.contains("the directory of --out, "), "{stderr}");
    assert_nothing_sent(&stand_in);
    assert!(names_in(dir.path()).is_empty());
}

#[test]
fn an_out_that_is_a_link_is_written_through_and_stays_a_link() {
    let stand_in = StandIn::start(ready_at_once());
    stand_in.braze().set_users_in_segment(README_ID, 321);
    let links = tempfile::tempdir().unwrap();
    let targets = tempfile::tempdir().unwrap();
    let target = targets.path().join("users.jsonl");
    std::fs::write(&target, "old\n").unwrap();
    let link = links.path().join("latest.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    stand_in
        .cli()
        .args(["users", README_ID, "--fields", "email", "--overwrite", "--out"])
        .arg(&link)
        .run_expecting(0);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_link(&link).unwrap(), target);
    assert_eq!(std::fs::read_to_string(&target).unwrap().lines().count(), 321);
    assert_eq!(names_in(links.path()), ["latest.jsonl"]);
    assert_eq!(names_in(targets.path()), ["users.jsonl"], "no temporary file left");
}

#[test]
fn an_archive_path_that_appears_during_the_run_still_gives_the_users_and_exit_1() {
    // Ready only at the second poll of its link (a second or two later): the path is made
    // after the first.
    let stand_in = StandIn::start(MockConfig {
        users_export_ready_after_polls: 1,
        ..ready_at_once()
    });
    stand_in.braze().set_users_in_segment(README_ID, 1_234);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let kept = dir.path().join("kept.zip");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
        .env_clear()
        .env("BRAZE_API_KEY", stand_in.braze().api_key())
        .env("BRAZE_REST_ENDPOINT", stand_in.braze().url())
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(&out)
        .arg("--keep-archive")
        .arg(&kept)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while stand_in.braze().storage_requests().is_empty() {
        assert!(Instant::now() < deadline, "no poll of the export's link");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::write(&kept, "someone else's\n").unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the archive could not be kept at "), "{stderr}");
    assert!(stderr.contains("users: 1234 written to "), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 1_234);
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        "someone else's\n",
        "not replaced"
    );
    assert_eq!(
        names_in(dir.path()),
        ["kept.zip", "users.jsonl"],
        "the downloaded copy removed"
    );
}
