//! `braze-segments`: look at Braze segments from the terminal, or run the built-in stand-in.
//!
//! Exit codes: 0 success, 1 API or transport failure, 2 usage or configuration error.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use braze_segments::{Client, DataPoint, Error, Instance, SegmentDetails, SegmentSummary, SortDirection};
use braze_segments_mock_server::{Fault, FaultConfig, MockBraze, MockConfig, RateLimitConfig};
use clap::{Parser, Subcommand, ValueEnum};
use futures::StreamExt as _;

mod export;

#[derive(Debug, Parser)]
#[command(
    name = "braze-segments",
    version,
    about = "Look at Braze segments, or run a stand-in Braze server"
)]
struct Cli {
    /// Start the built-in stand-in server in-process and run the command against it
    /// (no Braze account or configuration needed).
    #[arg(long, global = true)]
    demo: bool,

    /// Braze's REST endpoint URL (overrides BRAZE_REST_ENDPOINT).
    #[arg(long, global = true, conflicts_with = "instance")]
    endpoint: Option<String>,

    /// Braze instance, e.g. US-03 or EU-01 (overrides BRAZE_REST_ENDPOINT).
    #[arg(long, global = true)]
    instance: Option<Instance>,

    /// Attempts per request in all (1 turns retries off).
    #[arg(long, global = true, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=100))]
    max_attempts: u32,

    /// More logging on stderr: -v for calls, -vv for attempts and retries.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show one segment's details.
    Details {
        /// The segment's API identifier.
        segment_id: String,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = DetailsFormat::Text)]
        output: DetailsFormat,
    },
    /// List every segment (all pages).
    List {
        /// Oldest (asc, Braze's default) or newest (desc) first.
        #[arg(long, value_enum, default_value_t = Sort::Asc)]
        sort: Sort,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
        output: ListFormat,
    },
    /// Show a segment's size over time, as a table and a chart.
    DataSeries {
        /// The segment's API identifier.
        segment_id: String,
        /// Days to show, 1 to 100.
        #[arg(long)]
        days: u32,
        /// The last day (ISO 8601; default: now).
        #[arg(long)]
        ending_at: Option<String>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = DetailsFormat::Text)]
        output: DetailsFormat,
    },
    /// Export every segment with its details to a file, record by record.
    Export {
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
        /// File format.
        #[arg(long, value_enum, default_value_t = export::ExportFormat::Jsonl)]
        format: export::ExportFormat,
        /// Details requests in flight at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Keep the segments already in FILE (dropping a torn last record) and fetch the rest.
        #[arg(long)]
        resume: bool,
        /// Listing order.
        #[arg(long, value_enum, default_value_t = Sort::Asc)]
        sort: Sort,
    },
    /// Run the stand-in Braze server in the foreground.
    MockServer(MockServerArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Sort {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}

impl From<Sort> for SortDirection {
    fn from(s: Sort) -> Self {
        match s {
            Sort::Asc => SortDirection::Asc,
            Sort::Desc => SortDirection::Desc,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    /// Aligned columns.
    Table,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DetailsFormat {
    /// A readable block.
    Text,
    /// The details as one JSON object on one line.
    Json,
}

#[derive(Debug, clap::Args)]
struct MockServerArgs {
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

/// A failure and the exit code it maps to.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match e {
            Error::Config(_) | Error::InvalidInput { .. } => 2,
            _ => 1,
        };
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!("\n  caused by: {s}"));
            source = s.source();
        }
        Failure { code, message }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.code == 0 => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => "info",
        _ => "debug",
    };
    // Only this project's crates: the HTTP stack's own logs are not needed to follow a call.
    let filter = format!("warn,braze_segments={level},braze_segments_cli={level},braze_segments_mock_server={level}");
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
}

async fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::MockServer(args) = &cli.command {
        return mock_server(args).await;
    }
    // With --demo, the stand-in runs for as long as the command does.
    let (client, _demo) = if cli.demo {
        let braze = MockBraze::start(MockConfig::default()).await.map_err(|e| Failure {
            code: 1,
            message: format!("cannot start the stand-in server: {e}"),
        })?;
        eprintln!("demo: using the built-in stand-in Braze at {}", braze.url());
        let client = Client::builder()
            .api_key(braze.api_key())
            .endpoint(braze.url())
            .build()?;
        (client, Some(braze))
    } else {
        (configured_client(&cli)?, None)
    };
    match cli.command {
        Command::Details { segment_id, output } => details(&client, &segment_id, output).await,
        Command::List { sort, output } => list(&client, sort.into(), output).await,
        Command::DataSeries {
            segment_id,
            days,
            ending_at,
            output,
        } => data_series(&client, &segment_id, days, ending_at.as_deref(), output).await,
        Command::Export {
            out,
            format,
            concurrency,
            resume,
            sort,
        } => {
            let args = export::ExportArgs {
                out: &out,
                format,
                concurrency,
                resume,
                sort: sort.into(),
            };
            export::run(&client, args).await
        }
        Command::MockServer(_) => unreachable!("handled above"),
    }
}

