//! The `mock-server` command's scripted faults (`--script`) and its random faults kept to some
//! endpoints (`--fault-endpoints`), through the real CLI against the real command.

use assert_cmd::Command;
use braze_segments_mock_server::EXAMPLE_ID;

use crate::common::{MockServerProcess, RunExpecting};

#[test]
fn a_script_fails_one_segment_as_often_as_it_says_then_steps_aside() {
    // Four failures: two calls of two attempts each; the third call is answered.
    let script = format!("details/{EXAMPLE_ID}=server-error*4");
    let server = MockServerProcess::start(&["--segments", "5", "--script", &script, "--script", "list=forbidden"]);
    let details = ["--max-attempts", "2", "details", EXAMPLE_ID];
    for _ in 0..2 {
        let (_, stderr) = server.cli().args(details).run_expecting(1);
        assert!(stderr.contains("Braze answered 500: Internal Server Error"), "{stderr}");
    }
    server.cli().args(details).run_expecting(0);
    // The list script has no count: every listing is refused.
    let (_, stderr) = server.cli().arg("list").run_expecting(1);
    assert!(stderr.contains("403"), "{stderr}");
}

#[test]
fn random_faults_kept_to_one_endpoint_leave_the_others_alone() {
    let server = MockServerProcess::start(&[
        "--segments",
        "5",
        "--fail-rate",
        "1",
        "--fault-kinds",
        "server-error",
        "--fault-endpoints",
        "list",
    ]);
    server
        .cli()
        .args(["--max-attempts", "2", "details", EXAMPLE_ID])
        .run_expecting(0);
    let (_, stderr) = server.cli().args(["--max-attempts", "2", "list"]).run_expecting(1);
    assert!(stderr.contains("500"), "{stderr}");
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
