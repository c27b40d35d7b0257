//! What depending on the SDK costs a user at build time: clean builds of a minimal consumer of
//! `braze-segments` (default features) and of a minimal consumer of plain `reqwest` +
//! `serde_json` + `tokio` with the same TLS choice (rustls with aws-lc-rs), on the same machine in
//! the same run, in alternating rounds (the order flips each round), compared by their medians.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The figures: seconds of each round, and crates compiled.
#[derive(Debug, Clone)]
pub struct BuildCost {
    pub sdk_s: Vec<f64>,
    pub plain_s: Vec<f64>,
    pub sdk_crates: usize,
    pub plain_crates: usize,
}

impl BuildCost {
    pub fn sdk_median(&self) -> f64 {
        median(&self.sdk_s)
    }

    pub fn plain_median(&self) -> f64 {
        median(&self.plain_s)
    }

    /// The SDK consumer's median over the plain one's.
    pub fn ratio(&self) -> f64 {
        self.sdk_median() / self.plain_median()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "sdk_consumer_clean_build_s": self.sdk_s,
            "plain_consumer_clean_build_s": self.plain_s,
            "sdk_consumer_median_s": self.sdk_median(),
            "plain_consumer_median_s": self.plain_median(),
            "ratio_of_medians": self.ratio(),
            "sdk_consumer_crates_compiled": self.sdk_crates,
            "plain_consumer_crates_compiled": self.plain_crates,
        })
    }
}

/// The middle value (the mean of the two middle ones for an even count); 0 for none.
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

const SDK_MAIN: &str = r#"#[tokio::main]
async fn main() {
    let client = braze_segments::Client::builder()
        .api_key("key")
        .endpoint("https://rest.iad-01.braze.com")
        .build()
        .unwrap();
    println!("{client:?}");
}
"#;

const PLAIN_MAIN: &str = r#"#[tokio::main]
async fn main() {
    let client = reqwest::Client::new();
    let request = client.get("https://rest.iad-01.braze.com/segments/details").bearer_auth("key");
    let value: serde_json::Value = serde_json::from_str("{}").unwrap();
    println!("{request:?} {value}");
}
"#;

/// Measures both consumers from clean, `rounds` times each, alternating which goes first.
pub fn measure(root: &Path, rounds: usize) -> Result<BuildCost, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let base = target_dir(root).join("build-cost");
    let _ = std::fs::remove_dir_all(&base);
    let sdk_path = root.join("crates/braze-segments");
    let sdk = consumer(
        &base.join("sdk"),
        &format!(
            "braze-segments = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n",
            sdk_path.display().to_string()
        ),
        SDK_MAIN,
        root,
    )?;
    let plain = consumer(
        &base.join("plain"),
        "reqwest = { version = \"0.13.4\", default-features = false, features = [\"json\", \"rustls\", \"http2\"] }\n\
         serde_json = \"1\"\ntokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }\n",
        PLAIN_MAIN,
        root,
    )?;
    let mut cost = BuildCost {
        sdk_s: Vec::new(),
        plain_s: Vec::new(),
        sdk_crates: 0,
        plain_crates: 0,
    };
    for round in 0..rounds.max(1) {
        let mut order = [(&plain, false), (&sdk, true)];
        if round % 2 == 1 {
            order.reverse();
        }
        for (dir, is_sdk) in order {
            let (seconds, crates) = clean_build(&cargo, dir)?;
            println!(
                "round {}: {} consumer {seconds:.1} s ({crates} crates)",
                round + 1,
                if is_sdk { "SDK" } else { "plain" }
            );
            if is_sdk {
                cost.sdk_s.push(seconds);
                cost.sdk_crates = crates;
            } else {
                cost.plain_s.push(seconds);
                cost.plain_crates = crates;
            }
        }
    }
    Ok(cost)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// A one-file binary crate depending on `deps`, with the workspace's lock file (the same
/// versions the workspace builds).
fn consumer(dir: &Path, deps: &str, main: &str, root: &Path) -> Result<PathBuf, String> {
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir.join("src")).map_err(io)?;
    let manifest = format!(
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{deps}\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(io)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(io)?;
    Ok(dir.to_owned())
}

/// A clean debug build in its own target directory: seconds, and crates compiled.
fn clean_build(cargo: &str, dir: &Path) -> Result<(f64, usize), String> {
    let _ = std::fs::remove_dir_all(dir.join("target"));
    let started = Instant::now();
    let out = Command::new(cargo)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .args(["build", "--quiet", "--message-format", "json"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "building {} failed:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let crates = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"reason\":\"compiler-artifact\""))
        .count();
    Ok((seconds, crates))
}
