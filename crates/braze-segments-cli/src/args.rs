//! The command line as clap reads it. Each command that calls Braze takes the connection flags
//! ([`ConnectionArgs`]), before or after its name; `mock-server` takes only its own, and `-v`
//! is global. Values are checked here, under the CLI's own names, before anything runs.

use braze_segments::{Client, Instance, SortDirection};
use clap::{CommandFactory as _, Parser, Subcommand, ValueEnum};

use crate::{export, mock_server, users};

#[derive(Debug, Parser)]
#[command(
    name = "braze-segments",
    version,
    about = "Look at Braze segments, or run a stand-in Braze server"
)]
pub struct Cli {
    /// The connection flags, given before the command.
    #[command(flatten)]
    connection: ConnectionArgs,

    /// More logging on stderr: -v for calls, -vv for attempts and retries.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    command: Command,
}

/// How to reach Braze, for the commands that call it.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Braze connection (before or after the command)")]
pub struct ConnectionArgs {
    /// Start the built-in stand-in server in-process and run the command against it
    /// (no Braze account or configuration needed).
    #[arg(long)]
    pub demo: bool,

    /// Braze's REST endpoint URL (overrides BRAZE_REST_ENDPOINT).
    #[arg(long, value_name = "URL", conflicts_with = "instance")]
    pub endpoint: Option<String>,

    /// Braze instance, e.g. US-03 or EU-01 (overrides BRAZE_REST_ENDPOINT).
    #[arg(long, value_parser = Unechoed(parse_instance))]
    pub instance: Option<Instance>,

    /// Attempts per request in all, 1 to 100 (1 turns retries off) [default: 4].
    #[arg(long, value_name = "N", value_parser = Unechoed(parse_attempts))]
    pub max_attempts: Option<u32>,

    /// Leave this many requests of each rate-limit window to the workspace's other
    /// integrations: once Braze says no more than N remain, wait for the window's reset.
    #[arg(long, value_name = "N", value_parser = Unechoed(parse_reserve))]
    pub reserve: Option<u64>,

    /// Spend at most this fraction (0 < F ≤ 1) of each rate-limit window, paced evenly.
    #[arg(long, value_name = "F", value_parser = Unechoed(parse_share))]
    pub budget_share: Option<f64>,
}

impl ConnectionArgs {
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;