fn retry_policy(cli: &Cli) -> braze_segments::RetryPolicy {
    braze_segments::RetryPolicy {
        max_attempts: cli.max_attempts,
        ..braze_segments::RetryPolicy::default()
    }
}

fn configured_client(cli: &Cli) -> Result<Client, Failure> {
    // The SDK reads BRAZE_API_KEY and BRAZE_REST_ENDPOINT; --endpoint/--instance stand in for the latter.
    let endpoint = cli
        .endpoint
        .clone()
        .or_else(|| cli.instance.map(|i| i.rest_url().to_owned()));
    let lookup = |name: &str| match (name, &endpoint) {
        (braze_segments::ENV_REST_ENDPOINT, Some(endpoint)) => Some(endpoint.clone()),
        _ => std::env::var(name).ok(),
    };
    let builder = Client::builder()
        .retry(retry_policy(cli))
        .from_lookup(lookup)
        .map_err(|e| {
            let mut failure = Failure::from(e);
            if failure
                .message
                .contains(&format!("{} is not set", braze_segments::ENV_REST_ENDPOINT))
            {
                failure
                    .message
                    .push_str(": set it to your instance (e.g. US-03) or REST URL, or pass --instance/--endpoint");
            }
            failure
                .message
                .push_str("; or try --demo to run against the built-in stand-in server");
            failure
        })?;
    Ok(builder.build()?)
}

async fn details(client: &Client, segment_id: &str, output: DetailsFormat) -> Result<(), Failure> {
    let response = client.segment_details_with_meta(segment_id).await?;
    match output {
        DetailsFormat::Json => {
            let line = serde_json::to_string(&response.value).map_err(|e| Failure {
                code: 1,
                message: format!("cannot write JSON: {e}"),
            })?;
            emit(&format!("{line}\n"))?;
        }
        DetailsFormat::Text => emit(&details_text(segment_id, &response.value, &response.rate_limit))?,
    }
    Ok(())
}

fn details_text(segment_id: &str, d: &SegmentDetails, rate_limit: &braze_segments::RateLimit) -> String {
    let or_dash = |v: Option<&str>| {
        v.filter(|s| !s.is_empty())
            .unwrap_or("—")
            .replace('\n', "\n                    ")
    };
    let list = |v: &[String]| if v.is_empty() { "—".to_owned() } else { v.join(", ") };
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map_or("—".to_owned(), |t| t.to_rfc3339());
    let mut out = String::new();
    out.push_str(&format!("{}\n", or_dash(d.name.as_deref())));
    out.push_str(&format!("  id:               {segment_id}\n"));
    out.push_str(&format!("  description:      {}\n", or_dash(d.description.as_deref())));
    out.push_str(&format!(
        "  text description: {}\n",
        or_dash(d.text_description.as_deref())
    ));
    out.push_str(&format!("  tags:             {}\n", list(&d.tags)));
    out.push_str(&format!("  teams:            {}\n", list(&d.teams)));
    out.push_str(&format!("  created:          {}\n", time(d.created_at)));
    out.push_str(&format!("  updated:          {}\n", time(d.updated_at)));
    for (key, value) in &d.extra {
        out.push_str(&format!("  {key}: {value}\n"));
    }
    let remaining = match (rate_limit.remaining, rate_limit.limit) {
        (Some(r), Some(l)) => format!("{r} of {l} remaining"),
        (Some(r), None) => format!("{r} remaining"),
        _ => "unknown".to_owned(),
    };
    let reset = rate_limit
        .reset_at
        .map(|t| format!(" (resets {})", t.to_rfc3339()))
        .unwrap_or_default();
    out.push_str(&format!("  rate limit:       {remaining}{reset}\n"));
    out
}

/// Writes data to stdout; a reader that went away (`| head`) ends the command quietly.
fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(write_failure)
}

/// `println!` that never panics: the stand-in keeps serving if nobody reads its banner.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn write_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // The reader went away (`| head`): stop quietly, as command-line tools do.
        return Failure {
            code: 0,
            message: String::new(),
        };
    }
    Failure {
        code: 1,
        message: format!("cannot write to stdout: {e}"),
    }
}

