//! Every response example in the spec must decode into the type generated for its schema.

use braze_segments_api::types;
use serde_json::Value;

use crate::lint::{follow, METHODS};
use crate::{Problem, SPEC};

/// Decodes `value` as the generated type named `schema`. `None` when no generated type is known
/// under that name (the table below must list every component schema).
fn decode_as(schema: &str, value: &Value) -> Option<Result<(), String>> {
    fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), String> {
        serde_path_to_error::deserialize::<_, T>(value)
            .map(drop)
            .map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))
    }
    Some(match schema {
        "SegmentDetails" => decode::<types::SegmentDetails>(value),
        "SegmentList" => decode::<types::SegmentList>(value),
        "SegmentSummary" => decode::<types::SegmentSummary>(value),
        "SegmentDataSeries" => decode::<types::SegmentDataSeries>(value),
        "DataPoint" => decode::<types::DataPoint>(value),
        "BrazeError" => decode::<types::BrazeError>(value),
        "BrazeErrorDetail" => decode::<types::BrazeErrorDetail>(value),
        "SortDirection" => decode::<types::SortDirection>(value),
        "UsersExportOutputFormat" => decode::<types::UsersExportOutputFormat>(value),
        "UsersExportSegmentRequest" => decode::<types::UsersExportSegmentRequest>(value),
        "UsersExportSegmentResponse" => decode::<types::UsersExportSegmentResponse>(value),
        "ExportSegmentCancelRequest" => decode::<types::ExportSegmentCancelRequest>(value),
        "ExportSegmentCancelResponse" => decode::<types::ExportSegmentCancelResponse>(value),
        _ => return None,
    })
}

/// An example of the spec: where it is, the component schema it is an example of, its value.
pub(crate) struct Example<'a> {
    pub at: String,
    pub schema: String,
    pub value: &'a Value,
}

/// Every `example` and `examples.*.value` of every response, and every component schema's
/// `example`; and a problem for each response whose examples cannot be checked.
pub(crate) fn collect_examples(spec: &Value) -> (Vec<Example<'_>>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut examples = Vec::new();
    let paths = spec.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let item = follow(spec, item);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let responses = op.get("responses").and_then(Value::as_object);
            for (status, response) in responses.into_iter().flatten() {
                let response = follow(spec, response);
                let content = response.get("content").and_then(Value::as_object);
                for (media_type, media) in content.into_iter().flatten() {
                    let at = format!("{} {path} → {status} ({media_type})", method.to_uppercase());
                    let found = media_examples(media);
                    if found.is_empty() {
                        continue;
                    }
                    let Some(name) = media.get("schema").and_then(component_name) else {
                        problems.push(Problem {
                            check: "example",
                            message: format!("{SPEC}: {at} has examples but an inline schema"),
                            fix: "move the schema to components.schemas so its examples can be checked".into(),
                        });
                        continue;
                    };
                    for (label, value) in found {
                        examples.push(Example {
                            at: format!("{at} example {label}"),
                            schema: name.to_owned(),
                            value,
                        });
                    }
                }
            }
        }
    }
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        if let Some(value) = schema.get("example") {
            examples.push(Example {
                at: format!("components.schemas.{name}.example"),
                schema: name.clone(),
                value,
            });
        }
    }
    (examples, problems)
}

/// The component a `$ref` names, for a schema that is one.
pub(crate) fn component_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

/// Decodes every example into its generated type; each failure is a problem naming the example
/// and the JSON path that failed.
pub fn check_examples(spec: &Value) -> Vec<Problem> {
    let (examples, mut problems) = collect_examples(spec);
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object);
    for name in schemas.into_iter().flatten().map(|(name, _)| name) {
        if decode_as(name, &Value::Null).is_none() {
            problems.push(Problem {
                check: "example",
                message: format!("schema `{name}` has no entry in xtask's table of generated types"),
                fix: format!("add `\"{name}\" => decode::<types::{name}>(value)` to xtask/src/examples.rs"),
            });
        }
    }
    for Example { at, schema, value } in examples {
        if let Some(Err(e)) = decode_as(&schema, value) {
            problems.push(Problem {
                check: "example",
                message: format!("{SPEC}: {at} does not decode into types::{schema}: {e}"),
                fix: format!("correct the example (or the schema `{schema}`, then `cargo xtask generate`)"),
            });
        }
    }
    problems
}

fn media_examples(media: &Value) -> Vec<(String, &Value)> {
    let mut found = Vec::new();
    if let Some(example) = media.get("example") {
        found.push(("example".to_owned(), example));
    }
    for (label, example) in media.get("examples").and_then(Value::as_object).into_iter().flatten() {
        if let Some(value) = example.get("value") {
            found.push((format!("`{label}`"), value));
        }
    }
    found
}
