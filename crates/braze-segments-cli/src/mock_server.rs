//! `mock-server`: the stand-in Braze in the foreground, with its options.

use std::net::{SocketAddr, ToSocketAddrs as _};
use std::time::Duration;

use braze_segments_mock_server::{
    Endpoint, Fault, FaultConfig, MockBraze, MockConfig, RateLimitConfig, ResetGlitch, ResetRounding, Script,
    MAX_SEGMENTS, MAX_USERS_PER_SEGMENT,
};

use crate::term::{note, say, shown};
use crate::Failure;

#[derive(Debug, clap::Args)]
pub struct MockServerArgs {
    /// Address to listen on: IP:PORT or HOST:PORT (e.g. localhost:4010; a name is looked up
    /// once, and its IPv4 address preferred).
    #[arg(long, default_value = "127.0.0.1:4010", value_parser = parse_addr)]
    addr: SocketAddr,
    /// Segments in the dataset (at most 1000000).
    #[arg(long, default_value_t = 250, value_parser = parse_segments)]
    segments: usize,
    /// Seed of the dataset.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The API key the server accepts (not empty).
    #[arg(long, default_value = braze_segments_mock_server::DEFAULT_API_KEY, value_parser = parse_api_key)]
    api_key: String,
    /// Fraction of requests answered with an injected fault (0 to 1).
    #[arg(long, default_value_t = 0.0, value_parser = parse_fraction)]
    fail_rate: f64,
    /// Which faults to draw from (comma-separated; default: the transient ones, server-error,
    /// bad-gateway, unavailable, gateway-timeout, burst, drop, delay).
    #[arg(long, value_parser = fault_parser(), value_delimiter = ',')]
    fault_kinds: Vec<Fault>,
    /// Seed of the fault draws: the same seed gives the same faults to the same requests (method,
    /// path and query, and how many times that request came before), whatever their order.
    #[arg(long, default_value_t = 7)]
    fault_seed: u64,
    /// How long a `delay` fault holds its answer.
    #[arg(long, default_value = "200ms", value_parser = humantime::parse_duration)]
    fault_delay: Duration,
    /// Only requests of these endpoints meet the random faults (comma-separated; default all).
    #[arg(long, value_parser = endpoint_parser(), value_delimiter = ',')]
    fault_endpoints: Vec<Endpoint>,
    /// A scripted fault, tried before the random ones (repeatable): ENDPOINT[/SEGMENT]=KIND[*N],
    /// e.g. details=server-error*8 (the next 8 details calls fail), details/ID=forbidden (that
    /// segment always), any=drop*1. ENDPOINT: list, details, data-series, users-export, cancel,
    /// any; KIND: a --fault-kinds name.
    #[arg(long, value_name = "SCRIPT", value_parser = parse_script)]
    script: Vec<Script>,
    /// Rate-limit budget as N/WINDOW (e.g. 250000/1h, 100/10s, 100/500ms: windows are kept to the
    /// millisecond, X-RateLimit-Reset rounds their end up to the second), or "off".
    #[arg(long, default_value = "250000/1h", value_parser = parse_rate_limit)]
    rate_limit: RateLimitArg,
    /// Where rate-limit windows start: this far past each multiple of WINDOW since the epoch
    /// (e.g. 500ms: windows that do not start on a whole second).
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = humantime::parse_duration)]
    rate_window_offset: Duration,
    /// How X-RateLimit-Reset names a window's end in whole seconds: rounded up, or down
    /// (truncated: up to a second before the window really ends).
    #[arg(long, value_enum, default_value_t = Rounding::Up)]
    reset_rounding: Rounding,
    /// From this many answers on, no answer carries the rate-limit headers (the budget still
    /// counts and refuses).
    #[arg(long, value_name = "N")]
    hide_rate_headers_after: Option<u64>,
    /// Every EVERY-th answer names an X-RateLimit-Reset SHIFT seconds off (e.g. 100:600, or
    /// 50:-30 for a Reset that jumps back).
    #[arg(long, value_name = "EVERY:SHIFT", value_parser = parse_reset_glitch)]
    reset_glitch: Option<ResetGlitch>,
    /// How long a users export takes to be ready (its URL answers 404 until then).
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    users_ready_after: Duration,
    /// Users in every segment's export (default: 200 to 3000, drawn from the seed; at most
    /// 10000000).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=MAX_USERS_PER_SEGMENT))]
    users_per_segment: Option<u64>,
}

fn parse_script(s: &str) -> Result<Script, String> {
    s.parse()
}

