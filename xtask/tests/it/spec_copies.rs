//! The generated crates' copies of the spec: `cargo xtask check` names a stale or missing copy
//! with the fix, and `cargo xtask generate` brings it back, proved on a temporary workspace.

use std::path::Path;

use xtask::{check_all, check_spec_copies, generate, spec_copies, SPEC};

/// A temporary workspace holding the spec and its copies, as committed.
fn workspace_with_copies() -> tempfile::TempDir {
    let real = xtask::workspace_root();
    let tmp = tempfile::tempdir().unwrap();
    for rel in std::iter::once(SPEC.to_owned()).chain(spec_copies()) {
        let to = tmp.path().join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(real.join(&rel), to).unwrap();
    }
    tmp
}

fn report(problems: &[xtask::Problem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

fn append(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    let mut old = std::fs::read_to_string(&path).unwrap();
    old.push_str(text);
    std::fs::write(path, old).unwrap();
}

#[test]
fn the_committed_copies_match_the_spec() {
    assert_eq!(spec_copies().len(), 2);
    assert_eq!(report(&check_spec_copies(&xtask::workspace_root())), "");
}

#[test]
fn a_spec_edit_without_generate_names_each_stale_copy_until_generate() {
    let root = workspace_with_copies();
    assert_eq!(report(&check_spec_copies(root.path())), "");
    append(root.path(), SPEC, "# an edit to the master only\n");

    let problems = check_spec_copies(root.path());
    assert_eq!(problems.len(), 2, "{}", report(&problems));
    for (problem, copy) in problems.iter().zip(spec_copies()) {
        let text = problem.to_string();
        assert!(
            text.starts_with(&format!("[spec-copy] {copy} differs from {SPEC}")),
            "{text}"
        );
        assert!(
            text.contains("+# an edit to the master only"),
            "the diff shows the edit: {text}"
        );
        assert!(text.contains("fix: cargo xtask generate"), "{text}");
    }
    assert!(report(&check_all(root.path())).contains("[spec-copy]"));

    let changed = generate(root.path()).unwrap();
    for copy in spec_copies() {
        assert!(
            changed.iter().any(|p| p == Path::new(&copy)),
            "{copy} rewritten: {changed:?}"
        );
        assert_eq!(
            std::fs::read(root.path().join(&copy)).unwrap(),
            std::fs::read(root.path().join(SPEC)).unwrap()
        );
    }
    assert_eq!(report(&check_spec_copies(root.path())), "");
}

#[test]
fn a_hand_edited_copy_fails_and_a_missing_one_too() {
    let root = workspace_with_copies();
    let [edited, removed] = <[String; 2]>::try_from(spec_copies()).unwrap();
    append(root.path(), &edited, "# edited in the crate\n");
    std::fs::remove_file(root.path().join(&removed)).unwrap();

    let text = report(&check_spec_copies(root.path()));
    assert!(
        text.contains(&format!("[spec-copy] {edited} differs from {SPEC}")),
        "{text}"
    );
    assert!(text.contains("-# edited in the crate"), "{text}");
    assert!(
        text.contains(&format!("[spec-copy] {removed} cannot be read")),
        "{text}"
    );
    assert!(text.contains(&format!("edit only {SPEC}")), "{text}");

    generate(root.path()).unwrap();
    assert_eq!(report(&check_spec_copies(root.path())), "");
}
