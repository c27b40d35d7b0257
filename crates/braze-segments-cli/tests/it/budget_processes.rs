//! Several real `export` processes on one key: one stand-in's budget, windows that do not start
//! on a whole second, Resets truncated to the second, headers that vanish or glitch. Each test
//! holds what the SDK's rate-limit timing promises (its page, "Rate-limit timing"): no process
//! comes back inside the window that stopped it nor fails for having waited, a reserve holds
//! when it exceeds what is in flight, and a share keeps pacing whatever the headers do.

use crate::common;

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use braze_segments_mock_server::{BudgetWindow, MockConfig, RateLimitConfig, ResetGlitch, ResetRounding};
use common::{text, StandIn};

/// What one export process came to.
struct Ran {
    code: Option<i32>,
    stderr: String,
    records: usize,
}

/// Runs `n` exports at once against `stand_in`, each with `flags` (connection flags first, then
/// the export's), each to its own file; fails the test after `limit`.
fn exports(stand_in: &StandIn, n: usize, flags: &[&str], limit: Duration) -> Vec<Ran> {
    let dir = tempfile::tempdir().unwrap();
    let runs: Vec<(Child, PathBuf)> = (0..n)
        .map(|i| {
            let out = dir.path().join(format!("export-{i}.jsonl"));
            let child = stand_in
                .process()
                .args(flags)
                .arg("--out")
                .arg(&out)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (child, out)
        })
        .collect();
    let deadline = Instant::now() + limit;
    runs.into_iter()
        .map(|(mut child, out)| {
            while child.try_wait().unwrap().is_none() {
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let output = child.wait_with_output().unwrap();
                    panic!("an export still ran after {limit:?}: {}", text(&output.stderr));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let output = child.wait_with_output().unwrap();
            let records = std::fs::read_to_string(&out).map_or(0, |t| t.lines().count());
            Ran {
                code: output.status.code(),
                stderr: text(&output.stderr),
                records,
            }
        })
        .collect()
}

/// Every export succeeded with every segment.
fn all_complete(runs: &[Ran], segments: usize) {
    for run in runs {
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert_eq!(run.records, segments, "{}", run.stderr);
    }
}

fn stand_in(segments: usize, rate_limit: RateLimitConfig) -> StandIn {
    StandIn::start(MockConfig {
        segments,
        rate_limit: Some(rate_limit),
        ..MockConfig::default()
    })
}

fn refused(windows: &[BudgetWindow]) -> u64 {
    windows.iter().map(|w| w.refused).sum()
}

fn spent(windows: &[BudgetWindow]) -> u64 {
    windows.iter().map(|w| w.spent).sum()
}

#[test]
fn resets_truncated_to_the_second_on_windows_off_the_second_fail_no_export() {
    // Windows from x.5 s to (x+1).5 s, named by a Reset of x+1: half a second early.
    let stand_in = stand_in(
        120,
        RateLimitConfig {
            limit: 60,
            window: Duration::from_secs(1),
            offset: Duration::from_millis(500),
            reset_rounding: ResetRounding::Down,
            ..RateLimitConfig::default()
        },
    );
    let runs = exports(&stand_in, 3, &["export"], Duration::from_secs(90));
    all_complete(&runs, 120);
    let windows = stand_in.braze().budget_windows();
    // Only what was in flight when a window ran out is refused: at most the three exports' 24
    // requests a window, never a retry landing in the window that refused it.
    assert!(
        refused(&windows) <= 24 * windows.len() as u64,
        "{} refused over {} windows",
        refused(&windows),
        windows.len()
    );
}

#[test]
fn a_reset_that_jumps_back_fails_no_export_with_a_share() {
    // Every answer names a Reset 30 s in the past (a server clock that jumped back).
    let stand_in = stand_in(
        60,
        RateLimitConfig {
            limit: 40,
            window: Duration::from_secs(1),
            reset_glitch: Some(ResetGlitch {
                every: 1,
                shift_secs: -30,
            }),
            ..RateLimitConfig::default()
        },
    );
    let runs = exports(
        &stand_in,
        4,
        &["--budget-share", "0.25", "export"],
        Duration::from_secs(90),
    );
    all_complete(&runs, 60);
}

#[test]
fn processes_resuming_at_the_reset_keep_the_reserve_but_what_is_in_flight() {
    // 60 a two-second window, starting at x.7 s and named by a Reset truncated to x: a process
    // that resumes at the Reset lands in the old window. 12 kept in reserve; three processes of
    // two in flight each: at most 6 of the reserve spent.
    let stand_in = stand_in(
        60,
        RateLimitConfig {
            limit: 60,
            window: Duration::from_secs(2),
            offset: Duration::from_millis(700),
            reset_rounding: ResetRounding::Down,
            ..RateLimitConfig::default()
        },
    );
    let runs = exports(
        &stand_in,
        3,
        &["--reserve", "12", "export", "--concurrency", "2"],
        Duration::from_secs(90),
    );
    all_complete(&runs, 60);
    let windows = stand_in.braze().budget_windows();
    assert!(windows.len() >= 3, "the exports waited for the reserve: {windows:?}");
    for window in &windows {
        assert!(window.spent <= 60 - 12 + 6, "{window:?} of {windows:?}");
    }
    assert_eq!(refused(&windows), 0, "{windows:?}");
}

#[test]
fn five_processes_on_one_second_windows_all_complete_without_a_herd_of_429s() {
    let stand_in = stand_in(
        40,
        RateLimitConfig {
            limit: 30,
            window: Duration::from_secs(1),
            offset: Duration::from_millis(700),
            ..RateLimitConfig::default()
        },
    );
    let runs = exports(
        &stand_in,
        5,
        &["export", "--concurrency", "4"],
        Duration::from_secs(120),
    );
    all_complete(&runs, 40);
    let windows = stand_in.braze().budget_windows();
    // Five processes of four in flight can overshoot a window by up to 20 of its 30 whatever
    // they do: the first window, where none knows of the others, shows it (15-20 refused). After
    // it, coming back together inside the window that stopped them (as before) refused about
    // two of every five requests; waiting out the window, under a loaded machine, one in five.
    let (refused, spent) = (refused(&windows[1..]), spent(&windows));
    assert!(
        refused * 3 < spent,
        "{refused} refused after the first window, {spent} spent: {windows:?}"
    );
}

#[test]
fn a_share_keeps_pacing_when_the_headers_vanish() {
    // 400 a second; a tenth is 40. From the 150th answer on, no rate-limit headers.
    let stand_in = stand_in(
        200,
        RateLimitConfig {
            limit: 400,
            window: Duration::from_secs(1),
            hide_headers_after: Some(150),
            ..RateLimitConfig::default()
        },
    );
    let runs = exports(
        &stand_in,
        1,
        &["--budget-share", "0.1", "export"],
        Duration::from_secs(90),
    );
    all_complete(&runs, 200);
    let windows = stand_in.braze().budget_windows();
    for window in &windows {
        // Its share, and the requests in flight at a turn of the window counted in the next.
        assert!(window.spent <= 40 + 8, "{window:?} of {windows:?}");
    }
}

#[test]
fn a_glitched_reset_neither_freezes_nor_unpaces_a_share() {
    // Every 60th answer names a Reset ten minutes late.
    let stand_in = stand_in(
        120,
        RateLimitConfig {
            limit: 200,
            window: Duration::from_secs(1),
            reset_glitch: Some(ResetGlitch {
                every: 60,
                shift_secs: 600,
            }),
            ..RateLimitConfig::default()
        },
    );
    // Four quarters of 200 a second: 120 segments each take about three seconds, not minutes.
    let runs = exports(
        &stand_in,
        4,
        &["--budget-share", "0.25", "export"],
        Duration::from_secs(60),
    );
    all_complete(&runs, 120);
    let windows = stand_in.braze().budget_windows();
    for window in &windows {
        assert!(window.spent <= 4 * (50 + 8), "{window:?} of {windows:?}");
    }
}

#[test]
fn a_reserve_not_above_what_is_in_flight_is_warned_about() {
    let stand_in = StandIn::start(MockConfig {
        segments: 5,
        ..MockConfig::default()
    });
    let runs = exports(
        &stand_in,
        1,
        &["--reserve", "8", "export", "--concurrency", "8"],
        Duration::from_secs(60),
    );
    all_complete(&runs, 5);
    assert!(
        runs[0]
            .stderr
            .contains("warning: --reserve 8 is not more than the 8 requests"),
        "{}",
        runs[0].stderr
    );
    let runs = exports(
        &stand_in,
        1,
        &["--reserve", "9", "export", "--concurrency", "8"],
        Duration::from_secs(60),
    );
    assert!(!runs[0].stderr.contains("warning"), "{}", runs[0].stderr);
}
