//! Each kind of drift between the spec and the SDK fails `cargo xtask check` with a message that
//! names the fix, even after `cargo xtask generate` has refreshed the snapshots. Proved on
//! temporary copies of the real files.

use crate::common;

use common::{assert_has, copy_of_workspace, report, report_after_generate};

const FIX_TABLE: &str = "xtask/src/exposed.rs";

/// A property added to each schema the SDK reads, with the words naming what carries it.
#[test]
fn a_property_added_to_any_response_schema_fails() {
    let cases = [
        (
            "SegmentList",
            "segments:\n          description: Up to 100",
            "the page of Client::segments_page",
        ),
        (
            "SegmentDataSeries",
            "data:\n          description: >-",
            "the points of Client::segment_data_series",
        ),
        (
            "DataPoint",
            "time:\n          description: The day",
            "braze_segments::DataPoint",
        ),
        (
            "BrazeError",
            "errors:\n          description: Further details",
            "braze_segments::Error::Api",
        ),
        (
            "SegmentSummary",
            "id:\n          description: The segment's API",
            "braze_segments::SegmentSummary",
        ),
        ("SegmentDetails", "created_at:\n", "braze_segments::SegmentDetails"),
    ];
    for (schema, anchor, sdk) in cases {
        let copy = copy_of_workspace();
        let added =
            format!("added_field:\n          description: New.\n          type: string\n          nullable: true\n        {anchor}");
        let text = report_after_generate(copy.path(), anchor, &added);
        assert_has(
            &text,
            &format!("[sdk-schema] property `added_field` of {schema} in openapi/braze-segments.yaml is not carried by {sdk}"),
        );
        assert_has(&text, "and its conversion, or ");
        assert_has(&text, FIX_TABLE);
    }
}

#[test]
fn a_property_added_with_an_example_is_lost_on_the_decode_path() {
    let copy = copy_of_workspace();
    common::edit(
        copy.path(),
        xtask::SPEC,
        "                  - time: \"2024-07-23\"\n",
        "                  - time: \"2024-07-23\"\n                    estimated: true\n",
    );
    let text = report_after_generate(
        copy.path(),
        "time:\n          description: The day",
        "estimated:\n          description: Whether the size is estimated.\n          type: boolean\n        time:\n          description: The day",
    );
    assert_has(&text, "[sdk-schema] property `estimated` of DataPoint");
    assert_has(&text, "[decode-path] GET /segments/data_series → 200 (application/json) example example (as written), decoded by types::SegmentDataSeries and converted to the points of Client::segment_data_series (DataPoint::from_series): `data[");
    assert_has(&text, "].estimated` is lost (the document has true)");
}

#[test]
fn a_property_the_sdk_carries_but_the_spec_lacks_fails() {
    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "        teams:\n          description: The names of the teams the segment belongs to (added by Braze in February 2024).\n          type: array\n          nullable: true\n          items:\n            description: A team name, or null (seen in other Braze objects).\n            type: string\n            nullable: true\n",
        "",
    );
    assert_has(&text, "[sdk-schema] braze_segments::SegmentDetails carries `teams`, which SegmentDetails in openapi/braze-segments.yaml does not have");
    assert_has(&text, "fix: add `teams` to the schema in the spec (then `cargo xtask generate`), or remove it from braze_segments::SegmentDetails");

    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "        size:\n          description: The estimated number of users in the segment on that day.\n          type: integer\n          format: int64\n          nullable: true\n",
        "",
    );
    assert_has(
        &text,
        "braze_segments::DataPoint carries `size`, which DataPoint in openapi/braze-segments.yaml does not have",
    );
    assert_has(&text, "xtask/src/exposed.rs lists `size` of DataPoint as tolerated, but openapi/braze-segments.yaml has no such property");
}

#[test]
fn a_field_the_sdk_requires_becoming_optional_or_nullable_fails() {
    // Optional: the error body's `message`.
    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "`errors` sometimes adds details.\n      type: object\n      required: [message]\n",
        "`errors` sometimes adds details.\n      type: object\n",
    );
    assert_has(&text, "[sdk-schema] BrazeError.message may be missing (openapi/braze-segments.yaml does not require it), but braze_segments::Error::Api (Error::from_braze_error) reads it as required");
    assert_has(&text, "(`message` missing) is a document openapi/braze-segments.yaml allows, but types::BrazeError refuses it at `.`: missing field `message`");

    // Nullable: the details' `message`.
    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "          type: string\n        created_at:\n",
        "          type: string\n          nullable: true\n        created_at:\n",
    );
    assert_has(&text, "[sdk-schema] SegmentDetails.message may be null in openapi/braze-segments.yaml, but braze_segments::SegmentDetails reads it as never null");
    assert_has(
        &text,
        "fix: make it an Option in braze_segments::SegmentDetails (crates/braze-segments/src/types.rs)",
    );
    assert_has(&text, "(`message` null) is a document openapi/braze-segments.yaml allows, but types::SegmentDetails refuses it at `message`: invalid type: null");
}

#[test]
fn nulls_inside_an_array_the_sdk_cannot_hold_fail() {
    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "          items:\n            $ref: \"#/components/schemas/SegmentSummary\"\n",
        "          items:\n            nullable: true\n            allOf:\n              - $ref: \"#/components/schemas/SegmentSummary\"\n",
    );
    assert_has(&text, "[sdk-schema] SegmentList.segments[] may be null in openapi/braze-segments.yaml, but the page of Client::segments_page (SegmentSummary::from_page) reads it as never null");
    assert_has(&text, "(a null in `segments`) is a document openapi/braze-segments.yaml allows, but types::SegmentList refuses it at `segments[");
}

