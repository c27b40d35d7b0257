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
//!   that a new connection is refused (a 503 if its socket takes it, then closed) rather than
//!   kept waiting, so a client learns at once and file descriptors stay bounded;
//! - a failed accept (e.g. `EMFILE`) is retried after a pause that doubles up to a second, so
//!   the loop neither ends nor spins.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
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

/// What a connection past the cap is sent before it is closed.
const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 36\r\n\
retry-after: 1\r\nconnection: close\r\n\r\ntoo many connections open, try again";

/// The pause after a failed accept, given the one before (none after a success).
fn next_pause(previous: Option<Duration>) -> Duration {
    previous.map_or(ACCEPT_PAUSE_MIN, |p| (p * 2).min(ACCEPT_PAUSE_MAX))
}

/// The connections open at once, shared by both origins' listeners.
pub(crate) fn slots(max_connections: usize) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(max_connections.min(Semaphore::MAX_PERMITS)))
}

pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    site: Site,
    slots: Arc<Semaphore>,
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
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            refuse(stream);
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

/// Sends a connection past the cap a 503 if its socket takes it at once, and closes it.
fn refuse(stream: TcpStream) {
    tracing::debug!("connection refused: too many open");
    let _ = stream.try_write(REFUSAL);
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
