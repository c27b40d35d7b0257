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
        [--series-days 30] [--users-sizes 10000,100000,1000000]
        [--budget-only | --users-only | --exports-only | --instructions-only] [--no-build-cost]
             release-build and run the benchmarks; results in target/bench/results.json;
             then the build cost (below)
  build-cost [--rounds N]
             clean builds of a minimal SDK consumer and a minimal reqwest+serde_json+tokio one
             (same TLS), N alternating rounds each (default 1), and the ratio of their medians;
             results in target/bench/build-cost.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::workspace_root();
    match args.first().map(String::as_str) {
        Some("generate") => match xtask::generate(&root).and_then(|mut changed| {
            changed.extend(xtask::write_public_api(&root)?);
            Ok(changed)
        }) {
            Ok(changed) if changed.is_empty() => {
                println!("snapshots already match {}", xtask::SPEC);
                ExitCode::SUCCESS
            }
            Ok(changed) => {
                for path in changed {
                    println!("wrote {}", path.display());
                }
                println!("review the diff (git diff crates/*/generated crates/*/public-api.txt) and commit it");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Some("check") => {
            let mut problems = xtask::check_all(&root);
            problems.extend(xtask::check_public_api(&root));
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
        Some("bench") => {
            let build_cost = !args.iter().any(|a| a == "--no-build-cost");
            let bench_args: Vec<String> = args[1..].iter().filter(|a| *a != "--no-build-cost").cloned().collect();
            match bench(&root, &bench_args) {
                code if code == ExitCode::SUCCESS && build_cost => build_cost_command(&root, 1),
                code => code,
            }
        }
        Some("build-cost") => match args.get(1).map(String::as_str) {
            None => build_cost_command(&root, 1),
            Some("--rounds") => match args.get(2).and_then(|n| n.parse::<usize>().ok()).filter(|n| *n > 0) {
                Some(rounds) => build_cost_command(&root, rounds),
                None => {
                    eprintln!("--rounds takes a count of at least 1\n{USAGE}");
                    ExitCode::from(2)
                }
            },
            Some(_) => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
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
///
/// Two builds, not one: built together, the bench binary would be compiled with the CLI's
/// features of the crates they share (tracing's `log`, the SDK's quota, ...), where a service
/// that depends on the SDK builds it with its own. The per-call figures are that service's.
fn bench(root: &std::path::Path, args: &[String]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for package in ["braze-segments-cli", "braze-segments-bench"] {
        let built = std::process::Command::new(&cargo)
            .current_dir(root)
            .args(["build", "--release", "--locked", "-p", package])
            .status();
        if !matches!(built, Ok(s) if s.success()) {
            eprintln!("error: the release build of {package} failed");
            return ExitCode::FAILURE;
        }
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

/// `cargo xtask build-cost`.
fn build_cost_command(root: &std::path::Path, rounds: usize) -> ExitCode {
    println!("build cost: clean builds of two minimal consumers, {rounds} round(s) each (takes minutes)");
    match xtask::build_cost::measure(root, rounds) {
        Ok(cost) => {
            println!(
                "clean build, minimal consumer of braze-segments: {:.1} s median ({} crates)",
                cost.sdk_median(),
                cost.sdk_crates
            );
            println!(
                "clean build, minimal consumer of reqwest + serde_json + tokio: {:.1} s median ({} crates)",
                cost.plain_median(),
                cost.plain_crates
            );
            println!("ratio of the medians: {:.2}", cost.ratio());
            let out = root.join("target/bench/build-cost.json");
            let written = out
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&out, serde_json::to_string_pretty(&cost.to_json()).unwrap_or_default()));
            match written {
                Ok(()) => {
                    println!("results: {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