/// `--fault-endpoints`: the endpoints the stand-in serves, by their names (`Endpoint::SERVED`).
fn endpoint_parser() -> impl clap::builder::TypedValueParser<Value = Endpoint> {
    use clap::builder::{PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(Endpoint::SERVED.map(Endpoint::name))
        .map(|name| Endpoint::from_name(&name).unwrap_or(Endpoint::Details))
}

/// `--fault-kinds`: the stand-in's own kinds, by their names (one list of them, `Fault::ALL`).
fn fault_parser() -> impl clap::builder::TypedValueParser<Value = Fault> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(Fault::ALL.map(|f| PossibleValue::new(f.name()).help(f.description())))
        .map(|name| Fault::from_name(&name).unwrap_or(Fault::ServerError))
}

#[derive(Debug, Clone, Copy)]
struct RateLimitArg(Option<RateLimitConfig>);

/// `--reset-rounding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Rounding {
    /// Rounded up to the next whole second (a client waiting until then is never early).
    Up,
    /// Truncated to the whole second.
    Down,
}

fn parse_reset_glitch(s: &str) -> Result<ResetGlitch, String> {
    let (every, shift) = s
        .split_once(':')
        .ok_or_else(|| format!("{s:?} is not EVERY:SHIFT, e.g. 100:600"))?;
    let every: u64 = every
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{every:?} is not a whole number of answers of at least 1"))?;
    let shift_secs: i64 = shift
        .trim()
        .parse()
        .map_err(|_| format!("{shift:?} is not a whole number of seconds"))?;
    Ok(ResetGlitch { every, shift_secs })
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    let value: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not between 0 and 1"))
    }
}

fn parse_rate_limit(s: &str) -> Result<RateLimitArg, String> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(RateLimitArg(None));
    }
    let (n, window) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?} is not N/WINDOW, e.g. 250000/1h"))?;
    let limit: u64 = n.trim().parse().map_err(|_| format!("{n:?} is not a whole number"))?;
    let window = humantime::parse_duration(window.trim()).map_err(|e| format!("window {window:?}: {e}"))?;
    if window < Duration::from_millis(1) {
        return Err("the window must be at least 1ms".into());
    }
    Ok(RateLimitArg(Some(RateLimitConfig {
        limit,
        window,
        ..RateLimitConfig::default()
    })))
}

fn parse_segments(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|_| format!("{s:?} is not a whole number"))?;
    if n > MAX_SEGMENTS {
        return Err(format!(
            "at most {MAX_SEGMENTS} segments (creation times stay within four-digit years)"
        ));
    }
    Ok(n)
}

fn parse_api_key(s: &str) -> Result<String, String> {
    if s.is_empty() {
        Err("the key is empty: give the key clients must send (or leave --api-key out)".into())
    } else {
        Ok(s.to_owned())
    }
}

/// IP:PORT as is; HOST:PORT looked up, its first IPv4 address preferred (clients that connect to
/// `localhost` try it first or fall back to it).
fn parse_addr(s: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    let found: Vec<SocketAddr> = s
        .to_socket_addrs()
        .map_err(|e| format!("{s:?} is not IP:PORT or HOST:PORT ({e})"))?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| format!("{s:?} names no address"))
}

