//! The SDK's side of every response schema must match the spec's, both ways: every property the
//! spec gives is carried by the SDK (or routed, with a reason, in `exposed.rs`), every property
//! the SDK carries is in the spec, types agree, and whatever the spec lets be missing or `null`
//! the SDK tolerates.

use serde_json::Value;

use crate::exposed::{entry, Exposed, Route, EXPOSED, INLINE, TABLE};
use crate::shape::{holds, is_required, properties, spec_shape, types, view_shape};
use crate::{Problem, FIX_GENERATE, SPEC};

/// Compares each entry of the table with its spec schema, and checks every object schema of
/// the spec has an entry.
pub fn check_sdk_schemas(spec: &Value) -> Vec<Problem> {
    check_against(spec, EXPOSED)
}

pub(crate) fn check_against(spec: &Value, table: &[Exposed]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let known = table.iter().any(|e| e.spec == name)
            || INLINE.iter().any(|(n, _)| n == name)
            || schema.get("enum").is_some();
        if !known {
            problems.push(problem(
                format!("{SPEC} has a schema `{name}` the SDK knows nothing of"),
                format!("give the SDK a type for it and an entry in {TABLE} (or list it in INLINE there)"),
            ));
        }
    }
    for exposed in table {
        let Some(spec_schema) = spec.pointer(&format!("/components/schemas/{}", exposed.spec)) else {
            problems.push(problem(
                format!("{SPEC} has no schema `{}`, which {} reads", exposed.spec, exposed.sdk),
                format!("restore the schema, or retire {} and its entry in {TABLE}", exposed.sdk),
            ));
            continue;
        };
        let view = (exposed.view)();
        let mut compare = Compare {
            spec,
            view: &view,
            exposed,
            problems: &mut problems,
        };
        compare.node(spec_schema, &view, "");
        compare.stale_table_entries(spec_schema);
    }
    problems
}

fn problem(message: String, fix: String) -> Problem {
    Problem {
        check: "sdk-schema",
        message,
        fix,
    }
}

struct Compare<'a> {
    spec: &'a Value,
    view: &'a Value,
    exposed: &'a Exposed,
    problems: &'a mut Vec<Problem>,
}

impl Compare<'_> {
    fn at(&self, path: &str) -> String {
        if path.is_empty() {
            self.exposed.spec.to_owned()
        } else {
            format!("{}.{path}", self.exposed.spec)
        }
    }

    fn report(&mut self, message: String, fix: String) {
        self.problems.push(problem(message, fix));
    }

    /// `path` is relative to the entry's schema: `tags`, `tags[]`, `errors[]`.
    fn node(&mut self, spec_node: &Value, view_node: &Value, path: &str) {
        let spec = spec_shape(self.spec, spec_node);
        if !path.is_empty() && spec.component.and_then(entry).is_some() {
            return; // compared under its own entry
        }
        let view = view_shape(self.view, view_node);
        let (spec_types, sdk_types) = (types(spec.node), types(view.node));
        if !holds(&sdk_types, &spec_types) {
            let (at, sdk, file) = (self.at(path), self.exposed.sdk, self.exposed.file);
            self.report(
                format!("{at} is {spec_types:?} in {SPEC} but {sdk} reads {sdk_types:?}"),
                format!("change the field's type in {sdk} ({file}) and its conversion"),
            );
            return;
        }
        let format = |s: &Value| s.get("format").and_then(Value::as_str).map(str::to_owned);
        if format(view.node).as_deref() == Some("date-time") && format(spec.node).as_deref() != Some("date-time") {
            let (at, sdk) = (self.at(path), self.exposed.sdk);
            self.report(
                format!("{at} is a date-time in {sdk} but a plain string in {SPEC}: decoding would fail"),
                format!("make the field a String or a Timestamp in {sdk}, or mark it `format: date-time` in the spec"),
            );
        }
        if let (Some(spec_items), Some(view_items)) = (spec.node.get("items"), view.node.get("items")) {
            let items = format!("{path}[]");
            self.nullable(spec_items, view_items, &items);
            self.node(spec_items, view_items, &items);
        }
        if spec.node.get("properties").is_some() || view.node.get("properties").is_some() {
            self.object(spec.node, view.node, path);
        }
    }

    fn object(&mut self, spec: &Value, view: &Value, path: &str) {
        let join = |name: &str| {
            if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            }
        };
        let (sdk, file) = (self.exposed.sdk, self.exposed.file);
        for (name, spec_prop) in properties(spec) {
            let prop = join(name);
            let view_prop = view.get("properties").and_then(|p| p.get(name));
            match (view_prop, self.exposed.route(&prop)) {
                (Some(_), Some(_)) => self.report(
                    format!(
                        "{TABLE} routes `{prop}` of {} away, but {sdk} carries it",
                        self.exposed.spec
                    ),
                    format!("remove `{prop}` from the entry's `routed` in {TABLE}"),
                ),
                (None, Some(Route::Extra)) if self.exposed.unknown_dropped.is_some() => self.report(
                    format!("{TABLE} routes `{prop}` to `extra`, but {sdk} keeps no `extra`"),
                    format!("route it as Dropped (with the reason) in {TABLE}, or carry it in {sdk}"),
                ),
                (None, Some(_)) => {}
                (None, None) => {
                    let at = self.at(path);
                    let route = if self.exposed.unknown_dropped.is_some() {
                        "list it as Dropped"
                    } else {
                        "route it to `extra`"
                    };
                    self.report(
                        format!("property `{name}` of {at} in {SPEC} is not carried by {sdk}"),
                        format!(
                            "add `{name}` to {sdk} ({file}) and its conversion, or {route} in {TABLE} with the reason"
                        ),
                    );
                }
                (Some(view_prop), None) => {
                    if !is_required(spec, name) && is_required(view, name) && !self.exposed.is_tolerated(&prop) {
                        let at = self.at(&prop);
                        self.report(
                            format!("{at} may be missing ({SPEC} does not require it), but {sdk} reads it as required"),
                            format!(
                                "make it optional in {sdk} ({file}) and its conversion (or list it as tolerated in \
                                 {TABLE}), or add it to the schema's `required` in the spec"
                            ),
                        );
                    }
                    self.nullable(spec_prop, view_prop, &prop);
                    self.node(spec_prop, view_prop, &prop);
                }
            }
        }
        for (name, _) in properties(view) {
            if spec.get("properties").and_then(|p| p.get(name)).is_none() {
                let at = self.at(path);
                self.report(
                    format!("{sdk} carries `{name}`, which {at} in {SPEC} does not have"),
                    format!(
                        "add `{name}` to the schema in the spec (then `{FIX_GENERATE}`), or remove it from {sdk} ({file})"
                    ),
                );
            }
        }
        let keeps_unknown = view.get("additionalProperties").is_some_and(|a| a != false);
        if path.is_empty() && keeps_unknown == self.exposed.unknown_dropped.is_some() {
            let (kept, said) = if keeps_unknown {
                ("keeps", "dropped")
            } else {
                ("drops", "kept")
            };
            self.report(
                format!("{sdk} {kept} fields {SPEC} does not name, but {TABLE} says they are {said}"),
                format!("correct `unknown_dropped` of {} in {TABLE}", self.exposed.spec),
            );
        }
    }

    fn nullable(&mut self, spec_node: &Value, view_node: &Value, path: &str) {
        let spec = spec_shape(self.spec, spec_node);
        let view = view_shape(self.view, view_node);
        if spec.nullable && !view.nullable && !view.node.as_object().is_some_and(|o| o.is_empty()) {
            if self.exposed.is_tolerated(path) {
                return;
            }
            let (at, sdk, file) = (self.at(path), self.exposed.sdk, self.exposed.file);
            self.report(
                format!("{at} may be null in {SPEC}, but {sdk} reads it as never null"),
                format!(
                    "make it an Option in {sdk} ({file}) and its conversion (or list it as tolerated in {TABLE}), \
                     or drop `nullable: true` from the spec"
                ),
            );
        }
    }

    /// Every path the table names must be a property of the spec's schema.
    fn stale_table_entries(&mut self, spec_schema: &Value) {
        for (path, what) in self.exposed.named_paths() {
            if !has_path(self.spec, spec_schema, path) {
                self.report(
                    format!(
                        "{TABLE} lists `{path}` of {} as {what}, but {SPEC} has no such property",
                        self.exposed.spec
                    ),
                    format!("remove the entry from {TABLE}"),
                );
            }
        }
    }
}

