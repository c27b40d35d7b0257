//! `braze-segments`: look at Braze segments from the terminal, or run the built-in stand-in.
//!
//! Exit codes: 0 success, 1 API or transport failure, 2 usage or configuration error; during
//! `users`, 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP (the export cancelled, no file left).

use std::process::ExitCode;

use braze_segments::Error;

mod args;
mod closed_stdout;
mod connect;
mod csv_cell;
mod export;
mod logs;
mod mock_server;
mod out_file;
mod show;
mod term;
mod users;
mod workspace;

use args::{Cli, Command, ConnectionArgs};
use term::{note, shown};

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
            // Error texts often repeat their source's: each text is said once.
            let text = shown(&s.to_string()).into_owned();
            if !message.contains(&text) {
                message.push_str(&format!("\n  caused by: {text}"));
            }
            source = s.source();
        }
        Failure { code, message }
    }
}

fn main() -> ExitCode {
    let (verbose, command, connection) = Cli::read();
    logs::init(verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            note!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(command, connection)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.code == 0 => ExitCode::SUCCESS,
        Err(failure) => {
            note!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn run(command: Command, connection: Option<ConnectionArgs>) -> Result<(), Failure> {
    let connection = match (&command, connection) {
        (Command::MockServer(args), _) => return mock_server::run(args).await,
        (_, connection) => connection.unwrap_or_default(),
    };
    if let Command::Export {
        out, resume, overwrite, ..
    } = &command
    {
        // Before the stand-in of --demo starts, or anything is sent.
        export::check(&export_args(out, None, 1, *resume, *overwrite, None, None))?;
    }
    let mut users_plan = None;
    if let Command::Users { args, .. } = &command {
        users_plan = Some(users::check(args)?);
    }
    check_stdout(&command)?;
    let connect::Connected {
        client,
        workspace,
        _demo,
    } = connect::connect(&connection).await?;
    match command {
        Command::Details { segment_id, output, .. } => show::details(&client, &segment_id, output).await,
        Command::List { sort, output, .. } => show::list(&client, sort, output).await,
        Command::DataSeries {
            segment_id,
            days,
            ending_at,
            output,
            ..
        } => show::data_series(&client, &segment_id, days, ending_at, output).await,
        Command::Export {
            out,
            format,
            concurrency,
            resume,
            overwrite,
            sort,
            series,
            series_ending_at,
            ..
        } => {
            let series = series.map(|days| export::SeriesArgs {
                days,
                ending_at: series_ending_at,
            });
            let args = export_args(&out, format, concurrency, resume, overwrite, sort, series);
            export::run(&client, &workspace, args).await
        }
        Command::Users { args, .. } => {
            let plan = users_plan.expect("checked above");
            users::run(&client, &workspace, plan, &args).await
        }
        Command::MockServer(_) => unreachable!("handled above"),
    }
}

/// Refuses, before anything is sent, to run a command whose results go to stdout when stdout
/// is closed (`>&-`): they would be lost (`export --out -` and `users --out -` check their own).
fn check_stdout(command: &Command) -> Result<(), Failure> {
    let name = match command {
        Command::Details { .. } => "details",
        Command::List { .. } => "list",
        Command::DataSeries { .. } => "data-series",
        Command::Export { .. } | Command::Users { .. } | Command::MockServer(_) => return Ok(()),
    };
    if !closed_stdout::closed_at_start() {
        return Ok(());
    }
    Err(Failure {
        code: 1,
        message: format!(
            "{name} writes its results to stdout, but stdout is closed: nothing could be shown; \
             run it without closing stdout (>&-), or redirect stdout to a file"
        ),
    })
}

fn export_args(
    out: &std::path::Path,
    format: Option<export::ExportFormat>,
    concurrency: u16,
    resume: bool,
    overwrite: bool,
    sort: Option<braze_segments::SortDirection>,
    series: Option<export::SeriesArgs>,
) -> export::ExportArgs<'_> {
    export::ExportArgs {
        out,
        format,
        concurrency: usize::from(concurrency),
        resume,
        overwrite,
        sort,
        series,
    }
}
