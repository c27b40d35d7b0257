//! Whether stdout was closed when the process started (`>&-`).
//!
//! Rust's runtime, before `main`, opens `/dev/null` on a standard descriptor that is closed, so
//! every later write to stdout succeeds and is lost: `users --out -` and `export --out -` would
//! report their records "written to stdout", and `list`, `details` and `data-series` succeed,
//! when the results went nowhere. On Linux, a function the loader runs before the
//! runtime starts (an ELF constructor) looks at the descriptor first. Elsewhere this says
//! `false`, and a closed stdout goes unnoticed as before.

use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static LOOK_AT_STDOUT: extern "C" fn() = look_at_stdout;

/// Records whether descriptor 1 is closed (`EBADF`); runs before `main`, so it touches only libc.
#[cfg(target_os = "linux")]
extern "C" fn look_at_stdout() {
    // SAFETY: F_GETFD reads the flags of a descriptor number, open or not; errno is read on
    // the calling thread, right after the call that set it.
    let closed =
        unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) == -1 && *libc::__errno_location() == libc::EBADF };
    CLOSED_AT_START.store(closed, Ordering::Relaxed);
}

/// True when stdout was closed as the process started (Linux only).
pub fn closed_at_start() -> bool {
    CLOSED_AT_START.load(Ordering::Relaxed)
}
