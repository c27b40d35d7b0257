//! What a terminal shows of the progress: the CLI run with its stderr on a pseudo-terminal,
//! the bytes it wrote read through a terminal emulator, and the screen it leaves checked. The
//! bar is shown while work goes on, and gone when the summary is written.
#![cfg(target_os = "linux")]

mod common;

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;

use braze_segments_mock_server::MockConfig;
use common::{no_rate_limit, StandIn};

const ROWS: u16 = 40;
const COLS: u16 = 160;

/// A pseudo-terminal of `ROWS` × `COLS`: its controlling side and the side a program writes to.
fn pty() -> (std::fs::File, OwnedFd) {
    let (mut controller, mut program) = (-1, -1);
    let size = libc::winsize {
        ws_row: ROWS,
        ws_col: COLS,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: both out-pointers are valid for writes; the name and termios pointers may be null.
    let rc = unsafe {
        libc::openpty(
            &mut controller,
            &mut program,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: openpty succeeded, so both are open descriptors that nothing else owns.
    unsafe { (std::fs::File::from_raw_fd(controller), OwnedFd::from_raw_fd(program)) }
}

/// Runs `cmd` with its stderr on a terminal; returns its exit code, every byte it wrote there,
/// and the screen those bytes leave.
fn on_a_terminal(mut cmd: std::process::Command) -> (Option<i32>, String, String) {
    let (mut controller, program) = pty();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(program))
        .env("TERM", "xterm-256color");
    let mut child = cmd.spawn().unwrap();
    // The parent's copy of the program side goes with `cmd`: the reader then sees the end.
    drop(cmd);
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 4096];
        // Linux answers EIO once the last program-side descriptor is closed.
        while let Ok(n @ 1..) = controller.read(&mut chunk) {
            bytes.extend_from_slice(&chunk[..n]);
        }
        bytes
    });
    let code = child.wait().unwrap().code();
    let bytes = reader.join().unwrap();
    let mut screen = vt100::Parser::new(ROWS, COLS, 0);
    screen.process(&bytes);
    let shown = String::from_utf8_lossy(&bytes).into_owned();
    (code, shown, screen.screen().contents())
}

fn cli(stand_in: &StandIn) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"));
    cmd.env_clear()
        .env("BRAZE_API_KEY", stand_in.braze().api_key())
        .env("BRAZE_REST_ENDPOINT", stand_in.braze().url());
    cmd
}

#[test]
fn the_export_bar_is_shown_then_cleared_before_the_summary() {
    let stand_in = StandIn::start(MockConfig {
        segments: 400,
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("segments.jsonl");
    let mut cmd = cli(&stand_in);
    cmd.args(["export", "--out"]).arg(&out);
    let (code, written, screen) = on_a_terminal(cmd);

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
    let mut cmd = cli(&stand_in);
    cmd.args(["users", common::README_ID, "--fields", "external_id,email", "--out"])
        .arg(&out);
    let (code, written, screen) = on_a_terminal(cmd);

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
