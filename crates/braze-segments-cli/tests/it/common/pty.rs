//! The CLI run on a pseudo-terminal: every byte it wrote there, and the screen those bytes
//! leave as a terminal emulator (vt100) draws them.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;

pub const ROWS: u16 = 40;
pub const COLS: u16 = 160;

/// Which of the program's outputs is the terminal; the other goes nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Stdout,
    Stderr,
}

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

/// Runs `cmd` with `side` on a terminal; returns its exit code, every byte it wrote there (as
/// text, lossily), and the screen those bytes leave.
pub fn on_a_terminal(mut cmd: std::process::Command, side: Side) -> (Option<i32>, String, String) {
    let (mut controller, program) = pty();
    let program = Stdio::from(program);
    cmd.stdin(Stdio::null()).env("TERM", "xterm-256color");
    match side {
        Side::Stdout => cmd.stdout(program).stderr(Stdio::null()),
        Side::Stderr => cmd.stdout(Stdio::null()).stderr(program),
    };
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
    let written = String::from_utf8_lossy(&bytes).into_owned();
    (code, written, screen.screen().contents())
}
