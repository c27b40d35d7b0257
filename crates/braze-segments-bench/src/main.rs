//! The measurements behind `cargo xtask bench` (run it through the xtask, which builds this and
//! the CLI in release mode first).
//!
//! 1. `segment_details` calls per second of the SDK (default configuration: retries and
//!    rate-limit tracking on) and of a plain reqwest + serde baseline, in alternating rounds
//!    against the same server, with the same number of calls in flight.
//! 2. `braze-segments export` throughput and peak RSS for 10,000 and 50,000 segments, and for
//!    the first size with `--series 30` (twice the requests).
//! 3. The cold wall time of one `braze-segments details` process.
//! 4. Budget use: an export with a quarter share of a stand-in budget, per window.
//! 5. The users export: `braze-segments users` end to end with its peak RSS (100k and 1M users),
//!    and the archive reader alone in users/s on one thread.
//! 6. Instructions per `segment_details` call of the SDK, of the generated client alone and of
//!    plain reqwest, counted by callgrind ([`instructions`]): deterministic, where calls per
//!    second are noisy.
//! 7. The stand-in's own throughput on one core, under a load generator on the other
//!    ([`stand_in`]).

mod budget;
mod calls;
mod exports;
mod instructions;
mod stand_in;
mod users;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use braze_segments::Client;
use braze_segments_mock_server::{MockBraze, MockConfig};
use clap::Parser;

use calls::{calls_per_second, median, Target};
use exports::export;

#[derive(Debug, Parser)]
struct Args {
    /// Measure against this endpoint (with BRAZE_API_KEY) instead of the stand-in.
    #[arg(long)]
    endpoint: Option<String>,
    /// Calls per round.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Calls in flight.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Rounds of each variant (alternating).
    #[arg(long, default_value_t = 11)]
    rounds: usize,
    /// Export sizes to measure with the CLI (stand-in only).
    #[arg(long, value_delimiter = ',', default_value = "10000,50000")]
    export_sizes: Vec<usize>,
    /// Days of the series export (`export --series`), measured at the first export size.
    #[arg(long, default_value_t = 30)]
    series_days: u32,
    /// Only the calls-per-second comparison.
    #[arg(long)]
    calls_only: bool,
    /// Only the exports (with and without a series).
    #[arg(long)]
    exports_only: bool,
    /// Only the instructions per call (callgrind).
    #[arg(long)]
    instructions_only: bool,
    /// (Internal) make the counted calls of one variant, `sdk`, `generated` or `plain`, under
    /// callgrind (the segment ids in BENCH_SEGMENT_IDS).
    #[arg(long, hide = true)]
    count_calls: Option<String>,
    /// Keep callgrind's profiles here (`callgrind.<variant>.out`), for `callgrind_annotate`.
    #[arg(long)]
    callgrind_out: Option<PathBuf>,
    /// Only the budget-use measurement.
    #[arg(long)]
    budget_only: bool,
    /// Segment sizes for the users export (stand-in only).
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    users_sizes: Vec<u64>,
    /// Only the users-export measurements.
    #[arg(long)]
    users_only: bool,
    /// Only the stand-in's own throughput (answers per second on one core).
    #[arg(long)]
    stand_in_only: bool,
    /// The release CLI binary.
    #[arg(long)]
    cli: PathBuf,
    /// Where to write the results.
    #[arg(long, default_value = "target/bench/results.json")]
    out: PathBuf,
}

