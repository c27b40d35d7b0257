//! The flags say what they do: `--demo` refuses the flags it cannot honour, `mock-server` shows
//! and takes only its own flags, values are checked by clap under the CLI's own names, and
//! errors about `--endpoint` name `--endpoint`.

use crate::common;

use assert_cmd::Command;
use common::{no_rate_limit, text, RunExpecting as _, StandIn, README_ID};

fn bare() -> Command {
    let mut cmd = Command::cargo_bin("braze-segments").unwrap();
    cmd.env_clear();
    cmd
}

/// The flags that say how to reach Braze.
const CONNECTION: [&str; 6] = [
    "--demo",
    "--endpoint",
    "--instance",
    "--max-attempts",
    "--reserve",
    "--budget-share",
];

#[test]
fn demo_refuses_endpoint_and_instance_before_or_after_the_command() {
    for (args, flag) in [
        (
            &[
                "--demo",
                "--endpoint",
                "https://rest.iad-01.braze.com",
                "details",
                README_ID,
            ][..],
            "--endpoint",
        ),
        (
            &["--demo", "details", README_ID, "--instance", "US-03"][..],
            "--instance",
        ),
        (
            &["details", README_ID, "--demo", "--endpoint", "http://127.0.0.1:9"][..],
            "--endpoint",
        ),
        (
            &["--endpoint", "http://127.0.0.1:9", "list", "--demo"][..],
            "--endpoint",
        ),
        (
            &["--instance", "EU-01", "--demo", "export", "--out", "-"][..],
            "--instance",
        ),
    ] {
        let (stdout, stderr) = bare().args(args).run_expecting(2);
        let says = format!("--demo runs against the built-in stand-in; drop {flag}");
        assert!(stderr.contains(&says), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("demo: using"),
            "refused before the stand-in starts: {stderr}"
        );
        assert_eq!(stdout, "");
    }
}

#[test]
fn demo_honours_max_attempts_reserve_and_budget_share() {
    // The demo's stand-in allows 250,000 requests an hour: keeping them all in reserve stops
    // the listing at its second page, with the reserve named.
    let (_, stderr) = bare().args(["--demo", "list", "--reserve", "250000"]).run_expecting(1);
    assert!(stderr.contains("down to the reserve of 250000"), "{stderr}");
    let (_, stderr) = bare()
        .args(["list", "--demo", "--budget-share", "0.000001"])
        .run_expecting(1);
    assert!(stderr.contains("share of the rate-limit window is used up"), "{stderr}");
    let (_, stderr) = bare()
        .args(["details", README_ID, "--demo", "--max-attempts", "0"])
        .run_expecting(2);
    assert!(stderr.contains("--max-attempts"), "{stderr}");
    bare()
        .args(["--demo", "--max-attempts", "1", "details", README_ID, "--reserve", "10"])
        .run_expecting(0);
}

#[test]
fn connection_flags_are_shown_and_taken_only_where_they_act() {
    let (help, _) = bare().args(["mock-server", "--help"]).run_expecting(0);
    for flag in CONNECTION {
        assert!(!help.contains(flag), "mock-server --help shows {flag}:\n{help}");
    }
    assert!(help.contains("--verbose"), "-v stays global:\n{help}");
    for command in [
        &["details", "--help"][..],
        &["list", "--help"],
        &["data-series", "--help"],
        &["export", "--help"],
    ] {
        let (help, _) = bare().args(command).run_expecting(0);
        for flag in CONNECTION {
            assert!(help.contains(flag), "{command:?} lacks {flag}:\n{help}");
        }
    }
    // Given to mock-server, before or after it, they are usage errors: nothing starts.
    for args in [
        &["mock-server", "--addr", "127.0.0.1:0", "--demo"][..],
        &["mock-server", "--addr", "127.0.0.1:0", "--max-attempts", "2"][..],
        &["--demo", "mock-server", "--addr", "127.0.0.1:0"][..],
        &["--reserve", "5", "mock-server", "--addr", "127.0.0.1:0"][..],
    ] {
        let (stdout, stderr) = bare()
            .args(args)
            // Only a guard against a hang (a started stand-in serves until stopped).
            .timeout(std::time::Duration::from_secs(60))
            .run_expecting(2);
        assert!(stderr.contains("error:"), "{args:?}: {stderr}");
        assert!(!stdout.contains("listening"), "{args:?}: {stdout}");
    }
}

#[test]
fn a_flag_given_both_before_and_after_the_command_is_refused() {
    let (_, stderr) = bare()
        .args(["--reserve", "5", "--demo", "details", README_ID, "--reserve", "6"])
        .run_expecting(2);
    assert!(stderr.contains("--reserve"), "{stderr}");
    let stand_in = StandIn::start(no_rate_limit());
    let (_, stderr) = stand_in
        .cli()
        .args([
            "--endpoint",
            "http://127.0.0.1:9",
            "details",
            README_ID,
            "--instance",
            "US-03",
        ])
        .run_expecting(2);
    assert!(
        stderr.contains("--endpoint") && stderr.contains("--instance"),
        "{stderr}"
    );
    assert_eq!(stand_in.braze().counters().total(), 0);
}

