//! What depending on the SDK costs a user at build time: a clean build of a minimal consumer of
//! `braze-segments` against a minimal consumer of plain `reqwest` + `serde_json` + `tokio` with
//! the same TLS choice (rustls with aws-lc-rs), on the same machine in the same run, and the
//! rebuild of the SDK after a one-line spec edit.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The figures, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct BuildCost {
    pub sdk_s: f64,
    pub plain_s: f64,
    pub sdk_crates: usize,
    pub plain_crates: usize,
    pub spec_edit_rebuild_s: f64,
}

impl BuildCost {
    pub fn ratio(&self) -> f64 {
        self.sdk_s / self.plain_s
    }

    pub fn to_json(self) -> serde_json::Value {
        serde_json::json!({
            "sdk_consumer_clean_build_s": self.sdk_s,
            "plain_consumer_clean_build_s": self.plain_s,
            "ratio": self.ratio(),
            "sdk_consumer_crates_compiled": self.sdk_crates,
            "plain_consumer_crates_compiled": self.plain_crates,
            "rebuild_after_one_line_spec_edit_s": self.spec_edit_rebuild_s,
        })
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

/// Measures both consumers from clean, then the rebuild after a spec edit.
pub fn measure(root: &Path) -> Result<BuildCost, String> {
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
    let (plain_s, plain_crates) = clean_build(&cargo, &plain)?;
    let (sdk_s, sdk_crates) = clean_build(&cargo, &sdk)?;
    let spec_edit_rebuild_s = spec_edit_rebuild(&cargo, root)?;
    Ok(BuildCost {
        sdk_s,
        plain_s,
        sdk_crates,
        plain_crates,
        spec_edit_rebuild_s,
    })
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

/// The SDK's rebuild after one line of the spec changes (the generated crates' copies, which
/// their build scripts read, as `cargo xtask generate` writes them). The edit is undone after.
fn spec_edit_rebuild(cargo: &str, root: &Path) -> Result<f64, String> {
    let copy = root.join("crates/braze-segments-api/openapi/braze-segments.yaml");
    let original = std::fs::read_to_string(&copy).map_err(|e| format!("{}: {e}", copy.display()))?;
    let build = || {
        Command::new(cargo)
            .current_dir(root)
            .args(["build", "--quiet", "--locked", "-p", "braze-segments"])
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))
    };
    // From a built state, so only the edit's consequences are timed.
    build()?;
    std::fs::write(&copy, format!("{original}# a one-line edit\n")).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let status = build();
    let seconds = started.elapsed().as_secs_f64();
    std::fs::write(&copy, &original).map_err(|e| e.to_string())?;
    let _ = build();
    match status? {
        s if s.success() => Ok(seconds),
        _ => Err("the rebuild after the spec edit failed".into()),
    }
}
