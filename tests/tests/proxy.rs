//! Proxies from the environment. This file holds one test on purpose: it sets the process's
//! proxy variables, which would leak into any test running beside it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use braze_segments::{Client, RetryPolicy};
use braze_segments_mock_server::{MockBraze, MockConfig};
use braze_segments_tests::{KEY, SEGMENT_ID};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// A "proxy" that records the head of every request it is sent, then hangs up.
struct RecordingProxy {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl RecordingProxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    seen.lock().unwrap().push(String::from_utf8_lossy(&head).into_owned());
                });
            }
        });
        Self { url, heads }
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_never_goes_through_a_proxy_and_https_tunnels_through_it() {
    let proxy = RecordingProxy::start().await;
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
    ] {
        std::env::set_var(name, &proxy.url);
    }
    for name in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }
    let braze = MockBraze::start(MockConfig::default()).await.unwrap();
    let id = braze.segments()[0].id.clone();

    // The environment's proxy is in force here: a plain reqwest client sends the request, key
    // and all, to it in clear. This is what the SDK's own client must never do.
    let naive = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .http_client(reqwest::Client::new())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let _ = naive.segment_details(&id).await;
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "the test's proxy is not in effect: {heads:?}");
    assert!(heads[0].contains("Bearer"), "{heads:?}");

    // The SDK's client: straight to the loopback endpoint, the proxy untouched.
    for _ in 0..2 {
        let client = Client::builder()
            .api_key(braze.api_key())
            .endpoint(braze.url())
            .build()
            .unwrap();
        let details = client.segment_details(&id).await.unwrap();
        assert_eq!(details.message, "success");
    }
    assert_eq!(
        proxy.heads().len(),
        1,
        "a plain-http request went to the proxy: {:?}",
        proxy.heads()
    );

    // https goes through the proxy as a CONNECT tunnel, which carries no key in clear.
    let client = Client::builder()
        .api_key(KEY)
        .endpoint("https://rest.iad-01.braze.com")
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.segment_details(SEGMENT_ID).await.unwrap_err();
    let heads = proxy.heads();
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert!(heads[1].starts_with("CONNECT rest.iad-01.braze.com:443 "), "{heads:?}");
    assert!(!heads[1].contains(KEY) && !heads[1].contains("Bearer"), "{heads:?}");
    assert!(!err.to_string().contains(KEY), "{err}");
    braze.shutdown().await;
}
