//! Shared by the CLI's tests: a stand-in server running in the test process.
#![allow(dead_code)] // each test file uses its own part

pub mod pty;

use assert_cmd::Command;
use braze_segments_mock_server::{MockBraze, MockConfig};

/// The README's demo segment: an example id, first in every stand-in dataset.
pub const README_ID: &str = braze_segments_mock_server::EXAMPLE_ID;

pub struct StandIn {
    runtime: tokio::runtime::Runtime,
    braze: Option<MockBraze>,
}

impl StandIn {
    pub fn start(config: MockConfig) -> StandIn {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let braze = runtime.block_on(MockBraze::start(config)).unwrap();
        StandIn {
            runtime,
            braze: Some(braze),
        }
    }

    pub fn braze(&self) -> &MockBraze {
        self.braze.as_ref().unwrap()
    }

    /// Holds every answer of the stand-in (its Braze and its storage host) until the guard
    /// drops, by keeping its one worker thread busy: a test can hold a CLI process at a known
    /// step instead of racing a timer. Declare the guard after the stand-in, so that it is
    /// dropped first (also when the test fails).
    pub fn freeze(&self) -> Frozen {
        assert_eq!(self.runtime.metrics().num_workers(), 1, "one worker to hold");
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (ack, blocked) = std::sync::mpsc::channel();
        self.runtime.spawn(async move {
            let _ = ack.send(());
            let _ = held.recv();
        });
        blocked.recv().unwrap();
        Frozen(release)
    }

    /// The CLI configured for this stand-in through the environment, with `key`.
    pub fn cli_with_key(&self, key: &str) -> Command {
        let mut cmd = Command::cargo_bin("braze-segments").unwrap();
        cmd.env_clear()
            .env("BRAZE_API_KEY", key)
            .env("BRAZE_REST_ENDPOINT", self.braze().url());
        cmd
    }

    pub fn cli(&self) -> Command {
        self.cli_with_key(self.braze().api_key())
    }

    /// The CLI as a plain process for this stand-in, for tests that spawn it, signal it or
    /// give it their own stdin, stdout or stderr.
    pub fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"));
        cmd.env_clear()
            .env("BRAZE_API_KEY", self.braze().api_key())
            .env("BRAZE_REST_ENDPOINT", self.braze().url());
        cmd
    }
}

/// Waits until `done` holds, failing after a minute.
pub fn wait_for(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The temporary file `users` writes its users to in `dir`, while it runs (or kept after).
pub fn users_temp_file(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".braze-users.tmp"))
}

/// The CLI configured for an httpmock server (key `k`), through the environment.
pub fn cli_for(server: &httpmock::MockServer) -> Command {
    let mut cmd = Command::cargo_bin("braze-segments").unwrap();
    cmd.env_clear()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", server.base_url());
    cmd
}

/// A `braze-segments mock-server` process on a free loopback port with key `k1` and `flags`,
/// killed when dropped.
pub struct MockServerProcess {
    child: std::process::Child,
    /// Its URL, from its first line.
    pub url: String,
}

impl MockServerProcess {
    pub fn start(flags: &[&str]) -> MockServerProcess {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("braze-segments"))
            .args(["mock-server", "--addr", "127.0.0.1:0", "--api-key", "k1"])
            .args(flags)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let first = std::io::BufReader::new(child.stdout.take().unwrap())
            .lines()
            .next()
            .unwrap()
            .unwrap();
        let url = first
            .strip_prefix("stand-in Braze listening on ")
            .unwrap_or_else(|| panic!("{first}"))
            .to_owned();
        MockServerProcess { child, url }
    }

    /// The CLI configured for it (key `k1`), with a clean environment.
    pub fn cli(&self) -> Command {
        let mut cmd = Command::cargo_bin("braze-segments").unwrap();
        cmd.env_clear()
            .env("BRAZE_API_KEY", "k1")
            .env("BRAZE_REST_ENDPOINT", &self.url);
        cmd
    }
}

impl Drop for MockServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The stand-in held by [`StandIn::freeze`]: it answers again once this drops.
pub struct Frozen(#[allow(dead_code)] std::sync::mpsc::Sender<()>);

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(braze) = self.braze.take() {
            self.runtime.block_on(braze.shutdown());
        }
    }
}

pub fn no_rate_limit() -> MockConfig {
    MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a command, asserts its exit code, and returns its stdout and stderr as text.
pub trait RunExpecting {
    fn run_expecting(&mut self, code: i32) -> (String, String);
}

impl RunExpecting for Command {
    fn run_expecting(&mut self, code: i32) -> (String, String) {
        let out = self.assert().code(code).get_output().clone();
        (text(&out.stdout), text(&out.stderr))
    }
}

/// Reads a request's head (up to the blank line) from a raw test server's connection, as text.
pub fn read_request_head(stream: &mut impl std::io::Read) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// A stand-in of `segments` that holds every answer 15 ms: an export takes a few seconds, long
/// enough to be killed mid-way.
pub fn slow(segments: usize) -> MockConfig {
    MockConfig {
        segments,
        rate_limit: None,
        faults: braze_segments_mock_server::FaultConfig {
            rate: 1.0,
            kinds: vec![braze_segments_mock_server::Fault::Delay],
            delay: std::time::Duration::from_millis(15),
            ..braze_segments_mock_server::FaultConfig::default()
        },
        ..MockConfig::default()
    }
}

/// SIGKILLs `child` once `out` holds `bytes`; the bytes it had then.
pub fn kill_once_written(mut child: std::process::Child, out: &std::path::Path, bytes: u64) -> usize {
    let started = std::time::Instant::now();
    while std::fs::metadata(out).map(|m| m.len()).unwrap_or(0) < bytes {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the export never got going"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    std::fs::read(out).unwrap().len()
}