/// The baseline's view of a details response: the same fields, plain serde.
fn main() {
    let args = Args::parse();
    // The stand-in gets its own runtime (one worker) so that it is the same server for both
    // variants; the clients run on another.
    // With two or more cores, each runtime is pinned to its own core so that the two variants
    // do not trade places with the server between rounds.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = |core: usize, name: &str| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(name)
            .enable_all()
            .on_thread_start(move || {
                if cores >= 2 {
                    pin_to_core(core);
                }
            })
            .build()
            .unwrap()
    };
    if let Some(variant) = &args.count_calls {
        let url = args.endpoint.as_deref().expect("--count-calls needs --endpoint");
        let key = std::env::var("BRAZE_API_KEY").expect("--count-calls needs BRAZE_API_KEY");
        instructions::run_variant(variant, url, &key, &instructions::ids_from_env());
        return;
    }
    if args.instructions_only {
        let bench = std::env::current_exe().unwrap();
        if let Some(c) = instructions::measure(&args.cli, &bench, args.callgrind_out.as_deref()) {
            describe_instructions(&c);
        }
        return;
    }
    if args.stand_in_only {
        stand_in::measure(&args.cli).iter().for_each(describe_stand_in);
        return;
    }
    let server_rt = runtime(1, "bench-server");
    let client_rt = runtime(0, "bench-client");
    if args.budget_only {
        let b = budget::budget_use(&server_rt, &client_rt);
        println!("{}", budget::describe(&b));
        return;
    }
    if args.users_only {
        users::measure(&server_rt, &args.cli, &args.users_sizes);
        return;
    }

    let (stand_in, target) = match &args.endpoint {
        Some(url) => {
            let key = std::env::var("BRAZE_API_KEY").expect("BRAZE_API_KEY is needed with --endpoint");
            let client = Client::builder()
                .api_key(key.clone())
                .endpoint(url.clone())
                .build()
                .unwrap();
            let ids = client_rt
                .block_on(client.segments_page(0, braze_segments::SortDirection::Asc))
                .expect("listing segments")
                .into_iter()
                .map(|s| s.id)
                .collect::<Vec<_>>();
            assert!(!ids.is_empty(), "the workspace has no segments to ask for");
            (
                None,
                Target {
                    url: url.clone(),
                    key,
                    ids,
                },
            )
        }
        None => {
            let braze = server_rt.block_on(MockBraze::start(quiet_stand_in(1_000))).unwrap();
            let target = Target {
                url: braze.url().to_owned(),
                key: braze.api_key().to_owned(),
                ids: braze.segments().iter().map(|s| s.id.clone()).collect(),
            };
            (Some(braze), target)
        }
    };

    let (sdk, plain) = if args.exports_only {
        (Vec::new(), Vec::new())
    } else {
        println!(
            "segment_details: {} rounds of {} calls, {} in flight, against {}",
            args.rounds,
            args.requests,
            args.concurrency,
            if stand_in.is_some() {
                "the stand-in on loopback"
            } else {
                target.url.as_str()
            }
        );
        calls_per_second(&client_rt, &args, &target)
    };
    let (sdk_median, plain_median) = (median(&sdk), median(&plain));
    let ratio = sdk_median / plain_median;
    if !args.exports_only {
        println!("sdk: {sdk_median:.0} calls/s");
        println!("plain reqwest: {plain_median:.0} calls/s");
        println!("ratio sdk/plain: {ratio:.3}");
    }
    let counted = if args.endpoint.is_none() && !args.exports_only {
        let counted = instructions::measure(
            &args.cli,
            &std::env::current_exe().unwrap(),
            args.callgrind_out.as_deref(),
        );
        counted.iter().for_each(describe_instructions);
        counted
    } else {
        None
    };
    drop(stand_in);
    let stand_in_load = if args.endpoint.is_none() && !args.exports_only {
        let load = stand_in::measure(&args.cli);
        load.iter().for_each(describe_stand_in);
        load
    } else {
        None
    };

    let mut exports = Vec::new();
    let mut cold_ms = None;
    let mut budget_use = None;
    let mut users_export = None;
    if args.endpoint.is_none() && !args.calls_only {
        let series = args.export_sizes.first().map(|&n| (n, Some(args.series_days)));
        for (segments, series) in args.export_sizes.iter().map(|&n| (n, None)).chain(series) {
            let result = export(&server_rt, &args.cli, segments, series);
            let with = series.map(|d| format!(" --series {d}")).unwrap_or_default();
            println!(
                "export {segments}{with}: {:.2} s, {:.0} segments/s, peak RSS {:.1} MiB",
                result.seconds, result.details_per_s, result.peak_rss_mib
            );
            exports.push(result);
        }
    }
    if args.endpoint.is_none() && !args.calls_only && !args.exports_only {
        let ms = cold_details(&server_rt, &args.cli);
        println!("cold `braze-segments details`: {ms:.1} ms (median of 15)");
        cold_ms = Some(ms);
        let b = budget::budget_use(&server_rt, &client_rt);
        println!("{}", budget::describe(&b));
        budget_use = Some(b);
        users_export = Some(users::measure(&server_rt, &args.cli, &args.users_sizes));
    }

    let results = serde_json::json!({
        "measured_at": chrono::Utc::now().to_rfc3339(),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "target": if args.endpoint.is_some() { target.url.as_str() } else { "stand-in" },
        "requests_per_round": args.requests,
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "sdk_calls_per_s": sdk,
        "plain_calls_per_s": plain,
        "sdk_median": sdk_median,
        "plain_median": plain_median,
        "ratio_sdk_plain": ratio,
        "export": exports.iter().map(|e| serde_json::json!({
            "segments": e.segments,
            "series_days": e.series,
            "seconds": e.seconds,
            "details_per_s": e.details_per_s,
            "peak_rss_mib": e.peak_rss_mib,
        })).collect::<Vec<_>>(),
        "cold_details_ms": cold_ms,
        "instructions_per_call": counted.map(|c| serde_json::json!({
            "calls": instructions::CALLS,
            "sdk": c.sdk,
            "generated_client": c.generated,
            "plain_with_timeout": c.plain,
            "sdk_extra": c.sdk - c.plain,
            "generated_path": c.generated - c.plain,
            "sdk_layers": c.sdk - c.generated,
        })),
        "stand_in_calls_per_s": stand_in_load.map(|l| serde_json::json!({
            "connections": stand_in::CONNECTIONS,
            "round_s": stand_in::ROUND.as_secs_f64(),
            "rounds": l.rounds,
            "median": l.median(),
        })),
        "budget_use": budget_use.map(|b| serde_json::json!({
            "share": b.share,
            "limit": b.limit,
            "window_s": b.window_s,
            "full_windows_spent": b.full_windows,
            "min_of_share": b.min_ratio,
            "max_of_share": b.max_ratio,
        })),
        "users_export": users_export.map(|(runs, read)| serde_json::json!({
            "cli": runs.iter().map(|r| serde_json::json!({
                "users": r.users,
                "seconds": r.seconds,
                "peak_rss_mib": r.peak_rss_mib,
                "archive_bytes": r.archive_bytes,
            })).collect::<Vec<_>>(),
            "reader_users_per_s": read.as_ref().map(users::ReadRun::users_per_s),
            "reader_users": read.as_ref().map(|r| r.users),
            "reader_inflated_bytes": read.as_ref().map(|r| r.inflated_bytes),
        })),
    });
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    println!("results: {}", args.out.display());
}