#[test]
fn an_enum_value_the_sdk_cannot_send_or_the_spec_lacks_fails() {
    let copy = copy_of_workspace();
    let text = report_after_generate(copy.path(), "enum: [asc, desc]", "enum: [asc, desc, relevance]");
    assert_has(&text, "[enum] openapi/braze-segments.yaml: SortDirection `relevance` cannot be expressed by braze_segments::SortDirection");
    assert_has(
        &text,
        "fix: add the variant to SortDirection (crates/braze-segments/src/types.rs",
    );

    let copy = copy_of_workspace();
    let text = report_after_generate(copy.path(), "enum: [asc, desc]", "enum: [asc]");
    assert_has(
        &text,
        "[enum] braze_segments::SortDirection::Desc is `desc`, which openapi/braze-segments.yaml does not allow",
    );
}

#[test]
fn a_parameter_limit_the_sdk_does_not_enforce_fails() {
    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "            minimum: 1\n            maximum: 100\n",
        "            minimum: 1\n            maximum: 90\n",
    );
    assert_has(&text, "[parameter] openapi/braze-segments.yaml: parameter `length` of GET /segments/data_series has maximum 90, but the SDK enforces 100");
    assert_has(
        &text,
        "fix: make the SDK enforce the spec's limit (crates/braze-segments/src/operations.rs",
    );

    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "            minLength: 1\n",
        "            minLength: 1\n            maxLength: 36\n",
    );
    assert_has(&text, "parameter `segment_id` of GET /segments/details has maxLength 36, but the SDK enforces 1024 (Braze documents no limit");

    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "        - name: ending_at\n",
        "        - name: limit\n          in: query\n          required: false\n          description: At most this many points.\n          schema:\n            type: integer\n        - name: ending_at\n",
    );
    assert_has(&text, "[parameter] openapi/braze-segments.yaml: parameter `limit` of GET /segments/data_series is not one the SDK sends");
}

#[test]
fn servers_and_instances_disagreeing_fail() {
    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "  - url: https://rest.kr-01.braze.com\n    description: KR-01\n",
        "",
    );
    assert_has(
        &text,
        "[instances] openapi/braze-segments.yaml has no server for KR-01 (https://rest.kr-01.braze.com)",
    );

    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "  - url: https://rest.kr-01.braze.com\n",
        "  - url: https://rest.iad-09.braze.com\n    description: US-09\n  - url: https://rest.kr-01.braze.com\n",
    );
    assert_has(&text, "[instances] openapi/braze-segments.yaml: server https://rest.iad-09.braze.com (US-09) is not a braze_segments::Instance");
    assert_has(
        &text,
        "fix: add the instance to Instance (crates/braze-segments/src/instance.rs",
    );

    let copy = copy_of_workspace();
    let text = report_after_generate(copy.path(), "description: EU-02", "description: EU-03");
    assert_has(
        &text,
        "server https://rest.fra-02.braze.eu is described as `EU-03`, but it is EU-02",
    );
}

#[test]
fn hand_typed_instance_names_in_the_readme_are_checked() {
    let copy = copy_of_workspace();
    common::edit(
        copy.path(),
        "README.md",
        "such as `US-03` or `EU-01`",
        "such as `US-03` or `EU-09`",
    );
    let text = report(copy.path());
    assert_has(&text, "[instances] README.md:");
    assert_has(
        &text,
        "names instance EU-09, which braze_segments::Instance does not have",
    );

    let copy = copy_of_workspace();
    common::edit(
        copy.path(),
        "README.md",
        "such as `US-03` or `EU-01`",
        "one of US-01, US-02, EU-01",
    );
    let text = report(copy.path());
    assert_has(
        &text,
        "lists instances by hand (US-01, US-02, EU-01), not as Instance::ALL has them",
    );
    assert_has(&text, "fix: write every instance (US-01, US-02, US-03, US-04, US-05, US-06, US-07, US-08, US-10, EU-01, EU-02, AU-01, ID-01, JP-01, KR-01) or use Instance::names()");

    let copy = copy_of_workspace();
    common::edit(
        copy.path(),
        "README.md",
        "such as `US-03` or `EU-01`",
        "such as `US-03` (https://rest.iad-04.braze.com)",
    );
    let text = report(copy.path());
    assert_has(
        &text,
        "pairs US-03 with https://rest.iad-04.braze.com, but US-03 is https://rest.iad-03.braze.com",
    );
}

#[test]
fn an_example_the_sdk_does_not_carry_whole_fails() {
    let copy = copy_of_workspace();
    let long = "x".repeat(1500);
    let text = report_after_generate(copy.path(), "message: Not Found\n", &format!("message: {long}\n"));
    assert_has(&text, "→ 404 (application/json) example example (as written), decoded by types::BrazeError and converted to braze_segments::Error::Api (Error::from_braze_error): `message` is \"xxx");
    assert_has(&text, "(1001 characters) where the document has \"xxx");
}

#[test]
fn a_schema_the_sdk_knows_nothing_of_fails() {
    let copy = copy_of_workspace();
    let text = report_after_generate(
        copy.path(),
        "    SortDirection:\n",
        "    SegmentOwner:\n      description: Who owns a segment.\n      type: object\n      properties:\n        name:\n          description: The owner's name.\n          type: string\n    SortDirection:\n",
    );
    assert_has(
        &text,
        "[sdk-schema] openapi/braze-segments.yaml has a schema `SegmentOwner` the SDK knows nothing of",
    );
}
