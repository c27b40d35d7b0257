//! The stand-in's small edges, over real HTTP and raw TCP: HEAD, the scheme's case, an empty
//! key, budgets with windows under a second.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use braze_segments_mock_server::{MockBraze, MockConfig, RateLimitConfig, EXAMPLE_ID};

/// Sends `request` on a fresh connection and reads until the server closes it.
fn exchange(braze: &MockBraze, request: &str) -> String {
    let mut stream = TcpStream::connect(braze.url().trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8(answer).unwrap()
}

/// The value of header `name` in the first response of `raw`.
fn header_of<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    let head = raw.split("\r\n\r\n").next().unwrap();
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

#[test]
fn head_is_answered_as_get_without_a_body() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let braze = runtime.block_on(MockBraze::start(MockConfig::default())).unwrap();
    let key = braze.api_key().to_owned();
    let path = format!("/segments/details?segment_id={EXAMPLE_ID}");
    // A HEAD then a GET on one connection: had the HEAD's answer carried a body, the GET's
    // status line would not come right after the HEAD's headers.
    let raw = exchange(
        &braze,
        &format!(
            "HEAD {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\r\n\
             GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n"
        ),
    );
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{raw}");
    assert_eq!(header_of(&raw, "content-type"), Some("application/json"));
    assert_eq!(
        header_of(&raw, "x-ratelimit-remaining"),
        Some("249999"),
        "HEAD spends as GET"
    );
    assert!(
        rest.starts_with("HTTP/1.1 200"),
        "no body after the HEAD's headers: {rest}"
    );
    assert_eq!(header_of(rest, "x-ratelimit-remaining"), Some("249998"));
    assert!(rest.contains(r#""message":"success""#));
    // Without the key, HEAD gets the 401 GET gets (without its body).
    let raw = exchange(
        &braze,
        &format!("HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    assert!(raw.starts_with("HTTP/1.1 401"), "{raw}");
    assert!(raw.ends_with("\r\n\r\n"), "no body: {raw:?}");
    runtime.block_on(braze.shutdown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_scheme_is_read_in_any_case_the_key_exactly() {
    let braze = MockBraze::start(MockConfig::default()).await.unwrap();
    let key = braze.api_key().to_owned();
    let http = reqwest::Client::new();
    let status = |value: String| {
        let request = http
            .get(format!("{}/segments/list", braze.url()))
            .header("authorization", value);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    for accepted in [
        format!("Bearer {key}"),
        format!("bearer {key}"),
        format!("BEARER {key}"),
        format!("bEaReR  {key}"),
        // Whitespace around a header's value is not part of it (RFC 9110 §5.5).
        format!("Bearer {key} "),
    ] {
        assert_eq!(status(accepted.clone()).await, 200, "{accepted:?}");
    }
    for refused in [
        format!("Bearer{key}"),
        format!("Bearer {}", key.to_uppercase()),
        format!("Bearerx {key}"),
        format!("Basic {key}"),
        "Bearer ".to_owned(),
        "Bearer".to_owned(),
        key.clone(),
    ] {
        assert_eq!(status(refused.clone()).await, 401, "{refused:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_key_is_refused_at_start() {
    let err = MockBraze::start(MockConfig {
        api_key: String::new(),
        ..MockConfig::default()
    })
    .await
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("empty"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_under_a_second_is_kept_exact_and_its_reset_rounded_up() {
    const WINDOW_MS: u64 = 250;
    let braze = MockBraze::start(MockConfig {
        rate_limit: Some(RateLimitConfig {
            limit: 3,
            window: Duration::from_millis(WINDOW_MS),
            ..RateLimitConfig::default()
        }),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let now_ms = || SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    // Requests until a window that does not start on a whole second has been seen, and a 429
    // (bounded, in case neither ever comes).
    let mut refused = 0;
    let mut off_the_second = false;
    for _ in 0..20_000 {
        let before = now_ms();
        let response = http
            .get(format!("{}/segments/list", braze.url()))
            .bearer_auth(braze.api_key())
            .send()
            .await
            .unwrap();
        let after = now_ms();
        refused += u32::from(response.status().as_u16() == 429);
        let reset: u64 = response.headers()["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        // The end of the window the request fell in, rounded up to the whole second.
        let end = |at: u64| (at - at % WINDOW_MS + WINDOW_MS).div_ceil(1000);
        assert!(
            (end(before)..=end(after)).contains(&reset),
            "{reset} for {before}..{after}"
        );
        off_the_second = braze.budget_windows().iter().any(|w| w.start_ms % 1000 != 0);
        if off_the_second && refused > 0 {
            break;
        }
    }
    assert!(off_the_second && refused > 0, "{:?}", braze.budget_windows());
    for w in braze.budget_windows() {
        assert_eq!(w.start_ms % WINDOW_MS, 0, "windows start on multiples of 250 ms: {w:?}");
        assert!(w.spent <= 3, "{w:?}");
    }
}
