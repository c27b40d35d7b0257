//! What the SDK must hand back for a document, by the table in `exposed.rs`: everything the
//! document holds, but `null`s and empty arrays (the SDK drops them), items left out for a
//! tolerated missing field, consumed or dropped properties, and arrays the SDK reorders sorted.
//! Both the expectation and the SDK's output are brought to that form, then compared.

use serde_json::{Map, Value};

use crate::exposed::{entry, Exposed, Route};
use crate::shape::spec_shape;

/// Reads a document (`Input`) or the SDK's output (`Output`) in the form above.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Input,
    Output,
}

/// `value`, a document of `node` (relative path `path` in the entry `exposed`), as the SDK
/// should hold it; `None` when it holds nothing there.
pub(crate) fn canonical(
    spec: &Value,
    value: &Value,
    node: &Value,
    exposed: &Exposed,
    path: &str,
    side: Side,
) -> Option<Value> {
    let shape = spec_shape(spec, node);
    let (exposed, path) = match shape.component.and_then(entry) {
        Some(own) if own.spec != exposed.spec => (own, ""),
        _ => (exposed, path),
    };
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    match value {
        Value::Null => None,
        Value::Object(map) => {
            let declared = shape.node.get("properties").and_then(Value::as_object);
            if side == Side::Input {
                let blank = |v: Option<&Value>| v.is_none_or(|v| v.is_null() || v.as_str().is_some_and(is_blank));
                if declared.is_some_and(|d| d.keys().any(|k| exposed.is_tolerated(&join(k)) && blank(map.get(k)))) {
                    return None; // the SDK leaves the item out
                }
            }
            let mut out = Map::new();
            for (key, inner) in map {
                let prop = join(key);
                let kept = match declared.and_then(|d| d.get(key)) {
                    Some(_) if side == Side::Output => true,
                    Some(_) => !exposed.is_consumed(&prop) && exposed.route(&prop) != Some(Route::Dropped),
                    // Unknown fields: at an entry's root, as the table says; elsewhere (free-form
                    // objects such as an error detail) kept.
                    None => side == Side::Output || !path.is_empty() || exposed.unknown_dropped.is_none(),
                };
                if !kept {
                    continue;
                }
                let inner_node = declared.and_then(|d| d.get(key)).unwrap_or(&Value::Null);
                if let Some(v) = canonical(spec, inner, inner_node, exposed, &prop, side) {
                    out.insert(key.clone(), v);
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(items) => {
            let items_node = shape.node.get("items").unwrap_or(&Value::Null);
            let item_path = format!("{path}[]");
            let mut out: Vec<Value> = items
                .iter()
                .filter_map(|item| canonical(spec, item, items_node, exposed, &item_path, side))
                .collect();
            if exposed.is_reordered(path) {
                out.sort_by_cached_key(Value::to_string);
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
        other => Some(other.clone()),
    }
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// The first difference between what was expected and what the SDK holds, for people.
pub(crate) fn difference(expected: Option<&Value>, actual: Option<&Value>, at: &str) -> Option<String> {
    let at_text = if at.is_empty() {
        "the value".to_owned()
    } else {
        format!("`{at}`")
    };
    match (expected, actual) {
        (None, None) => None,
        (Some(e), None) => Some(format!("{at_text} is lost (the document has {})", short(e))),
        (None, Some(a)) => Some(format!("{at_text} is {} though the document has none", short(a))),
        (Some(Value::Object(e)), Some(Value::Object(a))) => {
            let mut keys: Vec<&String> = e.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| {
                let inner = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                difference(e.get(k), a.get(k), &inner)
            })
        }
        (Some(Value::Array(e)), Some(Value::Array(a))) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .find_map(|(i, (e, a))| difference(Some(e), Some(a), &format!("{at}[{i}]"))),
        (Some(e), Some(a)) if e == a => None,
        (Some(Value::String(e)), Some(Value::String(a))) if e.chars().count() != a.chars().count() => Some(format!(
            "{at_text} is {} ({} characters) where the document has {} ({} characters)",
            short(&a.as_str().into()),
            a.chars().count(),
            short(&e.as_str().into()),
            e.chars().count()
        )),
        (Some(e), Some(a)) => Some(format!("{at_text} is {} where the document has {}", short(a), short(e))),
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
