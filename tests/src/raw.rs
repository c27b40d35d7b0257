//! A raw HTTP/1.1 server on loopback for responses httpmock cannot send: chunked bodies,
//! lies in `Content-Length`, garbage instead of HTTP, connections closed mid-body.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with each request.
#[derive(Debug, Clone)]
pub enum RawReply {
    /// Write these bytes (a whole response, or not), then close the connection.
    Bytes(Vec<u8>),
    /// Close the connection without writing anything.
    Close,
}

/// A running raw server: one started with a fixed reply changes it with [`RawServer::set`].
pub struct RawServer {
    url: String,
    reply: Option<Arc<Mutex<RawReply>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    /// Starts serving `reply` to every request.
    pub async fn start(reply: RawReply) -> RawServer {
        let reply = Arc::new(Mutex::new(reply));
        let shared = reply.clone();
        let mut server = RawServer::answering(move |_| shared.lock().unwrap().clone()).await;
        server.reply = Some(reply);
        server
    }

    /// Starts answering each request with what `answer` makes of its target (the path and
    /// query of its request line), for answers that depend on the request.
    pub async fn answering(answer: impl Fn(&str) -> RawReply + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let answer = Arc::new(answer);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let answer = answer.clone();
                tokio::spawn(async move {
                    // Read the request head (the SDK only sends GETs without a body).
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&head);
                    let target = head.split(' ').nth(1).unwrap_or("/");
                    if let RawReply::Bytes(bytes) = answer(target) {
                        let _ = stream.write_all(&bytes).await;
                        let _ = stream.flush().await;
                    }
                    let _ = stream.shutdown().await;
                });
            }
        });
        RawServer { url, reply: None, task }
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Changes what later requests get (a server started with [`RawServer::start`]).
    pub fn set(&self, reply: RawReply) {
        let fixed = self
            .reply
            .as_ref()
            .expect("set is for a server started with a fixed reply");
        *fixed.lock().unwrap() = reply;
    }

    /// A whole HTTP/1.1 response with `Content-Length`.
    pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> RawReply {
        let mut out = format!(
            "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
            body.len()
        )
        .into_bytes();
        for (name, value) in headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(body);
        RawReply::Bytes(out)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
