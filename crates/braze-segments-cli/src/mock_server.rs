//! `mock-server`: the stand-in Braze in the foreground, with its options.

use std::net::SocketAddr;
use std::time::Duration;

use braze_segments_mock_server::{Fault, FaultConfig, MockBraze, MockConfig, RateLimitConfig};
use clap::ValueEnum;

use crate::term::{note, say, shown};
use crate::Failure;

#[derive(Debug, clap::Args)]
pub struct MockServerArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:4010")]
    addr: SocketAddr,
    /// Segments in the dataset.
    #[arg(long, default_value_t = 250)]
    segments: usize,
    /// Seed of the dataset.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The API key the server accepts.
    #[arg(long, default_value = braze_segments_mock_server::DEFAULT_API_KEY)]
    api_key: String,
    /// Fraction of requests answered with an injected fault (0 to 1).
    #[arg(long, default_value_t = 0.0, value_parser = parse_fraction)]
    fail_rate: f64,
    /// Which faults to draw from (comma-separated; default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    fault_kinds: Vec<FaultKind>,
    /// Seed of the fault draws.
    #[arg(long, default_value_t = 7)]
    fault_seed: u64,
    /// How long a `delay` fault holds its answer.
    #[arg(long, default_value = "200ms", value_parser = humantime::parse_duration)]
    fault_delay: Duration,
    /// Rate-limit budget as N/WINDOW (e.g. 250000/1h, 100/10s), or "off".
    #[arg(long, default_value = "250000/1h", value_parser = parse_rate_limit)]
    rate_limit: RateLimitArg,
}

/// A kind of injected fault, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FaultKind {
    /// 500 with Braze's JSON error body.
    ServerError,
    /// 502 with an HTML body, as a proxy sends.
    BadGateway,
    /// 503 with an empty body.
    Unavailable,
    /// 429 whose window resets at the next second.
    RateLimited,
    /// The connection is closed without an answer.
    Drop,
    /// The normal answer, late.
    Delay,
}

impl From<FaultKind> for Fault {
    fn from(kind: FaultKind) -> Self {
        match kind {
            FaultKind::ServerError => Fault::ServerError,
            FaultKind::BadGateway => Fault::BadGatewayHtml,
            FaultKind::Unavailable => Fault::Unavailable,
            FaultKind::RateLimited => Fault::RateLimited,
            FaultKind::Drop => Fault::DropConnection,
            FaultKind::Delay => Fault::Delay,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct RateLimitArg(Option<RateLimitConfig>);

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
    if window < Duration::from_secs(1) {
        return Err("the window must be at least 1s".into());
    }
    Ok(RateLimitArg(Some(RateLimitConfig { limit, window })))
}

pub async fn run(args: &MockServerArgs) -> Result<(), Failure> {
    let config = MockConfig {
        addr: args.addr,
        segments: args.segments,
        seed: args.seed,
        api_key: args.api_key.clone(),
        rate_limit: args.rate_limit.0,
        faults: FaultConfig {
            rate: args.fail_rate,
            kinds: if args.fault_kinds.is_empty() {
                Fault::ALL.to_vec()
            } else {
                args.fault_kinds.iter().map(|&k| Fault::from(k)).collect()
            },
            seed: args.fault_seed,
            delay: args.fault_delay,
        },
        ..MockConfig::default()
    };
    let braze = MockBraze::start(config).await.map_err(|e| Failure {
        code: 1,
        message: format!("cannot listen on {}: {e}", args.addr),
    })?;
    say!("stand-in Braze listening on {}", braze.url());
    say!("  export BRAZE_REST_ENDPOINT={}", braze.url());
    say!("  export BRAZE_API_KEY={}", braze.api_key());
    say!(
        "  segments: {} (seed {}); for example:",
        braze.segments().len(),
        args.seed
    );
    for segment in braze.segments().iter().take(3) {
        say!("    {}  {}", segment.id, shown(&segment.name));
    }
    say!("press Ctrl-C to stop");
    let _ = tokio::signal::ctrl_c().await;
    note!(
        "stopping after {} requests ({} faults injected)",
        braze.counters().total(),
        braze.counters().total_faults()
    );
    braze.shutdown().await;
    Ok(())
}
