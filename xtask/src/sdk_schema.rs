//! The SDK's hand-written value types must cover the spec: every property the spec gives a
//! schema must exist on the SDK type (by its JSON name) with a compatible type, so the wrapper
//! never silently drops a field the spec gains.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::lint::follow;
use crate::{Problem, SPEC};

/// (spec schema, SDK type name, the SDK type's JSON Schema).
fn pairs() -> Vec<(&'static str, &'static str, Value)> {
    fn schema<T: schemars::JsonSchema>() -> Value {
        serde_json::to_value(schemars::schema_for!(T)).expect("a schema serializes")
    }
    vec![
        (
            "SegmentDetails",
            "braze_segments::SegmentDetails",
            schema::<braze_segments::SegmentDetails>(),
        ),
        (
            "SegmentSummary",
            "braze_segments::SegmentSummary",
            schema::<braze_segments::SegmentSummary>(),
        ),
        (
            "DataPoint",
            "braze_segments::DataPoint",
            schema::<braze_segments::DataPoint>(),
        ),
    ]
}

/// Compares each SDK type's JSON Schema with its spec schema.
pub fn check_sdk_schemas(spec: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (spec_name, sdk_name, sdk) in pairs() {
        let Some(spec_schema) = spec.pointer(&format!("/components/schemas/{spec_name}")) else {
            problems.push(Problem {
                check: "sdk-schema",
                message: format!("{SPEC} has no schema `{spec_name}`, which {sdk_name} mirrors"),
                fix: "restore the schema, or retire the SDK type and its entry in xtask/src/sdk_schema.rs".into(),
            });
            continue;
        };
        compare(spec, spec_schema, &sdk, &sdk, spec_name, sdk_name, &mut problems);
    }
    problems
}

fn compare(
    spec: &Value,
    spec_schema: &Value,
    sdk_root: &Value,
    sdk_schema: &Value,
    at: &str,
    sdk_name: &str,
    problems: &mut Vec<Problem>,
) {
    let spec_schema = follow(spec, spec_schema);
    let sdk_schema = follow_sdk(sdk_root, sdk_schema);
    let spec_types = types(spec_schema);
    let sdk_types = types(sdk_schema);
    if !spec_types.is_empty() && !sdk_types.is_empty() && spec_types.is_disjoint(&sdk_types) {
        problems.push(Problem {
            check: "sdk-schema",
            message: format!("{at} is {spec_types:?} in {SPEC} but {sdk_types:?} in {sdk_name}"),
            fix: format!("change the field's type in {sdk_name} (crates/braze-segments/src/types.rs)"),
        });
        return;
    }
    let format = |s: &Value| s.get("format").and_then(Value::as_str).map(str::to_owned);
    if format(sdk_schema).as_deref() == Some("date-time") && format(spec_schema).as_deref() != Some("date-time") {
        problems.push(Problem {
            check: "sdk-schema",
            message: format!("{at} is a date-time in {sdk_name} but a plain string in {SPEC}: decoding would fail"),
            fix: format!("make the field a String in {sdk_name}, or mark it `format: date-time` in the spec"),
        });
    }
    if let (Some(spec_items), Some(sdk_items)) = (spec_schema.get("items"), sdk_schema.get("items")) {
        compare(
            spec,
            spec_items,
            sdk_root,
            sdk_items,
            &format!("{at}[]"),
            sdk_name,
            problems,
        );
    }
    let spec_props = spec_schema.get("properties").and_then(Value::as_object);
    let sdk_props = sdk_schema.get("properties").and_then(Value::as_object);
    for (name, spec_prop) in spec_props.into_iter().flatten() {
        match sdk_props.and_then(|p| p.get(name)) {
            Some(sdk_prop) => compare(
                spec,
                spec_prop,
                sdk_root,
                sdk_prop,
                &format!("{at}.{name}"),
                sdk_name,
                problems,
            ),
            None => problems.push(Problem {
                check: "sdk-schema",
                message: format!("property `{name}` of {at} in {SPEC} is missing from {sdk_name}"),
                fix: format!("add `{name}` to {sdk_name} (crates/braze-segments/src/types.rs) and its conversion"),
            }),
        }
    }
}

/// The JSON types a schema admits, `null` aside.
fn types(schema: &Value) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = match schema.get("type") {
        Some(Value::String(t)) => [t.clone()].into(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => BTreeSet::new(),
    };
    out.remove("null");
    // An integer is a number: a field the SDK reads as a number accepts the spec's integers.
    if out.contains("number") {
        out.insert("integer".into());
    }
    out
}

/// schemars puts named sub-schemas under `definitions`.
fn follow_sdk<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
        .and_then(|name| root.get("definitions")?.get(name))
        .unwrap_or(schema)
}
