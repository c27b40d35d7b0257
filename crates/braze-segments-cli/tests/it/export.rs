//! `list`, `data-series` and `export` as a user runs them: formats, crash-and-resume, CSV quoting.

use crate::common;

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use braze_segments::SegmentRecord;
use braze_segments_mock_server::{Endpoint, Fault, FaultConfig, MockConfig};
use common::{no_rate_limit, text, StandIn, README_ID};

fn jsonl_ids(path: &Path) -> Vec<String> {
    let content = std::fs::read_to_string(path).unwrap();
    assert!(
        content.is_empty() || content.ends_with('\n'),
        "the file ends with a whole line"
    );
    content
        .lines()
        .map(|line| serde_json::from_str::<SegmentRecord>(line).unwrap().summary.id)
        .collect()
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>()[0], "id");
    reader.records().map(Result::unwrap).collect()
}

fn assert_exactly_once(ids: &[String], stand_in: &StandIn) {
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no segment twice");
    let segments = stand_in.braze().segments();
    let expected: HashSet<&String> = segments.iter().map(|s| &s.id).collect();
    assert_eq!(unique, expected, "every segment once");
}

#[test]
fn export_jsonl_and_csv_hold_every_segment_with_awkward_names_intact() {
    let stand_in = StandIn::start(MockConfig {
        segments: 150,
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();

    let jsonl = dir.path().join("segments.jsonl");
    let out = stand_in
        .cli()
        .args(["export", "--out"])
        .arg(&jsonl)
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        text(&out.stderr).contains("export: 150 written, 0 skipped"),
        "{}",
        text(&out.stderr)
    );
    assert_exactly_once(&jsonl_ids(&jsonl), &stand_in);

    let csv_path = dir.path().join("segments.csv");
    stand_in
        .cli()
        .args(["export", "--format", "csv", "--out"])
        .arg(&csv_path)
        .assert()
        .success();
    let rows = csv_rows(&csv_path);
    assert_exactly_once(&rows.iter().map(|r| r[0].to_owned()).collect::<Vec<_>>(), &stand_in);
    for segment in stand_in.braze().segments() {
        let row = rows.iter().find(|r| r[0] == *segment.id).unwrap();
        assert_eq!(
            &row[1], segment.name,
            "names with commas, quotes, newlines and non-ASCII round-trip"
        );
        let tags: Vec<&str> = segment.tags.iter().flatten().map(String::as_str).collect();
        assert_eq!(&row[4], tags.join("|"));
        assert_eq!(&row[5], segment.teams.join("|"));
    }
    assert!(
        stand_in
            .braze()
            .segments()
            .iter()
            .any(|s| s.name.contains('\n') && s.name.contains(','))
            || {
                let segments = stand_in.braze().segments();
                let names: Vec<_> = segments.iter().map(|s| &s.name).collect();
                names.iter().any(|n| n.contains('\n')) && names.iter().any(|n| n.contains('"'))
            }
    );
}

#[test]
fn a_resume_after_a_torn_write_yields_every_segment_exactly_once() {
    // 30 segments hold every awkward name the dataset makes (quotes, non-ASCII text, a quoted
    // newline).
    let stand_in = StandIn::start(MockConfig {
        segments: 30,
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "csv"] {
        let full = dir.path().join(format!("full.{format}"));
        stand_in
            .cli()
            .args(["export", "--format", format, "--out"])
            .arg(&full)
            .assert()
            .success();
        let bytes = std::fs::read(&full).unwrap();
        // Cut everywhere interesting: inside the header, inside records (quoted newlines
        // included), right after a newline, and at the very end.
        let mut cuts: Vec<usize> = (0..bytes.len()).step_by(397).collect();
        cuts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1)
                .step_by(7),
        );
        cuts.extend([1, 5, bytes.len() - 1, bytes.len()]);
        // Inside the quoted newline, and inside a multi-byte character.
        let text = String::from_utf8_lossy(&bytes);
        cuts.extend(text.find("\nsecond line").map(|at| at + 3));
        cuts.extend(
            text.char_indices()
                .find(|(_, c)| c.len_utf8() > 1)
                .map(|(at, _)| at + 1),
        );
        // Four at a time, each torn file its own.
        let chunk = cuts.len().div_ceil(4);
        std::thread::scope(|scope| {
            for (n, cuts) in cuts.chunks(chunk).enumerate() {
                let (stand_in, bytes, dir) = (&stand_in, &bytes, dir.path());
                scope.spawn(move || {
                    for &cut in cuts {
                        let torn = dir.join(format!("torn-{n}.{format}"));
                        std::fs::write(&torn, &bytes[..cut]).unwrap();
                        let _ = std::fs::remove_file(dir.join(format!("torn-{n}.{format}.braze-export.json")));
                        std::fs::copy(
                            dir.join(format!("full.{format}.braze-export.json")),
                            dir.join(format!("torn-{n}.{format}.braze-export.json")),
                        )
                        .unwrap();
                        stand_in
                            .cli()
                            .args(["export", "--resume", "--format", format, "--out"])
                            .arg(&torn)
                            .assert()
                            .success();
                        let ids = if format == "jsonl" {
                            jsonl_ids(&torn)
                        } else {
                            csv_rows(&torn).iter().map(|r| r[0].to_owned()).collect()
                        };
                        assert_exactly_once(&ids, stand_in);
                    }
                });
            }
        });
    }
}

