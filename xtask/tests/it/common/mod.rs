//! Temporary copies of the workspace's checked files, edited, then checked.

#![allow(dead_code)] // each test file uses its own part

use std::path::Path;

use xtask::{check_all, CLIENT_SNAPSHOT, HTTPMOCK_SNAPSHOT, SPEC};

/// A temporary workspace holding copies of the spec, both snapshots, the README and the
/// generated crates' copies of the spec.
pub fn copy_of_workspace() -> tempfile::TempDir {
    let real = xtask::workspace_root();
    let tmp = tempfile::tempdir().unwrap();
    let files = [SPEC, CLIENT_SNAPSHOT, HTTPMOCK_SNAPSHOT, "README.md"].map(String::from);
    for rel in files.into_iter().chain(xtask::spec_copies()) {
        let to = tmp.path().join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(real.join(&rel), to).unwrap();
    }
    tmp
}

/// Replaces the first `from` in `rel` with `to`; `from` must be there.
pub fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Every problem `cargo xtask check` finds under `root`, one per line.
pub fn report(root: &Path) -> String {
    check_all(root)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Edits the spec, regenerates the snapshots (so the snapshot check is not what fails), and
/// returns the report.
pub fn report_after_generate(root: &Path, from: &str, to: &str) -> String {
    edit(root, SPEC, from, to);
    xtask::generate(root).unwrap();
    let text = report(root);
    assert!(!text.contains("[snapshot]"), "{text}");
    text
}

/// Asserts `text` holds `needle`, showing the whole report when it does not.
pub fn assert_has(text: &str, needle: &str) {
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}
