//! The stand-in as a process (its banner, its segment ids), and its own throughput: `segment_details` answers per second of `braze-segments
//! mock-server` held to one core, under a load generator on the other core. Users' test suites
//! and this bench lean on the stand-in, so its cost is measured like the SDK's.
//!
//! The generator is what `wrk` does, without installing it: keep-alive connections, each
//! sending one prebuilt request and reading its answer (framed by `Content-Length`) before the
//! next, on a single-threaded runtime. It costs a fraction of what a client library would, so
//! the figure is the server's. The stand-in runs without a budget (`--rate-limit off`): the
//! budget's bookkeeping is a few atomics, and a spent budget would answer 429s instead.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Connections kept busy at once.
pub const CONNECTIONS: usize = 64;
/// Rounds measured (after one warm-up round), and how long each lasts.
pub const ROUNDS: usize = 5;
pub const ROUND: Duration = Duration::from_secs(2);

/// Answers per second of each measured round.
pub struct Load {
    pub rounds: Vec<f64>,
}

impl Load {
    pub fn median(&self) -> f64 {
        crate::calls::median(&self.rounds)
    }
}

/// Starts the stand-in on core 0, loads it from core 1, and returns the rounds' answers per
/// second; `None` (said why) on a machine with one core.
pub fn measure(cli: &Path) -> Option<Load> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 {
        println!("stand-in throughput: skipped (one core: the server and the load would share it)");
        return None;
    }
    let mut command = Command::new(cli);
    command
        .args([
            "mock-server",
            "--addr",
            "127.0.0.1:0",
            "--rate-limit",
            "off",
            "--segments",
            "100",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt as _;
        // SAFETY: pinning is one system call, async-signal-safe, made in the child before exec:
        // every thread the stand-in starts inherits core 0.
        unsafe {
            command.pre_exec(|| {
                crate::pin_to_core(0);
                Ok(())
            });
        }
    }
    let mut server = command.spawn().expect("starting the stand-in");
    let (url, key) = read_banner(&mut server);
    let ids = list_ids(&url, &key);
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let requests: Vec<Vec<u8>> = ids
        .iter()
        .map(|id| {
            format!(
                "GET /segments/details?segment_id={id} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\n\r\n"
            )
            .into_bytes()
        })
        .collect();

    let load = std::thread::spawn(move || {
        crate::pin_to_core(1);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut rounds = Vec::new();
            for round in 0..=ROUNDS {
                let rate = one_round(&addr, &requests).await;
                if round > 0 {
                    rounds.push(rate);
                }
            }
            rounds
        })
    })
    .join()
    .expect("the load generator");
    let _ = server.kill();
    let _ = server.wait();
    Some(Load { rounds: load })
}

/// One round: every connection sends and reads answers until the round's time is up; answers
/// that are not 200 stop the bench (the figure would be of something else).
async fn one_round(addr: &str, requests: &[Vec<u8>]) -> f64 {
    let started = Instant::now();
    let until = started + ROUND;
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            let addr = addr.to_owned();
            let requests = requests.to_vec();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(&addr).await.expect("connecting to the stand-in");
                stream.set_nodelay(true).unwrap();
                let mut buffer = Vec::with_capacity(4096);
                let mut answers = 0u64;
                while Instant::now() < until {
                    let request = &requests[(c + answers as usize) % requests.len()];
                    stream.write_all(request).await.expect("sending");
                    read_answer(&mut stream, &mut buffer).await;
                    answers += 1;
                }
                answers
            })
        })
        .collect();
    let mut answers = 0;
    for task in tasks {
        answers += task.await.expect("a connection's task");
    }
    answers as f64 / started.elapsed().as_secs_f64()
}

/// Reads one answer: its head, then `Content-Length` bytes of body. Panics on anything but 200.
async fn read_answer(stream: &mut TcpStream, buffer: &mut Vec<u8>) {
    buffer.clear();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.expect("reading");
        assert!(n > 0, "the stand-in closed the connection");
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buffer[..head_end]).expect("an ASCII head");
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "the stand-in answered {:?}",
        head.lines().next()
    );
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .expect("a Content-Length");
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.expect("reading");
        assert!(n > 0, "the stand-in closed the connection");
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// The URL and key a `mock-server` process prints; its stdout is drained from then on, so
/// that it never blocks on a full pipe.
pub fn read_banner(server: &mut std::process::Child) -> (String, String) {
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(server.stdout.take().unwrap()));
    let mut url = None;
    let mut key = None;
    for line in lines.by_ref().map_while(Result::ok).take(20) {
        if let Some(rest) = line.split("BRAZE_REST_ENDPOINT=").nth(1) {
            url = Some(rest.trim().to_owned());
        }
        if let Some(rest) = line.split("BRAZE_API_KEY=").nth(1) {
            key = Some(rest.trim().to_owned());
        }
        if url.is_some() && key.is_some() {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    (url.expect("the stand-in's URL"), key.expect("the stand-in's key"))
}

/// The stand-in's first page of segment ids (in the parent).
pub fn list_ids(url: &str, key: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = {
        let _guard = rt.enter();
        braze_segments::Client::builder()
            .api_key(key)
            .endpoint(url)
            .build()
            .unwrap()
    };
    rt.block_on(client.segments_page(0, braze_segments::SortDirection::Asc))
        .expect("listing segments")
        .into_iter()
        .map(|s| s.id)
        .collect()
}
