//! What a terminal shows of the progress: the CLI run with its stderr on a pseudo-terminal,
//! the bytes it wrote read through a terminal emulator, and the screen it leaves checked. The
//! bar is shown while work goes on, and gone when the summary is written.
#![cfg(target_os = "linux")]

use crate::common;

use braze_segments_mock_server::MockConfig;
use common::pty::{on_a_terminal, Side};
use common::{no_rate_limit, StandIn};

#[test]
fn the_export_bar_is_shown_then_cleared_before_the_summary() {
    let stand_in = StandIn::start(MockConfig {
        segments: 400,
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("segments.jsonl");
    let mut cmd = stand_in.process();
    cmd.args(["export", "--out"]).arg(&out);
    let (code, written, screen) = on_a_terminal(cmd, Side::Stderr);

    assert_eq!(code, Some(0), "{screen}");
    assert!(written.contains("segments ("), "a bar was drawn: {written:?}");
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "only the summary is left on the screen: {screen}");
    assert!(lines[0].starts_with("export: 400 written, 0 skipped"), "{screen}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 400);
}

#[test]
fn the_users_spinner_is_shown_then_cleared_before_the_summary() {
    let stand_in = StandIn::start(MockConfig {
        users_per_segment: Some(2_000),
        users_export_ready_after: std::time::Duration::from_millis(300),
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let mut cmd = stand_in.process();
    cmd.args(["users", common::README_ID, "--fields", "external_id,email", "--out"])
        .arg(&out);
    let (code, written, screen) = on_a_terminal(cmd, Side::Stderr);

    assert_eq!(code, Some(0), "{screen}");
    assert!(written.contains("[00:00:0"), "a spinner was drawn: {written:?}");
    assert!(
        !screen.contains("[00:00:0"),
        "no trace of the spinner is left: {screen}"
    );
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 2, "what was said, and the summary: {screen}");
    assert!(lines[0].starts_with("users: export started"), "{screen}");
    assert!(
        lines[1].starts_with(&format!("users: 2000 written to {}", out.display())),
        "{screen}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2_000);
}
