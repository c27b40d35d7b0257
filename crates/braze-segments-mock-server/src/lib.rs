//! A stateful stand-in for Braze's segment export endpoints, over real HTTP on loopback.
//!
//! It serves a deterministic dataset made from a seed, checks the bearer key as Braze does,
//! keeps a real rate-limit budget with Braze's headers, injects faults from a seed ([`Fault`]:
//! Braze's 500, 503, 429 of a spent budget, 403 and 202, a proxy's 502 and 504 in HTML, a
//! burst 429, a dropped connection, a delay, a data series out of order) or as scripted for an
//! endpoint or a segment, N times or always ([`Script`], changed while it serves), and counts requests
//! per endpoint and per segment for tests. Tests can change the dataset while it serves
//! ([`Dataset`]). Every body it sends is built from the generated types of
//! `braze-segments-api`, so it is valid against `openapi/braze-segments.yaml` (CI checks the
//! faults' answers against it too).
//!
//! It also runs users exports as Braze does (`POST /users/export/segment`, `POST
//! /export/segment/cancel`): one export per segment at a time and at most 100 at once, each
//! ready after a delay and a number of polls ([`MockConfig::users_export_ready_after`],
//! [`MockConfig::users_export_ready_after_polls`]), its archive behind a pre-signed URL on a
//! second listener, the storage host ([`MockBraze::storage_url`]), which answers as S3 does
//! (404 until ready and after a cancel, 403 on a wrong signature or once expired, 400 to a
//! request carrying an `Authorization` header) and records every request it receives
//! ([`MockBraze::storage_requests`]). The archive is a ZIP of newline-delimited JSON, 5,000
//! users a member, each user made from the seed and the segment's id with awkward values
//! (unicode, quotes, newlines, nulls, missing fields, nested custom attributes, loose dates,
//! formula-like text); [`MockBraze::serve_archive`] serves gzip or chosen bytes instead.
//!
//! Where Braze documents nothing, it picks: `HEAD` is answered as `GET` without the body (as
//! web frameworks answer it; other methods get 405 with `Allow: GET, HEAD`, or `Allow: POST` on
//! the users exports' paths, which a successful start answers with 201 and a cancel with 200),
//! a body is read up to 64 KiB (past it: 400), the `Bearer`
//! scheme is read in any case, a data series holds no day before the segment's creation (so a
//! younger segment gets fewer than `length` points), and 404 and 405 carry the budget's
//! headers without spending it.
//!
//! No request can panic it or grow its memory past a bound: dates are read totally, counters
//! exist only for the dataset's segments, fault draws remember at most 1,048,576 distinct
//! requests (about 34 MB), the key is checked (in constant time) before anything else is done
//! for a request, and a client that is slow to send its headers is dropped
//! ([`MockConfig::header_read_timeout`]), or its body (read up to 64 KiB) not given by then;
//! so is a connection idle that long between requests, and one that stops reading what it is
//! sent ([`MockConfig::write_timeout`], time without progress). At most
//! [`MockConfig::max_connections`] are served at once; more are answered a 503.
//! The stand-in keeps the latest 10,000 exports, the latest 10,000 storage requests (16 MiB at
//! most) and one archive: an archive is built (a user at a time) when first served, and replaced
//! when another is; its size follows the users a test gave a segment (at most
//! [`MAX_USERS_PER_SEGMENT`]).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use braze_segments_mock_server::{MockBraze, MockConfig};
//! let braze = MockBraze::start(MockConfig { segments: 250, ..MockConfig::default() }).await?;
//! println!("{} with key {}", braze.url(), braze.api_key());
//! let first = braze.segments()[0].id.clone();
//! braze.before_list_page(1, move |dataset| {
//!     dataset.archive_segment(&first);
//! });
//! braze.shutdown().await;
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;

use server::Site;
use tokio::net::TcpListener;
use tokio::sync::watch;

