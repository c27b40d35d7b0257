//! `cargo xtask generate` — rewrite the reviewable snapshots of the generated code.
//! `cargo xtask check` — fail, saying what and how to fix it, when the spec, its examples or the
//! snapshots are not in step.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <generate|check>

  generate   write crates/*/generated/*.rs from openapi/braze-segments.yaml
  check      lint the spec, decode its examples, compare the snapshots with fresh generation";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::workspace_root();
    match args.first().map(String::as_str) {
        Some("generate") => match xtask::generate(&root) {
            Ok(changed) if changed.is_empty() => {
                println!("snapshots already match {}", xtask::SPEC);
                ExitCode::SUCCESS
            }
            Ok(changed) => {
                for path in changed {
                    println!("wrote {}", path.display());
                }
                println!("review the diff (git diff crates/*/generated) and commit it");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Some("check") => {
            let problems = xtask::check_all(&root);
            if problems.is_empty() {
                println!("ok: spec lints clean, every example decodes, snapshots match the spec");
                return ExitCode::SUCCESS;
            }
            for problem in &problems {
                eprintln!("{problem}\n");
            }
            eprintln!("cargo xtask check: {} problem(s)", problems.len());
            ExitCode::FAILURE
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
