//! The stand-in holds up under hostile requests: no input panics it, a client that trickles its
//! headers is dropped, unauthenticated requests leave no state behind, and the key check
//! answers alike whatever the wrong key looks like.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use braze_segments_api::types;
use braze_segments_mock_server::{Endpoint, Fault, FaultConfig, MockBraze, MockConfig, EXAMPLE_ID};

async fn start(config: MockConfig) -> MockBraze {
    MockBraze::start(config).await.unwrap()
}

async fn data_series(braze: &MockBraze, length: &str, ending_at: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/segments/data_series", braze.url()))
        .query(&[("segment_id", EXAMPLE_ID), ("length", length), ("ending_at", ending_at)])
        .bearer_auth(braze.api_key())
        .send()
        .await
        .unwrap_or_else(|e| panic!("length={length} ending_at={ending_at:?}: no answer: {e}"))
}

/// The days of a 200 answer, or `None` for a Braze-style 400.
async fn days(response: reqwest::Response) -> Option<Vec<String>> {
    match response.status().as_u16() {
        200 => {
            let series: types::SegmentDataSeries = response.json().await.unwrap();
            Some(series.data.unwrap().into_iter().map(|p| p.time.unwrap()).collect())
        }
        400 => {
            let error: types::BrazeError = response.json().await.unwrap();
            assert!(error.message.contains("ending_at") || error.message.contains("length"));
            None
        }
        other => panic!("answered {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ending_at_in_every_form_braze_accepts_ends_on_its_own_calendar_day() {
    let braze = start(MockConfig::default()).await;
    for (ending_at, last_day) in [
        ("2024-01-31", "2024-01-31"),
        ("2024-01-31T23:59:59Z", "2024-01-31"),
        ("2024-01-31T23:59:59.123456+00:00", "2024-01-31"),
        ("2024-01-31T23:59:59-05:00", "2024-01-31"),
        ("2024-01-31T23:59:59-0500", "2024-01-31"),
        ("2024-01-31T23:59:59+0530", "2024-01-31"),
        ("2019-06-27T23:59:59-5:00", "2019-06-27"),
        ("2024-01-31T10:00:00", "2024-01-31"),
        ("2024-01-31 10:00:00Z", "2024-01-31"),
        (" 2024-01-31 ", "2024-01-31"),
    ] {
        let got = days(data_series(&braze, "3", ending_at).await)
            .await
            .unwrap_or_else(|| panic!("{ending_at:?} refused"));
        assert_eq!(got.len(), 3, "{ending_at:?}");
        assert_eq!(got.last().map(String::as_str), Some(last_day), "{ending_at:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_or_unreadable_ending_at_gets_400_or_200_never_a_dropped_connection() {
    let braze = start(MockConfig::default()).await;
    let unreadable = [
        "",
        "yesterday",
        "2024-13-01",
        "2024-02-30",
        "2024-01-31T25:00:00Z",
        "2024-01-31T23:59:59+99:99",
        "2024-01-31T23:59:59-5",
        "2024-01-31T23:59:59-5:0",
        "2024-01-31T23:59:59-é:00",
        "+275760-09-13",
        "+275760-09-13T00:00:00Z",
        "-275760-01-01",
        "99999999999999999999-01-01",
        "2024-01-99999999999999999999",
        "-",
        "+",
        "T",
        "\u{0}",
    ];
    for ending_at in unreadable {
        assert_eq!(
            days(data_series(&braze, "100", ending_at).await).await,
            None,
            "{ending_at:?} is not a date Braze reads"
        );
    }
    // Far dates that are still dates: a 200. Before the segment was created, an empty series;
    // far ahead, a full one (of fewer days where the calendar runs out).
    for (ending_at, last_day) in [
        ("0001-01-01", None),
        ("0000-01-01", None),
        ("0001-01-01T00:00:00+23:59", None),
        ("-9999-01-01", None),
        ("9999-12-31T23:59:59Z", Some("9999-12-31")),
        ("9999-12-31T23:59:59-23:59", Some("9999-12-31")),
        ("+10000-01-01", Some("+10000-01-01")),
    ] {
        let got = days(data_series(&braze, "100", ending_at).await)
            .await
            .unwrap_or_else(|| panic!("{ending_at:?} refused"));
        assert_eq!(got.len(), if last_day.is_some() { 100 } else { 0 }, "{ending_at:?}");
        assert_eq!(got.last().map(String::as_str), last_day, "{ending_at:?}");
    }
    // At the very ends of the calendar the stand-in can still represent: 200 or 400, and any
    // series holds only days that exist, at most 100 (none before the segment was created).
    for ending_at in [
        "-262143-01-01",
        "-262143-01-05",
        "-262144-12-31",
        "+262142-12-31",
        "+262143-12-31",
        "+262143-12-31T23:59:59Z",
        "+262143-12-31T23:59:59-23:59",
        "-262143-01-01T00:00:00+23:59",
        "-262143-01-01T00:00:00-23:59",
    ] {
        if let Some(got) = days(data_series(&braze, "100", ending_at).await).await {
            assert!(got.len() <= 100, "{ending_at:?}: {} days", got.len());
            assert_eq!(got.is_empty(), ending_at.starts_with('-'), "{ending_at:?}");
        }
    }
    // Lengths out of range, however large.
    for length in ["0", "101", "-1", "99999999999999999999", "1e3", ""] {
        assert_eq!(
            days(data_series(&braze, length, "2024-01-31").await).await,
            None,
            "length={length:?}"
        );
    }
    // The server is still up and answering.
    assert_eq!(
        days(data_series(&braze, "1", "2024-01-31").await).await.unwrap().len(),
        1
    );
}

#[test]
fn a_client_that_trickles_its_headers_is_dropped_after_the_header_timeout() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let braze = runtime
        .block_on(MockBraze::start(MockConfig {
            header_read_timeout: Duration::from_millis(200),
            ..MockConfig::default()
        }))
        .unwrap();
    let addr = braze.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&addr).unwrap();
    // Bounded: a server without the timeout would hold the socket open and this read would
    // wait for ever; 20 s is far past the 200 ms the server must close within.
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream.write_all(b"GET /segments/list HTTP/1.1\r\n").unwrap();
    let mut buf = [0u8; 1024];
    let read = stream.read(&mut buf);
    match read {
        // Closed by the server: end of stream, or a reset, or hyper's 408 then the end.
        Ok(0) => {}
        Ok(n) => assert!(
            buf[..n].starts_with(b"HTTP/1.1 408"),
            "{:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(e) => assert!(
            !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
            "the server kept a trickling client for 20 s: {e}"
        ),
    }
    // A client that sends its request in time is answered as usual.
    let mut ok = TcpStream::connect(&addr).unwrap();
    ok.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    ok.write_all(
        format!(
            "GET /segments/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            braze.api_key()
        )
        .as_bytes(),
    )
    .unwrap();
    let mut answer = Vec::new();
    ok.read_to_end(&mut answer).unwrap();
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    runtime.block_on(braze.shutdown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_requests_for_any_id_leave_no_state_behind() {
    let braze = start(MockConfig {
        segments: 10,
        ..MockConfig::default()
    })
    .await;
    let http = reqwest::Client::new();
    for i in 0..300 {
        for path in ["details", "data_series"] {
            let response = http
                .get(format!(
                    "{}/segments/{path}?segment_id=made-up-{i}&length=1",
                    braze.url()
                ))
                .bearer_auth(format!("key-{i}"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 401);
        }
        // With the right key but an id that names nothing: 400, and no state either.
        let response = http
            .get(format!("{}/segments/details?segment_id=unknown-{i}", braze.url()))
            .bearer_auth(braze.api_key())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
    }
    let counters = braze.counters();
    assert_eq!(counters.unauthorized(), 600);
    assert_eq!(
        counters.tracked_segments(),
        0,
        "no counter for an id the dataset never held"
    );
    assert_eq!(counters.requests_for_segment("made-up-1"), 0);
    // A real segment is counted, with or without a valid key.
    for key in [braze.api_key(), "wrong"] {
        http.get(format!("{}/segments/details?segment_id={EXAMPLE_ID}", braze.url()))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(counters.requests_for_segment(EXAMPLE_ID), 2);
    assert_eq!(counters.tracked_segments(), 1);
    assert!(counters.tracked_segments() <= 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_of_any_length_gets_401_and_never_an_injected_fault() {
    let braze = start(MockConfig {
        faults: FaultConfig {
            rate: 1.0,
            kinds: Fault::ALL.to_vec(),
            delay: Duration::from_millis(1),
            ..FaultConfig::default()
        },
        ..MockConfig::default()
    })
    .await;
    let right = braze.api_key().to_owned();
    let same_length: String = right.chars().rev().collect();
    assert_eq!(same_length.len(), right.len());
    assert_ne!(same_length, right);
    let one_off = format!("{}x", &right[..right.len() - 1]);
    let wrong = [
        same_length,
        one_off,
        format!("{right}x"),
        right[..right.len() - 1].to_owned(),
        String::new(),
        "x".repeat(4096),
    ];
    let http = reqwest::Client::new();
    for key in &wrong {
        let response = http
            .get(format!("{}/segments/details?segment_id={EXAMPLE_ID}", braze.url()))
            .header("authorization", format!("Bearer {key}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401, "key of {} bytes", key.len());
        let body: types::BrazeError = response.json().await.unwrap();
        assert_eq!(body.message, "Invalid API key: non-existent");
    }
    for header in [None, Some(right.clone()), Some(format!("Basic {right}"))] {
        let mut request = http.get(format!("{}/segments/list", braze.url()));
        if let Some(value) = header {
            request = request.header("authorization", value);
        }
        assert_eq!(request.send().await.unwrap().status().as_u16(), 401);
    }
    let counters = braze.counters();
    assert_eq!(counters.unauthorized(), wrong.len() as u64 + 3);
    assert_eq!(counters.total_faults(), 0, "no fault before the key is checked");
    // With the right key, every request meets a fault (rate 1.0).
    let _ = http
        .get(format!("{}/segments/details?segment_id={EXAMPLE_ID}", braze.url()))
        .bearer_auth(&right)
        .send()
        .await;
    assert_eq!(counters.total_faults(), 1);
    assert_eq!(counters.requests(Endpoint::Details), wrong.len() as u64 + 1);
}
