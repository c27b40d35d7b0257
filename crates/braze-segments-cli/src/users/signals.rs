//! The signals that stop `users`: Ctrl-C (SIGINT), and on unix SIGTERM (`timeout`, systemd,
//! `docker stop`) and SIGHUP (a closed terminal). Each is handled alike — the export is
//! cancelled at Braze and the temporary files removed — and ends with the shell's code for it,
//! 128 + the signal's number.

use std::future::Future;
use std::pin::Pin;

/// The signal that stopped the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGINT.
    CtrlC,
    /// SIGTERM.
    Terminate,
    /// SIGHUP.
    Hangup,
}

impl Stop {
    /// The exit code: 128 + the signal's number, as shells report a process it ended.
    pub fn code(self) -> u8 {
        match self {
            Stop::CtrlC => 130,
            Stop::Terminate => 143,
            Stop::Hangup => 129,
        }
    }

    /// What stopped it, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Stop::CtrlC => "Ctrl-C",
            Stop::Terminate => "SIGTERM",
            Stop::Hangup => "SIGHUP",
        }
    }
}

/// Resolves with the first stopping signal (never, for one that cannot be listened for).
pub type Interrupt = Pin<Box<dyn Future<Output = Stop> + Send>>;

/// Listens for the stopping signals from now on: once this returns, those signals no longer
/// end the process at once; they are seen by the returned future (even one that arrived
/// before it is first polled).
#[cfg(unix)]
pub fn interrupt() -> Interrupt {
    use tokio::signal::unix::{signal, SignalKind};
    let mut listeners: Vec<(Stop, tokio::signal::unix::Signal)> = [
        (Stop::CtrlC, SignalKind::interrupt()),
        (Stop::Terminate, SignalKind::terminate()),
        (Stop::Hangup, SignalKind::hangup()),
    ]
    .into_iter()
    .filter_map(|(stop, kind)| signal(kind).ok().map(|listener| (stop, listener)))
    .collect();
    Box::pin(async move {
        if listeners.is_empty() {
            return std::future::pending().await;
        }
        let next = listeners.iter_mut().map(|(stop, listener)| {
            let stop = *stop;
            Box::pin(async move {
                match listener.recv().await {
                    Some(()) => stop,
                    // The runtime is shutting down: no signal comes any more.
                    None => std::future::pending().await,
                }
            })
        });
        futures::future::select_all(next).await.0
    })
}

#[cfg(not(unix))]
pub fn interrupt() -> Interrupt {
    Box::pin(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        Stop::CtrlC
    })
}

#[cfg(test)]
mod tests {
    use super::Stop;

    #[test]
    fn exit_codes_are_the_shells() {
        assert_eq!(Stop::CtrlC.code(), 128 + 2);
        assert_eq!(Stop::Hangup.code(), 128 + 1);
        assert_eq!(Stop::Terminate.code(), 128 + 15);
    }
}
