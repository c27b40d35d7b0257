//! `braze-segments export` end to end: time and the child's peak RSS, with or without
//! `--series`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use braze_segments_mock_server::MockBraze;

use crate::{quiet_stand_in, wait_with_peak_rss};

pub(crate) struct ExportResult {
    pub segments: usize,
    pub series: Option<u32>,
    pub seconds: f64,
    pub details_per_s: f64,
    pub peak_rss_mib: f64,
}

pub(crate) fn export(
    server_rt: &tokio::runtime::Runtime,
    cli: &PathBuf,
    segments: usize,
    series: Option<u32>,
) -> ExportResult {
    let braze = server_rt.block_on(MockBraze::start(quiet_stand_in(segments))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export.jsonl");
    let started = Instant::now();
    let child = Command::new(cli)
        .env_clear()
        .env("BRAZE_API_KEY", braze.api_key())
        .env("BRAZE_REST_ENDPOINT", braze.url())
        .args(["export", "--concurrency", "64", "--out"])
        .arg(&out)
        .args(
            series
                .map(|d| ["--series".to_owned(), d.to_string()])
                .into_iter()
                .flatten(),
        )
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (ok, peak_rss_kib) = wait_with_peak_rss(child);
    let seconds = started.elapsed().as_secs_f64();
    assert!(ok, "the export failed");
    let lines = std::fs::read_to_string(&out).unwrap().lines().count();
    assert_eq!(lines, segments, "every segment exported");
    server_rt.block_on(braze.shutdown());
    ExportResult {
        segments,
        series,
        seconds,
        details_per_s: segments as f64 / seconds,
        peak_rss_mib: peak_rss_kib as f64 / 1024.0,
    }
}
