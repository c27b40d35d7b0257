//! The stand-in bounds its connections, on both origins: a client that stops reading is dropped
//! after the write timeout (time without progress: a slow reader still gets the whole archive),
//! at most `max_connections` are served at once (more are answered a 503 once their request has
//! come, then closed; one that sends nothing is closed unanswered), and a keep-alive
//! connection idle between requests is closed. Raw `std::net::TcpStream` clients over loopback;
//! the stand-in runs on its own runtime's threads.

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use braze_segments_mock_server::{MockBraze, MockConfig, ServedArchive};
use serde_json::{json, Value};

/// The generous bound of every "eventually" here.
const EVENTUALLY: Duration = Duration::from_secs(30);

/// A stand-in with no budget, exports ready at once, serving `archive` bytes.
fn start(runtime: &tokio::runtime::Runtime, config: MockConfig, archive: Option<Vec<u8>>) -> MockBraze {
    let braze = runtime
        .block_on(MockBraze::start(MockConfig {
            rate_limit: None,
            users_export_ready_after: Duration::ZERO,
            ..config
        }))
        .unwrap();
    if let Some(bytes) = archive {
        braze.serve_archive(ServedArchive::Bytes(bytes));
    }
    braze
}

/// A stand-in that serves at most `cap` connections at once, and keeps connections that stay
/// open (the tests' holders) for the whole test.
fn capped(runtime: &tokio::runtime::Runtime, cap: usize) -> MockBraze {
    let config = MockConfig {
        max_connections: Some(cap),
        header_read_timeout: Duration::from_secs(120),
        ..MockConfig::default()
    };
    start(runtime, config, None)
}

/// Starts a users export of the first segment over a connection closed after; its URL.
fn export_url(braze: &MockBraze) -> String {
    let body = json!({"segment_id": braze.segments()[0].id, "fields_to_export": ["email"]}).to_string();
    let mut stream = connect(&split(braze.url()).0);
    let request = format!(
        "POST /users/export/segment HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        braze.api_key(),
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 201"), "{text}");
    let (_, body) = text.split_once("\r\n\r\n").unwrap();
    let started: Value = serde_json::from_str(body).unwrap();
    started["url"].as_str().expect("a url").to_owned()
}

/// `host:port` and `/path?query` of an `http://` URL.
fn split(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let slash = rest.find('/').unwrap_or(rest.len());
    let path = if slash == rest.len() { "/" } else { &rest[slash..] };
    (rest[..slash].to_owned(), path.to_owned())
}

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(EVENTUALLY)).unwrap();
    stream
}

/// Sends a GET of `path` (with the key when given).
fn send_get(stream: &mut TcpStream, path: &str, key: Option<&str>, close: bool) {
    let auth = key
        .map(|k| format!("Authorization: Bearer {k}\r\n"))
        .unwrap_or_default();
    let connection = if close { "Connection: close\r\n" } else { "" };
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n{auth}{connection}\r\n");
    stream.write_all(request.as_bytes()).unwrap();
}

/// Reads one response (headers, then a `Content-Length` body): its status, or the I/O error.
fn read_response(stream: &mut TcpStream) -> std::io::Result<u16> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok(status)
}

/// A list page over a connection of its own, closed after: the status, or the I/O error.
fn list_page(addr: &str, key: &str) -> std::io::Result<u16> {
    let mut stream = connect(addr);
    send_get(&mut stream, "/segments/list", Some(key), true);
    read_response(&mut stream)
}

