//! `export --series`: each segment's size per day in its record (JSONL) or rows (CSV, long),
//! whole or absent across a kill and a resume, untracked segments named apart, the budget kept.

use crate::common;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use braze_segments::SegmentRecord;
use braze_segments_mock_server::{Endpoint, MockConfig, RateLimitConfig};
use common::{no_rate_limit, RunExpecting as _, StandIn};

fn records(path: &Path) -> Vec<SegmentRecord> {
    let content = std::fs::read_to_string(path).unwrap();
    assert!(content.ends_with('\n'), "the file ends with a whole line");
    content.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn tracked(record: &SegmentRecord) -> bool {
    record.summary.analytics_tracking_enabled != Some(false)
}

/// Every segment of `stand_in` once; a tracked one with `days` points, oldest first, all of
/// them ending on one day; an untracked one without a series.
fn assert_whole(records: &[SegmentRecord], stand_in: &StandIn, days: usize) {
    let ids: HashSet<&str> = records.iter().map(|r| r.summary.id.as_str()).collect();
    assert_eq!(ids.len(), records.len(), "no segment twice");
    let segments = stand_in.braze().segments();
    assert_eq!(
        ids,
        segments.iter().map(|s| s.id.as_str()).collect(),
        "every segment once"
    );
    let mut last_days = BTreeSet::new();
    for record in records {
        match (&record.series, tracked(record)) {
            (Some(points), true) => {
                assert_eq!(points.len(), days, "{record:?}");
                let seen: Vec<_> = points.iter().map(|p| p.day().unwrap()).collect();
                assert!(seen.windows(2).all(|w| w[0] < w[1]), "oldest first: {seen:?}");
                last_days.insert(*seen.last().unwrap());
            }
            (None, false) => {}
            (series, tracked) => panic!("tracked {tracked} with series {series:?}: {record:?}"),
        }
    }
    assert!(last_days.len() <= 1, "every series ends on one day: {last_days:?}");
}

#[test]
fn a_series_export_gives_each_tracked_segment_its_days_and_names_the_untracked_apart() {
    let stand_in = StandIn::start(MockConfig {
        segments: 40,
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sizes.jsonl");
    let (_, stderr) = stand_in
        .cli()
        .args(["export", "--series", "5", "--series-ending-at", "2024-07-25", "--out"])
        .arg(&out)
        .run_expecting(0);
    let records = records(&out);
    assert_whole(&records, &stand_in, 5);
    let tracked = records.iter().filter(|r| tracked(r)).count();
    let untracked = records.len() - tracked;
    assert!(tracked > 0 && untracked > 0, "the stand-in has both kinds");
    let last = records.iter().find_map(|r| r.series.as_ref()?.last()?.day()).unwrap();
    assert_eq!(last.to_string(), "2024-07-25");
    // One series request per tracked segment, none for the untracked (Braze refuses them).
    let counters = stand_in.braze().counters();
    assert_eq!(counters.requests(Endpoint::DataSeries), tracked as u64);
    assert!(
        stderr.contains(&format!("{} requests (40 details, {tracked} series)", 40 + tracked)),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{untracked} segment(s) have analytics tracking off")),
        "{stderr}"
    );
    let untracked_named = stderr
        .lines()
        .filter(|l| l.contains("no series (analytics tracking off)"))
        .count();
    assert_eq!(untracked_named, untracked.min(10), "{stderr}");
}

/// A CSV export in the long layout: its rows grouped by segment, in file order, each group
/// contiguous and as long as its `points` cell says (one row when it has no points).
fn csv_groups(path: &Path) -> Vec<(String, Vec<csv::StringRecord>)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(&header[9..], ["points", "time", "size"]);
    let mut groups: Vec<(String, Vec<csv::StringRecord>)> = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        match groups.last_mut() {
            Some((id, rows)) if id == &row[0] => rows.push(row),
            _ => groups.push((row[0].to_owned(), vec![row])),
        }
    }
    for (id, rows) in &groups {
        let points: usize = rows[0][9].parse().unwrap_or(0);
        assert_eq!(rows.len(), points.max(1), "segment {id} is whole");
    }
    groups
}

#[test]
fn a_series_export_killed_mid_way_and_resumed_holds_every_record_whole() {
    let stand_in = StandIn::start(common::slow(300));
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "csv"] {
        let out = dir.path().join(format!("killed.{format}"));
        let child = stand_in
            .process()
            .args([
                "export",
                "--series",
                "7",
                "--concurrency",
                "4",
                "--format",
                format,
                "--out",
            ])
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let partial = common::kill_once_written(child, &out, 20_000);

        // Resumed without --series: the file's own series (days and end) go on.
        stand_in
            .cli()
            .args(["export", "--resume", "--concurrency", "16", "--out"])
            .arg(&out)
            .run_expecting(0);
        assert!(
            partial < std::fs::read(&out).unwrap().len(),
            "the resume added to the file"
        );
        if format == "jsonl" {
            assert_whole(&records(&out), &stand_in, 7);
        } else {
            let groups = csv_groups(&out);
            let ids: HashSet<&str> = groups.iter().map(|(id, _)| id.as_str()).collect();
            assert_eq!(ids.len(), groups.len(), "no segment twice");
            assert_eq!(ids.len(), 300, "every segment once");
            let ends: HashSet<String> = groups
                .iter()
                .filter(|(_, rows)| !rows[0][9].is_empty())
                .map(|(_, rows)| rows.last().unwrap()[10].to_owned())
                .collect();
            assert_eq!(ends.len(), 1, "every series ends on one day: {ends:?}");
        }
    }
}