    /// The flags given, by name.
    fn given(&self) -> Vec<&'static str> {
        let flags = [
            ("--demo", self.demo),
            ("--endpoint", self.endpoint.is_some()),
            ("--instance", self.instance.is_some()),
            ("--max-attempts", self.max_attempts.is_some()),
            ("--reserve", self.reserve.is_some()),
            ("--budget-share", self.budget_share.is_some()),
        ];
        flags
            .into_iter()
            .filter(|(_, given)| *given)
            .map(|(name, _)| name)
            .collect()
    }

    /// The flags given before the command and after it, as one set; each at most once.
    fn merge(before: ConnectionArgs, after: ConnectionArgs) -> Result<ConnectionArgs, String> {
        fn once<T>(flag: &str, before: Option<T>, after: Option<T>) -> Result<Option<T>, String> {
            match (before, after) {
                (Some(_), Some(_)) => Err(format!(
                    "{flag} is given both before and after the command: give it once"
                )),
                (before, after) => Ok(before.or(after)),
            }
        }
        let merged = ConnectionArgs {
            demo: before.demo || after.demo,
            endpoint: once("--endpoint", before.endpoint, after.endpoint)?,
            instance: once("--instance", before.instance, after.instance)?,
            max_attempts: once("--max-attempts", before.max_attempts, after.max_attempts)?,
            reserve: once("--reserve", before.reserve, after.reserve)?,
            budget_share: once("--budget-share", before.budget_share, after.budget_share)?,
        };
        if merged.demo {
            for (flag, given) in [
                ("--endpoint", merged.endpoint.is_some()),
                ("--instance", merged.instance.is_some()),
            ] {
                if given {
                    return Err(format!("--demo runs against the built-in stand-in; drop {flag}"));
                }
            }
        }
        if merged.endpoint.is_some() && merged.instance.is_some() {
            return Err("--endpoint and --instance both say where Braze is: give one".into());
        }
        Ok(merged)
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts.unwrap_or(Self::DEFAULT_MAX_ATTEMPTS)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show one segment's details.
    Details {
        /// The segment's API identifier.
        segment_id: String,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = DetailsFormat::Text)]
        output: DetailsFormat,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// List every segment (all pages).
    List {
        /// Oldest (asc, Braze's default) or newest (desc) first.
        #[arg(long, value_parser = sort_parser(), default_value_t = SortDirection::Asc)]
        sort: SortDirection,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
        output: ListFormat,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Show a segment's size over time, as a table and a chart.
    DataSeries {
        /// The segment's API identifier.
        segment_id: String,
        /// Days to show, 1 to 100.
        #[arg(long, value_name = "N", value_parser = days_parser())]
        days: u32,
        /// The last day (ISO 8601, e.g. 2024-07-25 or 2024-07-25T00:00:00Z; default: now).
        #[arg(long, value_name = "DATE", value_parser = parse_ending_at)]
        ending_at: Option<chrono::DateTime<chrono::FixedOffset>>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = SeriesFormat::Text)]
        output: SeriesFormat,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Export every segment with its details to a file (or stdout), record by record.
    Export {
        /// The file to write; `-` (or /dev/stdout) writes to stdout, without a sidecar or resume.
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// File format [default: jsonl, or the file's when resuming].
        #[arg(long, value_enum)]
        format: Option<export::ExportFormat>,
        /// Details requests in flight at once, 1 to 64.
        #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
        /// Continue the export in FILE: keep its segments (dropping a torn last record) and fetch
        /// the rest. Only with the endpoint and key it was started with.
        #[arg(long, conflicts_with = "overwrite")]
        resume: bool,
        /// Replace FILE if it already holds anything (without this, export refuses to).
        #[arg(long)]
        overwrite: bool,
        /// Listing order [default: asc, or the file's when resuming].
        #[arg(long, value_parser = sort_parser())]
        sort: Option<SortDirection>,
        /// Add each segment's estimated size per day over the last DAYS days (1 to 100): one more
        /// request per segment [default: none, or the file's when resuming].
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=100))]
        series: Option<u32>,
        /// The day the series end, ISO 8601 [default: when the export starts; a resumed export
        /// keeps its file's].
        #[arg(long, value_name = "DATE", value_parser = parse_ending_at, requires = "series")]
        series_ending_at: Option<chrono::DateTime<chrono::FixedOffset>>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Export the users of one segment (Braze prepares them, then they are downloaded) to a
    /// JSONL or CSV file.
    Users {
        #[command(flatten)]
        args: users::UsersArgs,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Run the stand-in Braze server in the foreground.
    MockServer(mock_server::MockServerArgs),
}

impl Command {
    /// The connection flags given after the command's name (none for `mock-server`).
    fn connection(&mut self) -> Option<ConnectionArgs> {
        match self {
            Command::Details { connection, .. }
            | Command::List { connection, .. }
            | Command::DataSeries { connection, .. }
            | Command::Export { connection, .. }
            | Command::Users { connection, .. } => Some(std::mem::take(connection)),
            Command::MockServer(_) => None,
        }
    }
}

