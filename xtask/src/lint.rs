//! The project's lint rules for the spec, over its raw JSON form (so every `$ref` is still visible).

use serde_json::Value;

use crate::{Problem, SPEC};

pub(crate) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Checks the rules: operationId, summary and description on every operation; a schema on every
/// response; a description on every parameter and every schema property; every `$ref` resolves.
pub fn lint_spec(spec: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report = |message: String, fix: String| {
        problems.push(Problem {
            check: "lint",
            message,
            fix,
        })
    };

    for (at, reference) in braze_segments_codegen::unresolved_refs(spec) {
        report(
            format!("{SPEC}: `$ref: {reference}` at {at} does not resolve"),
            "point the $ref at an existing component".into(),
        );
    }

    let paths = spec.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let item = follow(spec, item);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let name = format!("{} {path}", method.to_uppercase());
            for field in ["operationId", "summary", "description"] {
                if !has_text(op, field) {
                    report(
                        format!("{SPEC}: operation {name} has no {field}"),
                        format!("add `{field}` to {name}"),
                    );
                }
            }
            let params = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(op.get("parameters").and_then(Value::as_array).into_iter().flatten());
            for param in params {
                let param = follow(spec, param);
                let pname = param.get("name").and_then(Value::as_str).unwrap_or("?");
                if !has_text(param, "description") {
                    report(
                        format!("{SPEC}: parameter `{pname}` of {name} has no description"),
                        format!("describe `{pname}`"),
                    );
                }
                if let Some(schema) = param.get("schema") {
                    lint_schema(spec, schema, &format!("parameter `{pname}` of {name}"), &mut report);
                }
            }
            let responses = op.get("responses").and_then(Value::as_object);
            if responses.is_none_or(|r| r.is_empty()) {
                report(
                    format!("{SPEC}: {name} has no responses"),
                    "document its responses".into(),
                );
            }
            for (status, response) in responses.into_iter().flatten() {
                let response = follow(spec, response);
                let content = response.get("content").and_then(Value::as_object);
                let with_schema = content
                    .into_iter()
                    .flatten()
                    .filter(|(_, media)| media.get("schema").is_some())
                    .count();
                if with_schema == 0 {
                    report(
                        format!("{SPEC}: response {status} of {name} has no schema"),
                        format!("give response {status} of {name} a content schema"),
                    );
                }
                for (media_type, media) in content.into_iter().flatten() {
                    if let Some(schema) = media.get("schema") {
                        let at = format!("response {status} ({media_type}) of {name}");
                        lint_schema(spec, schema, &at, &mut report);
                    }
                }
            }
        }
    }

    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        if !has_text(schema, "description") && schema.get("$ref").is_none() {
            report(
                format!("{SPEC}: schema `{name}` has no description"),
                format!("describe components.schemas.{name}"),
            );
        }
        lint_schema(spec, schema, &format!("schema `{name}`"), &mut report);
    }
    problems
}

/// Every property of `schema` (and of the schemas nested in it) must be described; a property
/// that is a bare `$ref` takes its target's description.
fn lint_schema(spec: &Value, schema: &Value, at: &str, report: &mut impl FnMut(String, String)) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (prop, prop_schema) in properties {
            let described = has_text(prop_schema, "description")
                || prop_schema
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| resolve(spec, r))
                    .is_some_and(|target| has_text(target, "description"));
            if !described {
                report(
                    format!("{SPEC}: property `{prop}` of {at} has no description"),
                    format!("describe `{prop}`"),
                );
            }
            lint_schema(spec, prop_schema, &format!("{at}.{prop}"), report);
        }
    }
    if let Some(items) = schema.get("items") {
        lint_schema(spec, items, &format!("{at}[]"), report);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, sub) in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            lint_schema(spec, sub, &format!("{at}.{key}[{i}]"), report);
        }
    }
    if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        lint_schema(spec, extra, &format!("{at}{{additional}}"), report);
    }
}

fn has_text(value: &Value, field: &str) -> bool {
    value
        .get(field)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

/// The target of a local `$ref` (`#/a/b`), if it exists.
pub(crate) fn resolve<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    spec.pointer(reference.strip_prefix('#')?)
}

/// `value`, or what its `$ref` points at.
pub(crate) fn follow<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| resolve(spec, r))
        .unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec_with(op: Value, schemas: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": op}},
            "components": {"schemas": schemas}
        })
    }

    fn good_op() -> Value {
        json!({
            "operationId": "get_x", "summary": "s", "description": "d",
            "parameters": [{"name": "q", "in": "query", "description": "q", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}
        })
    }

    fn good_schemas() -> Value {
        json!({"X": {"description": "x", "type": "object", "properties": {"a": {"description": "a", "type": "string"}}}})
    }

    fn messages(spec: &Value) -> Vec<String> {
        lint_spec(spec).into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn a_clean_spec_passes() {
        assert_eq!(messages(&spec_with(good_op(), good_schemas())), Vec::<String>::new());
    }

    #[test]
    fn each_rule_is_enforced() {
        let mut op = good_op();
        op.as_object_mut().unwrap().remove("summary");
        assert!(messages(&spec_with(op, good_schemas()))[0].contains("has no summary"));

        let mut op = good_op();
        op["parameters"][0].as_object_mut().unwrap().remove("description");
        assert!(messages(&spec_with(op, good_schemas()))[0].contains("parameter `q`"));

        let mut op = good_op();
        op["responses"]["200"] = json!({"description": "ok"});
        assert!(messages(&spec_with(op, good_schemas()))[0].contains("has no schema"));

        let mut schemas = good_schemas();
        schemas["X"]["properties"]["b"] = json!({"type": "string"});
        assert!(messages(&spec_with(good_op(), schemas))[0].contains("property `b`"));

        let mut op = good_op();
        op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] = json!("#/components/schemas/Nope");
        assert!(messages(&spec_with(op, good_schemas()))[0].contains("does not resolve"));
    }

    #[test]
    fn nested_properties_are_checked() {
        let mut schemas = good_schemas();
        schemas["X"]["properties"]["a"] = json!({
            "description": "a", "type": "array",
            "items": {"type": "object", "properties": {"deep": {"type": "string"}}}
        });
        assert!(messages(&spec_with(good_op(), schemas))[0].contains("`deep`"));
    }
}
