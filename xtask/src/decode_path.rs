//! The path a response really takes: every example of the spec, a document with every property,
//! and their variants (see `variants.rs`) are decoded by the generated type, converted by the
//! SDK's own conversion, and must come out whole (see `expected.rs` for what "whole" allows).

use std::collections::BTreeSet;

use braze_segments::{DataPoint, Error, RateLimit, SegmentDetails, SegmentSummary, UsersExportJob};
use braze_segments_api::types as api;
use serde_json::{json, Value};

use crate::examples::{collect_examples, component_name};
use crate::expected::{canonical, difference, Side};
use crate::exposed::{entry, TABLE};
use crate::lint::{follow, METHODS};
use crate::shape::{properties, spec_shape};
use crate::variants::{full_document, variants};
use crate::{Problem, FIX_GENERATE, SPEC};

/// Why a document did not come through.
enum Failure {
    /// The generated type refused it: at this path, for this reason.
    Decode(String),
    /// The SDK's conversion refused it or miscounted.
    Convert(String),
}

/// Runs `text` through the generated type named `schema` and the SDK's conversion of it, as the
/// SDK does on a response; the SDK's value by the spec's names. `None` for a schema no response
/// of the SDK decodes directly.
fn through_sdk(schema: &str, text: &str) -> Option<Result<Value, Failure>> {
    fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Failure> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize::<_, T>(&mut de)
            .map_err(|e| Failure::Decode(format!("at `{}`: {}", e.path(), e.inner())))
    }
    fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, Failure> {
        serde_json::to_value(value).map_err(|e| Failure::Convert(e.to_string()))
    }
    Some(match schema {
        "SegmentDetails" => decode::<api::SegmentDetails>(text).and_then(|d| to_json(&SegmentDetails::from(d))),
        "SegmentList" => decode::<api::SegmentList>(text).and_then(|list| {
            let listed = list.segments.as_ref().map_or(0, Vec::len);
            let (segments, count) = SegmentSummary::from_page(list);
            if count != listed {
                return Err(Failure::Convert(format!(
                    "from_page counts {count} listed segments where Braze listed {listed} (paging would stop early)"
                )));
            }
            Ok(json!({ "segments": to_json(&segments)? }))
        }),
        "SegmentDataSeries" => decode::<api::SegmentDataSeries>(text)
            .and_then(|series| Ok(json!({ "data": to_json(&DataPoint::from_series(series))? }))),
        "BrazeError" => decode::<api::BrazeError>(text).and_then(|body| {
            match Error::from_braze_error(400, body, RateLimit::default()) {
                Error::Api { message, errors, .. } => Ok(json!({ "message": message, "errors": to_json(&errors)? })),
                other => Err(Failure::Convert(format!("became {other:?}, not Error::Api"))),
            }
        }),
        "UsersExportSegmentResponse" => decode::<api::UsersExportSegmentResponse>(text).map(|response| {
            let job = UsersExportJob::from_response("seg", response);
            json!({ "object_prefix": job.object_prefix(), "url": job.download_url() })
        }),
        "ExportSegmentCancelResponse" => decode::<api::ExportSegmentCancelResponse>(text).map(|_| json!({})),
        _ => return None,
    })
}

/// The schemas the SDK decodes responses as: those of the spec's responses.
fn response_schemas(spec: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let paths = spec.get("paths").and_then(Value::as_object);
    for item in paths.into_iter().flatten().map(|(_, item)| follow(spec, item)) {
        for op in METHODS.iter().filter_map(|m| item.get(*m)) {
            let responses = op.get("responses").and_then(Value::as_object);
            for response in responses.into_iter().flatten().map(|(_, r)| follow(spec, r)) {
                let content = response.get("content").and_then(Value::as_object);
                for media in content.into_iter().flatten().map(|(_, m)| m) {
                    if let Some(name) = media.get("schema").and_then(component_name) {
                        out.insert(name.to_owned());
                    }
                }
            }
        }
    }
    out
}

/// One document to run: where it comes from, its top-level schema, its value.
struct Base {
    at: String,
    schema: String,
    value: Value,
}

