//! Documents the spec allows, made from its schemas: one with every property, and variants of any
//! document with each optional property missing, each nullable one `null`, a `null` in each array
//! whose items may be null, each array of several items reversed, and an unknown field in each
//! object.

use serde_json::{json, Map, Value};

use crate::shape::{is_required, properties, spec_shape, types};

/// A field name no schema uses, for the unknown-field variants.
pub(crate) const UNKNOWN_FIELD: &str = "xtask_unknown_field";

/// A document of `schema` with every property it declares, nested ones too.
pub(crate) fn full_document(spec: &Value, schema: &Value) -> Value {
    synthesize(spec, schema, "value", 0)
}

fn synthesize(spec: &Value, node: &Value, name: &str, depth: usize) -> Value {
    let node = spec_shape(spec, node).node;
    if depth > 8 {
        return Value::Null;
    }
    if let Some(first) = node.get("enum").and_then(Value::as_array).and_then(|v| v.first()) {
        return first.clone();
    }
    let alternatives = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(Value::as_array);
    let kinds = types(node);
    let is = |t: &str| kinds.contains(t);
    if node.get("properties").is_some() || (is("object") && kinds.len() == 1) {
        let mut object = Map::new();
        for (prop, prop_node) in properties(node) {
            object.insert(prop.clone(), synthesize(spec, prop_node, prop, depth + 1));
        }
        if object.is_empty() {
            object.insert("key".into(), json!("value"));
        }
        return Value::Object(object);
    }
    if is("array") {
        let Some(items) = node.get("items") else {
            return json!([]);
        };
        let items_node = spec_shape(spec, items).node;
        // One item of each alternative, when the items are a `oneOf`.
        let each: Vec<&Value> = match items_node.get("oneOf").and_then(Value::as_array) {
            Some(alternatives) => alternatives.iter().collect(),
            None => vec![items],
        };
        return Value::Array(each.iter().map(|i| synthesize(spec, i, name, depth + 1)).collect());
    }
    if let Some(first) = alternatives.and_then(|a| a.first()) {
        return synthesize(spec, first, name, depth + 1);
    }
    if is("string") {
        return match node.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2024-07-25T13:50:47Z"),
            Some("date") => json!("2024-07-25"),
            _ => json!(format!("{name} text")),
        };
    }
    if is("integer") {
        return node.get("minimum").cloned().unwrap_or(json!(7));
    }
    if is("number") {
        return json!(1.5);
    }
    if is("boolean") {
        return json!(true);
    }
    json!("any")
}

/// `doc` changed one way the spec allows: what changed, and the changed document.
pub(crate) struct Variant {
    /// What changed, by generic path (`segments[].id` missing).
    pub label: String,
    pub value: Value,
}

/// Every variant of `doc`, a document of `schema`.
pub(crate) fn variants(spec: &Value, schema: &Value, doc: &Value) -> Vec<Variant> {
    let mut out = Vec::new();
    walk(spec, schema, doc, doc, "", "", &mut out);
    out
}

/// `pointer` locates `here` in `doc`; `label` is its path for people (`segments[]`).
fn walk(spec: &Value, node: &Value, doc: &Value, here: &Value, pointer: &str, label: &str, out: &mut Vec<Variant>) {
    let node = spec_shape(spec, node).node;
    let join = |name: &str| {
        if label.is_empty() {
            name.to_owned()
        } else {
            format!("{label}.{name}")
        }
    };
    let change = |out: &mut Vec<Variant>, what: String, f: &dyn Fn(&mut Value)| {
        let mut value = doc.clone();
        if let Some(target) = value.pointer_mut(pointer) {
            f(target);
            out.push(Variant { label: what, value });
        }
    };
    match here {
        Value::Object(map) if node.get("properties").is_some() => {
            let place = if label.is_empty() {
                "the document".to_owned()
            } else {
                format!("`{label}`")
            };
            change(out, format!("an unknown field in {place}"), &|t| {
                if let Some(o) = t.as_object_mut() {
                    o.insert(UNKNOWN_FIELD.into(), json!({"kept": [1, null]}));
                }
            });
            for (name, prop_node) in properties(node) {
                let Some(value) = map.get(name) else { continue };
                let shape = spec_shape(spec, prop_node);
                let path = join(name);
                if !is_required(node, name) {
                    change(out, format!("`{path}` missing"), &|t| {
                        t.as_object_mut().map(|o| o.remove(name));
                    });
                }
                if shape.nullable && !value.is_null() {
                    change(out, format!("`{path}` null"), &|t| {
                        t.as_object_mut().map(|o| o.insert(name.clone(), Value::Null));
                    });
                }
                let items_nullable = shape.node.get("items").is_some_and(|i| spec_shape(spec, i).nullable);
                if value.is_array() && items_nullable {
                    change(out, format!("a null in `{path}`"), &|t| {
                        if let Some(a) = t.get_mut(name.as_str()).and_then(Value::as_array_mut) {
                            a.insert(a.len() / 2, Value::Null);
                        }
                    });
                }
                if value.as_array().is_some_and(|a| a.len() > 1) {
                    change(out, format!("`{path}` reversed"), &|t| {
                        if let Some(a) = t.get_mut(name.as_str()).and_then(Value::as_array_mut) {
                            a.reverse();
                        }
                    });
                }
                let pointer = format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1"));
                walk(spec, prop_node, doc, value, &pointer, &path, out);
            }
        }
        Value::Array(items) => {
            let Some(items_node) = node.get("items") else { return };
            for (i, item) in items.iter().enumerate() {
                walk(
                    spec,
                    items_node,
                    doc,
                    item,
                    &format!("{pointer}/{i}"),
                    &format!("{label}[]"),
                    out,
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_variant_is_made_where_the_spec_allows_it() {
        let text = std::fs::read_to_string(crate::workspace_root().join(crate::SPEC)).unwrap();
        let spec: Value = serde_norway::from_str(&text).unwrap();
        let schema = spec.pointer("/components/schemas/SegmentList").unwrap();
        let mut doc = full_document(&spec, schema);
        assert_eq!(doc["segments"][0]["tags"], json!(["tags text"]));
        doc["segments"][0]["tags"] = json!(["a", "b"]);
        let labels: Vec<String> = variants(&spec, schema, &doc).into_iter().map(|v| v.label).collect();
        for expected in [
            "an unknown field in the document",
            "`segments` missing",
            "`segments` null",
            "an unknown field in `segments[]`",
            "`segments[].id` missing",
            "`segments[].name` null",
            "`segments[].tags` null",
            "a null in `segments[].tags`",
            "`segments[].tags` reversed",
        ] {
            assert!(labels.iter().any(|l| l == expected), "{expected} not in {labels:?}");
        }
        // Required and never null in the spec: never made missing or null.
        assert!(!labels.iter().any(|l| l.starts_with("`message`")), "{labels:?}");
        // Not nullable in the spec.
        assert!(!labels.contains(&"`segments[].id` null".to_owned()), "{labels:?}");
    }
}
