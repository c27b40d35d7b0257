//! What `-vv` prints while a call is retried: one attempt number per line.

use std::io::Write;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use assert_cmd::Command;

use crate::common;

use common::{RunExpecting, README_ID};

const KEY: &str = "tracing-test-key";

const DETAILS: &str = r#"{"message":"success","name":"Lapsed Users - 7 days","description":"d","text_description":"t","tags":[],"teams":[],"created_at":"2019-01-01T08:00:00Z","updated_at":"2019-01-31T09:00:00Z"}"#;

/// A loopback HTTP/1.1 server answering 503 to the first `failures` requests and the details
/// body after that, one request per connection. Returns its URL and its request counter.
fn flaky_server(failures: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            common::read_request_head(&mut stream);
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let (status, body) = if n < failures {
                ("503 Service Unavailable", r#"{"message":"try later"}"#)
            } else {
                ("200 OK", DETAILS)
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (url, requests)
}

/// The CLI with key [`KEY`] for the server at `url`, without colours.
fn cli_at(url: &str) -> Command {
    let mut cmd = Command::cargo_bin("braze-segments").unwrap();
    cmd.env_clear()
        .env("BRAZE_API_KEY", KEY)
        .env("BRAZE_REST_ENDPOINT", url)
        .env("NO_COLOR", "1");
    cmd
}

#[test]
fn each_log_line_names_one_attempt() {
    let (url, requests) = flaky_server(2);
    let (stdout, stderr) = cli_at(&url).args(["-vv", "details", README_ID]).run_expecting(0);
    assert!(stdout.contains("Lapsed Users - 7 days"), "{stdout}");
    assert_eq!(requests.load(Ordering::SeqCst), 3, "two 503s, then the answer");

    let lines: Vec<&str> = stderr.lines().collect();
    for line in &lines {
        assert!(
            line.matches("attempt=").count() <= 1,
            "one attempt number per line, got: {line}\nall of stderr:\n{stderr}"
        );
    }
    // Each failed attempt is logged under its own number, and the call's span is still there.
    for n in 1..=2 {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&format!("attempt={n}")) && l.contains("attempt failed")),
            "attempt {n}'s failure is logged with its number:\n{stderr}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("braze.call") && l.contains("operation=") && l.contains("call succeeded")),
        "the call span keeps its fields:\n{stderr}"
    );
    assert!(!stderr.contains(KEY), "the key never shows in logs");
}

#[test]
fn minus_v_shows_one_line_per_call_and_no_attempts() {
    let stand_in = common::StandIn::start(common::no_rate_limit());
    let (_, stderr) = stand_in
        .cli()
        .env("NO_COLOR", "1")
        .args(["-v", "details", README_ID])
        .run_expecting(0);
    let calls: Vec<&str> = stderr.lines().filter(|l| l.contains("braze.call")).collect();
    assert_eq!(calls.len(), 1, "{stderr}");
    assert!(
        calls[0].contains("get_segment_details") && calls[0].contains("status=200"),
        "{stderr}"
    );
    assert!(!stderr.contains("braze.attempt"), "attempts only at -vv: {stderr}");

    // A retried call: -v still shows the call once, and none of its failed attempts.
    let (url, requests) = flaky_server(1);
    let (_, stderr) = cli_at(&url).args(["-v", "details", README_ID]).run_expecting(0);
    assert_eq!(requests.load(Ordering::SeqCst), 2, "a 503, then the answer");
    assert!(stderr.contains("call succeeded"), "{stderr}");
    assert!(!stderr.contains("attempt failed"), "attempts only at -vv: {stderr}");

    // 250 segments: three pages, three calls, three lines.
    let (_, stderr) = stand_in.cli().args(["list", "-o", "jsonl", "-v"]).run_expecting(0);
    let calls = stderr.lines().filter(|l| l.contains("braze.call")).count();
    assert_eq!(calls, 3, "{stderr}");
    assert_eq!(
        stand_in.braze().counters().total(),
        4,
        "one details call and three pages"
    );
}

