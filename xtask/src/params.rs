//! Every parameter of the spec must be one the SDK sends, with the limits the SDK enforces: a
//! limit the spec gains, loses or changes fails until the SDK (and this table) agree.

use serde_json::{json, Value};

use braze_segments::Client;

use crate::lint::{follow, METHODS};
use crate::shape::spec_shape;
use crate::{Problem, SPEC};

/// The keywords that limit a parameter's value (`enum` is checked in `enums.rs`).
const LIMITS: [&str; 9] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "maxItems",
];

const OPERATIONS: &str = "crates/braze-segments/src/operations.rs";

/// What the SDK does about one limit.
enum Limit {
    /// The SDK enforces exactly this; the spec must say it.
    Is(Value),
    /// The SDK enforces this on its own account (why); the spec may say nothing, or this.
    OwnCap(Value, &'static str),
}

/// One parameter as the SDK sends it.
struct Param {
    operation: &'static str,
    name: &'static str,
    /// Whether the SDK sends it on every call.
    always_sent: bool,
    limits: Vec<(&'static str, Limit)>,
}

fn params() -> Vec<Param> {
    let days = Client::DATA_SERIES_LENGTH_DAYS;
    let segment_id = || {
        vec![
            ("minLength", Limit::Is(json!(1))),
            (
                "maxLength",
                Limit::OwnCap(
                    json!(Client::MAX_SEGMENT_ID_BYTES),
                    "Braze documents no limit; the SDK bounds the request",
                ),
            ),
        ]
    };
    vec![
        Param {
            operation: "get_segments_list",
            name: "page",
            always_sent: true,
            limits: vec![("minimum", Limit::Is(json!(0)))],
        },
        Param {
            operation: "get_segments_list",
            name: "sort_direction",
            always_sent: true,
            limits: vec![],
        },
        Param {
            operation: "get_segment_details",
            name: "segment_id",
            always_sent: true,
            limits: segment_id(),
        },
        Param {
            operation: "get_segment_data_series",
            name: "segment_id",
            always_sent: true,
            limits: segment_id(),
        },
        Param {
            operation: "get_segment_data_series",
            name: "length",
            always_sent: true,
            limits: vec![
                ("minimum", Limit::Is(json!(days.start()))),
                ("maximum", Limit::Is(json!(days.end()))),
            ],
        },
        Param {
            operation: "get_segment_data_series",
            name: "ending_at",
            always_sent: false,
            limits: vec![],
        },
    ]
}

/// Compares every parameter of every operation with the table above.
pub fn check_params(spec: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report = |message: String, fix: String| {
        problems.push(Problem {
            check: "parameter",
            message,
            fix,
        })
    };
    let table = params();
    let mut seen = Vec::new();
    let paths = spec.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let item = follow(spec, item);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let operation = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
            let declared = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(op.get("parameters").and_then(Value::as_array).into_iter().flatten());
            for param in declared {
                let param = follow(spec, param);
                let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
                let at = format!("parameter `{name}` of {} {path}", method.to_uppercase());
                let Some(sdk) = table.iter().find(|p| p.operation == operation && p.name == name) else {
                    report(
                        format!("{SPEC}: {at} is not one the SDK sends"),
                        format!("send it from the SDK ({OPERATIONS}) and list it in xtask/src/params.rs"),
                    );
                    continue;
                };
                seen.push((sdk.operation, sdk.name));
                let required = param.get("required").and_then(Value::as_bool) == Some(true);
                if required && !sdk.always_sent {
                    report(
                        format!("{SPEC}: {at} is required, but the SDK sends it only when asked"),
                        format!("send it on every call ({OPERATIONS}), or make it optional in the spec"),
                    );
                }
                let schema = param.get("schema").map(|s| spec_shape(spec, s).node);
                for keyword in LIMITS {
                    let in_spec = schema.and_then(|s| s.get(keyword));
                    let sdk_limit = sdk.limits.iter().find(|(k, _)| *k == keyword).map(|(_, l)| l);
                    let fix = format!(
                        "make the SDK enforce the spec's limit ({OPERATIONS}; its bounds are the `#[doc(hidden)]` \
                         consts on Client, which xtask/src/params.rs reads), or correct the spec"
                    );
                    match (in_spec, sdk_limit) {
                        (None, None) | (None, Some(Limit::OwnCap(..))) => {}
                        (Some(spec_value), Some(Limit::Is(sdk_value) | Limit::OwnCap(sdk_value, _)))
                            if same_number(spec_value, sdk_value) => {}
                        (spec_value, sdk_limit) => {
                            let spec_text = spec_value.map_or("nothing".to_owned(), Value::to_string);
                            let sdk_text = match sdk_limit {
                                Some(Limit::Is(v)) => v.to_string(),
                                Some(Limit::OwnCap(v, why)) => format!("{v} ({why})"),
                                None => "nothing".to_owned(),
                            };
                            report(
                                format!("{SPEC}: {at} has {keyword} {spec_text}, but the SDK enforces {sdk_text}"),
                                fix,
                            );
                        }
                    }
                }
            }
        }
    }
    for param in &table {
        if !seen.contains(&(param.operation, param.name)) {
            report(
                format!(
                    "the SDK sends `{}` to {}, which {SPEC} does not declare",
                    param.name, param.operation
                ),
                format!(
                    "declare it in the spec, or stop sending it ({OPERATIONS}) and drop it from xtask/src/params.rs"
                ),
            );
        }
    }
    problems
}

fn same_number(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}