#[test]
fn a_resume_refuses_another_series_and_an_export_without_one() {
    let stand_in = StandIn::start(MockConfig {
        segments: 5,
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let with = dir.path().join("with.jsonl");
    stand_in
        .cli()
        .args(["export", "--series", "3", "--out"])
        .arg(&with)
        .run_expecting(0);
    let without = dir.path().join("without.jsonl");
    stand_in.cli().args(["export", "--out"]).arg(&without).run_expecting(0);
    for (file, flags, says) in [
        (&with, &["--series", "4"][..], "the series differs: the file has 3 days"),
        (
            &with,
            &["--series", "3", "--series-ending-at", "2020-01-01"],
            "the series differs",
        ),
        (&without, &["--series", "3"], "the file was exported without --series"),
    ] {
        let before = std::fs::read(file).unwrap();
        let (_, stderr) = stand_in
            .cli()
            .args(["export", "--resume", "--out"])
            .arg(file)
            .args(flags)
            .run_expecting(2);
        assert!(stderr.contains(says), "{flags:?}: {stderr}");
        assert_eq!(std::fs::read(file).unwrap(), before, "the file is left as it was");
    }
    // A notes file whose series Braze would refuse (tampered): refused when the file is opened.
    let notes = dir.path().join("with.jsonl.braze-export.json");
    let mut sidecar: serde_json::Value = serde_json::from_slice(&std::fs::read(&notes).unwrap()).unwrap();
    let kept = sidecar.clone();
    sidecar["series"]["days"] = 500.into();
    std::fs::write(&notes, serde_json::to_vec(&sidecar).unwrap()).unwrap();
    let (_, stderr) = stand_in
        .cli()
        .args(["export", "--resume", "--out"])
        .arg(&with)
        .run_expecting(2);
    assert!(stderr.contains("a series of 500 days"), "{stderr}");
    std::fs::write(&notes, serde_json::to_vec(&kept).unwrap()).unwrap();
    // The same series, or none said, continues.
    stand_in
        .cli()
        .args(["export", "--resume", "--series", "3", "--out"])
        .arg(&with)
        .run_expecting(0);
    let (_, stderr) = stand_in
        .cli()
        .args(["export", "--series-ending-at", "2024-01-01", "--out", "-"])
        .run_expecting(2);
    assert!(stderr.contains("--series"), "{stderr}");
}

#[test]
fn a_series_export_on_a_budget_share_spends_its_share_of_each_window_with_twice_the_requests() {
    // 40 requests a second; a quarter is 10. 30 segments need about 30 + 15 series + 1 listing.
    let stand_in = StandIn::start(MockConfig {
        segments: 30,
        rate_limit: Some(RateLimitConfig {
            limit: 40,
            window: Duration::from_secs(1),
            ..RateLimitConfig::default()
        }),
        ..MockConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shared.jsonl");
    stand_in
        .cli()
        .args([
            "--budget-share",
            "0.25",
            "export",
            "--series",
            "2",
            "--concurrency",
            "4",
            "--out",
        ])
        .arg(&out)
        .run_expecting(0);
    assert_whole(&records(&out), &stand_in, 2);
    let windows = stand_in.braze().budget_windows();
    let spent: u64 = windows.iter().map(|w| w.spent).sum();
    let series = stand_in.braze().counters().requests(Endpoint::DataSeries);
    assert!(
        series > 0 && spent >= 30 + series,
        "{spent} spent, {series} series: {windows:?}"
    );
    let per_window: HashMap<u64, u64> = windows.iter().map(|w| (w.start_ms, w.spent)).collect();
    for (start, spent) in &per_window {
        // A share of 10, and what was in flight when the window turned (4).
        assert!(*spent <= 10 + 4, "window at {start} spent {spent}: {windows:?}");
    }
    assert_eq!(windows.iter().map(|w| w.refused).sum::<u64>(), 0, "{windows:?}");
}
