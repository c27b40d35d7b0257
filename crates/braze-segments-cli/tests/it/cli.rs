//! The `braze-segments` binary, run as a user runs it, against the stand-in server.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use assert_cmd::Command;
use braze_segments_mock_server::{Fault, FaultConfig, MockConfig};

use crate::common;

use common::{no_rate_limit, MockServerProcess, RunExpecting, StandIn, README_ID};

#[test]
fn details_text_is_a_readable_block() {
    let stand_in = StandIn::start(no_rate_limit());
    let (stdout, stderr) = stand_in.cli().args(["details", README_ID]).run_expecting(0);
    let expected = "\
Lapsed Users - 7 days
  id:               6d68ea15-26c4-4109-835a-65b81773a5e2
  description:      Last used app more than 7 days ago
  text description: People we are losing
  tags:             retention
  teams:            Growth
  created:          2019-01-01T08:00:00+00:00
  updated:          2019-01-31T09:00:00+00:00
  rate limit:       unknown
";
    assert_eq!(stdout, expected);
    assert_eq!(stderr, "");
}

#[test]
fn details_json_is_one_line_of_segment_details() {
    let stand_in = StandIn::start(no_rate_limit());
    let (stdout, _) = stand_in
        .cli()
        .args(["details", README_ID, "--output", "json"])
        .run_expecting(0);
    let expected = r#"{"message":"success","name":"Lapsed Users - 7 days","description":"Last used app more than 7 days ago","text_description":"People we are losing","tags":["retention"],"teams":["Growth"],"created_at":"2019-01-01T08:00:00Z","updated_at":"2019-01-31T09:00:00Z"}"#;
    assert_eq!(stdout, format!("{expected}\n"));
    let parsed: braze_segments::SegmentDetails = serde_json::from_str(&stdout).unwrap();
    assert_eq!(parsed.tags, ["retention"]);
}

