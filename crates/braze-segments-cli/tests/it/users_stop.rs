//! `users` stopped from outside or by what it cannot do: SIGTERM and SIGHUP as Ctrl-C (the
//! export cancelled at Braze, no file left, the shell's exit code), a start whose answer cannot
//! be read (the export cancelled: its link is lost) or whose link cannot be reached (cancelled),
//! a stdout closed by the shell (refused before anything is sent).

use crate::common;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use braze_segments_mock_server::{Endpoint, MockConfig};
use common::{no_rate_limit, text, wait_for, StandIn, README_ID};

/// `users` writing to `out`, started in the background against `stand_in`.
fn spawn_users(stand_in: &StandIn, out: &Path, extra: &[&Path]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
        .env_clear()
        .env("BRAZE_API_KEY", stand_in.braze().api_key())
        .env("BRAZE_REST_ENDPOINT", stand_in.braze().url())
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(out)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn sigterm_and_sighup_cancel_the_export_and_leave_nothing_as_ctrl_c_does() {
    for (signal, name, code) in [(libc::SIGTERM, "SIGTERM", 143), (libc::SIGHUP, "SIGHUP", 129)] {
        let stand_in = StandIn::start(MockConfig {
            users_export_ready_after: Duration::from_secs(3600),
            ..no_rate_limit()
        });
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("users.jsonl");
        let kept = dir.path().join("kept.zip");
        let child = spawn_users(&stand_in, &out, &[Path::new("--keep-archive"), &kept]);
        wait_for("a poll of the export's link", || {
            !stand_in.braze().storage_requests().is_empty()
        });
        let pid = libc::pid_t::try_from(child.id()).unwrap();
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        let output = child.wait_with_output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{name}: {stderr}");
        assert!(stderr.contains(&format!("interrupted ({name})")), "{stderr}");
        assert!(stderr.contains("the export was cancelled at Braze"), "{stderr}");
        let counters = stand_in.braze().counters();
        assert_eq!(counters.requests(Endpoint::ExportSegmentCancel), 1, "{name}");
        assert_eq!(counters.requests_for_segment(README_ID), 2, "the start and the cancel");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{name}: no file, no temporary file"
        );
    }
}

#[test]
fn a_start_whose_answer_cannot_be_read_is_cancelled() {
    let server = httpmock::MockServer::start();
    let (start, cancel) = braze_answering(&server, r#"{"message":"success","object_prefix":5}"#);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
        .env_clear()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", server.base_url())
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot decode the 201 response"), "{stderr}");
    assert!(stderr.contains("the export's link is lost"), "{stderr}");
    assert!(stderr.contains("the export was cancelled at Braze"), "{stderr}");
    start.assert_calls(1);
    cancel.assert_calls(1);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing left");
}

/// A Braze (httpmock) whose start answers `body` with 201, and that counts cancels.
fn braze_answering<'a>(server: &'a httpmock::MockServer, body: &str) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let start = server.mock(|when, then| {
        when.method(httpmock::Method::POST).path("/users/export/segment");
        then.status(201).header("content-type", "application/json").body(body);
    });
    let cancel = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path("/export/segment/cancel")
            .json_body(serde_json::json!({"segment_id": README_ID}));
        then.status(201)
            .header("content-type", "application/json")
            .body(r#"{"message":"success"}"#);
    });
    (start, cancel)
}

#[test]
fn an_unreachable_storage_host_cancels_the_export() {
    // A loopback port nobody listens on: every poll of the link is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    gives_up_and_cancels(
        &format!("http://127.0.0.1:{port}/u.zip"),
        "downloading the archive failed",
    );
}

/// `users` against a Braze whose start answers with `link`: the download gives up saying
/// `says`, exit 1, the export it started is cancelled, and nothing is left in `--out`'s folder.
fn gives_up_and_cancels(link: &str, says: &str) {
    let server = httpmock::MockServer::start();
    let body = format!(r#"{{"message":"success","object_prefix":"p","url":"{link}"}}"#);
    let (start, cancel) = braze_answering(&server, &body);
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
        .env_clear()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", server.base_url())
        .args(["users", README_ID, "--fields", "email", "--out"])
        .arg(dir.path().join("users.jsonl"))
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{link}: {stderr}");
    assert!(stderr.contains(says), "{link}: {stderr}");
    assert!(stderr.contains("the export was cancelled at Braze"), "{link}: {stderr}");
    start.assert_calls(1);
    cancel.assert_calls(1);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing left");
}

#[test]
fn a_closed_stdout_fails_before_anything_is_sent() {
    let stand_in = StandIn::start(MockConfig {
        users_export_ready_after: Duration::ZERO,
        ..no_rate_limit()
    });
    // `>&-`: Rust's runtime puts /dev/null there before main, where every write succeeds.
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" "$@" >&-"#)
        .arg(assert_cmd::cargo::cargo_bin("braze-segments"))
        .args(["users", README_ID, "--fields", "email", "--out", "-"])
        .env_clear()
        .env("BRAZE_API_KEY", stand_in.braze().api_key())
        .env("BRAZE_REST_ENDPOINT", stand_in.braze().url())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stdout is closed"), "{stderr}");
    assert!(!stderr.contains("written to stdout"), "{stderr}");
    assert_eq!(stand_in.braze().counters().total(), 0, "no export started");

    // Stdout to /dev/null is a choice, not a closed stdout: the users go there.
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" "$@" >/dev/null"#)
        .arg(assert_cmd::cargo::cargo_bin("braze-segments"))
        .args(["users", README_ID, "--fields", "email", "--out", "-"])
        .env_clear()
        .env("BRAZE_API_KEY", stand_in.braze().api_key())
        .env("BRAZE_REST_ENDPOINT", stand_in.braze().url())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn every_way_a_download_gives_up_cancels_the_export_it_started() {
    // The storage host answers an expired link (400 ExpiredToken, as S3 may), a broken signature
    // (403 SignatureDoesNotMatch), a redirect loop; or the link is not one the SDK follows.
    let storage = httpmock::MockServer::start();
    storage.mock(|when, then| {
        when.path("/expired.zip");
        then.status(400)
            .body("<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>");
    });
    storage.mock(|when, then| {
        when.path("/broken.zip");
        then.status(403)
            .body("<Error><Code>SignatureDoesNotMatch</Code><Message>No.</Message></Error>");
    });
    storage.mock(|when, then| {
        when.path("/loop.zip");
        then.status(302).header("location", "/loop.zip");
    });
    let cases = [
        (
            format!("{}/expired.zip?sig=s", storage.base_url()),
            "the download link expired",
        ),
        (
            format!("{}/broken.zip?sig=s", storage.base_url()),
            "SignatureDoesNotMatch",
        ),
        (
            format!("{}/loop.zip?sig=s", storage.base_url()),
            "answered 302: it redirected more than 5 times",
        ),
        ("ftp://files.example.com/u.zip".to_owned(), "refusing the download link"),
    ];
    for (link, says) in cases {
        gives_up_and_cancels(&link, says);
    }
}
