//! The SDK over HTTPS: a local TLS server with a test CA, HTTP/2 negotiated through ALPN.
//! A trusted certificate works; one the client cannot trust fails on the first attempt, with an
//! error that says what is wrong and how to fix it.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use braze_segments::{Client, Error};
use braze_segments_tests::{fast_policy, full_details_json, KEY, SEGMENT_ID};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// A test CA and a leaf certificate it signed.
struct Pki {
    ca: CertificateDer<'static>,
    leaf: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

impl Pki {
    /// A fresh CA and a leaf for `names`.
    fn new(names: &[&str]) -> Pki {
        Pki::with_leaf(CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap())
    }

    fn with_leaf(leaf: CertificateParams) -> Pki {
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "braze-segments test CA");
        let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let leaf = leaf.signed_by(&key, &ca).unwrap();
        Pki {
            ca: ca.der().clone(),
            leaf: leaf.der().clone(),
            key: PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        }
    }

    /// A reqwest client that trusts this CA (besides the system's).
    fn trusting_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_der(&self.ca).unwrap())
            .build()
            .unwrap()
    }
}

/// An HTTPS server on 127.0.0.1 (HTTP/2 or HTTP/1.1, as ALPN settles) answering every request
/// with the documented segment details. It counts the TCP connections it accepted and records
/// the HTTP version of each request it got.
struct TlsServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    versions: Arc<Mutex<Vec<Version>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsServer {
    async fn start(pki: &Pki) -> TlsServer {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![pki.leaf.clone()], pki.key.clone_key())
            .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let versions = Arc::new(Mutex::new(Vec::new()));
        let (counter, seen) = (connections.clone(), versions.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let (acceptor, seen) = (acceptor.clone(), seen.clone());
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the handshake here.
                    let Ok(tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                    let service = service_fn(move |request: Request<Incoming>| {
                        let seen = seen.clone();
                        async move {
                            seen.lock().unwrap().push(request.version());
                            Ok::<_, Infallible>(answer(&request))
                        }
                    });
                    let io = TokioIo::new(tls);
                    let _ = if h2 {
                        hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                            .serve_connection(io, service)
                            .await
                    } else {
                        hyper::server::conn::http1::Builder::new()
                            .serve_connection(io, service)
                            .await
                    };
                });
            }
        });
        TlsServer {
            port,
            connections,
            versions,
            task,
        }
    }

    fn url(&self, host: &str) -> String {
        format!("https://{host}:{}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn versions(&self) -> Vec<Version> {
        self.versions.lock().unwrap().clone()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Braze's answer to `/segments/details` with the right key; 401 or 404 otherwise.
fn answer(request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let authorized = request
        .headers()
        .get("authorization")
        .is_some_and(|v| v.as_bytes() == format!("Bearer {KEY}").as_bytes());
    let (status, body) = match (request.uri().path(), authorized) {
        (_, false) => (401, serde_json::json!({"message": "Invalid API key"})),
        ("/segments/details", true) => (200, full_details_json()),
        (_, true) => (404, serde_json::json!({"message": "not found"})),
    };
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

/// Asserts `error` is the SDK's refusal of the server's certificate, and returns its message.
fn assert_untrusted(error: &Error) -> String {
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert!(!error.is_retryable(), "{error:?}");
    assert!(
        std::error::Error::source(error).is_some(),
        "the cause is kept: {error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("certificate is not trusted"), "{message}");
    assert!(!message.contains(KEY) && !format!("{error:?}").contains(KEY));
    message
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_ca_works_over_http2() {
    let pki = Pki::new(&["localhost", "127.0.0.1"]);
    let server = TlsServer::start(&pki).await;
    for host in ["localhost", "127.0.0.1"] {
        let client = Client::builder()
            .api_key(KEY)
            .endpoint(server.url(host))
            .http_client(pki.trusting_client())
            .retry(fast_policy())
            .build()
            .unwrap();
        let response = client.segment_details_with_meta(SEGMENT_ID).await.unwrap();
        assert_eq!(response.value.name.as_deref(), Some("Lapsed Users - 7 days"));
        assert_eq!(response.attempts, 1);
    }
    assert_eq!(server.versions(), vec![Version::HTTP_2; 2], "ALPN settled on h2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_ca_fails_on_the_first_attempt() {
    let pki = Pki::new(&["localhost"]);
    let server = TlsServer::start(&pki).await;

    // The SDK's own HTTP client trusts the system's CAs only.
    let client = Client::builder()
        .api_key(KEY)
        .endpoint(server.url("localhost"))
        .retry(fast_policy())
        .build()
        .unwrap();
    let error = client.segment_details(SEGMENT_ID).await.unwrap_err();
    assert_eq!(server.connections(), 1, "not retried: {error}");
    let message = assert_untrusted(&error);
    for hint in [
        "certificate authority",
        "system's certificate store",
        "add_root_certificate",
        "http_client",
    ] {
        assert!(
            message.contains(hint),
            "the message says how to trust a private CA ({hint}): {message}"
        );
    }

    // A client of the caller's own that does not hold the CA either.
    let client = Client::builder()
        .api_key(KEY)
        .endpoint(server.url("localhost"))
        .http_client(reqwest::Client::new())
        .retry(fast_policy())
        .build()
        .unwrap();
    let error = client.segment_details(SEGMENT_ID).await.unwrap_err();
    assert_eq!(server.connections(), 2, "not retried: {error}");
    assert_untrusted(&error);
    assert!(server.versions().is_empty(), "no request got through");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_for_another_host_fails_on_the_first_attempt() {
    let pki = Pki::new(&["braze.example.com"]);
    let server = TlsServer::start(&pki).await;
    let client = Client::builder()
        .api_key(KEY)
        .endpoint(server.url("localhost"))
        .http_client(pki.trusting_client())
        .retry(fast_policy())
        .build()
        .unwrap();
    let error = client.segment_details(SEGMENT_ID).await.unwrap_err();
    assert_eq!(server.connections(), 1, "not retried: {error}");
    let message = assert_untrusted(&error);
    assert!(message.contains("host name"), "{message}");
    assert!(
        !message.contains("add_root_certificate"),
        "a CA is not the fix here: {message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_certificate_fails_on_the_first_attempt() {
    let mut leaf = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    leaf.not_before = rcgen::date_time_ymd(2001, 1, 1);
    leaf.not_after = rcgen::date_time_ymd(2002, 1, 1);
    let pki = Pki::with_leaf(leaf);
    let server = TlsServer::start(&pki).await;
    let client = Client::builder()
        .api_key(KEY)
        .endpoint(server.url("localhost"))
        .http_client(pki.trusting_client())
        .retry(fast_policy())
        .build()
        .unwrap();
    let error = client.segment_details(SEGMENT_ID).await.unwrap_err();
    assert_eq!(server.connections(), 1, "not retried: {error}");
    let message = assert_untrusted(&error);
    assert!(message.contains("expired"), "{message}");
}