mod auth;
mod budget;
mod config;
mod counters;
mod dataset;
mod dates;
mod endpoints;
mod faults;
mod handler;
mod ids;
mod limits;
mod reply;
mod script;
mod server;
mod store;
mod users;

pub use budget::BudgetWindow;
pub use config::{Fault, FaultConfig, MockConfig, RateLimitConfig, ResetGlitch, ResetRounding};
pub use counters::{Counters, Endpoint};
pub use dataset::{generate, Segment, EXAMPLE_ID};
pub use dates::parse_loose_date;
pub use script::Script;
pub use store::Dataset;
pub use users::{ServedArchive, StorageRequest, MAX_USERS_PER_SEGMENT};

/// Segments a page of `/segments/list`, as Braze pages them.
pub const PAGE_SIZE: usize = 100;

/// The most segments a dataset holds. Past it, creation times would leave four-digit years
/// (ISO 8601's basic range): the newest of a million is created around the year 6100. Only
/// creation times are kept (a segment's fields are made when a request needs them), so
/// `braze-segments mock-server --segments 1000000` (a debug build, 2 cores) printed its banner
/// 0.16–0.34 s after starting, at 28 MB of resident memory (`/usr/bin/time -v`, three runs).
pub const MAX_SEGMENTS: usize = 1_000_000;

/// The key the stand-in accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "demo-key-not-secret";

/// What the request handlers share.
struct State {
    config: MockConfig,
    dataset: Dataset,
    counters: Counters,
    key: auth::Key,
    faults: faults::Faults,
    scripts: script::Scripts,
    budget: Option<budget::Budget>,
    users: users::Users,
}

/// A running stand-in. Dropping it stops the server.
pub struct MockBraze {
    url: String,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for MockBraze {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockBraze")
            .field("url", &self.url)
            .field("storage_url", &self.state.users.storage_url())
            .field("segments", &self.state.dataset.len())
            .finish()
    }
}