#[test]
fn an_export_killed_mid_way_and_resumed_yields_every_segment_exactly_once() {
    let stand_in = StandIn::start(common::slow(600));
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "csv"] {
        let out = dir.path().join(format!("killed.{format}"));
        let child = stand_in
            .process()
            .args(["export", "--concurrency", "4", "--format", format, "--out"])
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let partial = common::kill_once_written(child, &out, 20_000);

        stand_in
            .cli()
            .args(["export", "--resume", "--concurrency", "64", "--format", format, "--out"])
            .arg(&out)
            .assert()
            .success();
        let ids = if format == "jsonl" {
            jsonl_ids(&out)
        } else {
            csv_rows(&out).iter().map(|r| r[0].to_owned()).collect()
        };
        assert!(
            partial < std::fs::read(&out).unwrap().len(),
            "the resume added to the partial file"
        );
        assert_exactly_once(&ids, &stand_in);
    }
}

#[test]
fn an_export_through_30_percent_faults_of_every_kind_holds_each_segment_exactly_once() {
    let stand_in = StandIn::start(MockConfig {
        segments: 400,
        rate_limit: None,
        faults: FaultConfig {
            rate: 0.3,
            delay: Duration::from_millis(5),
            seed: 99,
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("faulty.jsonl");
    stand_in
        .cli()
        .args(["--max-attempts", "12", "export", "--concurrency", "64", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_exactly_once(&jsonl_ids(&out), &stand_in);
    let counters = stand_in.braze().counters();
    for kind in Fault::TRANSIENT {
        assert!(counters.faults(kind) > 0, "{kind:?} injected");
    }
    assert!(
        Fault::TRANSIENT
            .iter()
            .any(|kind| counters.faults_at(Endpoint::List, *kind) > 0),
        "faults met the listing too"
    );
}

#[test]
fn resume_refuses_a_file_that_is_not_an_export() {
    let stand_in = StandIn::start(MockConfig {
        segments: 3,
        ..no_rate_limit()
    });
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.csv");
    std::fs::write(&notes, "my,own\ndata,here\n").unwrap();
    let out = stand_in
        .cli()
        .args(["export", "--resume", "--format", "csv", "--out"])
        .arg(&notes)
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(text(&out.stderr).contains("not an export"), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "my,own\ndata,here\n",
        "the file is untouched"
    );
}

#[test]
fn a_listing_failure_says_the_export_is_incomplete_and_exits_1() {
    let stand_in = StandIn::start(MockConfig {
        segments: 5,
        rate_limit: None,
        faults: FaultConfig {
            rate: 1.0,
            kinds: vec![Fault::ServerError],
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = stand_in
        .cli()
        .args(["export", "--out"])
        .arg(dir.path().join("x.jsonl"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = text(&out.stderr);
    assert!(stderr.contains("listing failed"), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
}

#[test]
fn failed_segments_are_listed_the_rest_written_and_exit_1() {
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.path("/segments/list");
        then.status(200).json_body(serde_json::json!({
            "message": "success",
            "segments": [{"id": "good-1"}, {"id": "broken"}, {"id": "good-2"}]
        }));
    });
    let broken = server.mock(|when, then| {
        when.path("/segments/details").query_param("segment_id", "broken");
        then.status(503).body("");
    });
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "name": "fine"}));
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.jsonl");
    let out = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", server.base_url())
        .args(["export", "--out"])
        .arg(&path)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = text(&out.stderr);
    assert!(stderr.contains("export: 2 written, 0 skipped"), "{stderr}");
    assert!(stderr.contains("failed: broken: Braze answered 503"), "{stderr}");
    assert_eq!(broken.calls(), 4, "the default policy retried it");
    let mut ids = jsonl_ids(&path);
    ids.sort();
    assert_eq!(ids, ["good-1", "good-2"]);
}

#[test]
fn list_outputs_table_json_and_jsonl() {
    let stand_in = StandIn::start(MockConfig {
        segments: 120,
        ..no_rate_limit()
    });
    let jsonl = stand_in
        .cli()
        .args(["list", "--output", "jsonl"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let ids: Vec<String> = text(&jsonl)
        .lines()
        .map(|l| serde_json::from_str::<braze_segments::SegmentSummary>(l).unwrap().id)
        .collect();
    assert_eq!(ids.len(), 120);
    let json = stand_in
        .cli()
        .args(["list", "--output", "json", "--sort", "desc"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let all: Vec<braze_segments::SegmentSummary> = serde_json::from_slice(&json).unwrap();
    assert_eq!(all.iter().map(|s| s.id.clone()).rev().collect::<Vec<_>>(), ids);
    let table = text(&stand_in.cli().args(["list"]).assert().success().get_output().stdout);
    assert_eq!(
        table.lines().count(),
        121,
        "a header and one line per segment, newlines in names escaped"
    );
    assert!(table.starts_with("ID "));
}

#[test]
fn data_series_text_matches_its_snapshot() {
    let stand_in = StandIn::start(no_rate_limit());
    let out = stand_in
        .cli()
        .args(["data-series", README_ID, "--days", "14", "--ending-at", "2024-07-25"])
        .assert()
        .success()
        .get_output()
        .clone();
    let snapshot_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/data_series.txt");
    let got = text(&out.stdout);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot_path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot_path).expect("run with UPDATE_SNAPSHOTS=1 to create it");
    assert_eq!(
        got, expected,
        "the chart changed: review it, then UPDATE_SNAPSHOTS=1 cargo test"
    );

    let json = stand_in
        .cli()
        .args([
            "data-series",
            README_ID,
            "--days",
            "14",
            "--ending-at",
            "2024-07-25",
            "-o",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let points: Vec<braze_segments::DataPoint> = serde_json::from_slice(&json).unwrap();
    assert_eq!(points.len(), 14);
    assert!(got.contains(&format!("{:>12}", points[13].size)));
}

#[test]
fn data_series_days_out_of_range_is_a_usage_error() {
    let stand_in = StandIn::start(no_rate_limit());
    for days in ["0", "101"] {
        let out = stand_in
            .cli()
            .args(["data-series", README_ID, "--days", days])
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(text(&out.stderr).contains("--days"), "{}", text(&out.stderr));
    }
    assert_eq!(stand_in.braze().counters().total(), 0);
}

#[test]
fn every_command_works_with_demo() {
    let dir = tempfile::tempdir().unwrap();
    let demo = || {
        let mut cmd = Command::cargo_bin("braze-segments").unwrap();
        cmd.env_clear().arg("--demo");
        cmd
    };
    demo().args(["list", "-o", "jsonl"]).assert().success();
    demo()
        .args(["data-series", README_ID, "--days", "7"])
        .assert()
        .success();
    demo()
        .args(["export", "--out"])
        .arg(dir.path().join("demo.jsonl"))
        .assert()
        .success();
    assert_eq!(jsonl_ids(&dir.path().join("demo.jsonl")).len(), 250);
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_neutralised_and_jsonl_keeps_them_verbatim() {
    let stand_in = StandIn::start(MockConfig {
        segments: 2,
        ..no_rate_limit()
    });
    let names = [
        "=HYPERLINK(\"http://x\")",
        "+1",
        "-2",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "'quoted already",
        "plain, with a comma",
    ];
    let created: Vec<(String, &str)> = names
        .iter()
        .map(|name| (stand_in.braze().create_segment(name), *name))
        .collect();
    // A leading `'` marks a neutralised cell; one already there is doubled, so reading back is
    // dropping one.
    let neutral = |s: &str| {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
            format!("'{s}")
        } else {
            s.to_owned()
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("formulas.csv");
    stand_in
        .cli()
        .args(["export", "--format", "csv", "--out"])
        .arg(&csv_path)
        .assert()
        .success();
    let rows = csv_rows(&csv_path);
    assert_eq!(rows.len(), names.len() + 2);
    for (id, name) in &created {
        let row = rows.iter().find(|r| r[0] == **id).unwrap();
        assert_eq!(&row[1], neutral(name), "{name:?}");
    }

    // Resume reads such a file back: the torn last row is dropped, no segment comes twice.
    let bytes = std::fs::read(&csv_path).unwrap();
    let body = &bytes[..bytes.len() - 1];
    let last_row = body.iter().rposition(|b| *b == b'\n').unwrap() + 1;
    std::fs::write(&csv_path, &bytes[..last_row + (bytes.len() - last_row) / 2]).unwrap();
    stand_in
        .cli()
        .args(["export", "--resume", "--out"])
        .arg(&csv_path)
        .assert()
        .success();
    let ids: Vec<String> = csv_rows(&csv_path).iter().map(|r| r[0].to_owned()).collect();
    assert_exactly_once(&ids, &stand_in);

    let jsonl_path = dir.path().join("formulas.jsonl");
    stand_in
        .cli()
        .args(["export", "--out"])
        .arg(&jsonl_path)
        .assert()
        .success();
    let content = std::fs::read_to_string(&jsonl_path).unwrap();
    for (id, name) in &created {
        let record: SegmentRecord = content
            .lines()
            .map(|line| serde_json::from_str::<SegmentRecord>(line).unwrap())
            .find(|r| r.summary.id == *id)
            .unwrap();
        assert_eq!(
            record.details.name.as_deref(),
            Some(*name),
            "JSONL keeps the data verbatim"
        );
    }
}
