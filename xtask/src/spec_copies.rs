//! The copies of the spec that the generated crates ship in their packages.
//!
//! `cargo package` ships only a crate's own directory, so `braze-segments-api` and
//! `braze-segments-httpmock` each keep a copy of `openapi/braze-segments.yaml` under their own
//! directory (`braze_segments_codegen::PACKAGE_SPEC`), which their build scripts generate from
//! with the `codegen` feature (without it they compile the committed snapshots).
//! The workspace's `openapi/braze-segments.yaml` stays the one file people edit:
//! `cargo xtask generate` writes the copies from it, and `cargo xtask check` fails when a copy
//! differs from it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::{Problem, FIX_GENERATE, SPEC};

/// The generated crates, relative to the workspace root; each holds a copy of the spec at
/// `braze_segments_codegen::PACKAGE_SPEC` under its directory.
pub const GENERATED_CRATES: [&str; 2] = ["crates/braze-segments-api", "crates/braze-segments-httpmock"];

/// The spec copies, relative to the workspace root.
pub fn spec_copies() -> Vec<String> {
    GENERATED_CRATES
        .iter()
        .map(|dir| format!("{dir}/{}", braze_segments_codegen::PACKAGE_SPEC))
        .collect()
}

/// Writes every copy that differs from the spec under `root`. Returns the files it changed.
pub fn write_spec_copies(root: &Path) -> Result<Vec<PathBuf>, String> {
    let master = std::fs::read(root.join(SPEC)).map_err(|e| format!("cannot read {SPEC}: {e}"))?;
    let mut changed = Vec::new();
    for rel in spec_copies() {
        let path = root.join(&rel);
        if std::fs::read(&path).ok().as_deref() == Some(master.as_slice()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, &master).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        changed.push(PathBuf::from(rel));
    }
    Ok(changed)
}

/// One problem per copy that is missing or not byte-identical to the spec, with a unified diff.
pub fn check_spec_copies(root: &Path) -> Vec<Problem> {
    let master = match std::fs::read_to_string(root.join(SPEC)) {
        Ok(text) => text,
        Err(e) => {
            return vec![Problem {
                check: "spec-copy",
                message: format!("cannot read {SPEC}: {e}"),
                fix: format!("restore {SPEC}"),
            }]
        }
    };
    let fix =
        format!("{FIX_GENERATE} (it copies {SPEC} into each generated crate), then commit the copy; edit only {SPEC}");
    let mut problems = Vec::new();
    for rel in spec_copies() {
        let copy = match std::fs::read(root.join(&rel)) {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(Problem {
                    check: "spec-copy",
                    message: format!(
                        "{rel} cannot be read ({e}): the crate's package ships it, and its build script generates \
                         from it with the `codegen` feature"
                    ),
                    fix: fix.clone(),
                });
                continue;
            }
        };
        if copy == master.as_bytes() {
            continue;
        }
        let copy = String::from_utf8_lossy(&copy);
        let mut message = format!(
            "{rel} differs from {SPEC}: the crate's build script generates from its copy with the `codegen` \
             feature, so what would compile is not what the spec says (- copy, + {SPEC}):\n"
        );
        let diff = similar::TextDiff::from_lines(copy.as_ref(), master.as_str());
        let _ = write!(
            message,
            "{}",
            diff.unified_diff()
                .context_radius(2)
                .header(&format!("a/{rel}"), &format!("b/{SPEC}"))
        );
        problems.push(Problem {
            check: "spec-copy",
            message,
            fix: fix.clone(),
        });
    }
    problems
}