impl MockBraze {
    /// Binds `config.addr` and the storage host's address ([`MockConfig::storage_addr`]), makes
    /// the dataset and starts serving in the background. Refused
    /// (`InvalidInput`): an empty `config.api_key` (any `Bearer ` header would match it), more
    /// than [`MAX_SEGMENTS`] segments, a zero [`MockConfig::max_connections`] or
    /// [`MockConfig::write_timeout`].
    pub async fn start(config: MockConfig) -> std::io::Result<MockBraze> {
        if config.segments > MAX_SEGMENTS {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "{} segments asked for: the stand-in holds at most {MAX_SEGMENTS}",
                    config.segments
                ),
            ));
        }
        if config.api_key.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the API key is empty: give the stand-in a key to accept",
            ));
        }
        if config.max_connections == Some(0) || config.write_timeout.is_zero() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "max_connections and write_timeout must not be zero: nothing could be served",
            ));
        }
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let storage = TcpListener::bind(config.storage_addr.unwrap_or(SocketAddr::new(addr.ip(), 0))).await?;
        let storage_url = format!("http://{}", storage.local_addr()?);
        let state = Arc::new(State {
            users: users::Users::new(&config, storage_url),
            dataset: Dataset::new(config.segments, config.seed),
            counters: Counters::default(),
            key: auth::Key::new(&config.api_key),
            faults: faults::Faults::new(config.faults.clone()),
            scripts: script::Scripts::new(config.scripts.clone()),
            budget: config.rate_limit.map(budget::Budget::new),
            config,
        });
        let (shutdown, signal) = watch::channel(false);
        let slots = server::slots(limits::max_connections(state.config.max_connections));
        let tasks = vec![
            tokio::spawn(server::serve(
                listener,
                state.clone(),
                Site::Braze,
                slots.clone(),
                signal.clone(),
            )),
            tokio::spawn(server::serve(storage, state.clone(), Site::Storage, slots, signal)),
        ];
        Ok(MockBraze {
            url: format!("http://{addr}"),
            state,
            shutdown,
            tasks,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:4010`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The key it accepts.
    pub fn api_key(&self) -> &str {
        &self.state.config.api_key
    }

    /// A snapshot of the segments now listed (not archived), oldest first: the order of
    /// `/segments/list` by default.
    pub fn segments(&self) -> Vec<Segment> {
        self.state.dataset.segments()
    }

    /// A handle on the segments that can change them while the stand-in serves (see
    /// [`Dataset`]).
    pub fn dataset(&self) -> Dataset {
        self.state.dataset.clone()
    }

    /// Adds a segment created now; returns its id (see [`Dataset::create_segment`]).
    pub fn create_segment(&self, name: &str) -> String {
        self.state.dataset.create_segment(name)
    }

    /// Archives a segment; returns whether it was listed (see [`Dataset::archive_segment`]).
    pub fn archive_segment(&self, id: &str) -> bool {
        self.state.dataset.archive_segment(id)
    }

    /// Runs `action` once, when list page `page` (from 0) is first served, just before it is
    /// read: e.g. `braze.before_list_page(1, move |d| { d.archive_segment(&id); })` (see
    /// [`Dataset::before_list_page`]).
    pub fn before_list_page(&self, page: u32, action: impl FnOnce(&Dataset) + Send + 'static) {
        self.state.dataset.before_list_page(page, action)
    }

    /// Adds a scripted fault, tried after those already in force (see [`Script`]): e.g.
    /// `braze.script(Script::fault(Fault::ServerError).on(Endpoint::Details).times(8))` makes the
    /// next eight details calls fail, whatever their retries.
    pub fn script(&self, script: Script) {
        self.state.scripts.add(script)
    }

    /// The scripted faults still in force, with the times each has left.
    pub fn scripts(&self) -> Vec<Script> {
        self.state.scripts.snapshot()
    }

    /// Removes every scripted fault.
    pub fn clear_scripts(&self) {
        self.state.scripts.clear()
    }

    /// Replaces the random faults: requests from now on draw from `faults` (e.g. a rate of 0
    /// to end an outage mid-test).
    pub fn set_faults(&self, faults: FaultConfig) {
        self.state.faults.set(faults)
    }

    /// The request counters.
    pub fn counters(&self) -> &Counters {
        &self.state.counters
    }

    /// What each window of the budget let through and refused, oldest first (empty without a
    /// budget): how tests see how clients share it.
    pub fn budget_windows(&self) -> Vec<BudgetWindow> {
        self.state
            .budget
            .as_ref()
            .map(budget::Budget::windows)
            .unwrap_or_default()
    }

    /// The storage host's origin, e.g. `http://127.0.0.1:40123`: where exports' URLs point.
    pub fn storage_url(&self) -> &str {
        self.state.users.storage_url()
    }

    /// The requests the storage host received, oldest first (the latest 10,000, 16 MiB at
    /// most): how tests see what a client sent there, e.g. that no `Authorization` header came.
    pub fn storage_requests(&self) -> Vec<StorageRequest> {
        self.state.users.log.snapshot()
    }

    /// Gives segment `segment_id` `users` users (at most [`MAX_USERS_PER_SEGMENT`]) in exports
    /// started from now on, whatever [`MockConfig::users_per_segment`] says. An archive is
    /// built in memory when first served: 100,000 users make 2.3 MB with three short fields,
    /// 28 MB with every field the stand-in knows.
    pub fn set_users_in_segment(&self, segment_id: &str, users: u64) {
        self.state.users.jobs.set_users(segment_id, users)
    }

    /// What the URLs of exports started from now on serve once ready (see [`ServedArchive`]):
    /// e.g. `braze.serve_archive(ServedArchive::Bytes(b"not a zip".to_vec()))` before a test
    /// starts an export. Exports already started keep what they had.
    pub fn serve_archive(&self, served: ServedArchive) {
        self.state.users.jobs.serve(served)
    }

    /// Stops accepting, closes connections, waits for the server tasks.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for MockBraze {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
