//! The `mock-server` command's scripted faults (`--script`) and its random faults kept to some
//! endpoints (`--fault-endpoints`), through the real CLI against the real command.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use assert_cmd::Command;
use braze_segments_mock_server::EXAMPLE_ID;

use crate::common::RunExpecting;

/// A `mock-server` process with `flags`, and its URL.
fn mock_server(flags: &[&str]) -> (Child, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
        .args([
            "mock-server",
            "--addr",
            "127.0.0.1:0",
            "--segments",
            "5",
            "--api-key",
            "k1",
        ])
        .args(flags)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let first = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    let url = first
        .strip_prefix("stand-in Braze listening on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    (child, url)
}

fn details(url: &str, id: &str, code: i32) -> String {
    let (_, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k1")
        .env("BRAZE_REST_ENDPOINT", url)
        .args(["--max-attempts", "2", "details", id])
        .run_expecting(code);
    stderr
}

#[test]
fn a_script_fails_one_segment_as_often_as_it_says_then_steps_aside() {
    // Four failures: two calls of two attempts each; the third call is answered.
    let script = format!("details/{EXAMPLE_ID}=server-error*4");
    let (mut server, url) = mock_server(&["--script", &script, "--script", "list=forbidden"]);
    for _ in 0..2 {
        let stderr = details(&url, EXAMPLE_ID, 1);
        assert!(stderr.contains("Braze answered 500: Internal Server Error"), "{stderr}");
    }
    details(&url, EXAMPLE_ID, 0);
    // The list script has no count: every listing is refused.
    let (_, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k1")
        .env("BRAZE_REST_ENDPOINT", &url)
        .args(["list"])
        .run_expecting(1);
    assert!(stderr.contains("403"), "{stderr}");
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn random_faults_kept_to_one_endpoint_leave_the_others_alone() {
    let (mut server, url) = mock_server(&[
        "--fail-rate",
        "1",
        "--fault-kinds",
        "server-error",
        "--fault-endpoints",
        "list",
    ]);
    details(&url, EXAMPLE_ID, 0);
    let (_, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k1")
        .env("BRAZE_REST_ENDPOINT", &url)
        .args(["--max-attempts", "2", "list"])
        .run_expecting(1);
    assert!(stderr.contains("500"), "{stderr}");
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_bad_script_is_refused_before_the_server_starts() {
    let (_, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .args([
            "mock-server",
            "--addr",
            "127.0.0.1:0",
            "--script",
            "detail=server-error",
        ])
        .run_expecting(2);
    assert!(stderr.contains("unknown endpoint \"detail\""), "{stderr}");
}