/// The examples, each as a document of a response schema (an example of a nested schema is put
/// in a full document of the schema that holds it), and a full document of each response schema.
fn bases(spec: &Value, responses: &BTreeSet<String>) -> Vec<Base> {
    let mut out = Vec::new();
    let schema_of = |name: &str| spec.pointer(&format!("/components/schemas/{name}"));
    for example in collect_examples(spec).0 {
        if responses.contains(&example.schema) {
            out.push(Base {
                at: example.at,
                schema: example.schema,
                value: example.value.clone(),
            });
            continue;
        }
        // Nested: find a response schema with an array of it.
        for outer in responses {
            let Some(outer_schema) = schema_of(outer) else { continue };
            let outer_node = spec_shape(spec, outer_schema).node;
            let holder = properties(outer_node).find(|(_, p)| {
                let items = spec_shape(spec, p).node.get("items");
                items.and_then(|i| spec_shape(spec, i).component) == Some(example.schema.as_str())
            });
            if let Some((prop, _)) = holder {
                let mut value = full_document(spec, outer_schema);
                value[prop.as_str()] = json!([example.value]);
                out.push(Base {
                    at: format!("{} (as `{prop}[0]` of {outer})", example.at),
                    schema: outer.clone(),
                    value,
                });
                break;
            }
        }
    }
    for name in responses {
        if let Some(schema) = schema_of(name) {
            out.push(Base {
                at: format!("a {name} with every property"),
                schema: name.clone(),
                value: full_document(spec, schema),
            });
        }
    }
    out
}

/// Runs every base document and its variants through the SDK; one problem per schema and kind
/// of change (the first document that shows it).
pub fn check_decode_paths(spec: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let responses = response_schemas(spec);
    for name in &responses {
        if through_sdk(name, "null").is_none() || entry(name).is_none() {
            problems.push(Problem {
                check: "decode-path",
                message: format!("responses of schema `{name}` have no decode path in xtask"),
                fix: format!("add the SDK's conversion to xtask/src/decode_path.rs and an entry to {TABLE}"),
            });
        }
    }
    let mut reported = BTreeSet::new();
    for base in bases(spec, &responses) {
        let (Some(exposed), Some(schema)) = (
            entry(&base.schema),
            spec.pointer(&format!("/components/schemas/{}", base.schema)),
        ) else {
            continue;
        };
        let unchanged = crate::variants::Variant {
            label: "as written".into(),
            value: base.value.clone(),
        };
        for variant in std::iter::once(unchanged).chain(variants(spec, schema, &base.value)) {
            if reported.contains(&(base.schema.clone(), variant.label.clone())) {
                continue;
            }
            let text = variant.value.to_string();
            let Some(result) = through_sdk(&base.schema, &text) else {
                continue;
            };
            let (sdk, file, ty) = (exposed.sdk, exposed.file, &base.schema);
            let doc = format!("{} ({})", base.at, variant.label);
            let problem = match result {
                Err(Failure::Decode(e)) => Some(Problem {
                    check: "decode-path",
                    message: format!("{doc} is a document {SPEC} allows, but types::{ty} refuses it {e}"),
                    fix: format!("`{FIX_GENERATE}`, then make {sdk} ({file}) read what the regenerated type holds"),
                }),
                Err(Failure::Convert(e)) => Some(Problem {
                    check: "decode-path",
                    message: format!("{doc}: {sdk} {e}"),
                    fix: format!("correct the conversion in {file}"),
                }),
                Ok(output) => {
                    let expected = canonical(spec, &variant.value, schema, exposed, "", Side::Input);
                    let actual = canonical(spec, &output, schema, exposed, "", Side::Output);
                    difference(expected.as_ref(), actual.as_ref(), "").map(|what| Problem {
                        check: "decode-path",
                        message: format!("{doc}, decoded by types::{ty} and converted to {sdk}: {what}"),
                        fix: format!(
                            "carry it through {sdk} ({file}), or declare the difference with its reason in {TABLE}"
                        ),
                    })
                }
            };
            if let Some(problem) = problem {
                reported.insert((base.schema.clone(), variant.label));
                problems.push(problem);
            }
        }
    }
    problems
}