fn describe_instructions(c: &instructions::Counted) {
    println!(
        "instructions per call ({} calls one after another, callgrind): sdk {:.0}, the generated client alone {:.0}, \
         plain reqwest with a 30-s timeout {:.0}; the SDK's extra {:.0} = the generated path {:.0} + the SDK's layers {:.0}",
        instructions::CALLS,
        c.sdk,
        c.generated,
        c.plain,
        c.sdk - c.plain,
        c.generated - c.plain,
        c.sdk - c.generated
    );
}

fn describe_stand_in(load: &stand_in::Load) {
    println!(
        "stand-in on one core: {:.0} answers/s (median of {} rounds of {:?}, {} keep-alive connections from the other core)",
        load.median(),
        load.rounds.len(),
        stand_in::ROUND,
        stand_in::CONNECTIONS
    );
}

fn quiet_stand_in(segments: usize) -> MockConfig {
    MockConfig {
        segments,
        rate_limit: None,
        ..MockConfig::default()
    }
}

/// Alternating rounds of each variant; every round runs as one task on the client runtime's
/// pinned worker, so both variants poll from the same thread.
fn cold_details(server_rt: &tokio::runtime::Runtime, cli: &PathBuf) -> f64 {
    let braze = server_rt.block_on(MockBraze::start(quiet_stand_in(10))).unwrap();
    let id = braze.segments()[0].id.clone();
    let mut times: Vec<f64> = (0..15)
        .map(|_| {
            let started = Instant::now();
            let status = Command::new(cli)
                .env_clear()
                .env("BRAZE_API_KEY", braze.api_key())
                .env("BRAZE_REST_ENDPOINT", braze.url())
                .args(["details", &id, "-o", "json"])
                .stdout(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let ms = times[times.len() / 2];
    server_rt.block_on(braze.shutdown());
    ms
}

/// Pins the calling thread to one core (Linux; elsewhere a no-op).
pub(crate) fn pin_to_core(core: usize) {
    #[cfg(target_os = "linux")]
    // SAFETY: a zeroed cpu_set_t is a valid empty set; the call only reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(core, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = core;
}

/// Waits for `child`; returns whether it succeeded and its peak resident set (KiB), read from
/// the kernel's high-water mark (`VmHWM` in `/proc/PID/status`) every few milliseconds until it
/// exits. (`wait4`'s `ru_maxrss` is no good here: it counts the moments between fork and exec,
/// when the child is still a copy of this process and its stand-in dataset.)
pub(crate) fn wait_with_peak_rss(mut child: std::process::Child) -> (bool, i64) {
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0i64;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok());
            if let Some(hwm) = hwm {
                peak = peak.max(hwm);
            }
        }
        if let Some(status) = child.try_wait().expect("waiting for the child") {
            return (status.success(), peak);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
