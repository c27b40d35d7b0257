//! Every segment with its details, one JSON object a line, to a new file.
//!
//! ```sh
//! # Against your Braze workspace (BRAZE_API_KEY with segments.list and segments.details,
//! # BRAZE_REST_ENDPOINT):
//! cargo run -p braze-segments --example export_to_file -- segments.jsonl
//!
//! # Against the stand-in Braze server, started inside this process (1,000 segments):
//! cargo run -p braze-segments --example export_to_file -- segments.jsonl --demo
//! ```
//!
//! The file must not exist yet. Each record is written as soon as it arrives; a segment whose
//! details fail is reported on stderr and the rest go on (exit code 1 at the end). The
//! `braze-segments export` command does the same with resume, CSV and a progress bar.

use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use braze_segments::{Client, ExportOptions};
use braze_segments_mock_server::{MockBraze, MockConfig};
use futures::StreamExt as _;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let demo = args.iter().any(|a| a == "--demo");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")).cloned() else {
        eprintln!("usage: export_to_file FILE.jsonl [--demo]");
        return ExitCode::from(2);
    };

    let stand_in = if demo {
        let config = MockConfig {
            segments: 1_000,
            ..MockConfig::default()
        };
        match MockBraze::start(config).await {
            Ok(braze) => Some(braze),
            Err(e) => {
                eprintln!("error: cannot start the stand-in: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let client = match &stand_in {
        Some(braze) => Client::builder().api_key(braze.api_key()).endpoint(braze.url()).build(),
        None => Client::from_env(),
    };
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // create_new: never overwrite an earlier export.
    let file = match OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("error: cannot create {path}: {e}");
            return ExitCode::from(2);
        }
    };

    let code = export(&client, BufWriter::new(file), &path).await;
    if let Some(braze) = stand_in {
        braze.shutdown().await;
    }
    code
}

async fn export(client: &Client, mut out: impl Write, path: &str) -> ExitCode {
    let (mut written, mut gone, mut failed) = (0u64, 0u64, 0u64);
    let mut export = client.export_segments(ExportOptions::default().concurrency(8));
    while let Some(item) = export.next().await {
        match item {
            Ok(record) => {
                let line = serde_json::to_writer(&mut out, &record)
                    .map_err(std::io::Error::from)
                    .and_then(|()| out.write_all(b"\n"));
                if let Err(e) = line {
                    eprintln!("error: cannot write {path}: {e}");
                    return ExitCode::FAILURE;
                }
                written += 1;
            }
            // Archived while the export ran: nothing left to export.
            Err(e) if e.is_gone() => gone += 1,
            Err(e) => {
                let id = e.segment.as_ref().map_or("(the listing)", |s| s.id.as_str());
                eprintln!("failed: {id}: {}", e.error);
                failed += 1;
            }
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("error: cannot write {path}: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!("{written} segments written to {path}, {gone} gone meanwhile, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
