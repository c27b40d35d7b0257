//! `braze-segments`: look at Braze segments from the terminal, or run the built-in stand-in.
//!
//! Exit codes: 0 success, 1 API or transport failure, 2 usage or configuration error.

use std::process::ExitCode;

use braze_segments::{Client, Error, Instance, SortDirection};
use braze_segments_mock_server::{MockBraze, MockConfig};
use clap::{Parser, Subcommand, ValueEnum};

mod export;
mod mock_server;
mod show;
mod term;

use term::{note, shown};

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

    /// Leave this many requests of each rate-limit window to the workspace's other
    /// integrations: once Braze says no more than N remain, wait for the window's reset.
    #[arg(long, global = true, value_name = "N")]
    reserve: Option<u64>,

    /// Spend at most this fraction (0 < F ≤ 1) of each rate-limit window, paced evenly.
    #[arg(long, global = true, value_name = "F", value_parser = parse_share)]
    budget_share: Option<f64>,

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
        /// File format [default: jsonl, or the file's when resuming].
        #[arg(long, value_enum)]
        format: Option<export::ExportFormat>,
        /// Details requests in flight at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Continue the export in FILE: keep its segments (dropping a torn last record) and fetch
        /// the rest. Only with the endpoint and key it was started with.
        #[arg(long, conflicts_with = "overwrite")]
        resume: bool,
        /// Replace FILE if it already holds anything (without this, export refuses to).
        #[arg(long)]
        overwrite: bool,
        /// Listing order [default: asc, or the file's when resuming].
        #[arg(long, value_enum)]
        sort: Option<Sort>,
    },
    /// Run the stand-in Braze server in the foreground.
    MockServer(mock_server::MockServerArgs),
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
        // Error texts carry server text: escaped, so only our own line breaks remain.
        let mut message = shown(&e.to_string()).into_owned();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!("\n  caused by: {}", shown(&s.to_string())));
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
            note!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.code == 0 => ExitCode::SUCCESS,
        Err(failure) => {
            note!("error: {}", failure.message);
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
        return mock_server::run(args).await;
    }
    // With --demo, the stand-in runs for as long as the command does.
    let (client, workspace, _demo) = if cli.demo {
        let braze = MockBraze::start(MockConfig::default()).await.map_err(|e| Failure {
            code: 1,
            message: format!("cannot start the stand-in server: {e}"),
        })?;
        note!("demo: using the built-in stand-in Braze at {}", braze.url());
        let client = Client::builder()
            .api_key(braze.api_key())
            .endpoint(braze.url())
            .retry(retry_policy(&cli))
            .budget(budget(&cli))
            .build()?;
        // Every demo serves the same dataset from a new port: one workspace for resuming.
        let workspace = export::Workspace {
            endpoint: "demo".into(),
            key: braze.api_key().to_owned(),
        };
        (client, workspace, Some(braze))
    } else {
        let (client, workspace) = configured_client(&cli)?;
        (client, workspace, None)
    };
    match cli.command {
        Command::Details { segment_id, output } => show::details(&client, &segment_id, output).await,
        Command::List { sort, output } => show::list(&client, sort.into(), output).await,
        Command::DataSeries {
            segment_id,
            days,
            ending_at,
            output,
        } => show::data_series(&client, &segment_id, days, ending_at.as_deref(), output).await,
        Command::Export {
            out,
            format,
            concurrency,
            resume,
            overwrite,
            sort,
        } => {
            let args = export::ExportArgs {
                out: &out,
                format,
                concurrency,
                resume,
                overwrite,
                sort: sort.map(Into::into),
            };
            export::run(&client, &workspace, args).await
        }
        Command::MockServer(_) => unreachable!("handled above"),
    }
}

fn parse_share(text: &str) -> Result<f64, String> {
    let share: f64 = text.trim().parse().map_err(|_| format!("{text:?} is not a number"))?;
    braze_segments::RateBudget::use_all()
        .share(share)
        .map(|_| share)
        .map_err(|_| format!("{text} is not a fraction: give 0 < F ≤ 1, e.g. 0.25"))
}

/// The budget from --reserve and --budget-share.
fn budget(cli: &Cli) -> braze_segments::RateBudget {
    let budget = braze_segments::RateBudget::use_all().reserve(cli.reserve.unwrap_or(0));
    match cli.budget_share {
        // Checked by clap already.
        Some(share) => budget.clone().share(share).unwrap_or(budget),
        None => budget,
    }
}

fn retry_policy(cli: &Cli) -> braze_segments::RetryPolicy {
    braze_segments::RetryPolicy {
        max_attempts: cli.max_attempts,
        ..braze_segments::RetryPolicy::default()
    }
}

/// The client, and the workspace it reads (for the export's sidecar).
fn configured_client(cli: &Cli) -> Result<(Client, export::Workspace), Failure> {
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
        .budget(budget(cli))
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
    let client = builder.build()?;
    let workspace = export::Workspace {
        endpoint: client.endpoint().to_owned(),
        // As the SDK reads it (trimmed); set, or building would have failed.
        key: lookup(braze_segments::ENV_API_KEY)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    };
    Ok((client, workspace))
}
