//! The users of an archive as an async stream: a blocking thread reads the archive and hands
//! the users over in small batches through a bounded channel, so memory stays flat and a
//! consumer that stops reading stops the thread.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::mpsc;

use crate::users::{ArchiveError, ArchiveLimits, ArchiveReader, UserRecord};

/// Users handed over at once.
const BATCH: usize = 256;
/// Batches in flight: at most `BATCH * IN_FLIGHT` users are held between the reader and the
/// consumer.
const IN_FLIGHT: usize = 8;

type Item = Result<UserRecord, ArchiveError>;

/// The users of a [`UsersArchive`](crate::UsersArchive), from
/// [`UsersArchive::users`](crate::UsersArchive::users). Ends after a fatal
/// [`ArchiveError`] (see [`ArchiveError::is_fatal`]); other errors are single bad lines.
pub struct UserStream {
    batches: mpsc::Receiver<Vec<Item>>,
    ready: VecDeque<Item>,
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
        let (send, batches) = mpsc::channel(IN_FLIGHT);
        tokio::task::spawn_blocking(move || {
            let reader = file
                .map_err(ArchiveError::Io)
                .and_then(|file| ArchiveReader::open(file, limits));
            let reader = match reader {
                Ok(reader) => reader,
                Err(e) => {
                    let _ = send.blocking_send(vec![Err(e)]);
                    return;
                }
            };
            let mut batch = Vec::with_capacity(BATCH);
            for item in reader {
                batch.push(item);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if send.blocking_send(full).is_err() {
                        // The stream was dropped: stop reading.
                        return;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = send.blocking_send(batch);
            }
        });
        UserStream {
            batches,
            ready: VecDeque::new(),
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
                Poll::Ready(Some(batch)) => self.ready.extend(batch),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
