//! Hostile servers that echo secrets into their answers, over raw TCP on loopback: Braze (or
//! something in front of it) echoing the key it received, in a message, an `errors` item, an
//! HTML page, a non-success message or an undecodable body; a `Location` with user info, a
//! signed query and a fragment, or 100 KB long; a storage host echoing the signed link it was
//! asked for (its request line, or S3's `<Message>`). No error's `Display`, `Debug` or causes
//! hold the key or the link's signature, and each stays bounded.

use std::sync::Arc;
use std::time::Duration;

use braze_segments::{Client, DownloadError, DownloadOptions, RetryPolicy, UsersExportJob};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

const KEY: &str = "SEKRETKEY123-5f1c2d";
const SIGNATURE: &str = "SIGSECRETabcdef0123456789";

/// Builds the whole response from the request's head.
type Reply = Arc<dyn Fn(&str) -> Vec<u8> + Send + Sync>;

/// A loopback server answering each connection's request with `reply(head)`.
async fn echo_server(reply: Reply) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = socket.write_all(&reply(&String::from_utf8_lossy(&head))).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    url
}

fn response(status: &str, headers: &[String], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    )
    .into_bytes();
    for header in headers {
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// The request's `Authorization` line, as the server received it.
fn authorization(head: &str) -> String {
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization"))
        .unwrap_or_default()
        .to_owned()
}

/// The request line (`GET /path?query HTTP/1.1`).
fn request_line(head: &str) -> String {
    head.lines().next().unwrap_or_default().to_owned()
}

fn sdk(url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .endpoint(url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Every text an error shows: `Display`, `Debug`, and each cause's.
fn texts(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    let mut source = err.source();
    while let Some(s) = source {
        texts.push(s.to_string());
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    texts
}

/// Asserts none of `err`'s texts holds any of `secrets` (in any ASCII case).
fn assert_clean(err: &(dyn std::error::Error + 'static), secrets: &[&str]) {
    for text in texts(err) {
        let lower = text.to_ascii_lowercase();
        for secret in secrets {
            assert!(
                !lower.contains(&secret.to_ascii_lowercase()),
                "{secret:?} leaked: {text}"
            );
        }
        assert!(
            text.chars().count() < 5_000,
            "unbounded: {} chars",
            text.chars().count()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn braze_echoing_the_key_in_any_spelling_never_reaches_an_error() {
    let url = echo_server(Arc::new(|head: &str| {
        let auth = authorization(head);
        let key = auth
            .trim_start_matches(|c| c != ' ')
            .trim()
            .trim_start_matches("Bearer ");
        let upper = key.to_uppercase();
        let body = serde_json::json!({
            "message": format!("key was {auth}; again: x{upper}y"),
            "errors": [auth, format!("token={key}"), {"echo": format!("…{key}…")}],
        });
        response("400 Bad Request", &[], body.to_string().as_bytes())
    }))
    .await;
    let err = sdk(&url)
        .segments_page(0, braze_segments::SortDirection::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_clean(&err, &[KEY]);
    let shown = err.to_string();
    assert!(shown.starts_with("Braze answered 400: key was "), "{shown}");
    assert!(shown.contains("***"), "where the key was: {shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_echoed_in_a_page_a_message_or_a_body_that_does_not_decode_is_hidden() {
    let pages: [(&str, Reply); 4] = [
        (
            "an HTML error page",
            Arc::new(|head: &str| {
                let page = format!("<html><pre>{}</pre></html>", authorization(head));
                response("502 Bad Gateway", &[], page.as_bytes())
            }),
        ),
        (
            "a 200 whose message is not success",
            Arc::new(|head: &str| {
                let body = serde_json::json!({"message": format!("denied: {}", authorization(head))});
                response("200 OK", &[], body.to_string().as_bytes())
            }),
        ),
        (
            "a 200 that does not decode (serde quotes the value)",
            Arc::new(|head: &str| {
                let body = serde_json::json!({"message": "success", "segments": authorization(head)});
                response("200 OK", &[], body.to_string().as_bytes())
            }),
        ),
        (
            "a 302 whose Location holds the key",
            Arc::new(|head: &str| {
                let key = authorization(head).rsplit(' ').next().unwrap_or_default().to_owned();
                response("302 Found", &[format!("location: https://evil.example/{key}/x")], b"")
            }),
        ),
    ];
    for (what, reply) in pages {
        let url = echo_server(reply).await;
        let err = sdk(&url)
            .segments_page(0, braze_segments::SortDirection::default())
            .await
            .unwrap_err();
        assert!(err.status().is_some(), "{what}: {err:?}");
        assert_clean(&err, &[KEY]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_shows_no_user_info_query_or_fragment_and_is_bounded() {
    let url = echo_server(Arc::new(|_: &str| {
        let location = "location: http://user:PASSWORD@evil.example/p?X-Amz-Signature=SEKRETTOKEN#frag";
        response("302 Found", &[location.to_owned()], b"")
    }))
    .await;
    let err = sdk(&url).segment_details("seg").await.unwrap_err();
    assert_clean(&err, &["PASSWORD", "user:", "SEKRETTOKEN", "frag", "X-Amz-Signature"]);
    assert!(err.to_string().contains("redirect to http://evil.example/p?…"), "{err}");

    let url = echo_server(Arc::new(|_: &str| {
        let location = format!("location: https://evil.example/{}?sig=TAIL", "a".repeat(100_000));
        response("302 Found", &[location], b"")
    }))
    .await;
    let err = sdk(&url).segment_details("seg").await.unwrap_err();
    assert!(err.to_string().len() < 1_000, "{} bytes", err.to_string().len());
    assert!(format!("{err:?}").len() < 2_000);
    assert_clean(&err, &["TAIL"]);
}

fn signed_link(host: &str) -> String {
    format!("{host}/exports/a.zip?X-Amz-Date=20991129T000000Z&X-Amz-Expires=14400&X-Amz-Signature={SIGNATURE}")
}

async fn download(reply: Reply) -> DownloadError {
    let host = echo_server(reply).await;
    let client = sdk(&braze_segments_tests::unused_loopback_url());
    let job = UsersExportJob::from_parts("seg", None, Some(signed_link(&host)));
    let options = DownloadOptions::default()
        .poll_interval(Duration::from_millis(5), Duration::from_millis(20))
        .max_wait(Duration::from_secs(10))
        .request_timeout(Duration::from_secs(5));
    client.download_users_export(&job, &options, |_| {}).await.unwrap_err()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storage_host_echoing_the_signed_link_never_shows_its_signature() {
    // A 400 page echoing the request line: a relative link with the signed query.
    let err = download(Arc::new(|head: &str| {
        let page = format!("<html>Bad request: {}</html>", request_line(head));
        response("400 Bad Request", &[], page.as_bytes())
    }))
    .await;
    assert!(matches!(err, DownloadError::Refused { status: 400, .. }), "{err:?}");
    assert_clean(&err, &[SIGNATURE, KEY]);
    assert!(err.to_string().contains("/exports/a.zip?…"), "{err}");

    // S3's SignatureDoesNotMatch, its <Message> the whole link, its details the query alone,
    // XML-escaped, and the signature on its own.
    let err = download(Arc::new(|head: &str| {
        let path = request_line(head).split(' ').nth(1).unwrap_or_default().to_owned();
        let query = path
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default()
            .replace('&', "&amp;");
        let xml = format!(
            "<Error><Code>SignatureDoesNotMatch</Code><Message>bad http://h.example{path}</Message>\
             <Query>{query}</Query><SignatureProvided>{SIGNATURE}</SignatureProvided></Error>"
        );
        response("403 Forbidden", &[], xml.as_bytes())
    }))
    .await;
    let DownloadError::Refused { status, code, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((*status, code.as_deref()), (403, Some("SignatureDoesNotMatch")));
    assert_clean(&err, &[SIGNATURE]);

    // No <Message>: the body's start is shown, the query in it as sent and as the host decoded it.
    let err = download(Arc::new(|head: &str| {
        let line = request_line(head);
        let body = format!(
            "<Error><Code>InvalidRequest</Code><Detail>{line} / {}</Detail></Error>",
            line.replace("%", "%25")
        );
        response("403 Forbidden", &[], body.as_bytes())
    }))
    .await;
    assert!(matches!(err, DownloadError::Refused { status: 403, .. }), "{err:?}");
    assert_clean(&err, &[SIGNATURE]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_a_refused_link_does_not_show_the_signature_put_in_its_path() {
    let err = download(Arc::new(|head: &str| {
        // The host moves the signature it received into the path of an ftp:// link.
        let sig = request_line(head)
            .rsplit("X-Amz-Signature=")
            .next()
            .unwrap_or_default()
            .to_owned();
        let sig = sig.split(' ').next().unwrap_or_default().to_owned();
        response("302 Found", &[format!("location: ftp://evil.example/{sig}/a.zip")], b"")
    }))
    .await;
    assert!(matches!(err, DownloadError::UnsafeLink { .. }), "{err:?}");
    assert_clean(&err, &[SIGNATURE]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_loop_within_the_endpoint_does_not_show_the_query_it_was_sent_to() {
    // Relative, so within the endpoint's origin: followed, until there are too many.
    let url = echo_server(Arc::new(|head: &str| {
        let key = authorization(head).rsplit(' ').next().unwrap_or_default().to_owned();
        let location = format!("location: /segments/details?sig=LOOPSECRET&k={key}#frag");
        response("302 Found", &[location], b"")
    }))
    .await;
    let err = sdk(&url).segment_details("seg").await.unwrap_err();
    assert!(matches!(err, braze_segments::Error::Transport { .. }), "{err:?}");
    assert_clean(&err, &["LOOPSECRET", KEY, "frag"]);
}
