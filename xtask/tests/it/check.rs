//! `cargo xtask check` catches each kind of drift, proved on temporary copies of the real files.

use crate::common;

use common::{copy_of_workspace, edit, report};
use xtask::{check_all, generate, CLIENT_SNAPSHOT, HTTPMOCK_SNAPSHOT, SPEC};

#[test]
fn the_committed_workspace_passes() {
    assert_eq!(report(&xtask::workspace_root()), "");
    let copy = copy_of_workspace();
    assert_eq!(report(copy.path()), "");
}

#[test]
fn a_property_added_without_regenerating_fails_until_generate() {
    let copy = copy_of_workspace();
    edit(
        copy.path(),
        SPEC,
        "        teams:\n",
        "        owner:\n          description: Who owns the segment.\n          type: string\n          nullable: true\n        teams:\n",
    );
    let problems = check_all(copy.path());
    assert!(!problems.is_empty());
    let text = report(copy.path());
    assert!(text.contains(&format!("{CLIENT_SNAPSHOT} differs")), "{text}");
    assert!(
        text.contains("+        pub owner:"),
        "the diff shows the new field: {text}"
    );
    assert!(text.contains("fix: cargo xtask generate"), "{text}");

    assert!(
        text.contains("property `owner` of SegmentDetails in openapi/braze-segments.yaml is not carried by braze_segments::SegmentDetails"),
        "the SDK type must not silently drop the new field: {text}"
    );

    let changed = generate(copy.path()).unwrap();
    assert!(changed.iter().any(|p| p.ends_with("client.rs")));
    let text = report(copy.path());
    assert!(!text.contains("[snapshot]"), "{text}");
    assert!(text.contains("[sdk-schema]"), "still missing from the SDK: {text}");
}

#[test]
fn a_property_whose_type_the_sdk_cannot_read_fails() {
    let copy = copy_of_workspace();
    edit(
        copy.path(),
        SPEC,
        "        name:
          description: The segment's name.
          type: string
          nullable: true
        description:",
        "        name:
          description: The segment's name.
          type: integer
          nullable: true
        description:",
    );
    let text = report(copy.path());
    assert!(
        text.contains("SegmentDetails.name is {\"integer\"} in openapi/braze-segments.yaml but braze_segments::SegmentDetails reads {\"string\"}"),
        "{text}"
    );
}

#[test]
fn a_hand_edit_to_a_snapshot_fails_with_a_diff() {
    let copy = copy_of_workspace();
    edit(
        copy.path(),
        HTTPMOCK_SNAPSHOT,
        "pub trait MockServerExt {",
        "pub trait MockServerExt { // tweak",
    );
    let text = report(copy.path());
    assert!(text.contains(&format!("{HTTPMOCK_SNAPSHOT} differs")), "{text}");
    assert!(text.contains("-pub trait MockServerExt { // tweak"), "{text}");
    assert!(!text.contains(&format!("{CLIENT_SNAPSHOT} differs")), "{text}");
}

#[test]
fn an_example_that_breaks_its_schema_fails_with_the_path() {
    let copy = copy_of_workspace();
    edit(copy.path(), SPEC, "size: 12004", "size: lots");
    let text = report(copy.path());
    assert!(text.contains("[example]"), "{text}");
    assert!(text.contains("types::SegmentDataSeries"), "{text}");
    assert!(text.contains("data[1].size"), "{text}");
}

#[test]
fn an_undocumented_parameter_fails_the_lint() {
    let copy = copy_of_workspace();
    edit(
        copy.path(),
        SPEC,
        "description: The number of days before `ending_at` to return, from 1 to 100.",
        "x-note: none",
    );
    let text = report(copy.path());
    assert!(
        text.contains("parameter `length` of GET /segments/data_series has no description"),
        "{text}"
    );
}

#[test]
fn openapi_3_1_is_refused() {
    let copy = copy_of_workspace();
    edit(copy.path(), SPEC, "openapi: 3.0.3", "openapi: 3.1.0");
    let text = report(copy.path());
    assert!(text.contains("[spec]"), "{text}");
}
