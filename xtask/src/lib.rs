//! `cargo xtask generate` and `cargo xtask check`, as functions over a workspace root so that the
//! tests can run them on temporary copies.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub mod build_cost;
mod decode_path;
mod enums;
mod examples;
mod expected;
mod exposed;
mod lint;
mod page_size;
mod params;
mod public_api;
mod schemas;
mod servers;
mod shape;
mod spec_copies;
mod variants;

pub use decode_path::check_decode_paths;
pub use enums::check_enums;
pub use examples::check_examples;
pub use lint::lint_spec;
pub use page_size::check_page_size;
pub use params::check_params;
pub use public_api::{check_public_api, write_public_api};
pub use schemas::check_sdk_schemas;
pub use servers::{check_instance_texts, check_servers};
pub use spec_copies::{check_spec_copies, spec_copies, write_spec_copies};

/// The spec, relative to the workspace root.
pub const SPEC: &str = "openapi/braze-segments.yaml";
/// The client snapshot, relative to the workspace root.
pub const CLIENT_SNAPSHOT: &str = "crates/braze-segments-api/generated/client.rs";
/// The httpmock snapshot, relative to the workspace root.
pub const HTTPMOCK_SNAPSHOT: &str = "crates/braze-segments-httpmock/generated/httpmock.rs";

/// The command that brings the snapshots in step with the spec.
pub const FIX_GENERATE: &str = "cargo xtask generate";

/// The workspace this xtask belongs to.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// One failed check: what is wrong, and what fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Which check failed (`spec`, `lint`, `example`, `sdk-schema`, `decode-path`, `enum`,
    /// `parameter`, `instances`, `spec-copy`, `snapshot`).
    pub check: &'static str,
    /// What is wrong; may span lines (a diff).
    pub message: String,
    /// The command or edit that fixes it.
    pub fix: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}\n  fix: {}", self.check, self.message, self.fix)
    }
}

/// Writes both snapshots from the spec under `root`, then the generated crates' copies of the
/// spec ([`write_spec_copies`]). Returns the files it changed.
pub fn generate(root: &Path) -> Result<Vec<PathBuf>, String> {
    let generated = braze_segments_codegen::generate(&root.join(SPEC), SPEC).map_err(|e| e.to_string())?;
    let mut changed = Vec::new();
    for (rel, text) in [
        (CLIENT_SNAPSHOT, &generated.client),
        (HTTPMOCK_SNAPSHOT, &generated.httpmock),
    ] {
        let path = root.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        changed.push(PathBuf::from(rel));
    }
    changed.extend(write_spec_copies(root)?);
    Ok(changed)
}

/// Compares the committed snapshots with fresh generation; one problem per stale snapshot, with
/// a unified diff.
pub fn check_snapshots(root: &Path) -> Vec<Problem> {
    let generated = match braze_segments_codegen::generate(&root.join(SPEC), SPEC) {
        Ok(generated) => generated,
        Err(e) => {
            return vec![Problem {
                check: "spec",
                message: e.to_string(),
                fix: format!("fix {SPEC}"),
            }]
        }
    };
    let mut problems = Vec::new();
    for (rel, fresh) in [
        (CLIENT_SNAPSHOT, &generated.client),
        (HTTPMOCK_SNAPSHOT, &generated.httpmock),
    ] {
        let committed = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
        if committed == *fresh {
            continue;
        }
        let diff = similar::TextDiff::from_lines(committed.as_str(), fresh.as_str());
        let mut message = format!("{rel} differs from what {SPEC} generates (- committed, + generated):\n");
        let _ = write!(
            message,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{rel}"), &format!("b/{rel} (generated)"))
        );
        problems.push(Problem {
            check: "snapshot",
            message,
            fix: format!("{FIX_GENERATE}, review the diff, commit (never edit {rel} by hand)"),
        });
    }
    problems
}

/// Every check `cargo xtask check` runs, in order: spec parses, lint rules, examples decode,
/// the SDK's types match the spec's schemas both ways, responses survive the SDK's decode path,
/// enums, parameter limits and servers match the SDK, hand-typed instance names are real,
/// snapshots are fresh.
pub fn check_all(root: &Path) -> Vec<Problem> {
    let spec_path = root.join(SPEC);
    if let Err(e) = braze_segments_codegen::load_spec(&spec_path) {
        return vec![Problem {
            check: "spec",
            message: e.to_string(),
            fix: format!("make {SPEC} a valid OpenAPI 3.0.x document"),
        }];
    }
    let raw = match std::fs::read_to_string(&spec_path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_norway::from_str::<serde_json::Value>(&t).map_err(|e| e.to_string()))
    {
        Ok(raw) => raw,
        Err(e) => {
            return vec![Problem {
                check: "spec",
                message: format!("{SPEC}: {e}"),
                fix: format!("fix {SPEC}"),
            }]
        }
    };
    let mut problems = lint_spec(&raw);
    problems.extend(check_examples(&raw));
    problems.extend(check_sdk_schemas(&raw));
    problems.extend(check_decode_paths(&raw));
    problems.extend(check_enums(&raw));
    problems.extend(check_params(&raw));
    problems.extend(check_page_size(&raw));
    problems.extend(check_servers(&raw));
    problems.extend(check_instance_texts(root));
    problems.extend(check_spec_copies(root));
    problems.extend(check_snapshots(root));
    problems
}
