//! `users` and the export its start may or may not have begun. Braze's cancel ends every export
//! of a segment, whoever started it, so a run cancels only what it started or may have: not
//! another process's export that Braze named when it refused this run's start ("already in
//! progress"), even when a signal comes while that refusal is awaited. And a start answer that
//! gives no link to download writes no users: never exit 0 with `--out` as it was.

use crate::common;

use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::Duration;

use braze_segments_mock_server::{Endpoint, MockConfig, RateLimitConfig};
use common::{text, wait_for, StandIn, README_ID};

/// `users` of the demo segment writing to `out`, started in the background against `endpoint`.
fn spawn_users(endpoint: &str, key: &str, out: &Path, extra: &[&str]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
        .env_clear()
        .env("BRAZE_API_KEY", key)
        .env("BRAZE_REST_ENDPOINT", endpoint)
        .args(["users", README_ID, "--fields", "external_id", "--out"])
        .arg(out)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn interrupt(child: &Child) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
}

fn finished(child: Child) -> (Option<i32>, String) {
    let Output { status, stderr, .. } = child.wait_with_output().unwrap();
    (status.code(), text(&stderr))
}

#[test]
fn a_ctrl_c_in_a_second_process_never_cancels_the_first_ones_export() {
    // A short window: the second start's 429 ("already in progress") is waited out until its
    // reset, and the signal comes during that wait (or while the 429 is on its way).
    let stand_in = StandIn::start(MockConfig {
        users_export_ready_after: Duration::from_secs(3),
        rate_limit: Some(RateLimitConfig {
            limit: 100_000,
            window: Duration::from_secs(30),
            ..RateLimitConfig::default()
        }),
        ..MockConfig::default()
    });
    let braze = stand_in.braze();
    let counters = braze.counters();
    let dir = tempfile::tempdir().unwrap();
    let (first_out, second_out) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    let first = spawn_users(braze.url(), braze.api_key(), &first_out, &[]);
    wait_for("the first start", || {
        counters.requests(Endpoint::UsersExportSegment) == 1
    });
    let second = spawn_users(braze.url(), braze.api_key(), &second_out, &[]);
    wait_for("the second start", || {
        counters.requests(Endpoint::UsersExportSegment) == 2
    });
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&second);

    let (code, stderr) = finished(second);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("nothing to cancel"), "{stderr}");
    assert!(!stderr.contains("cancelled at Braze"), "{stderr}");
    assert_eq!(counters.requests(Endpoint::ExportSegmentCancel), 0, "{stderr}");

    let (code, stderr) = finished(first);
    assert_eq!(code, Some(0), "the first export completes: {stderr}");
    let users = std::fs::read_to_string(&first_out).unwrap();
    assert!(users.lines().count() > 0, "{stderr}");
    assert!(!second_out.exists());
}

/// A Braze (httpmock) whose start answers `status` and `body` after `delay`, and that counts
/// cancels.
fn slow_braze<'a>(
    server: &'a httpmock::MockServer,
    status: u16,
    body: &str,
    delay: Duration,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let start = server.mock(|when, then| {
        when.method(httpmock::Method::POST).path("/users/export/segment");
        then.status(status)
            .header("content-type", "application/json")
            .header("x-ratelimit-limit", "250000")
            .header("x-ratelimit-remaining", "249000")
            // Far away: a 429 is not waited for, so it ends the start.
            .header("x-ratelimit-reset", "4102444800")
            .body(body)
            .delay(delay);
    });
    let cancel = server.mock(|when, then| {
        when.method(httpmock::Method::POST).path("/export/segment/cancel");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"message":"success"}"#);
    });
    (start, cancel)
}

/// `users` against `server`, interrupted while its start's answer (`delay` away) is on its way.
fn interrupted_while_starting(server: &httpmock::MockServer, delay: Duration) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let child = spawn_users(&server.base_url(), "k", &dir.path().join("u.jsonl"), &[]);
    // Well before the answer comes, and after the request is sent (asserted by the caller: it
    // was answered once, and the run ended by the signal, not by the answer).
    std::thread::sleep(delay / 3);
    interrupt(&child);
    let finished = finished(child);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing left");
    finished
}

#[test]
fn a_ctrl_c_while_a_refusal_is_on_its_way_waits_for_it_and_cancels_nothing() {
    let server = httpmock::MockServer::start();
    let delay = Duration::from_millis(1800);
    let refusal = r#"{"message":"An export is already in progress for this segment. Wait for it to complete before trying again."}"#;
    let (start, cancel) = slow_braze(&server, 429, refusal, delay);
    let (code, stderr) = interrupted_while_starting(&server, delay);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("nothing to cancel"), "{stderr}");
    start.assert_calls(1);
    cancel.assert_calls(0);
}

#[test]
fn a_ctrl_c_while_an_acceptance_is_on_its_way_cancels_the_export_it_started() {
    let server = httpmock::MockServer::start();
    let delay = Duration::from_millis(1800);
    let body = format!(
        r#"{{"message":"success","object_prefix":"p","url":"{}/u.zip?sig=s"}}"#,
        server.base_url()
    );
    let (start, cancel) = slow_braze(&server, 201, &body, delay);
    let (code, stderr) = interrupted_while_starting(&server, delay);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("the export was cancelled at Braze"), "{stderr}");
    start.assert_calls(1);
    cancel.assert_calls(1);
}

#[test]
fn a_start_answer_without_a_usable_link_writes_nothing_and_exits_3() {
    let answers = [
        r#"{"message":"success","object_prefix":"bucket-prefix"}"#,
        r#"{"message":"success","object_prefix":"bucket-prefix","url":null}"#,
        r#"{"message":"success","object_prefix":"bucket-prefix","url":"  "}"#,
    ];
    for answer in answers {
        let server = httpmock::MockServer::start();
        let (start, cancel) = slow_braze(&server, 201, answer, Duration::ZERO);
        let dir = tempfile::tempdir().unwrap();
        // Last week's users, to be replaced.
        let out = dir.path().join("users.jsonl");
        std::fs::write(&out, "{\"external_id\":\"old\"}\n").unwrap();
        let child = spawn_users(&server.base_url(), "k", &out, &["--overwrite"]);
        let (code, stderr) = finished(child);
        assert_eq!(code, Some(3), "{answer}: {stderr}");
        assert!(stderr.contains("no link to download"), "{stderr}");
        assert!(stderr.contains("own storage bucket"), "{stderr}");
        assert!(
            stderr.contains(&format!("segment-export/{README_ID}/<date>/bucket-prefix/")),
            "{stderr}"
        );
        assert!(stderr.contains("no users were written"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "{\"external_id\":\"old\"}\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
        start.assert_calls(1);
        cancel.assert_calls(0);

        // To stdout: nothing written, and the same exit code.
        let server = httpmock::MockServer::start();
        slow_braze(&server, 201, answer, Duration::ZERO);
        let child = spawn_users(&server.base_url(), "k", Path::new("-"), &[]);
        let Output { status, stdout, stderr } = child.wait_with_output().unwrap();
        assert_eq!(status.code(), Some(3), "{}", text(&stderr));
        assert!(stdout.is_empty());
    }
}