/// A loopback server that answers every request with a 400 echoing the request's
/// `Authorization` line (in `message` and in `errors`), then a 302 whose `Location` holds
/// user info, a signed query and a fragment.
fn echoing_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { return };
            let head = common::read_request_head(&mut stream);
            let auth = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("authorization"))
                .unwrap_or_default()
                .to_owned();
            let response = if n == 0 {
                let body = format!(r#"{{"message":"key was {auth}","errors":["{auth}"]}}"#);
                format!(
                    "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            } else {
                "HTTP/1.1 302 Found\r\nlocation: http://user:PASSWORD@evil.example/?X-Amz-Signature=SIGSECRET#frag\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned()
            };
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn a_server_echoing_the_key_or_a_signed_location_leaves_no_secret_in_the_logs() {
    let url = echoing_server();
    for (expected, args) in [
        ("Braze answered 400", ["-vv", "details", README_ID]),
        ("Braze answered 302", ["-vv", "details", README_ID]),
    ] {
        let (_, stderr) = cli_at(&url).args(args).run_expecting(1);
        assert!(stderr.contains(expected), "{stderr}");
        assert!(
            stderr.contains("attempt failed"),
            "the -vv trace logs the error: {stderr}"
        );
        for secret in [KEY, "PASSWORD", "SIGSECRET", "#frag"] {
            assert!(!stderr.contains(secret), "{secret} leaked into the logs:\n{stderr}");
        }
    }
}

/// A server error message holding what a terminal acts on: OSC (retitle), CSI (clear screen),
/// BEL, a C1 CSI (U+009B), a bidi override, a carriage return, and line breaks followed by text
/// posing as log lines of their own.
const HOSTILE_MESSAGE: &str =
    "bad \u{1b}]0;PWNED\u{7}\u{1b}[2J \u{9b}31m \u{202e}key\nERROR fake line\r\n  WARN fake too\u{7f}";

/// A loopback server answering every request with a 401 whose `message` and `errors` are
/// [`HOSTILE_MESSAGE`].
fn hostile_error_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            common::read_request_head(&mut stream);
            let body = serde_json::json!({"message": HOSTILE_MESSAGE, "errors": [HOSTILE_MESSAGE]}).to_string();
            let response = format!(
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

/// Whether `c` is something a terminal would act on (a control, or a bidi override/isolate).
fn acts_on_a_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn hostile_cli(url: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"));
    cmd.env_clear()
        .env("BRAZE_API_KEY", KEY)
        .env("BRAZE_REST_ENDPOINT", url)
        .args(["-vv", "details", README_ID]);
    cmd
}

#[test]
fn server_text_in_log_lines_reaches_a_file_escaped_one_event_per_line() {
    let url = hostile_error_server();
    let (_, stderr) = Command::from_std(hostile_cli(&url)).run_expecting(1);
    let logged: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("attempt failed") || l.contains("call failed"))
        .collect();
    assert!(logged.len() >= 2, "the failure is logged at -vv:\n{stderr}");
    for line in &logged {
        assert!(
            line.contains(r"bad \u{1b}]0;PWNED\u{7}\u{1b}[2J \u{9b}31m \u{202e}key\nERROR fake line\r\n"),
            "the server's text is logged, escaped: {line}"
        );
    }
    let raw: Vec<char> = stderr.chars().filter(|&c| c != '\n' && acts_on_a_terminal(c)).collect();
    assert!(raw.is_empty(), "raw {raw:?} reached stderr:\n{stderr}");
    for line in stderr.lines() {
        let start = line.trim_start();
        assert!(
            !start.starts_with("ERROR fake") && !start.starts_with("WARN fake"),
            "a server faked a log line: {line}\nall of stderr:\n{stderr}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn server_text_in_log_lines_reaches_a_terminal_escaped_and_colours_stay() {
    use common::pty::{on_a_terminal, Side};

    let url = hostile_error_server();
    let (code, written, screen) = on_a_terminal(hostile_cli(&url), Side::Stderr);
    assert_eq!(code, Some(1), "{written}");
    assert!(screen.contains("call failed"), "{screen}");
    assert!(screen.contains(r"\u{1b}]0;PWNED\u{7}"), "{screen}");
    // The formatter's own colours: SGR sequences (ESC [ digits/semicolons m) only.
    let mut rest = written.as_str();
    let mut colours = 0;
    while let Some(at) = rest.find('\u{1b}') {
        let tail = &rest[at + 1..];
        let end = tail
            .find('m')
            .unwrap_or_else(|| panic!("ESC not starting a colour: {tail:?}"));
        assert!(
            tail.starts_with('[') && tail[1..end].chars().all(|c| c.is_ascii_digit() || c == ';'),
            "ESC not starting a colour: {:?}",
            &tail[..end.min(40)]
        );
        colours += 1;
        rest = &tail[end + 1..];
    }
    assert!(colours > 0, "a terminal keeps the log's colours: {written:?}");
    let raw: Vec<char> = written
        .chars()
        .filter(|&c| !matches!(c, '\n' | '\r' | '\u{1b}') && acts_on_a_terminal(c))
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} reached the terminal:\n{written:?}");
    for line in screen.lines() {
        let start = line.trim_start();
        assert!(
            !start.starts_with("ERROR fake") && !start.starts_with("WARN fake"),
            "a server faked a log line: {line}\nthe screen:\n{screen}"
        );
    }
}
