//! Downloading a users export's archive from storage hosts that misbehave, over raw TCP on
//! loopback (the bytes httpmock cannot send): a connection cut mid-body is resumed with a
//! `Range`, or restarted when the host ignores it; redirects are followed to another origin
//! without the key; a body past the cap stops whatever its framing.

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use braze_segments::{ArchiveLimits, Client, DownloadError, DownloadOptions, UsersExportJob};
use futures::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// A gzip archive of `users` lines.
fn archive(users: usize) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for i in 0..users {
        writeln!(gz, "{{\"external_id\":\"user-{i}\",\"email\":\"u{i}@example.com\"}}").unwrap();
    }
    gz.finish().unwrap()
}

/// How the host answers its n-th request (from 0), given the request's head.
type Answer = Box<dyn Fn(usize, &str) -> Vec<u8> + Send + Sync>;

/// A storage host on loopback: answers each connection's one request with `answer`, and keeps
/// every request head it received.
async fn host(answer: Answer) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        let mut n = 0;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).await.unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let reply = answer(n, &head);
            seen.lock().unwrap().push(head);
            n += 1;
            let _ = socket.write_all(&reply).await;
            let _ = socket.shutdown().await;
        }
    });
    (url, heads)
}

fn response(status: &str, headers: &[String], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\n").into_bytes();
    for header in headers {
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn client() -> Client {
    Client::builder()
        .api_key("secret-key-never-sent")
        .endpoint(braze_segments_tests::unused_loopback_url())
        .build()
        .unwrap()
}

fn options() -> DownloadOptions {
    DownloadOptions::default()
        .poll_interval(Duration::from_millis(5), Duration::from_millis(20))
        .max_wait(Duration::from_secs(10))
        .request_timeout(Duration::from_secs(5))
}

async fn users_in(client: &Client, link: &str) -> Result<usize, DownloadError> {
    let job = UsersExportJob::from_parts("seg", None, Some(link.to_owned()));
    let archive = client.download_users_export(&job, &options(), |_| {}).await?;
    let mut users = archive.users(ArchiveLimits::default());
    let mut count = 0;
    while let Some(user) = users.next().await {
        user.unwrap();
        count += 1;
    }
    Ok(count)
}

/// The byte a `Range: bytes=N-` header asks to start from.
fn range_start(head: &str) -> Option<usize> {
    head.lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("range: bytes=").map(str::to_owned))
        .and_then(|r| r.trim_end_matches('-').parse().ok())
}

#[tokio::test]
async fn a_download_cut_mid_body_resumes_from_where_it_broke() {
    let body = archive(20_000);
    let len = body.len();
    let served = body.clone();
    let (url, heads) = host(Box::new(move |n, head| match (n, range_start(head)) {
        // First: the whole length announced, half of it sent, then the connection closes.
        (0, None) => response("200 OK", &[format!("content-length: {len}")], &served[..len / 2]),
        (_, Some(from)) => response(
            "206 Partial Content",
            &[
                format!("content-length: {}", len - from),
                format!("content-range: bytes {from}-{}/{len}", len - 1),
            ],
            &served[from..],
        ),
        _ => response("500 Internal Server Error", &[], b""),
    }))
    .await;
    assert_eq!(
        users_in(&client(), &format!("{url}/p.gz?X-Amz-Signature=s"))
            .await
            .unwrap(),
        20_000
    );
    let heads = heads.lock().unwrap();
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert_eq!(
        range_start(&heads[1]),
        Some(len / 2),
        "resumed where it broke: {}",
        heads[1]
    );
}

#[tokio::test]
async fn a_host_that_ignores_the_range_gets_the_download_restarted() {
    let body = archive(20_000);
    let len = body.len();
    let served = body.clone();
    let (url, heads) = host(Box::new(move |n, _| {
        let bytes = if n == 0 { &served[..len / 3] } else { &served[..] };
        response("200 OK", &[format!("content-length: {len}")], bytes)
    }))
    .await;
    assert_eq!(users_in(&client(), &format!("{url}/p.gz")).await.unwrap(), 20_000);
    assert_eq!(heads.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_partial_answer_from_the_wrong_byte_is_refused() {
    let body = archive(5_000);
    let len = body.len();
    let served = body.clone();
    let (url, _) = host(Box::new(move |n, _| {
        if n == 0 {
            response("200 OK", &[format!("content-length: {len}")], &served[..len / 2])
        } else {
            response(
                "206 Partial Content",
                &[format!("content-range: bytes 0-{}/{len}", len - 1)],
                &served,
            )
        }
    }))
    .await;
    match users_in(&client(), &format!("{url}/p.gz")).await {
        Err(DownloadError::Refused { status: 206, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn redirects_to_another_host_are_followed_without_the_key() {
    let body = archive(100);
    let (target, target_heads) = host(Box::new(move |_, _| {
        response("200 OK", &[format!("content-length: {}", body.len())], &body)
    }))
    .await;
    let location = format!("{target}/moved/p.gz?sig=2");
    let (first, first_heads) = host(Box::new(move |_, _| {
        response(
            "307 Temporary Redirect",
            &[format!("location: {location}"), "content-length: 0".into()],
            b"",
        )
    }))
    .await;
    assert_eq!(users_in(&client(), &format!("{first}/p.gz?sig=1")).await.unwrap(), 100);
    for head in first_heads
        .lock()
        .unwrap()
        .iter()
        .chain(target_heads.lock().unwrap().iter())
    {
        let lower = head.to_ascii_lowercase();
        assert!(
            !lower.contains("authorization") && !lower.contains("secret-key"),
            "{head}"
        );
    }
    assert!(target_heads.lock().unwrap()[0].starts_with("GET /moved/p.gz?sig=2 "));
}

#[tokio::test]
async fn a_body_past_the_cap_stops_whatever_its_framing() {
    // A small Content-Length beside chunked framing: hyper reads the chunks, the SDK counts them.
    let chunk = vec![b'x'; 64 * 1024];
    let mut chunked = Vec::new();
    for _ in 0..32 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (url, _) = host(Box::new(move |_, _| {
        response(
            "200 OK",
            &["content-length: 10".into(), "transfer-encoding: chunked".into()],
            &chunked,
        )
    }))
    .await;
    let job = UsersExportJob::from_parts("seg", None, Some(format!("{url}/p.zip")));
    let options = options().max_archive_bytes(1 << 20);
    match client().download_users_export(&job, &options, |_| {}).await {
        Err(DownloadError::TooLarge { limit, .. }) => assert_eq!(limit, 1 << 20),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_download_longer_than_the_time_limit_goes_on_while_bytes_flow() {
    // The body trickles for about 2.5 s with 250 ms silences; the time limit is 1 s: it bounds
    // each silence, not the whole download.
    let body = archive(3_000);
    let len = body.len();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/p.gz", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).await.unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let start = response("200 OK", &[format!("content-length: {len}")], b"");
        socket.write_all(&start).await.unwrap();
        for piece in body.chunks(len.div_ceil(10)) {
            tokio::time::sleep(Duration::from_millis(250)).await;
            socket.write_all(piece).await.unwrap();
        }
    });
    let job = UsersExportJob::from_parts("seg", None, Some(url));
    let options = options().request_timeout(Duration::from_secs(1));
    let archive = client().download_users_export(&job, &options, |_| {}).await.unwrap();
    assert_eq!(archive.len(), len as u64);
}

#[tokio::test]
async fn a_storage_host_that_never_answers_is_given_up_after_a_few_polls() {
    let link = format!(
        "{}/p.zip?X-Amz-Signature=s",
        braze_segments_tests::unused_loopback_url()
    );
    let job = UsersExportJob::from_parts("seg", None, Some(link));
    let started = std::time::Instant::now();
    match client().download_users_export(&job, &options(), |_| {}).await {
        Err(e @ DownloadError::Transport { .. }) => {
            assert!(e.to_string().contains("did not answer 5 polls in a row"), "{e}");
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    // Not the whole 10-second wait for an export that is not there.
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[tokio::test]
async fn an_accepted_or_empty_answer_is_not_the_archive() {
    let body = archive(10);
    let (url, heads) = host(Box::new(move |n, _| match n {
        0 => response("202 Accepted", &["content-length: 0".into()], b""),
        1 => response("204 No Content", &[], b""),
        _ => response("200 OK", &[format!("content-length: {}", body.len())], &body),
    }))
    .await;
    assert_eq!(users_in(&client(), &format!("{url}/p.gz")).await.unwrap(), 10);
    assert_eq!(heads.lock().unwrap().len(), 3);
}
