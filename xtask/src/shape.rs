//! Reading a JSON Schema node as the checks need it: what it points at, which JSON types it
//! admits, whether it admits `null`. The spec's nodes are OpenAPI 3.0 (`nullable`, refs to
//! `#/components/schemas/…`); the SDK's are schemars' draft 7 (type arrays, `anyOf` with a null,
//! refs to `#/definitions/…`).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::lint::resolve;

/// A node with its wrappers (a `$ref`, a one-element `allOf`, an `anyOf` with a null) taken off.
#[derive(Clone, Copy)]
pub(crate) struct Shape<'a> {
    /// The node that says what the value is.
    pub node: &'a Value,
    /// Whether `null` is allowed.
    pub nullable: bool,
    /// The component schema the node named, if it was a `$ref` to one.
    pub component: Option<&'a str>,
}

/// The spec's node `node`, unwrapped.
pub(crate) fn spec_shape<'a>(spec: &'a Value, node: &'a Value) -> Shape<'a> {
    unwrap(node, &|r| resolve(spec, r), "#/components/schemas/")
}

/// A node of the SDK's JSON Schema `root` (schemars' output, or a view written in xtask), unwrapped.
pub(crate) fn view_shape<'a>(root: &'a Value, node: &'a Value) -> Shape<'a> {
    let lookup = |r: &str| {
        r.strip_prefix("#/definitions/")
            .and_then(|name| root.get("definitions")?.get(name))
    };
    unwrap(node, &lookup, "#/definitions/")
}

fn unwrap<'a>(node: &'a Value, lookup: &dyn Fn(&str) -> Option<&'a Value>, prefix: &str) -> Shape<'a> {
    let mut shape = Shape {
        node,
        nullable: false,
        component: None,
    };
    // Bounded: a cycle of refs ends here rather than looping.
    for _ in 0..16 {
        let node = shape.node;
        shape.nullable |= admits_null_here(node);
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            match lookup(reference) {
                Some(target) => {
                    shape.component = reference.strip_prefix(prefix).or(shape.component);
                    shape.node = target;
                    continue;
                }
                None => return shape,
            }
        }
        let parts = |key: &str| node.get(key).and_then(Value::as_array).map(Vec::as_slice);
        let non_null: Vec<&'a Value> = ["allOf", "anyOf", "oneOf"]
            .iter()
            .filter_map(|key| parts(key))
            .flatten()
            .filter(|part| !is_null_type(part))
            .collect();
        let wraps_one = non_null.len() == 1 && node.get("properties").is_none() && node.get("type").is_none();
        if wraps_one {
            shape.node = non_null[0];
            continue;
        }
        return shape;
    }
    shape
}

/// `nullable: true`, a type list with `null`, or an `anyOf`/`oneOf` with a null alternative.
fn admits_null_here(node: &Value) -> bool {
    node.get("nullable").and_then(Value::as_bool) == Some(true)
        || match node.get("type") {
            Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
            Some(Value::String(t)) => t == "null",
            _ => false,
        }
        || ["anyOf", "oneOf"].iter().any(|key| {
            node.get(key)
                .and_then(Value::as_array)
                .is_some_and(|parts| parts.iter().any(is_null_type))
        })
}

fn is_null_type(node: &Value) -> bool {
    node.get("type").and_then(Value::as_str) == Some("null")
}

/// The JSON types a node admits, `null` aside, over its `oneOf`/`anyOf` alternatives; empty for
/// "anything". An `integer` is also a `number` and the other way round is not.
pub(crate) fn types(node: &Value) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = match node.get("type") {
        Some(Value::String(t)) => [t.clone()].into(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => BTreeSet::new(),
    };
    for key in ["oneOf", "anyOf"] {
        for part in node.get(key).and_then(Value::as_array).into_iter().flatten() {
            let inner = types(part);
            if inner.is_empty() && !is_null_type(part) {
                return BTreeSet::new();
            }
            out.extend(inner);
        }
    }
    out.remove("null");
    out
}

/// Whether a field of types `sdk` can hold every value of types `spec` (empty means anything).
pub(crate) fn holds(sdk: &BTreeSet<String>, spec: &BTreeSet<String>) -> bool {
    sdk.is_empty()
        || (!spec.is_empty()
            && spec
                .iter()
                .all(|t| sdk.contains(t) || (t == "integer" && sdk.contains("number"))))
}

/// A node's `properties`, if any.
pub(crate) fn properties(node: &Value) -> impl Iterator<Item = (&String, &Value)> {
    node.get("properties").and_then(Value::as_object).into_iter().flatten()
}

/// Whether `name` is in the node's `required` list.
pub(crate) fn is_required(node: &Value, name: &str) -> bool {
    node.get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|n| n == name))
}