/// The kinds to draw from: those named, each once, or the transient ones.
fn fault_kinds(args: &MockServerArgs) -> Vec<Fault> {
    if args.fault_kinds.is_empty() {
        return Fault::TRANSIENT.to_vec();
    }
    let mut kinds: Vec<Fault> = Vec::new();
    for &kind in &args.fault_kinds {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

pub async fn run(args: &MockServerArgs) -> Result<(), Failure> {
    let config = MockConfig {
        addr: args.addr,
        segments: args.segments,
        seed: args.seed,
        api_key: args.api_key.clone(),
        rate_limit: args.rate_limit.0.map(|limit| RateLimitConfig {
            offset: args.rate_window_offset,
            reset_rounding: match args.reset_rounding {
                Rounding::Up => ResetRounding::Up,
                Rounding::Down => ResetRounding::Down,
            },
            hide_headers_after: args.hide_rate_headers_after,
            reset_glitch: args.reset_glitch,
            ..limit
        }),
        faults: FaultConfig {
            rate: args.fail_rate,
            kinds: fault_kinds(args),
            seed: args.fault_seed,
            delay: args.fault_delay,
            endpoints: args.fault_endpoints.clone(),
        },
        scripts: args.script.clone(),
        users_export_ready_after: args.users_ready_after,
        users_per_segment: args.users_per_segment,
        ..MockConfig::default()
    };
    let braze = MockBraze::start(config).await.map_err(|e| Failure {
        code: 1,
        message: format!("cannot listen on {}: {e}", args.addr),
    })?;
    say!("stand-in Braze listening on {}", braze.url());
    say!("  export BRAZE_REST_ENDPOINT={}", braze.url());
    say!("  export BRAZE_API_KEY={}", braze.api_key());
    say!("  users exports are served from {}", braze.storage_url());
    let dataset = braze.dataset();
    say!("  segments: {} (seed {}); for example:", dataset.len(), args.seed);
    for segment in dataset.first(3) {
        say!("    {}  {}", segment.id, shown(&segment.name));
    }
    say!("press Ctrl-C to stop");
    let _ = tokio::signal::ctrl_c().await;
    let counters = braze.counters();
    note!(
        "stopping after {} requests ({} faults injected)",
        counters.total(),
        counters.total_faults()
    );
    if args.fail_rate > 0.0 {
        let kinds = fault_kinds(args);
        for endpoint in Endpoint::SERVED {
            let each: Vec<String> = kinds
                .iter()
                .map(|&kind| format!("{}={}", kind.name(), counters.faults_at(endpoint, kind)))
                .collect();
            note!("  faults at {}: {}", endpoint.path(), each.join(" "));
        }
    }
    braze.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: MockServerArgs,
    }

    fn parse(args: &[&str]) -> Result<MockServerArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("mock-server").chain(args.iter().copied())).map(|cli| cli.args)
    }

    #[test]
    fn an_empty_api_key_is_a_usage_error() {
        let err = parse(&["--api-key", ""]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--api-key"), "{err}");
        assert!(err.to_string().contains("the key is empty"), "{err}");
        assert_eq!(parse(&["--api-key", "k"]).unwrap().api_key, "k");
    }

    #[test]
    fn segments_are_capped_with_a_reason() {
        assert_eq!(parse(&["--segments", "1000000"]).unwrap().segments, 1_000_000);
        let err = parse(&["--segments", "1000001"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("at most 1000000 segments"), "{err}");
    }

    #[test]
    fn addr_takes_a_host_name() {
        let args = parse(&["--addr", "localhost:4011"]).unwrap();
        assert_eq!(args.addr, SocketAddr::from(([127, 0, 0, 1], 4011)));
        assert_eq!(parse(&["--addr", "[::1]:0"]).unwrap().addr, "[::1]:0".parse().unwrap());
        for bad in ["localhost", "no-such-host.invalid:80", ":80"] {
            assert_eq!(parse(&["--addr", bad]).unwrap_err().exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn rate_limit_windows_below_a_second_are_kept_exact() {
        let window = |text: &str| parse(&["--rate-limit", text]).map(|a| a.rate_limit.0.map(|r| (r.limit, r.window)));
        assert_eq!(window("100/500ms").unwrap(), Some((100, Duration::from_millis(500))));
        assert_eq!(window("250000/1h").unwrap(), Some((250_000, Duration::from_secs(3600))));
        assert_eq!(window("off").unwrap(), None);
        for bad in ["100/0ms", "100/500us", "100", "x/1s"] {
            assert_eq!(window(bad).unwrap_err().exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn users_exports_take_a_delay_and_a_number_of_users() {
        let args = parse(&["--users-ready-after", "150ms", "--users-per-segment", "100000"]).unwrap();
        assert_eq!(args.users_ready_after, Duration::from_millis(150));
        assert_eq!(args.users_per_segment, Some(100_000));
        let defaults = parse(&[]).unwrap();
        assert_eq!(
            (defaults.users_ready_after, defaults.users_per_segment),
            (Duration::from_secs(2), None)
        );
        assert_eq!(parse(&["--users-per-segment", "10000001"]).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn every_fault_kind_has_its_flag_under_its_own_name() {
        for fault in Fault::ALL {
            let args = parse(&["--fault-kinds", fault.name()]).unwrap();
            assert_eq!(fault_kinds(&args), [fault]);
        }
        assert!(parse(&["--fault-kinds", "teapot"]).is_err());
        let args = parse(&["--fault-kinds", "burst,rate-limited,burst"]).unwrap();
        assert_eq!(fault_kinds(&args), [Fault::Burst, Fault::RateLimited]);
        assert_eq!(fault_kinds(&parse(&[]).unwrap()), Fault::TRANSIENT);
    }
}