/// Whether `path` (`a`, `a[]`, `a.b`) names a property under `schema`.
fn has_path(spec: &Value, schema: &Value, path: &str) -> bool {
    let mut node = spec_shape(spec, schema).node;
    for part in path.split('.') {
        let (name, items) = match part.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (part, false),
        };
        let Some(prop) = node.get("properties").and_then(|p| p.get(name)) else {
            return false;
        };
        node = spec_shape(spec, prop).node;
        if items {
            let Some(inner) = node.get("items") else { return false };
            node = spec_shape(spec, inner).node;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec_with_owner() -> Value {
        let text = std::fs::read_to_string(crate::workspace_root().join(SPEC)).unwrap();
        let mut spec: Value = serde_norway::from_str(&text).unwrap();
        spec["components"]["schemas"]["SegmentDetails"]["properties"]["owner"] =
            json!({"type": "string", "nullable": true, "description": "Who owns it."});
        spec
    }

    fn details_routing_owner(route: Route) -> Vec<Exposed> {
        let routed: &'static [(&str, Route, &str)] = match route {
            Route::Extra => &[("owner", Route::Extra, "kept as Braze sent it")],
            Route::Dropped => &[("owner", Route::Dropped, "not needed")],
        };
        EXPOSED
            .iter()
            .map(|e| Exposed {
                routed: if e.spec == "SegmentDetails" { routed } else { e.routed },
                ..*e
            })
            .collect()
    }

    #[test]
    fn a_property_routed_in_the_table_is_not_a_problem() {
        let spec = spec_with_owner();
        let unrouted = check_against(&spec, EXPOSED);
        assert_eq!(unrouted.len(), 1, "{unrouted:?}");
        assert!(unrouted[0].message.contains("property `owner` of SegmentDetails"));
        assert_eq!(check_against(&spec, &details_routing_owner(Route::Extra)), vec![]);
    }

    #[test]
    fn a_route_for_a_property_the_spec_lacks_is_stale() {
        let text = std::fs::read_to_string(crate::workspace_root().join(SPEC)).unwrap();
        let spec: Value = serde_norway::from_str(&text).unwrap();
        let problems = check_against(&spec, &details_routing_owner(Route::Dropped));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0]
            .message
            .contains("lists `owner` of SegmentDetails as routed"));
    }
}
