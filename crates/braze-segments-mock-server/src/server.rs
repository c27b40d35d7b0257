//! Accepting connections and serving each with hyper until shutdown.
//!
//! What bounds a connection (both origins alike):
//! - its headers must come within [`crate::MockConfig::header_read_timeout`], counted from when
//!   hyper starts waiting for them, so a keep-alive connection idle that long between requests is
//!   closed too;
//! - a write that makes no progress for [`crate::MockConfig::write_timeout`] ends the connection
//!   (the timer restarts whenever the client takes some bytes, so a slow reader still gets a
//!   large archive);
//! - at most [`crate::MockConfig::max_connections`] are open at once across both origins; past
//!   that a new connection is refused rather than kept waiting: its request head is read (within
//!   [`REFUSAL_READ_TIMEOUT`] and [`REFUSAL_HEAD_MAX`] bytes), answered a 503 with
//!   `Retry-After` and `Connection: close`, and the connection closed, so an HTTP client sees a
//!   clean 503 and not a broken connection (one that sends nothing is closed unanswered); at
//!   most [`REFUSING`] such refusals are under way at once, past which a connection is closed
//!   at once, so file descriptors stay bounded;
//! - a failed accept (e.g. `EMFILE`) is retried after a pause that doubles up to a second, so
//!   the loop neither ends nor spins.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutStream;

use crate::{handler, users, State};

/// Which host a listener is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Site {
    /// Braze's REST API.
    Braze,
    /// The storage host of users exports (another origin).
    Storage,
}

/// The first pause after a failed accept.
const ACCEPT_PAUSE_MIN: Duration = Duration::from_millis(10);
/// The longest pause after failed accepts in a row.
const ACCEPT_PAUSE_MAX: Duration = Duration::from_secs(1);

/// How long a connection past the cap has to send its request head (and, once answered, to
/// finish sending what it sent before it is closed); at most the header read timeout.
pub(crate) const REFUSAL_READ_TIMEOUT: Duration = Duration::from_secs(2);
/// The most of a refused connection's request read before it is answered (and, after, drained).
pub(crate) const REFUSAL_HEAD_MAX: usize = 16 << 10;
/// How many refusals may be under way at once (counted in [`crate::limits`]' reserve).
pub(crate) const REFUSING: usize = 32;

/// What a connection past the cap is sent, after its request head, before it is closed.
const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 36\r\n\
retry-after: 1\r\nconnection: close\r\n\r\ntoo many connections open, try again";

/// The pause after a failed accept, given the one before (none after a success).
fn next_pause(previous: Option<Duration>) -> Duration {
    previous.map_or(ACCEPT_PAUSE_MIN, |p| (p * 2).min(ACCEPT_PAUSE_MAX))
}

/// The slots shared by both origins' listeners: of connections served, and of refusals under way.
#[derive(Clone)]
pub(crate) struct Slots {
    open: Arc<Semaphore>,
    refusing: Arc<Semaphore>,
}

/// The slots for at most `max_connections` served at once.
pub(crate) fn slots(max_connections: usize) -> Slots {
    Slots {
        open: Arc::new(Semaphore::new(max_connections.min(Semaphore::MAX_PERMITS))),
        refusing: Arc::new(Semaphore::new(REFUSING)),
    }
}

pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    site: Site,
    slots: Slots,
    mut signal: watch::Receiver<bool>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    // Without a timer hyper applies no header timeout at all; with one, a client that sends its
    // headers a byte at a time (or holds an idle connection) is dropped after the timeout.
    http.timer(TokioTimer::new())
        .header_read_timeout(state.config.header_read_timeout);
    let mut pause = None;
    loop {
        let stream = tokio::select! {
            _ = signal.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    pause = None;
                    stream
                }
                Err(e) => {
                    let wait = next_pause(pause);
                    pause = Some(wait);
                    tracing::warn!(error = %e, pause_ms = wait.as_millis() as u64, "accept failed");
                    tokio::select! {
                        _ = signal.changed() => return,
                        _ = tokio::time::sleep(wait) => continue,
                    }
                }
            },
        };
        let Ok(slot) = slots.open.clone().try_acquire_owned() else {
            tracing::debug!("connection refused: too many open");
            if let Ok(refusing) = slots.refusing.clone().try_acquire_owned() {
                let wait = state.config.header_read_timeout.min(REFUSAL_READ_TIMEOUT);
                tokio::spawn(refuse(stream, wait, state.config.write_timeout, refusing));
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let mut io = TimeoutStream::new(stream);
        io.set_write_timeout(Some(state.config.write_timeout));
        let state = state.clone();
        let mut signal = signal.clone();
        let http = http.clone();
        tokio::spawn(async move {
            // Declared first, so released last: after the connection (and its socket) is gone.
            let _slot = slot;
            let service = hyper::service::service_fn(move |request| {
                let state = state.clone();
                async move {
                    match site {
                        Site::Braze => handler::handle(&state, request).await,
                        Site::Storage => users::storage::handle(&state, request).await,
                    }
                }
            });
            let conn = http.serve_connection(TokioIo::new(Box::pin(io)), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = signal.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
}

/// Answers a connection past the cap a 503 once its request head has come (within `wait`; one
/// that sends nothing, or ends, is closed unanswered), then closes it gracefully: the write side
/// first, then what the client still sends is read (bounded) until it closes too, so the
/// answer is not lost to a reset. `_refusing` is held until the connection is gone.
async fn refuse(mut stream: TcpStream, wait: Duration, write_timeout: Duration, _refusing: OwnedSemaphorePermit) {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    let read_head = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < REFUSAL_HEAD_MAX {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        true
    };
    if !matches!(tokio::time::timeout(wait, read_head).await, Ok(true)) {
        return;
    }
    let answer = async {
        stream.write_all(REFUSAL).await?;
        stream.shutdown().await
    };
    if !matches!(tokio::time::timeout(write_timeout, answer).await, Ok(Ok(()))) {
        return;
    }
    let mut drained = head.len();
    let drain = async {
        while drained < 4 * REFUSAL_HEAD_MAX {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => drained += n,
            }
        }
    };
    let _ = tokio::time::timeout(wait, drain).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_after_failed_accepts_doubles_up_to_a_second() {
        let mut pause = None;
        let mut seen = Vec::new();
        for _ in 0..10 {
            let next = next_pause(pause);
            seen.push(next.as_millis());
            pause = Some(next);
        }
        assert_eq!(seen, [10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000]);
    }

    #[test]
    fn the_refusal_is_one_whole_response() {
        let text = std::str::from_utf8(REFUSAL).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 "));
        assert!(head.contains(&format!("content-length: {}", body.len())));
    }
}
