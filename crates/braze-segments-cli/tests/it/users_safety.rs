//! `users` never sends anything it should not, and never harms a file: usage checks before any
//! request (and before `--demo` starts), an `--out` replaced only on success, Ctrl-C.

use crate::common;

use std::path::Path;
use std::time::Duration;

use braze_segments_mock_server::{Endpoint, MockConfig};
use common::{no_rate_limit, users_temp_file, wait_for, RunExpecting as _, StandIn, README_ID};

fn assert_nothing_sent(stand_in: &StandIn) {
    assert_eq!(stand_in.braze().counters().total(), 0, "no request to Braze");
    assert!(
        stand_in.braze().storage_requests().is_empty(),
        "none to the storage host"
    );
}

#[test]
fn no_field_is_a_usage_error_and_nothing_is_sent() {
    let stand_in = StandIn::start(no_rate_limit());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    for fields in ["", " , ,, "] {
        let (_, stderr) = stand_in
            .cli()
            .args(["users", README_ID, "--fields", fields, "--out"])
            .arg(&out)
            .run_expecting(2);
        assert!(stderr.contains("--fields names no field"), "{fields:?}: {stderr}");
        // --demo too: refused before the stand-in starts.
        let (_, stderr) = stand_in
            .cli()
            .env_remove("BRAZE_REST_ENDPOINT")
            .args(["--demo", "users", README_ID, "--fields", fields, "--out"])
            .arg(&out)
            .run_expecting(2);
        assert!(stderr.contains("--fields names no field"), "{stderr}");
        assert!(!stderr.contains("demo:"), "the stand-in was not started: {stderr}");
    }
    assert_nothing_sent(&stand_in);
    assert!(!out.exists());
}

#[test]
fn outputs_that_would_be_harmed_are_refused_before_anything_is_sent() {
    let stand_in = StandIn::start(no_rate_limit());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    std::fs::write(&out, "precious\n").unwrap();
    let new = dir.path().join("new.jsonl");
    let fifo = dir.path().join("fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let cases: [(&Path, &[&str], &str); 5] = [
        (&out, &[], "already holds 9 bytes: use --overwrite"),
        (dir.path(), &[], "is not a regular file (a directory)"),
        (&fifo, &[], "is not a regular file (a device, FIFO or socket)"),
        (&new, &["--keep-archive"], "already exists"),
        (Path::new("-"), &["--overwrite"], "--overwrite has nothing to replace"),
    ];
    for (target, extra, says) in cases {
        let mut cmd = stand_in.cli();
        cmd.args(["users", README_ID, "--fields", "email", "--out"]).arg(target);
        if extra.first() == Some(&"--keep-archive") {
            cmd.arg("--keep-archive").arg(&out);
        } else {
            cmd.args(extra);
        }
        let (_, stderr) = cmd.run_expecting(2);
        assert!(stderr.contains(says), "{target:?}: {stderr}");
    }
    assert_nothing_sent(&stand_in);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n", "unchanged");
    assert!(!new.exists());
}

#[test]
fn overwrite_replaces_the_file_only_when_every_user_is_written() {
    let failing = StandIn::start(MockConfig {
        users_export_ready_after: Duration::ZERO,
        users_export_expiry: Duration::ZERO,
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    std::fs::write(&out, "precious\n").unwrap();
    let run = |stand_in: &StandIn, code| {
        stand_in
            .cli()
            .args(["users", README_ID, "--fields", "email", "--overwrite", "--out"])
            .arg(&out)
            .run_expecting(code)
    };
    let (_, stderr) = run(&failing, 1);
    assert!(stderr.contains("expired"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "precious\n",
        "a failure keeps the file"
    );

    let working = StandIn::start(MockConfig {
        users_export_ready_after: Duration::ZERO,
        ..no_rate_limit()
    });
    working.braze().set_users_in_segment(README_ID, 42);
    run(&working, 0);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 42, "replaced");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn users_that_cannot_take_the_outs_place_stay_in_the_temporary_file_it_names() {
    let stand_in = StandIn::start(MockConfig {
        users_export_ready_after: Duration::ZERO,
        ..no_rate_limit()
    });
    stand_in.braze().set_users_in_segment(README_ID, 7);
    // What appears at `--out` while users waits for Braze: without --overwrite, a file another
    // program filled (not replaced); with it, a directory (the rename fails).
    for overwrite in [false, true] {
        let (flags, problem): (&[&str], _) = if overwrite {
            (&["--overwrite"], "cannot replace")
        } else {
            (&[], "was filled by something else during the run and is left as it is")
        };
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("users.jsonl");
        let temp = || users_temp_file(dir.path());
        // Held by the stand-in until `--out` has changed.
        let held = stand_in.freeze();
        let child = stand_in
            .process()
            .args(["users", README_ID, "--fields", "email", "--out"])
            .arg(&out)
            .args(flags)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        wait_for("the temporary file", || temp().is_some());
        if overwrite {
            std::fs::create_dir(&out).unwrap();
        } else {
            std::fs::write(&out, "another program's\n").unwrap();
        }
        drop(held);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{flags:?}: {stderr}");
        let temp = temp().expect("the temporary file is kept");
        assert!(
            stderr.contains(problem) && stderr.contains(&format!("the users are in {}", temp.display())),
            "{flags:?}: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(&temp).unwrap().lines().count(),
            7,
            "{flags:?}: every user is kept"
        );
        if overwrite {
            assert!(out.is_dir());
        } else {
            assert_eq!(std::fs::read_to_string(&out).unwrap(), "another program's\n");
        }
    }
}

#[test]
fn ctrl_c_while_waiting_cancels_the_export_and_leaves_nothing() {
    let stand_in = StandIn::start(MockConfig {
        users_export_ready_after: Duration::from_secs(3600),
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
        .env_clear()
        .env("BRAZE_API_KEY", stand_in.braze().api_key())
        .env("BRAZE_REST_ENDPOINT", stand_in.braze().url())
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("a poll of the export's link", || {
        !stand_in.braze().storage_requests().is_empty()
    });
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("the export was cancelled at Braze"), "{stderr}");
    let counters = stand_in.braze().counters();
    assert_eq!(counters.requests(Endpoint::ExportSegmentCancel), 1);
    assert_eq!(counters.requests_for_segment(README_ID), 2, "the start and the cancel");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file, no temporary file"
    );
}