async fn list(client: &Client, sort: SortDirection, output: ListFormat) -> Result<(), Failure> {
    use std::io::Write as _;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut segments = std::pin::pin!(client.segments(sort));
    let mut count = 0u64;
    if output == ListFormat::Json {
        out.write_all(b"[").map_err(write_failure)?;
    }
    if output == ListFormat::Table {
        writeln!(out, "{:<36}  {:<8}  {:<40}  TAGS", "ID", "TRACKING", "NAME").map_err(write_failure)?;
    }
    while let Some(segment) = segments.next().await {
        let segment = segment?;
        match output {
            ListFormat::Table => writeln!(out, "{}", list_row(&segment)),
            ListFormat::Jsonl => writeln!(out, "{}", serde_json::to_string(&segment).expect("serializes")),
            ListFormat::Json => {
                let sep = if count == 0 { "" } else { "," };
                write!(out, "{sep}{}", serde_json::to_string(&segment).expect("serializes"))
            }
        }
        .map_err(write_failure)?;
        count += 1;
    }
    if output == ListFormat::Json {
        out.write_all(b"]\n").map_err(write_failure)?;
    }
    out.flush().map_err(write_failure)?;
    eprintln!("{count} segment(s)");
    Ok(())
}

fn list_row(s: &SegmentSummary) -> String {
    let name = s.name.as_deref().unwrap_or("—").replace('\n', "\\n");
    let tracking = s
        .analytics_tracking_enabled
        .map_or("—", |b| if b { "yes" } else { "no" });
    format!("{:<36}  {:<8}  {:<40}  {}", s.id, tracking, name, s.tags.join(", "))
}

async fn data_series(
    client: &Client,
    segment_id: &str,
    days: u32,
    ending_at: Option<&str>,
    output: DetailsFormat,
) -> Result<(), Failure> {
    let points = client.segment_data_series(segment_id, days, ending_at).await?;
    match output {
        DetailsFormat::Json => emit(&format!("{}\n", serde_json::to_string(&points).expect("serializes")))?,
        DetailsFormat::Text => emit(&series_text(&points))?,
    }
    Ok(())
}

/// A table of the points, then a chart of size over time drawn in the terminal.
fn series_text(points: &[DataPoint]) -> String {
    use textplots::{Chart, LabelBuilder, LabelFormat, Plot, Shape};
    let mut out = String::new();
    out.push_str(&format!("{:<12}  {:>12}\n", "DAY", "SIZE"));
    for p in points {
        out.push_str(&format!("{:<12}  {:>12}\n", p.time, p.size));
    }
    if points.is_empty() {
        out.push_str("(no data)\n");
        return out;
    }
    let xy: Vec<(f32, f32)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f32, p.size as f32))
        .collect();
    let (lo, hi) = xy
        .iter()
        .fold((f32::MAX, f32::MIN), |(lo, hi), &(_, y)| (lo.min(y), hi.max(y)));
    // A flat series still gets a visible range; one point still gets an x range.
    let (lo, hi) = if hi - lo < 1.0 { (lo - 1.0, hi + 1.0) } else { (lo, hi) };
    let x_max = (xy.len().max(2) - 1) as f32;
    let shape = Shape::Lines(&xy);
    let days: Vec<String> = points.iter().map(|p| p.time.clone()).collect();
    let day_label = move |x: f32| days.get(x.round().max(0.0) as usize).cloned().unwrap_or_default();
    let mut chart = Chart::new_with_y_range(120, 40, 0.0, x_max, lo, hi);
    let chart = chart
        .lineplot(&shape)
        .x_label_format(LabelFormat::Custom(Box::new(day_label)))
        .y_label_format(LabelFormat::Custom(Box::new(|y| format!("{y:.0}"))));
    chart.axis();
    chart.figures();
    out.push_str(&format!("\nsegment size per day\n{chart}"));
    out
}

async fn mock_server(args: &MockServerArgs) -> Result<(), Failure> {
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
        say!("    {}  {}", segment.id, segment.name.replace('\n', " "));
    }
    say!("press Ctrl-C to stop");
    let _ = tokio::signal::ctrl_c().await;
    eprintln!(
        "stopping after {} requests ({} faults injected)",
        braze.counters().total(),
        braze.counters().total_faults()
    );
    braze.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(time: &str, size: i64) -> DataPoint {
        serde_json::from_value(serde_json::json!({"time": time, "size": size})).unwrap()
    }

    #[test]
    fn the_chart_survives_any_series_a_server_can_send() {
        let series: Vec<Vec<DataPoint>> = vec![
            vec![],
            vec![point("2024-07-25", 5)],
            vec![point("a", 7), point("b", 7), point("c", 7)],
            vec![point("a", i64::MIN), point("b", i64::MAX)],
            vec![point("a", -3), point("b", 0), point("c", 3)],
            (0..100).map(|i| point(&format!("d{i}"), i * i)).collect(),
        ];
        for points in series {
            let text = series_text(&points);
            assert!(text.starts_with("DAY"), "{text}");
            assert_eq!(text.contains("(no data)"), points.is_empty());
        }
    }
}
