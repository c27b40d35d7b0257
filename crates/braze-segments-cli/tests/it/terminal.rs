//! What reaches a terminal: server text with its control characters shown as escapes, and a
//! stderr nobody reads never turning into a panic.

use crate::common;

use std::process::Stdio;

use braze_segments_mock_server::MockConfig;
use common::{cli_for, no_rate_limit, text, RunExpecting, StandIn, README_ID};

/// ESC starting a colour, BEL, and a newline followed by a line that pretends to be ours.
const EVIL_NAME: &str = "red\u{1b}[31m bell\u{7}\nerror: FAKE LINE";
const EVIL_MESSAGE: &str = "no such segment\u{1b}[2J\u{7}\r\nerror: FAKE LINE";

/// A Braze whose strings hold terminal control sequences.
fn hostile_braze() -> httpmock::MockServer {
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.path("/segments/list");
        then.status(200).json_body(serde_json::json!({
            "message": "success",
            "segments": [
                {"id": "evil-1", "name": EVIL_NAME, "tags": ["tag\u{1b}]0;title\u{7}"]},
                {"id": "bad\u{1b}[8m", "name": "fine"},
            ]
        }));
    });
    server.mock(|when, then| {
        when.path("/segments/details").query_param("segment_id", "evil-1");
        then.status(200).json_body(serde_json::json!({
            "message": "success",
            "name": EVIL_NAME,
            "description": "desc\u{1b}[1A\u{1b}[2K",
            "tags": ["a\u{9b}31m"],
            "teams": ["t\u{8}\u{8}"],
            "created_at": "2024-07-25T13:50:47Z",
        }));
    });
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(400).json_body(serde_json::json!({"message": EVIL_MESSAGE}));
    });
    server
}

/// No control character but the line ends; no line that the server made up.
fn assert_inert(output: &str) {
    assert!(
        !output.chars().any(|c| c.is_control() && c != '\n'),
        "a raw control character: {output:?}"
    );
    assert!(
        !output.lines().any(|l| l.starts_with("error: FAKE")),
        "a line the server made: {output}"
    );
}

#[test]
fn server_text_reaches_the_terminal_with_control_characters_escaped() {
    let server = hostile_braze();

    let (stdout, _) = cli_for(&server).args(["details", "evil-1"]).run_expecting(0);
    assert_inert(&stdout);
    assert!(
        stdout.starts_with("red\\u{1b}[31m bell\\u{7}\\nerror: FAKE LINE\n"),
        "{stdout}"
    );
    assert!(stdout.contains("desc\\u{1b}[1A\\u{1b}[2K"), "{stdout}");
    assert!(stdout.contains("a\\u{9b}31m"), "C1 controls too: {stdout}");

    // JSON stays JSON, with the text exactly as Braze sent it.
    let (stdout, _) = cli_for(&server)
        .args(["details", "evil-1", "-o", "json"])
        .run_expecting(0);
    let parsed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(parsed["name"], EVIL_NAME);

    let (stdout, _) = cli_for(&server).args(["list"]).run_expecting(0);
    assert_inert(&stdout);
    assert_eq!(stdout.lines().count(), 3, "a header and two rows: {stdout}");
    let (stdout, _) = cli_for(&server).args(["list", "-o", "jsonl"]).run_expecting(0);
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["name"], EVIL_NAME);

    let (_, stderr) = cli_for(&server).args(["details", "missing"]).run_expecting(1);
    assert_inert(&stderr);
    assert!(
        stderr.contains("no such segment\\u{1b}[2J\\u{7}\\r\\nerror: FAKE LINE"),
        "{stderr}"
    );

    // The export's failed-segment lines: the id and the message, both from the server.
    let dir = tempfile::tempdir().unwrap();
    let (_, stderr) = cli_for(&server)
        .args(["--max-attempts", "1", "export", "--out"])
        .arg(dir.path().join("x.jsonl"))
        .run_expecting(1);
    assert_inert(&stderr);
    assert!(stderr.contains("failed: bad\\u{1b}[8m: "), "{stderr}");
}

#[test]
fn a_stand_in_segment_named_with_control_characters_is_shown_inert() {
    let stand_in = StandIn::start(MockConfig {
        segments: 3,
        ..no_rate_limit()
    });
    let id = stand_in.braze().create_segment(EVIL_NAME);
    let (stdout, _) = stand_in.cli().args(["details", &id]).run_expecting(0);
    assert_inert(&stdout);
    assert!(
        stdout.starts_with("red\\u{1b}[31m bell\\u{7}\\nerror: FAKE LINE\n"),
        "{stdout}"
    );
    let (stdout, _) = stand_in.cli().args(["list"]).run_expecting(0);
    assert_inert(&stdout);
    assert_eq!(stdout.lines().count(), 5, "a header and four rows: {stdout}");
}

/// A pipe whose reader is already gone: every write to it fails with "broken pipe".
fn abandoned_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Stdio::from(writer)
}

#[test]
fn a_stderr_nobody_reads_never_makes_the_cli_panic() {
    let stand_in = StandIn::start(MockConfig {
        segments: 30,
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("existing.jsonl");
    std::fs::write(&existing, "mine\n").unwrap();
    let runs: Vec<(Vec<String>, i32)> = vec![
        (vec!["--demo".into(), "details".into(), README_ID.into()], 0),
        (vec!["list".into(), "-o".into(), "jsonl".into()], 0),
        (vec!["details".into(), "no-such-segment".into()], 1),
        (
            vec![
                "export".into(),
                "--out".into(),
                dir.path().join("new.jsonl").display().to_string(),
            ],
            0,
        ),
        (vec!["export".into(), "--out".into(), existing.display().to_string()], 2),
        (
            vec!["data-series".into(), README_ID.into(), "--days".into(), "0".into()],
            2,
        ),
    ];
    for (args, code) in runs {
        let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
            .env_clear()
            .env("BRAZE_API_KEY", stand_in.braze().api_key())
            .env("BRAZE_REST_ENDPOINT", stand_in.braze().url())
            .args(&args)
            .stdout(Stdio::null())
            .stderr(abandoned_pipe())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args:?} (101 is a panic)");
    }

    // A stderr closed by the shell (`2>&-`).
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" "$@" 2>&-"#)
        .arg(assert_cmd::cargo::cargo_bin("braze-segments"))
        .args(["--demo", "details", "no-such-segment"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
}
