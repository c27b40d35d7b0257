//! One writer per export file: while an export writes a file, a second export to it (to
//! continue, replace or start it) is refused and changes nothing, so no segment is written twice
//! and no sidecar is replaced under the first.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use braze_segments::SegmentRecord;
use braze_segments_mock_server::{Fault, FaultConfig, MockConfig};
use common::{RunExpecting, StandIn};

fn sidecar(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".braze-export.json");
    PathBuf::from(name)
}

#[test]
fn a_second_export_to_a_file_being_written_is_refused_and_changes_nothing() {
    // Every answer is held 40 ms and the export fetches one segment at a time: it runs for
    // several seconds, and the second runs are made meanwhile.
    let stand_in = StandIn::start(MockConfig {
        segments: 120,
        rate_limit: None,
        faults: FaultConfig {
            rate: 1.0,
            kinds: vec![Fault::Delay],
            delay: Duration::from_millis(40),
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shared.jsonl");
    let mut first = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
        .env_clear()
        .env("BRAZE_API_KEY", stand_in.braze().api_key())
        .env("BRAZE_REST_ENDPOINT", stand_in.braze().url())
        .args(["export", "--concurrency", "1", "--out"])
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The sidecar is written once the file is created and locked.
    let started = Instant::now();
    while !sidecar(&out).exists() {
        assert!(started.elapsed() < Duration::from_secs(60), "the export never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    let sidecar_text = std::fs::read_to_string(sidecar(&out)).unwrap();

    for flags in [
        &["--resume"][..],
        &["--overwrite"],
        &[],
        &["--format", "csv", "--overwrite"],
    ] {
        let (_, stderr) = stand_in
            .cli()
            .arg("export")
            .args(flags)
            .arg("--out")
            .arg(&out)
            .run_expecting(2);
        assert!(stderr.contains("another export is writing to"), "{flags:?}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(sidecar(&out)).unwrap(),
            sidecar_text,
            "{flags:?}: the first export's sidecar is left alone"
        );
    }
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first export was still running"
    );

    assert!(first.wait().unwrap().success());
    let content = std::fs::read_to_string(&out).unwrap();
    let mut ids: Vec<String> = content
        .lines()
        .map(|l| serde_json::from_str::<SegmentRecord>(l).unwrap().summary.id)
        .collect();
    ids.sort();
    let mut expected: Vec<String> = stand_in.braze().segments().iter().map(|s| s.id.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected, "every segment once");
}
