//! Every value of a spec enum the SDK sends must be one the SDK can express, and every value the
//! SDK can send must be in the spec. Proved on the SDK's own paths: its serde names, its parser
//! (`FromStr`, what the CLI reads) and its conversion to the generated type (what goes on the wire).

use std::collections::BTreeSet;

use braze_segments::{ArchiveFormat, SortDirection};
use braze_segments_api::types as api;
use serde_json::Value;

use crate::{Problem, SPEC};

const TYPES: &str = "crates/braze-segments/src/types.rs";

/// The spec's enums and the SDK types that send them.
pub fn check_enums(spec: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report = |message: String, fix: String| {
        problems.push(Problem {
            check: "enum",
            message,
            fix,
        })
    };
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        if schema.get("enum").is_some() && name != "SortDirection" && name != "UsersExportOutputFormat" {
            report(
                format!("{SPEC}: the enum `{name}` has no SDK type that xtask compares with it"),
                "give it an SDK type and compare the two in xtask/src/enums.rs".into(),
            );
        }
    }
    let Some(values) = spec
        .pointer("/components/schemas/SortDirection/enum")
        .and_then(Value::as_array)
    else {
        report(
            format!("{SPEC} has no enum `SortDirection`, which braze_segments::SortDirection sends"),
            "restore it, or retire the SDK type and its check in xtask/src/enums.rs".into(),
        );
        return problems;
    };
    let spec_values: BTreeSet<String> = values
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect();
    for value in &spec_values {
        let parsed = serde_json::from_value::<SortDirection>(Value::String(value.clone()));
        let from_str = value.parse::<SortDirection>();
        match (parsed, from_str) {
            (Ok(direction), Ok(same)) if direction == same => {}
            _ => report(
                format!("{SPEC}: SortDirection `{value}` cannot be expressed by braze_segments::SortDirection"),
                format!(
                    "add the variant to SortDirection ({TYPES}: the enum, ALL, FromStr and the From for the \
                     generated type)"
                ),
            ),
        }
    }
    for direction in SortDirection::ALL {
        let own = serde_json::to_value(direction).ok();
        let wire = serde_json::to_value(api::SortDirection::from(direction)).ok();
        let own_text = own.as_ref().and_then(Value::as_str).unwrap_or_default().to_owned();
        if !spec_values.contains(&own_text) {
            report(
                format!("braze_segments::SortDirection::{direction:?} is `{own_text}`, which {SPEC} does not allow"),
                format!("add `{own_text}` to the spec's SortDirection, or retire the variant ({TYPES})"),
            );
        } else if own != wire {
            report(
                format!("braze_segments::SortDirection::{direction:?} is `{own_text}` but is sent as {wire:?}"),
                format!("correct the From<SortDirection> for the generated type ({TYPES})"),
            );
        }
    }
    problems.extend(check_output_format(spec));
    problems
}

/// The spec's `UsersExportOutputFormat` against `braze_segments::ArchiveFormat`, both ways.
fn check_output_format(spec: &Value) -> Vec<Problem> {
    let problem = |message: String, fix: String| Problem {
        check: "enum",
        message,
        fix,
    };
    const JOB: &str = "crates/braze-segments/src/users/job.rs";
    let Some(values) = spec
        .pointer("/components/schemas/UsersExportOutputFormat/enum")
        .and_then(Value::as_array)
    else {
        return vec![problem(
            format!("{SPEC} has no enum `UsersExportOutputFormat`, which braze_segments::ArchiveFormat sends"),
            "restore it, or retire the SDK's output_format and its check in xtask/src/enums.rs".into(),
        )];
    };
    let spec_values: BTreeSet<String> = values.iter().filter_map(Value::as_str).map(str::to_owned).collect();
    let mut problems = Vec::new();
    let mut sent = BTreeSet::new();
    for format in ArchiveFormat::ALL {
        let wire = serde_json::to_value(api::UsersExportOutputFormat::from(format)).ok();
        let text = wire.as_ref().and_then(Value::as_str).unwrap_or_default().to_owned();
        if !spec_values.contains(&text) {
            problems.push(problem(
                format!("braze_segments::ArchiveFormat::{format:?} is sent as `{text}`, which {SPEC} does not allow"),
                format!("correct the From<ArchiveFormat> for the generated type ({JOB}), or the spec"),
            ));
        }
        sent.insert(text);
    }
    for value in spec_values.difference(&sent) {
        problems.push(problem(
            format!("{SPEC}: UsersExportOutputFormat `{value}` cannot be expressed by braze_segments::ArchiveFormat"),
            "add the variant to ArchiveFormat (users/archive.rs: the enum, ALL, detect) and its From (users/job.rs)"
                .into(),
        ));
    }
    problems
}
