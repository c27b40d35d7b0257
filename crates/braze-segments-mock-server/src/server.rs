//! Accepting connections and serving each with hyper until shutdown.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::{handler, users, State};

/// Which host a listener is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Site {
    /// Braze's REST API.
    Braze,
    /// The storage host of users exports (another origin).
    Storage,
}

pub(crate) async fn serve(listener: TcpListener, state: Arc<State>, site: Site, mut signal: watch::Receiver<bool>) {
    let mut http = hyper::server::conn::http1::Builder::new();
    // Without a timer hyper applies no header timeout at all; with one, a client that sends its
    // headers a byte at a time (or holds an idle connection) is dropped after the timeout.
    http.timer(TokioTimer::new())
        .header_read_timeout(state.config.header_read_timeout);
    loop {
        let (stream, _) = tokio::select! {
            _ = signal.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let mut signal = signal.clone();
        let http = http.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let state = state.clone();
                async move {
                    match site {
                        Site::Braze => handler::handle(&state, request).await,
                        Site::Storage => users::storage::handle(&state, request).await,
                    }
                }
            });
            let conn = http.serve_connection(TokioIo::new(stream), service);
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
