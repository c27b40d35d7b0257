//! The users export: `braze-segments users` end to end (start, wait, download, read, write
//! JSONL) with its peak RSS for several segment sizes, and the SDK's archive reader alone, in
//! users per second on one thread, on the largest archive.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use braze_segments::ArchiveLimits;
use braze_segments_mock_server::{MockBraze, MockConfig};

use crate::wait_with_peak_rss;

/// The fields asked for: a typical mix with nested custom attributes and events.
const FIELDS: &str =
    "external_id,braze_id,first_name,last_name,email,country,created_at,custom_attributes,custom_events";

pub struct UsersRun {
    pub users: u64,
    pub seconds: f64,
    pub peak_rss_mib: f64,
    pub archive_bytes: u64,
}

pub struct ReadRun {
    pub users: u64,
    pub inflated_bytes: u64,
    pub seconds: f64,
}

impl ReadRun {
    pub fn users_per_s(&self) -> f64 {
        self.users as f64 / self.seconds
    }
}

/// Runs the CLI's `users` for a segment of `users` users on the stand-in; keeps the archive at
/// `keep` when given.
pub fn cli_run(server_rt: &tokio::runtime::Runtime, cli: &Path, users: u64, keep: Option<&Path>) -> UsersRun {
    let braze = server_rt
        .block_on(MockBraze::start(MockConfig {
            segments: 3,
            rate_limit: None,
            users_export_ready_after: Duration::ZERO,
            ..MockConfig::default()
        }))
        .unwrap();
    let segment = braze.segments()[0].id.clone();
    braze.set_users_in_segment(&segment, users);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    let mut command = Command::new(cli);
    command
        .env_clear()
        .env("BRAZE_API_KEY", braze.api_key())
        .env("BRAZE_REST_ENDPOINT", braze.url())
        .args(["users", &segment, "--fields", FIELDS, "--out"])
        .arg(&out)
        .stderr(std::process::Stdio::null());
    if let Some(keep) = keep {
        command.arg("--keep-archive").arg(keep);
    }
    let started = Instant::now();
    let (ok, peak_rss_kib) = wait_with_peak_rss(command.spawn().unwrap());
    let seconds = started.elapsed().as_secs_f64();
    assert!(ok, "`braze-segments users` failed for {users} users");
    let lines = count_lines(&out);
    assert_eq!(lines, users, "every user written");
    let archive_bytes = keep.and_then(|k| std::fs::metadata(k).ok()).map_or(0, |m| m.len());
    server_rt.block_on(braze.shutdown());
    UsersRun {
        users,
        seconds,
        peak_rss_mib: peak_rss_kib as f64 / 1024.0,
        archive_bytes,
    }
}

fn count_lines(path: &Path) -> u64 {
    use std::io::BufRead as _;
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    file.split(b'\n').count() as u64
}

/// Reads `archive` with the SDK's reader on this thread, `rounds` times; the median run.
pub fn read_speed(archive: &Path, rounds: usize) -> ReadRun {
    let mut runs: Vec<ReadRun> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            let tally = braze_segments::read_archive_file(archive, ArchiveLimits::default()).unwrap();
            let seconds = started.elapsed().as_secs_f64();
            assert_eq!(tally.bad_lines, 0);
            ReadRun {
                users: tally.users,
                inflated_bytes: tally.inflated_bytes,
                seconds,
            }
        })
        .collect();
    runs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    runs.swap_remove(runs.len() / 2)
}

/// The `users` runs for each size (the largest keeps its archive), then the reader alone on
/// that archive.
pub fn measure(server_rt: &tokio::runtime::Runtime, cli: &Path, sizes: &[u64]) -> (Vec<UsersRun>, Option<ReadRun>) {
    let dir = tempfile::tempdir().unwrap();
    let largest = sizes.iter().copied().max();
    let kept: PathBuf = dir.path().join("users.zip");
    let mut runs = Vec::new();
    for &users in sizes {
        let keep = (Some(users) == largest).then_some(kept.as_path());
        let run = cli_run(server_rt, cli, users, keep);
        println!(
            "users {}: {:.2} s end to end ({:.0} users/s), peak RSS {:.1} MiB",
            run.users,
            run.seconds,
            run.users as f64 / run.seconds,
            run.peak_rss_mib
        );
        runs.push(run);
    }
    let read = largest.map(|_| {
        let read = read_speed(&kept, 5);
        println!(
            "archive reader: {:.0} users/s on one thread ({} users, {:.0} MiB inflated, {:.0} MiB/s; median of 5)",
            read.users_per_s(),
            read.users,
            read.inflated_bytes as f64 / (1 << 20) as f64,
            read.inflated_bytes as f64 / (1 << 20) as f64 / read.seconds
        );
        read
    });
    (runs, read)
}
