//! The users of an archive as an async stream: a blocking thread reads the archive and hands
//! the users over in small batches. What is in flight is bounded by the bytes of the lines it
//! was read from (not by a count of users: one user may be megabytes), so memory stays flat
//! whatever the users look like, and a consumer that stops reading stops the thread.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::mpsc;

use crate::users::{ArchiveError, ArchiveLimits, ArchiveReader, UserRecord};

/// Users handed over at once, at most.
const BATCH: usize = 256;
/// Bytes of lines a batch gathers before it is handed over, at most (or one line, if longer).
const BATCH_BYTES: u64 = 64 * 1024;
/// Bytes of lines in flight between the reader and the consumer, at most (or one batch, if
/// larger).
const IN_FLIGHT_BYTES: u64 = 1 << 20;

type Item = Result<UserRecord, ArchiveError>;

/// The users of a [`UsersArchive`](crate::UsersArchive), from
/// [`UsersArchive::users`](crate::UsersArchive::users). Ends after a fatal
/// [`ArchiveError`] (see [`ArchiveError::is_fatal`]); other errors are single bad lines.
pub struct UserStream {
    batches: mpsc::UnboundedReceiver<(Vec<Item>, u64)>,
    ready: VecDeque<Item>,
    budget: Arc<Budget>,
}

/// The bytes in flight, and whether the consumer left.
#[derive(Default)]
struct Budget {
    state: Mutex<(u64, bool)>,
    freed: Condvar,
}

impl Budget {
    /// Waits until `bytes` more may be in flight (always, when none are); false when the
    /// consumer left.
    fn take(&self, bytes: u64) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !state.1 && state.0 > 0 && state.0.saturating_add(bytes) > IN_FLIGHT_BYTES {
            state = self.freed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        if state.1 {
            return false;
        }
        state.0 = state.0.saturating_add(bytes);
        true
    }

    fn give(&self, bytes: u64) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 = state.0.saturating_sub(bytes);
        self.freed.notify_all();
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1 = true;
        self.freed.notify_all();
    }
}

impl Drop for UserStream {
    fn drop(&mut self) {
        self.budget.close();
    }
}

impl std::fmt::Debug for UserStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserStream")
            .field("buffered", &self.ready.len())
            .finish()
    }
}

impl UserStream {
    /// Reads `file` (opened by the caller, so the archive cannot go away before the thread
    /// starts).
    pub(crate) fn read(file: std::io::Result<std::fs::File>, limits: ArchiveLimits) -> UserStream {
        let (send, batches) = mpsc::unbounded_channel();
        let budget = Arc::new(Budget::default());
        let shared = budget.clone();
        tokio::task::spawn_blocking(move || {
            let reader = file
                .map_err(ArchiveError::Io)
                .and_then(|file| ArchiveReader::open(file, limits));
            let mut reader = match reader {
                Ok(reader) => reader,
                Err(e) => {
                    let _ = send.send((vec![Err(e)], 0));
                    return;
                }
            };
            let (mut batch, mut weight) = (Vec::with_capacity(BATCH), 0u64);
            let mut inflated = 0;
            while let Some(item) = reader.next() {
                // The bytes inflated to read this item: its line, give or take a read ahead.
                weight += reader.inflated_bytes() - inflated;
                inflated = reader.inflated_bytes();
                batch.push(item);
                if batch.len() == BATCH || weight >= BATCH_BYTES {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if !shared.take(weight) || send.send((full, weight)).is_err() {
                        // The stream was dropped: stop reading.
                        return;
                    }
                    weight = 0;
                }
            }
            if !batch.is_empty() && shared.take(weight) {
                let _ = send.send((batch, weight));
            }
        });
        UserStream {
            batches,
            ready: VecDeque::new(),
            budget,
        }
    }
}

impl Stream for UserStream {
    type Item = Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Poll::Ready(Some(item));
            }
            match self.batches.poll_recv(cx) {
                Poll::Ready(Some((batch, weight))) => {
                    self.budget.give(weight);
                    self.ready.extend(batch);
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_waits_while_the_bytes_in_flight_are_at_the_bound() {
        assert_eq!(IN_FLIGHT_BYTES, 1 << 20, "the figures below are for a bound of 1 MiB");
        let budget = Arc::new(Budget::default());
        assert!(budget.take(600 << 10));
        let shared = budget.clone();
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = done.clone();
        let reader = std::thread::spawn(move || {
            let taken = shared.take(500 << 10);
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            taken
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(
            !done.load(std::sync::atomic::Ordering::SeqCst),
            "600 + 500 KiB is over the bound"
        );
        budget.give(600 << 10);
        assert!(reader.join().unwrap());
        // One batch larger than the bound goes through when nothing else is in flight.
        budget.give(500 << 10);
        assert!(budget.take(100 << 20));
        // A consumer that left releases a waiting reader, which stops.
        let shared = budget.clone();
        let reader = std::thread::spawn(move || shared.take(1));
        budget.close();
        assert!(!reader.join().unwrap());
    }
}
