//! Data written to stdout (`export --out -`, `list`/`details`/`data-series` as JSON) from a Braze
//! whose text holds what a terminal acts on: on a terminal every such character is escaped (in
//! JSON's notation for JSON, which then still parses to the same data), and to a pipe the data
//! is byte for byte what Braze sent.
#![cfg(target_os = "linux")]

use crate::common;

use common::pty::{on_a_terminal, Side};

/// A window-title change, a screen clear, BEL, a C1 CSI (U+009B), DEL, a bidi override and an
/// isolate, and a line break followed by a line that pretends to be a row.
const EVIL: &str = "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{9b}31mRED\u{202e}\u{2066}x\u{7f}\r\nfake,row";

fn hostile_braze() -> httpmock::MockServer {
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.path("/segments/list").query_param("page", "0");
        then.status(200).json_body(serde_json::json!({
            "message": "success",
            "segments": [{"id": "seg-1", "name": EVIL, "analytics_tracking_enabled": true, "tags": [EVIL]}]
        }));
    });
    server.mock(|when, then| {
        when.path("/segments/list");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "segments": []}));
    });
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200).json_body(serde_json::json!({
            "message": "success", "name": EVIL, "description": EVIL, "tags": [EVIL], "teams": [],
            "created_at": "2024-07-25T13:50:47Z", "updated_at": "2024-07-25T13:50:47Z", "odd": EVIL,
        }));
    });
    server.mock(|when, then| {
        when.path("/segments/data_series");
        then.status(200).json_body(serde_json::json!({
            "message": "success", "data": [{"time": EVIL, "size": 3}]
        }));
    });
    server
}

fn cli(server: &httpmock::MockServer, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"));
    cmd.env_clear()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", server.base_url())
        .args(args);
    cmd
}

/// What `args` writes to a terminal, lines without the terminal's `\r`; checked to hold no
/// character a terminal would act on but its line ends.
fn on_terminal(server: &httpmock::MockServer, args: &[&str]) -> String {
    let (code, written, screen) = on_a_terminal(cli(server, args), Side::Stdout);
    assert_eq!(code, Some(0), "{args:?}: {screen}");
    let lines = written.replace("\r\n", "\n");
    let raw: Vec<char> = lines
        .chars()
        .filter(|&c| {
            c != '\n'
                && (c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c))
        })
        .collect();
    assert!(raw.is_empty(), "{args:?} let {raw:?} reach the terminal: {lines:?}");
    assert!(!lines.lines().any(|l| l.starts_with("fake,row")), "{args:?}: {lines}");
    lines
}

/// What `args` writes to a pipe.
fn to_pipe(server: &httpmock::MockServer, args: &[&str]) -> String {
    let out = cli(server, args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn export_csv_on_a_terminal_is_escaped_and_to_a_pipe_exact() {
    let server = hostile_braze();
    let args = ["export", "--out", "-", "--format", "csv"];
    let shown = on_terminal(&server, &args);
    assert_eq!(shown.lines().count(), 2, "a header and one row: {shown}");
    assert!(
        shown.contains("\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J\\u{9b}31mRED\\u{202e}\\u{2066}x\\u{7f}\\r\\nfake,row"),
        "{shown}"
    );
    let piped = to_pipe(&server, &args);
    assert!(
        piped.contains(&format!("\"{EVIL}\"")),
        "the data as Braze sent it: {piped:?}"
    );
}

#[test]
fn json_on_a_terminal_is_escaped_valid_json_of_the_same_data_and_to_a_pipe_exact() {
    let server = hostile_braze();
    let runs: [&[&str]; 5] = [
        &["export", "--out", "-"],
        &["list", "-o", "jsonl"],
        &["list", "-o", "json"],
        &["details", "seg-1", "-o", "json"],
        &["data-series", "seg-1", "--days", "1", "-o", "json"],
    ];
    for args in runs {
        let shown = on_terminal(&server, args);
        assert!(shown.contains(r"\u009b31mRED\u202e\u2066x\u007f"), "{args:?}: {shown}");
        let piped = to_pipe(&server, args);
        assert!(
            piped.contains('\u{9b}') && piped.contains('\u{202e}'),
            "{args:?}: {piped:?}"
        );
        assert_eq!(shown.lines().count(), piped.lines().count(), "{args:?}");
        for (shown, piped) in shown.lines().zip(piped.lines()) {
            let shown: serde_json::Value = serde_json::from_str(shown).unwrap();
            let piped: serde_json::Value = serde_json::from_str(piped).unwrap();
            assert_eq!(shown, piped, "{args:?}: the same data");
            let evil = serde_json::to_string(EVIL).unwrap();
            assert!(
                piped.to_string().contains(&evil[1..evil.len() - 1]),
                "{args:?}: {piped}"
            );
        }
    }
}

#[test]
fn details_text_on_a_terminal_escapes_the_values_braze_added() {
    let server = hostile_braze();
    let shown = on_terminal(&server, &["details", "seg-1"]);
    assert!(
        shown.contains(r#"odd: "\u001b]0;PWNED\u0007\u001b[2J\u009b31mRED"#),
        "{shown}"
    );
}
