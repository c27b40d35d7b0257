//! `users --detach --job FILE` and `users --job FILE --out …`: an export started by one process
//! and downloaded by another after the first has exited; job files that are not this run's,
//! expired or in the way refused before any request; `--callback-url` passed through, checked.

use crate::common;

use std::path::Path;
use std::time::Duration;

use braze_segments_mock_server::{Endpoint, MockConfig};
use common::{no_rate_limit, text, RunExpecting as _, StandIn, README_ID};

fn detach(stand_in: &StandIn, job: &Path, fields: &str) -> String {
    let (stdout, stderr) = stand_in
        .cli()
        .args(["users", README_ID, "--fields", fields, "--detach", "--job"])
        .arg(job)
        .run_expecting(0);
    assert_eq!(
        stdout.trim(),
        job.display().to_string(),
        "the job file's path alone on stdout"
    );
    stderr
}

#[test]
fn a_detached_export_is_picked_up_by_a_second_process_after_the_first_exited() {
    let stand_in = StandIn::start(MockConfig {
        users_export_ready_after: Duration::from_secs(1),
        ..no_rate_limit()
    });
    stand_in.braze().set_users_in_segment(README_ID, 2_345);
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.json");
    let stderr = detach(&stand_in, &job, "external_id,email");
    // The link is a secret: never printed, the file private.
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&job).unwrap()).unwrap();
    let link = saved["job"]["url"].as_str().unwrap().to_owned();
    let signature = link.split("X-Amz-Signature=").nth(1).unwrap();
    assert!(!stderr.contains(signature), "{stderr}");
    assert!(
        !text(&std::fs::read(&job).unwrap()).contains(stand_in.braze().api_key()),
        "no key in the job file"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&job).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert_eq!(stand_in.braze().counters().requests(Endpoint::UsersExportSegment), 1);

    // Another process, once the first has exited: waits for that export and downloads it.
    let out = dir.path().join("users.csv");
    let (_, stderr) = stand_in
        .cli()
        .args(["users", "--job"])
        .arg(&job)
        .args(["--format", "csv", "--out"])
        .arg(&out)
        .run_expecting(0);
    assert!(stderr.contains("users: 2345 written to "), "{stderr}");
    assert!(!stderr.contains(signature), "{stderr}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(
        csv.starts_with("external_id,email\n"),
        "the job's fields: {}",
        &csv[..40]
    );
    assert_eq!(csv.lines().count(), 1 + 2_345);
    let counters = stand_in.braze().counters();
    assert_eq!(counters.requests(Endpoint::UsersExportSegment), 1, "not started again");
    assert_eq!(counters.requests(Endpoint::ExportSegmentCancel), 0);
    // Only the output and the job file are left.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["job.json", "users.csv"]);
}

#[test]
fn a_job_of_another_key_or_endpoint_or_an_expired_one_is_refused_before_any_request() {
    let first = StandIn::start(no_rate_limit());
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.json");
    detach(&first, &job, "email");
    let other = StandIn::start(no_rate_limit());
    let out = dir.path().join("users.jsonl");
    let pick_up = |cli: &mut assert_cmd::Command, job: &Path| {
        let (_, stderr) = cli
            .args(["users", "--job"])
            .arg(job)
            .arg("--out")
            .arg(&out)
            .run_expecting(2);
        stderr
    };
    let stderr = pick_up(&mut first.cli_with_key("another-key"), &job);
    assert!(stderr.contains("belongs to another API key"), "{stderr}");
    let stderr = pick_up(&mut other.cli(), &job);
    assert!(stderr.contains("belongs to another endpoint"), "{stderr}");
    // Its link signed two days ago for four hours.
    let mut saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&job).unwrap()).unwrap();
    let link = saved["job"]["url"].as_str().unwrap();
    let date = link
        .split("X-Amz-Date=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let old = (chrono::Utc::now() - chrono::Duration::days(2))
        .format("%Y%m%dT%H%M%SZ")
        .to_string();
    saved["job"]["url"] = link.replace(&date, &old).into();
    let expired = dir.path().join("expired.json");
    std::fs::write(&expired, serde_json::to_vec(&saved).unwrap()).unwrap();
    let stderr = pick_up(&mut first.cli(), &expired);
    assert!(
        stderr.contains("has expired") && stderr.contains("start a new export"),
        "{stderr}"
    );
    // Not a job file at all, and flags that do not go with a pick-up.
    std::fs::write(dir.path().join("notes.txt"), "my notes").unwrap();
    let stderr = pick_up(&mut first.cli(), &dir.path().join("notes.txt"));
    assert!(stderr.contains("is not a job file"), "{stderr}");
    let (_, stderr) = first
        .cli()
        .args(["users", README_ID, "--job"])
        .arg(&job)
        .arg("--out")
        .arg(&out)
        .run_expecting(2);
    assert!(stderr.contains("the job file names the export"), "{stderr}");
    assert!(!out.exists());
    assert_eq!(other.braze().counters().total(), 0, "nothing sent");
    assert_eq!(
        first.braze().counters().requests(Endpoint::UsersExportSegment),
        1,
        "the detach only"
    );
}