#[test]
fn the_readme_demo_command_works_with_no_configuration() {
    let (stdout, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .args(["--demo", "details", README_ID])
        .run_expecting(0);
    assert!(stdout.starts_with("Lapsed Users - 7 days\n"), "{}", stdout);
    assert!(stdout.contains("rate limit:       249999 of 250000 remaining"));
    assert!(stderr.contains("demo: using the built-in stand-in Braze"));
}

#[test]
fn missing_configuration_exits_2_naming_the_variable_and_the_demo() {
    let (stdout, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .args(["details", README_ID])
        .run_expecting(2);
    let err = stderr;
    assert!(err.contains("BRAZE_API_KEY is not set"), "{err}");
    assert!(err.contains("--demo"), "{err}");
    assert_eq!(stdout, "");

    let (_, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k")
        .args(["details", README_ID])
        .run_expecting(2);
    assert!(stderr.contains("BRAZE_REST_ENDPOINT is not set"), "{}", stderr);
    assert!(
        stderr.contains("set it to your instance (e.g. US-03) or REST URL, or pass --instance/--endpoint"),
        "the missing endpoint says how to give one: {stderr}"
    );

    let (_, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", "http://rest.iad-01.braze.com")
        .args(["details", README_ID])
        .run_expecting(2);
    assert!(stderr.contains("refusing plain http://"), "{}", stderr);
}

#[test]
fn usage_errors_and_invalid_input_exit_2() {
    Command::cargo_bin("braze-segments")
        .unwrap()
        .args(["details"])
        .assert()
        .code(2);
    Command::cargo_bin("braze-segments")
        .unwrap()
        .args(["frobnicate"])
        .assert()
        .code(2);
    Command::cargo_bin("braze-segments")
        .unwrap()
        .args(["--instance", "US-09", "details", "x"])
        .assert()
        .code(2);
    let stand_in = StandIn::start(no_rate_limit());
    let (_, stderr) = stand_in.cli().args(["details", "   "]).run_expecting(2);
    assert!(stderr.contains("invalid segment_id"), "{}", stderr);
    assert_eq!(stand_in.braze().counters().total(), 0, "nothing was sent");
}

#[test]
fn api_failures_exit_1() {
    let stand_in = StandIn::start(no_rate_limit());
    let (stdout, stderr) = stand_in.cli().args(["details", "no-such-segment"]).run_expecting(1);
    assert!(stderr.contains("Braze answered 400"), "{}", stderr);
    assert_eq!(stdout, "");
}

#[test]
fn a_wrong_key_exits_1_and_is_never_printed_at_any_verbosity() {
    let stand_in = StandIn::start(MockConfig::default());
    let wrong = "wrong-key-7b3e9a0c";
    for verbosity in [None, Some("-v"), Some("-vv")] {
        let mut cmd = stand_in.cli_with_key(wrong);
        if let Some(v) = verbosity {
            cmd.arg(v);
        }
        let (stdout, stderr) = cmd.args(["details", README_ID]).run_expecting(1);
        assert!(stderr.contains("Invalid API key"), "{stderr}");
        assert!(
            !stdout.contains(wrong) && !stderr.contains(wrong),
            "the key leaked at {verbosity:?}: {stderr}"
        );
        if verbosity == Some("-vv") {
            assert!(stderr.contains("braze.call"), "tracing is on at -vv: {stderr}");
        }
    }
    // A good key at -vv: the call's span is logged, the key is not.
    let (_, stderr) = stand_in.cli().args(["-vv", "details", README_ID]).run_expecting(0);
    assert!(
        stderr.contains("get_segment_details") && stderr.contains("ratelimit_remaining"),
        "{stderr}"
    );
    assert!(!stderr.contains(stand_in.braze().api_key()), "{stderr}");
}

#[test]
fn injected_faults_are_retried_through() {
    let config = MockConfig {
        rate_limit: None,
        faults: FaultConfig {
            rate: 0.3,
            kinds: vec![
                Fault::ServerError,
                Fault::BadGatewayHtml,
                Fault::Unavailable,
                Fault::DropConnection,
            ],
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    };
    let stand_in = StandIn::start(config);
    let ids: Vec<String> = stand_in
        .braze()
        .segments()
        .iter()
        .take(8)
        .map(|s| s.id.clone())
        .collect();
    for id in &ids {
        stand_in.cli().args(["details", id, "-o", "json"]).assert().success();
    }
    let counters = stand_in.braze().counters();
    assert!(counters.total_faults() > 0, "the seed injects faults");
    assert_eq!(
        counters.total(),
        ids.len() as u64 + counters.total_faults(),
        "each fault cost exactly one retry"
    );
}

#[test]
fn mock_server_command_serves_until_stopped() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
        .args([
            "mock-server",
            "--addr",
            "127.0.0.1:0",
            "--segments",
            "5",
            "--api-key",
            "k1",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("stand-in Braze listening on ")
        .expect(&first)
        .to_owned();
    let rest: Vec<String> = lines.by_ref().take(6).map(Result::unwrap).collect();
    assert!(rest.iter().any(|l| l.contains("BRAZE_API_KEY=k1")), "{rest:?}");
    let id = rest
        .iter()
        .find_map(|l| l.split_whitespace().next().filter(|w| w.len() == 36))
        .unwrap()
        .to_owned();

    let (stdout, _) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k1")
        .env("BRAZE_REST_ENDPOINT", &url)
        .args(["details", &id, "-o", "json"])
        .run_expecting(0);
    assert!(stdout.contains(r#""message":"success""#));
    child.kill().unwrap();
    child.wait().unwrap();

    // The same command, told to fail every request with a 500: the CLI retries, then says so.
    let failing = MockServerProcess::start(&["--fail-rate", "1", "--fault-kinds", "server-error", "--fault-seed", "3"]);
    let (_, stderr) = failing
        .cli()
        .args(["--max-attempts", "2", "details", &id])
        .run_expecting(1);
    assert!(stderr.contains("Braze answered 500: Internal Server Error"), "{stderr}");
}

#[test]
fn the_readme_shows_what_its_first_command_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let command = readme
        .lines()
        .find(|l| l.starts_with("cargo run -p braze-segments-cli -- --demo details "))
        .expect("the README shows the demo command");
    let id = command.rsplit(' ').next().unwrap();
    assert_eq!(id, README_ID);
    let (stdout, _) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .args(["--demo", "details", id])
        .run_expecting(0);
    // Every line the README shows is printed, but for the rate limit's reset time.
    let shown: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("Lapsed Users - 7 days"))
        .take_while(|l| !l.starts_with("```"))
        .collect();
    assert!(shown.len() >= 8, "{shown:?}");
    for line in shown {
        let expected = line.split(" (resets").next().unwrap();
        assert!(
            stdout.lines().any(|l| l.starts_with(expected)),
            "README line {line:?} not in:\n{stdout}"
        );
    }
}
