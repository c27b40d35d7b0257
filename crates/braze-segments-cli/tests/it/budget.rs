//! `--reserve` and `--budget-share`: checked before any request, and an export that meets a
//! spent budget says it waits, then completes.

use crate::common;

use std::time::Duration;

use braze_segments_mock_server::{MockConfig, RateLimitConfig};
use common::{RunExpecting as _, StandIn};

#[test]
fn bad_budget_values_are_usage_errors_before_any_request() {
    let stand_in = StandIn::start(MockConfig::default());
    for (flag, value, says) in [
        ("--budget-share", "0", "0 < F ≤ 1"),
        ("--budget-share", "1.5", "0 < F ≤ 1"),
        ("--budget-share=-0.2", "", "0 < F ≤ 1"),
        ("--budget-share", "NaN", "0 < F ≤ 1"),
        ("--budget-share", "quarter", "not a number"),
        ("--reserve=-1", "", "--reserve"),
        ("--reserve", "lots", "--reserve"),
    ] {
        let mut cli = stand_in.cli();
        cli.arg(flag);
        if !value.is_empty() {
            cli.arg(value);
        }
        let (_, stderr) = cli.args(["details", common::README_ID]).run_expecting(2);
        assert!(stderr.contains(says), "{flag} {value}: {stderr}");
    }
    assert_eq!(stand_in.braze().counters().total(), 0, "no request was sent");
    // Good values are taken by every command that calls Braze.
    stand_in
        .cli()
        .args(["--reserve", "10", "--budget-share", "0.5", "details", common::README_ID])
        .run_expecting(0);
}

#[test]
fn an_export_that_meets_a_spent_budget_says_so_and_completes() {
    // 25 requests a 2-second window, 3 kept in reserve; 60 segments need 61 requests: three
    // windows, so at least one wait of a whole window.
    let stand_in = StandIn::start(MockConfig {
        segments: 60,
        rate_limit: Some(RateLimitConfig {
            limit: 25,
            window: Duration::from_secs(2),
            ..RateLimitConfig::default()
        }),
        ..MockConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("segments.jsonl");
    let (_, stderr) = stand_in
        .cli()
        .args(["-v", "--reserve", "3", "export", "--concurrency", "2", "--out"])
        .arg(&out)
        .run_expecting(0);
    assert!(
        stderr.contains("waiting for Braze's budget until") && stderr.contains("the reserve is reached"),
        "{stderr}"
    );
    // -v traces each wait: why, how long, until when.
    let traced = stderr
        .lines()
        .find(|l| l.contains("waiting for Braze's budget") && l.contains("reason="))
        .unwrap_or_else(|| panic!("no traced wait: {stderr}"));
    assert!(
        traced.contains("reason=the reserve is reached") && traced.contains("wait_ms=") && traced.contains("until="),
        "{traced}"
    );
    let lines = std::fs::read_to_string(&out).unwrap();
    assert_eq!(lines.lines().count(), 60, "{stderr}");
    assert_eq!(
        stand_in.braze().counters().rate_limited(),
        0,
        "the reserve kept every request below a 429"
    );
}