#[test]
fn a_job_file_is_never_an_output_nor_replaced() {
    let stand_in = StandIn::start(no_rate_limit());
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.json");
    detach(&stand_in, &job, "email");
    let before = std::fs::read(&job).unwrap();
    let link = dir.path().join("link.jsonl");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&job, &link).unwrap();
    for args in [
        vec!["export", "--overwrite", "--out"],
        vec!["users", README_ID, "--fields", "email", "--overwrite", "--out"],
        vec!["users", README_ID, "--fields", "email", "--detach", "--job"],
    ] {
        for path in [&job, &link] {
            let (_, stderr) = stand_in.cli().args(&args).arg(path).run_expecting(2);
            assert!(
                stderr.contains("users job file") || stderr.contains("a file of braze-segments"),
                "{args:?}: {stderr}"
            );
        }
    }
    assert_eq!(std::fs::read(&job).unwrap(), before, "left byte for byte");
    assert_eq!(stand_in.braze().counters().requests(Endpoint::UsersExportSegment), 1);
}

#[test]
fn a_pick_up_that_gives_up_cancels_the_export_the_job_names() {
    let stand_in = StandIn::start(MockConfig {
        users_export_ready_after: Duration::from_secs(3600),
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.json");
    detach(&stand_in, &job, "email");
    let out = dir.path().join("users.jsonl");
    let (_, stderr) = stand_in
        .cli()
        .args(["users", "--job"])
        .arg(&job)
        .args(["--max-wait", "1s", "--out"])
        .arg(&out)
        .run_expecting(1);
    assert!(stderr.contains("was not ready after"), "{stderr}");
    assert!(stderr.contains("the export was cancelled at Braze"), "{stderr}");
    assert_eq!(stand_in.braze().counters().requests(Endpoint::ExportSegmentCancel), 1);
    assert!(!out.exists());
    assert!(stderr.contains("the export the job file names"), "{stderr}");
    assert!(stderr.contains("is marked cancelled"), "{stderr}");
    // The job is over: a later pick-up says so at once, instead of waiting for nothing.
    let (_, stderr) = stand_in
        .cli()
        .args(["users", "--job"])
        .arg(&job)
        .arg("--out")
        .arg(&out)
        .run_expecting(2);
    assert!(stderr.contains("was cancelled at Braze"), "{stderr}");
    assert_eq!(stand_in.braze().counters().requests(Endpoint::ExportSegmentCancel), 1);
}

#[test]
fn a_callback_url_is_checked_before_any_request_and_passed_to_braze() {
    let stand_in = StandIn::start(no_rate_limit());
    let dir = tempfile::tempdir().unwrap();
    for url in ["http://example.com/done?token=s3cr3t", "not a url s3cr3t", "https://"] {
        let (_, stderr) = stand_in
            .cli()
            .args(["users", README_ID, "--fields", "email", "--callback-url", url, "--out"])
            .arg(dir.path().join("u.jsonl"))
            .run_expecting(2);
        assert!(stderr.contains("callback_endpoint"), "{url}: {stderr}");
        assert!(!stderr.contains("s3cr3t"), "not echoed: {stderr}");
    }
    assert_eq!(stand_in.braze().counters().total(), 0, "nothing sent");

    let server = httpmock::MockServer::start();
    let start = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path("/users/export/segment")
            .json_body_includes(r#"{"callback_endpoint": "https://hooks.example.com/braze?token=t"}"#);
        then.status(201)
            .header("content-type", "application/json")
            .body(r#"{"message":"success","object_prefix":"p","url":"http://127.0.0.1:1/p.zip"}"#);
    });
    let job = dir.path().join("job.json");
    let output = common::cli_for(&server)
        .args(["users", README_ID, "--fields", "email", "--detach", "--job"])
        .arg(&job)
        .args(["--callback-url", "https://hooks.example.com/braze?token=t"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    start.assert_calls(1);
}
