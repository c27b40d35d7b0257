//! `cargo xtask generate` — rewrite the reviewable snapshots of the generated code.
//! `cargo xtask check` — fail, saying what and how to fix it, when the spec, its examples or the
//! snapshots are not in step.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <generate|check|bench>

  generate   write crates/*/generated/*.rs from openapi/braze-segments.yaml, and copy the spec
             into the generated crates (crates/*/openapi/, what their packages build from)
  check      lint the spec, decode its examples, check the SDK matches the spec (types both
             ways, decode path, enums, parameter limits, servers, instance names),
             compare the snapshots with fresh generation
  bench [--endpoint URL] [--requests N] [--concurrency C] [--rounds R] [--export-sizes 10000,50000]
             release-build and run the benchmarks; results in target/bench/results.json";

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
                println!(
                    "ok: spec lints clean, every example decodes, the SDK matches the spec, snapshots match the spec"
                );
                return ExitCode::SUCCESS;
            }
            for problem in &problems {
                eprintln!("{problem}\n");
            }
            eprintln!("cargo xtask check: {} problem(s)", problems.len());
            ExitCode::FAILURE
        }
        Some("bench") => bench(&root, &args[1..]),
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

/// Builds the CLI and the bench binary in release mode, then runs the bench.
fn bench(root: &std::path::Path, args: &[String]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(&cargo)
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            "braze-segments-cli",
            "-p",
            "braze-segments-bench",
        ])
        .status();
    if !matches!(built, Ok(s) if s.success()) {
        eprintln!("error: the release build failed");
        return ExitCode::FAILURE;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), std::path::PathBuf::from);
    let release = target.join("release");
    let status = std::process::Command::new(release.join("braze-segments-bench"))
        .current_dir(root)
        .args(args)
        .arg("--cli")
        .arg(release.join("braze-segments"))
        .arg("--out")
        .arg(target.join("bench/results.json"))
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run the bench: {e}");
            ExitCode::FAILURE
        }
    }
}