#[test]
fn days_ending_at_and_concurrency_are_checked_by_clap_under_the_clis_names() {
    let stand_in = StandIn::start(no_rate_limit());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let out = out.to_str().unwrap();
    for (args, flag, sdk_name) in [
        (&["data-series", README_ID, "--days", "0"][..], "--days", "length_days"),
        (
            &["data-series", README_ID, "--days", "101"][..],
            "--days",
            "length_days",
        ),
        (
            &["data-series", README_ID, "--days", "7", "--ending-at", ""][..],
            "--ending-at",
            "ending_at",
        ),
        (
            &["data-series", README_ID, "--days", "7", "--ending-at", "  "][..],
            "--ending-at",
            "ending_at",
        ),
        (
            &["data-series", README_ID, "--days", "7", "--ending-at", "yesterday"][..],
            "--ending-at",
            "ending_at",
        ),
        (
            &["data-series", README_ID, "--days", "7", "--ending-at", "2024-02-30"][..],
            "--ending-at",
            "ending_at",
        ),
        (
            &["export", "--out", out, "--concurrency", "0"][..],
            "--concurrency",
            "concurrency must",
        ),
        (
            &["export", "--out", out, "--concurrency", "100000"][..],
            "--concurrency",
            "concurrency must",
        ),
    ] {
        let (_, stderr) = stand_in.cli().args(args).run_expecting(2);
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(!stderr.contains(sdk_name), "{args:?}: {stderr}");
        assert!(
            stderr.contains("For more information, try '--help'"),
            "clap's usage error: {stderr}"
        );
    }
    assert_eq!(stand_in.braze().counters().total(), 0, "nothing was sent");
    assert!(!dir.path().join("out.jsonl").exists());
    // The bounds themselves are taken.
    stand_in
        .cli()
        .args(["data-series", README_ID, "--days", "100", "-o", "json"])
        .run_expecting(0);
    stand_in
        .cli()
        .args(["export", "--concurrency", "64", "--out", out])
        .run_expecting(0);
}

#[test]
fn endpoint_errors_name_the_endpoint_flag() {
    for (endpoint, says) in [
        ("not-a-url", "not a URL"),
        ("http://rest.iad-01.braze.com", "refusing plain http://"),
        ("https://user:secret-pw@rest.iad-01.braze.com", "credentials"),
        ("rest.iad-01.braze.com", "did you mean https://rest.iad-01.braze.com"),
    ] {
        for place in ["before", "after"] {
            let mut cmd = bare();
            cmd.env("BRAZE_API_KEY", "k");
            match place {
                "before" => cmd.args(["--endpoint", endpoint, "details", README_ID]),
                _ => cmd.args(["details", README_ID, "--endpoint", endpoint]),
            };
            let (_, stderr) = cmd.run_expecting(2);
            assert!(
                stderr.contains("--endpoint") && stderr.contains(says),
                "{endpoint}: {stderr}"
            );
            assert!(!stderr.contains("BRAZE_REST_ENDPOINT"), "{endpoint}: {stderr}");
            assert!(!stderr.contains("secret-pw"), "{endpoint}: {stderr}");
        }
    }
    // The variable is still named when it is the variable that is wrong.
    let (_, stderr) = bare()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", "not-a-url")
        .args(["details", README_ID])
        .run_expecting(2);
    assert!(stderr.contains("BRAZE_REST_ENDPOINT"), "{stderr}");
    // An instance name is taken by --endpoint as before; a good URL overrides the variable.
    let stand_in = StandIn::start(no_rate_limit());
    stand_in
        .cli()
        .env("BRAZE_REST_ENDPOINT", "EU-01")
        .args(["details", README_ID, "--endpoint", stand_in.braze().url()])
        .run_expecting(0);
    let (_, stderr) = bare()
        .env("BRAZE_API_KEY", "k")
        .args(["--endpoint", "US-99", "details", README_ID])
        .run_expecting(2);
    assert!(stderr.contains("--endpoint"), "{stderr}");
}

#[test]
fn a_transport_error_prints_each_cause_once() {
    // A port nobody listens on: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_, stderr) = bare()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", format!("http://127.0.0.1:{port}"))
        .args(["details", README_ID, "--max-attempts", "1"])
        .run_expecting(1);
    let causes: Vec<&str> = stderr
        .lines()
        .map(|l| l.trim().trim_start_matches("caused by: "))
        .collect();
    assert!(
        stderr.contains("Connection refused") || stderr.contains("connection refused"),
        "{stderr}"
    );
    for (i, cause) in causes.iter().enumerate() {
        for other in &causes[..i] {
            assert!(!other.contains(cause), "{cause:?} is printed twice:\n{stderr}");
        }
    }
}

#[test]
fn data_series_json_help_says_what_it_prints() {
    let (help, _) = bare().args(["data-series", "--help"]).run_expecting(0);
    assert!(help.contains("one JSON array"), "{help}");
    assert!(!help.contains("one JSON object"), "{help}");
    let out = bare()
        .args(["--demo", "data-series", README_ID, "--days", "3", "-o", "json"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let points: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(points.is_array(), "{stdout}");
}