/// Waits (up to [`EVENTUALLY`]) until a list page is answered 200.
fn served_eventually(addr: &str, key: &str) {
    let deadline = Instant::now() + EVENTUALLY;
    loop {
        match list_page(addr, key) {
            Ok(200) => return,
            other if Instant::now() > deadline => panic!("no 200 within {EVENTUALLY:?}: {other:?}"),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Whether `n` connections can be open at once, each answered: all held until all are.
fn n_held_at_once(addr: &str, key: &str, n: usize) -> bool {
    let mut held = Vec::new();
    for _ in 0..n {
        let mut stream = connect(addr);
        send_get(&mut stream, "/segments/list", Some(key), false);
        if !matches!(read_response(&mut stream), Ok(200)) {
            return false;
        }
        held.push(stream);
    }
    true
}

/// Reads to the end: the bytes read (an error such as a reset also ends it).
fn drain(stream: &mut TcpStream) -> u64 {
    let mut total = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n as u64,
            Err(e) => {
                assert!(
                    !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
                    "still open after {EVENTUALLY:?}: {e}"
                );
                return total;
            }
        }
    }
}

#[test]
fn clients_that_never_read_a_large_archive_are_dropped_and_others_are_served_meanwhile() {
    const STALLED: usize = 3;
    const ARCHIVE: usize = 100 << 20;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let braze = start(
        &runtime,
        MockConfig {
            write_timeout: Duration::from_millis(300),
            // Room for the stalled clients, a normal one, and the export's connection (closed,
            // but perhaps not yet seen to be).
            max_connections: Some(STALLED + 2),
            ..MockConfig::default()
        },
        Some(vec![b'x'; ARCHIVE]),
    );
    let key = braze.api_key().to_owned();
    let api = split(braze.url()).0;
    let url = export_url(&braze);
    let (storage, path) = split(&url);

    // Each asks for the 100 MB archive and reads nothing; peeking waits for the answer to start
    // without taking any of it.
    let mut stalled: Vec<TcpStream> = (0..STALLED)
        .map(|_| {
            let mut stream = connect(&storage);
            send_get(&mut stream, &path, None, true);
            let mut first = [0u8; 12];
            let seen = stream.peek(&mut first).unwrap();
            assert_eq!(&first[..seen], &b"HTTP/1.1 200"[..seen]);
            stream
        })
        .collect();

    // Meanwhile a normal client is answered.
    assert_eq!(list_page(&api, &key).unwrap(), 200);

    // Once every slot can be held by normal clients at once, no stalled client holds one: the
    // stand-in has dropped them all (without the write timeout they would hold theirs for ever).
    let deadline = Instant::now() + EVENTUALLY;
    while !n_held_at_once(&api, &key, STALLED + 2) {
        assert!(
            Instant::now() < deadline,
            "stalled clients still held connections after {EVENTUALLY:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Dropped, each gets what the sockets' buffers held and then the end: never the whole archive.
    for stream in &mut stalled {
        let read = drain(stream);
        assert!(
            read < ARCHIVE as u64,
            "a stalled client still got the whole archive ({read} bytes)"
        );
    }
    runtime.block_on(braze.shutdown());
}

#[test]
fn connections_past_the_cap_are_refused_and_a_normal_client_is_served_once_they_are_gone() {
    const CAP: usize = 4;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let braze = capped(&runtime, CAP);
    let key = braze.api_key().to_owned();
    let api = split(braze.url()).0;
    let storage = split(braze.storage_url()).0;

    // The cap is shared: half the holders on each origin, each answered once (so known to hold
    // a slot) and kept open.
    let holders: Vec<TcpStream> = (0..CAP)
        .map(|n| {
            let mut stream = connect(if n % 2 == 0 { &api } else { &storage });
            // (the storage host answers a request without the key: 404)
            send_get(
                &mut stream,
                "/segments/list",
                (n % 2 == 0).then_some(key.as_str()),
                false,
            );
            read_response(&mut stream).unwrap();
            stream
        })
        .collect();

    // Many more on either origin are refused: their request is answered a 503 and the end
    // (a stand-in without the cap would serve them).
    for n in 0..3 * CAP {
        let mut stream = connect(if n % 2 == 0 { &api } else { &storage });
        send_get(&mut stream, "/segments/list", Some(&key), false);
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .unwrap_or_else(|e| panic!("connection {n} past the cap was not refused: {e}"));
        let answer = String::from_utf8_lossy(&answer).to_lowercase();
        assert!(answer.starts_with("http/1.1 503 "), "{answer}");
        assert!(answer.contains("connection: close"), "{answer}");
        assert!(answer.contains("retry-after: "), "{answer}");
    }
    // One that sends nothing is closed unanswered (not sent an answer to no request).
    let mut silent = connect(&api);
    let mut answer = Vec::new();
    match silent.read_to_end(&mut answer) {
        Ok(_) => assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer)),
        Err(e) => assert!(
            !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "a silent connection past the cap was kept for {EVENTUALLY:?}: {e}"
        ),
    }

    // Once the holders are gone, a normal client is served, and the whole cap is free again
    // (on both origins).
    drop(holders);
    served_eventually(&api, &key);
    let deadline = Instant::now() + EVENTUALLY;
    while !n_held_at_once(&api, &key, CAP) {
        assert!(
            Instant::now() < deadline,
            "the slots were not freed within {EVENTUALLY:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The probes above have just closed: the stand-in frees their slots as it sees them go.
    let deadline = Instant::now() + EVENTUALLY;
    loop {
        let mut stream = connect(&storage);
        send_get(&mut stream, "/nothing-here", None, true);
        if read_response(&mut stream).is_ok_and(|status| status != 503) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the storage origin was not served within {EVENTUALLY:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    runtime.block_on(braze.shutdown());
}

#[test]
fn an_http_client_past_a_cap_held_by_idle_keep_alive_connections_gets_a_clean_503() {
    const CAP: usize = 4;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let braze = capped(&runtime, CAP);
    let key = braze.api_key().to_owned();
    let api = split(braze.url()).0;
    // Keep-alive connections, each answered once and left idle, as a client's pool leaves them.
    let idle: Vec<TcpStream> = (0..CAP)
        .map(|_| {
            let mut stream = connect(&api);
            send_get(&mut stream, "/segments/list", Some(&key), false);
            assert_eq!(read_response(&mut stream).unwrap(), 200);
            stream
        })
        .collect();
    // A real HTTP client (a fresh pool: a new connection) gets a whole 503 that says when to come
    // back, not a broken connection.
    let url = format!("{}/segments/list", braze.url());
    let (status, retry_after, body) = runtime.block_on(async {
        let response = reqwest::Client::new()
            .get(&url)
            .bearer_auth(&key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("no HTTP answer past the cap: {e:?}"));
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        (response.status().as_u16(), retry_after, response.text().await.unwrap())
    });
    assert_eq!(status, 503, "{body}");
    let retry_after = retry_after.expect("a Retry-After");
    assert!(retry_after.parse::<u64>().is_ok(), "{retry_after}");
    assert!(body.contains("too many connections"), "{body}");
    drop(idle);
    runtime.block_on(braze.shutdown());
}

#[test]
fn the_default_cap_serves_more_connections_at_once_than_parallel_exports_open() {
    // Four exports at a concurrency of 64 hold 256 connections, and some to the storage host:
    // the default cap (derived from the raised descriptor limit) serves them all at once.
    const HELD: usize = 300;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let braze = start(&runtime, MockConfig::default(), None);
    let key = braze.api_key().to_owned();
    assert!(
        n_held_at_once(&split(braze.url()).0, &key, HELD),
        "{HELD} connections were not all served at once"
    );
    runtime.block_on(braze.shutdown());
}

#[test]
fn a_slow_reader_that_keeps_reading_gets_the_whole_archive() {
    const ARCHIVE: usize = 32 << 20;
    const CHUNK: usize = 128 << 10;
    const GAP: Duration = Duration::from_millis(15);
    let write_timeout = Duration::from_millis(1500);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let braze = start(
        &runtime,
        MockConfig {
            write_timeout,
            ..MockConfig::default()
        },
        Some(vec![b'y'; ARCHIVE]),
    );
    let url = export_url(&braze);
    let (storage, path) = split(&url);
    let mut stream = connect(&storage);
    send_get(&mut stream, &path, None, true);
    let started = Instant::now();
    let mut received = Vec::with_capacity(ARCHIVE + 1024);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        received.extend_from_slice(&buf[..n]);
        std::thread::sleep(GAP);
    }
    // The pauses alone make the download outlast the write timeout: a timeout of the whole
    // download (rather than of a stall) would have cut it.
    assert!(started.elapsed() > write_timeout);
    let text = String::from_utf8_lossy(&received[..received.len().min(512)]).into_owned();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let body = received.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
    assert_eq!(received.len() - body, ARCHIVE);
    assert!(received[body..].iter().all(|&b| b == b'y'));
    runtime.block_on(braze.shutdown());
}

#[test]
fn a_keep_alive_connection_idle_between_requests_is_closed() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let braze = start(
        &runtime,
        MockConfig {
            header_read_timeout: Duration::from_millis(300),
            ..MockConfig::default()
        },
        None,
    );
    let key = braze.api_key().to_owned();
    let api = split(braze.url()).0;
    let mut stream = connect(&api);
    send_get(&mut stream, "/segments/list", Some(&key), false);
    assert_eq!(read_response(&mut stream).unwrap(), 200);
    // Nothing more is sent: the stand-in closes the connection (perhaps after a 408).
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => assert!(rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"), "{rest:?}"),
        Err(e) => assert!(
            !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "an idle connection was kept for {EVENTUALLY:?}: {e}"
        ),
    }
    runtime.block_on(braze.shutdown());
}
