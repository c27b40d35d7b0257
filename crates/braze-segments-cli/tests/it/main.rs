//! The command line's tests, as one binary (each file a module): the `braze-segments` binary run
//! as a user runs it, against the stand-in server, httpmock and raw servers on loopback.

mod budget;
mod budget_processes;
mod cli;
mod closed_stdout;
mod common;
mod echoes;
mod export;
mod export_report;
mod export_safety;
mod export_series;
mod export_stdout;
mod export_writers;
mod flags;
mod listing_warnings;
mod mock_server_scripts;
mod progress_terminal;
mod synopsis;
mod terminal;
mod terminal_data;
mod tracing;
mod users;
mod users_detach;
mod users_paths;
mod users_report;
mod users_safety;
mod users_start;
mod users_stop;
