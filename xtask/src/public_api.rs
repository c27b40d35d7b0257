//! The committed listings of the public API (`crates/braze-segments/public-api.txt` and
//! `crates/braze-segments-api/public-api.txt`): one line per public item, read from rustdoc's
//! JSON output, so that a change to the SDK's or the generated client's public API — by hand or
//! by a spec change — shows as a diff in review. `cargo xtask generate` writes them,
//! `cargo xtask check` compares them.
//!
//! rustdoc's JSON output is unstable: it is produced on the stable toolchain with
//! `RUSTC_BOOTSTRAP=1`, in its own target directory (`target/public-api`) so that the main one
//! is not rebuilt, and read with `serde_json` (no `rustdoc-types`: no dependency pinned to one
//! format version; the version this was written for, [`FORMAT_VERSION`], is named when a
//! listing differs and the toolchain wrote another).
//!
//! Listed, with each crate's default features and then each of its optional features alone (an
//! item only a feature brings ends with `#[cfg(feature = "…")]`). The SDK's default feature is a
//! TLS backend, and TLS features gate no public item (they choose how connections are made), so
//! every run is `--no-default-features`: the same items, without compiling aws-lc's C library a
//! second time in this target directory. Listed: every item reachable by a public path (items
//! marked `#[doc(hidden)]` are not), with its kind and signature, struct fields, enum variants,
//! `#[non_exhaustive]`, inherent methods, trait impls (with their associated types) and the
//! auto traits `Send`, `Sync`, `Unpin`, `UnwindSafe`, `RefUnwindSafe` (losing one breaks
//! users). Blanket impls are left out.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::{Problem, FIX_GENERATE};

mod listing;
mod render;
#[cfg(test)]
mod tests;

#[cfg(test)]
use listing::listing;

/// The rustdoc JSON format version the rendering was written against.
pub const FORMAT_VERSION: u64 = 57;

/// Each listed crate: package, crate name, listing (relative to the workspace root), and the
/// optional features whose items it lists too. The generated client first: the SDK depends on
/// it, so its run builds what the second reuses.
pub const LISTINGS: [(&str, &str, &str, &[&str]); 2] = [
    (
        "braze-segments-api",
        "braze_segments_api",
        "crates/braze-segments-api/public-api.txt",
        &["schemars"],
    ),
    (
        "braze-segments",
        "braze_segments",
        "crates/braze-segments/public-api.txt",
        &["export", "users", "quota", "schemars"],
    ),
];

const HEADER: &str =
    "# The public API, one item per line (`cargo xtask generate` writes this file from rustdoc's JSON;\n\
# `cargo xtask check` fails when it is stale). Review its diff like code: a removed or changed line\n\
# breaks users.\n";

/// Writes both listings. Returns the files it changed.
pub fn write_public_api(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut changed = Vec::new();
    for (package, krate, rel, features) in LISTINGS {
        let fresh = fresh_listing(root, package, krate, features)?.0;
        let path = root.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(fresh.as_str()) {
            continue;
        }
        std::fs::write(&path, fresh).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        changed.push(PathBuf::from(rel));
    }
    Ok(changed)
}

/// Compares the committed listings with the public API as rustdoc sees it now; one problem per
/// stale listing, with a unified diff.
pub fn check_public_api(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (package, krate, rel, features) in LISTINGS {
        let (fresh, format) = match fresh_listing(root, package, krate, features) {
            Ok(found) => found,
            Err(message) => {
                problems.push(Problem {
                    check: "public-api",
                    message,
                    fix: format!("make `cargo rustdoc -p {package}` succeed, then {FIX_GENERATE}"),
                });
                continue;
            }
        };
        let committed = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
        if committed == fresh {
            continue;
        }
        let diff = similar::TextDiff::from_lines(committed.as_str(), fresh.as_str());
        let mut message = format!("the public API of {package} differs from {rel} (- committed, + now):\n");
        let _ = write!(
            message,
            "{}",
            diff.unified_diff()
                .context_radius(1)
                .header(&format!("a/{rel}"), &format!("b/{rel} (now)"))
        );
        if format != FORMAT_VERSION {
            let _ = write!(
                message,
                "(rustdoc JSON format {format}; the listing is rendered for format {FORMAT_VERSION}: a \
                 different toolchain may render the same API differently)"
            );
        }
        problems.push(Problem {
            check: "public-api",
            message,
            fix: format!(
                "if the change is meant, {FIX_GENERATE} and commit {rel} with it (a removed or changed \
                 line breaks users: see the public-API review rule in docs/regenerate.md); otherwise undo it"
            ),
        });
    }
    problems
}

/// The listing of `package` as it is now (its default features, then the items each of
/// `features` adds, marked with it), and the rustdoc JSON format it was read from.
fn fresh_listing(root: &Path, package: &str, krate: &str, features: &[&str]) -> Result<(String, u64), String> {
    let doc = rustdoc_json(root, package, krate, None)?;
    let format = doc.get("format_version").and_then(Value::as_u64).unwrap_or(0);
    let base = listing::lines(&doc)?;
    let mut all = base.clone();
    for feature in features {
        let with = listing::lines(&rustdoc_json(root, package, krate, Some(feature))?)?;
        for line in with.difference(&base) {
            all.insert(format!("{line} #[cfg(feature = \"{feature}\")]"));
        }
    }
    Ok((listing::with_header(&all), format))
}

/// Runs rustdoc's JSON output on `package`'s library (with its default features and `feature`)
/// and reads it.
fn rustdoc_json(root: &Path, package: &str, krate: &str, feature: Option<&str>) -> Result<Value, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("public-api");
    let output = Command::new(&cargo)
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .args([
            "rustdoc",
            "--locked",
            "--quiet",
            "--lib",
            "--no-default-features",
            "-p",
            package,
            "--target-dir",
        ])
        .arg(&target)
        .args(feature.map(|f| ["--features", f]).into_iter().flatten())
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        .output()
        .map_err(|e| format!("cannot run {cargo} rustdoc: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo rustdoc -p {package}` (JSON output) failed:\n{}",
            String::from_utf8_lossy(&output.stderr).trim_end()
        ));
    }
    let path = target.join("doc").join(format!("{krate}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}