impl Cli {
    /// Reads the command line; a usage error ends the process with clap's message and exit
    /// code 2. Returns `-v`'s count, the command, and its connection flags (before and after
    /// the command's name, together; none for `mock-server`).
    pub fn read() -> (u8, Command, Option<ConnectionArgs>) {
        let mut cli = Cli::parse();
        let before = std::mem::take(&mut cli.connection);
        let connection = match cli.command.connection() {
            Some(after) => ConnectionArgs::merge(before, after).map(Some),
            None => match before.given().first() {
                Some(flag) => Err(format!(
                    "{flag} is for the commands that call Braze; mock-server is the stand-in itself: drop {flag}"
                )),
                None => Ok(None),
            },
        };
        match connection {
            Ok(connection) => (cli.verbose, cli.command, connection),
            Err(message) => Cli::command()
                .error(clap::error::ErrorKind::ArgumentConflict, message)
                .exit(),
        }
    }
}

fn days_parser() -> clap::builder::RangedI64ValueParser<u32> {
    let days = Client::DATA_SERIES_LENGTH_DAYS;
    clap::value_parser!(u32).range(i64::from(*days.start())..=i64::from(*days.end()))
}

/// A date or date-time in any shape the SDK reads Braze's in (`Timestamp::parse`); a date
/// alone is midnight UTC.
fn parse_ending_at(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    if text.trim().is_empty() {
        return Err("it is empty: give a date such as 2024-07-25, or leave the flag out for now".into());
    }
    braze_segments::Timestamp::parse(text)
        .at_offset()
        .ok_or_else(|| "it is not a date: give ISO 8601, e.g. 2024-07-25 or 2024-07-25T23:59:59-05:00".into())
}

/// A value parser for a connection flag, whose value may be a secret pasted in the wrong place
/// (an API key given as `--instance`): a value it refuses is not repeated, as clap's own
/// "invalid value '…'" would. The parser's reason says what was expected; it shows the value
/// only when it is harmless (as [`Instance`]'s does for a short word).
#[derive(Clone)]
struct Unechoed<T>(fn(&str) -> Result<T, String>);

impl<T: Clone + Send + Sync + 'static> clap::builder::TypedValueParser for Unechoed<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let flag = arg
            .and_then(|a| a.get_long())
            .map_or("a flag".to_owned(), |l| format!("--{l}"));
        let parsed = match value.to_str() {
            Some(text) => (self.0)(text),
            None => Err("it is not UTF-8 text".to_owned()),
        };
        parsed.map_err(|reason| {
            let message = format!("invalid value for {flag}: {reason}\n");
            clap::Error::raw(clap::error::ErrorKind::ValueValidation, message).with_cmd(cmd)
        })
    }
}

fn parse_instance(text: &str) -> Result<Instance, String> {
    text.parse().map_err(|e: braze_segments::UnknownInstance| e.to_string())
}

fn parse_attempts(text: &str) -> Result<u32, String> {
    text.trim()
        .parse()
        .ok()
        .filter(|n| (1..=100).contains(n))
        .ok_or_else(|| "give a whole number of attempts from 1 to 100".to_owned())
}

fn parse_reserve(text: &str) -> Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| "give a whole number of requests, e.g. 100".to_owned())
}

fn parse_share(text: &str) -> Result<f64, String> {
    let share: f64 = text
        .trim()
        .parse()
        .map_err(|_| "it is not a number: give a fraction 0 < F ≤ 1, e.g. 0.25".to_owned())?;
    braze_segments::RateBudget::use_all()
        .share(share)
        .validate()
        .map(|()| share)
        .map_err(|_| "it is not a fraction: give 0 < F ≤ 1, e.g. 0.25".to_owned())
}

/// `--sort`: the SDK's own directions (one list of them, `SortDirection::ALL`).
fn sort_parser() -> impl clap::builder::TypedValueParser<Value = SortDirection> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(SortDirection::ALL.map(SortDirection::as_str))
        .map(|s| s.parse::<SortDirection>().unwrap_or_default())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns.
    Table,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DetailsFormat {
    /// A readable block.
    Text,
    /// The details as one JSON object on one line.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeriesFormat {
    /// A table and a chart.
    Text,
    /// The points, oldest first, as one JSON array on one line.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
