//! Rendering rustdoc's JSON as Rust: signatures, generics, bounds and types, with full paths.

use std::fmt::Write as _;

use serde_json::Value;

use super::listing::Lister;

impl Lister<'_> {
    /// `async fn<T: Bound>(&self, id: &str) -> Result<T, E> where …`.
    pub(super) fn function(&self, f: &Value) -> String {
        let header = &f["header"];
        let mut out = String::new();
        for (flag, word) in [("is_const", "const "), ("is_async", "async "), ("is_unsafe", "unsafe ")] {
            if header[flag].as_bool() == Some(true) {
                out.push_str(word);
            }
        }
        out.push_str("fn");
        out.push_str(&self.generics(&f["generics"]));
        let inputs: Vec<String> = f["sig"]["inputs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|pair| {
                let name = pair[0].as_str().unwrap_or("_");
                let ty = &pair[1];
                if name == "self" {
                    return match ty {
                        t if t["generic"] == "Self" => "self".to_owned(),
                        t if t["borrowed_ref"]["type"]["generic"] == "Self" => {
                            let r = &t["borrowed_ref"];
                            let lifetime = r["lifetime"].as_str().map(|l| format!("{l} ")).unwrap_or_default();
                            let mutable = if r["is_mutable"].as_bool() == Some(true) {
                                "mut "
                            } else {
                                ""
                            };
                            format!("&{lifetime}{mutable}self")
                        }
                        t => format!("self: {}", self.ty(t)),
                    };
                }
                format!("{name}: {}", self.ty(ty))
            })
            .collect();
        let _ = write!(out, "({})", inputs.join(", "));
        if let Some(output) = f["sig"].get("output").filter(|o| !o.is_null()) {
            let _ = write!(out, " -> {}", self.ty(output));
        }
        out.push_str(&self.where_clause(&f["generics"]));
        out
    }

    /// `<'a, T: Bound = Default, const N: usize>`, leaving out `impl Trait` arguments' own.
    pub(super) fn generics(&self, generics: &Value) -> String {
        let params: Vec<String> = generics["params"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| self.param(p))
            .collect();
        if params.is_empty() {
            String::new()
        } else {
            format!("<{}>", params.join(", "))
        }
    }

    fn param(&self, p: &Value) -> Option<String> {
        let name = p["name"].as_str().unwrap_or("?");
        let kind = &p["kind"];
        if let Some(lifetime) = kind.get("lifetime") {
            let outlives: Vec<&str> = lifetime["outlives"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            return Some(if outlives.is_empty() {
                name.to_owned()
            } else {
                format!("{name}: {}", outlives.join(" + "))
            });
        }
        if let Some(t) = kind.get("type") {
            if t["is_synthetic"].as_bool() == Some(true) {
                return None;
            }
            let bounds = self.bounds(&t["bounds"]);
            let mut out = name.to_owned();
            if !bounds.is_empty() {
                let _ = write!(out, ": {bounds}");
            }
            if let Some(default) = t.get("default").filter(|d| !d.is_null()) {
                let _ = write!(out, " = {}", self.ty(default));
            }
            return Some(out);
        }
        if let Some(c) = kind.get("const") {
            return Some(format!("const {name}: {}", self.ty(&c["type"])));
        }
        Some(name.to_owned())
    }

    pub(super) fn where_clause(&self, generics: &Value) -> String {
        let predicates: Vec<String> = generics["where_predicates"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|w| {
                if let Some(b) = w.get("bound_predicate") {
                    format!(
                        "{}{}: {}",
                        self.hrtb(&b["generic_params"]),
                        self.ty(&b["type"]),
                        self.bounds(&b["bounds"])
                    )
                } else if let Some(l) = w.get("lifetime_predicate") {
                    let outlives: Vec<&str> = l["outlives"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    format!("{}: {}", l["lifetime"].as_str().unwrap_or("?"), outlives.join(" + "))
                } else if let Some(e) = w.get("eq_predicate") {
                    format!("{} = {}", self.ty(&e["lhs"]), self.term(&e["rhs"]))
                } else {
                    "?".to_owned()
                }
            })
            .collect();
        if predicates.is_empty() {
            String::new()
        } else {
            format!(" where {}", predicates.join(", "))
        }
    }

    /// `for<'a> ` from a list of generic parameters, if any.
    fn hrtb(&self, params: &Value) -> String {
        let params: Vec<String> = params
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| self.param(p))
            .collect();
        if params.is_empty() {
            String::new()
        } else {
            format!("for<{}> ", params.join(", "))
        }
    }

    pub(super) fn bounds(&self, bounds: &Value) -> String {
        let bounds: Vec<String> = bounds
            .as_array()
            .into_iter()
            .flatten()
            .map(|b| {
                if let Some(t) = b.get("trait_bound") {
                    let modifier = match t["modifier"].as_str() {
                        Some("maybe") => "?",
                        Some("maybe_const") => "~const ",
                        _ => "",
                    };
                    format!(
                        "{}{modifier}{}",
                        self.hrtb(&t["generic_params"]),
                        self.path(&t["trait"])
                    )
                } else if let Some(l) = b.get("outlives").and_then(Value::as_str) {
                    l.to_owned()
                } else if let Some(args) = b.get("use").and_then(Value::as_array) {
                    let args: Vec<String> = args
                        .iter()
                        .map(|a| a.as_str().map(str::to_owned).unwrap_or_else(|| a.to_string()))
                        .collect();
                    format!("use<{}>", args.join(", "))
                } else {
                    "?".to_owned()
                }
            })
            .collect();
        bounds.join(" + ")
    }

    fn path(&self, p: &Value) -> String {
        format!(
            "{}{}",
            self.path_of(p.get("id"), p["path"].as_str().unwrap_or("?")),
            self.args(&p["args"])
        )
    }

    pub(super) fn args(&self, args: &Value) -> String {
        if let Some(a) = args.get("angle_bracketed") {
            let mut parts: Vec<String> = a["args"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|arg| match arg {
                    Value::String(s) if s == "infer" => "_".to_owned(),
                    arg => {
                        if let Some(l) = arg.get("lifetime").and_then(Value::as_str) {
                            l.to_owned()
                        } else if let Some(t) = arg.get("type") {
                            self.ty(t)
                        } else if let Some(c) = arg.get("const") {
                            c["expr"].as_str().unwrap_or("?").to_owned()
                        } else {
                            "?".to_owned()
                        }
                    }
                })
                .collect();
            for c in a["constraints"].as_array().into_iter().flatten() {
                let name = format!("{}{}", c["name"].as_str().unwrap_or("?"), self.args(&c["args"]));
                let binding = &c["binding"];
                if let Some(term) = binding.get("equality") {
                    parts.push(format!("{name} = {}", self.term(term)));
                } else if let Some(bounds) = binding.get("constraint") {
                    parts.push(format!("{name}: {}", self.bounds(bounds)));
                }
            }
            if parts.is_empty() {
                String::new()
            } else {
                format!("<{}>", parts.join(", "))
            }
        } else if let Some(p) = args.get("parenthesized") {
            let inputs: Vec<String> = p["inputs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| self.ty(t))
                .collect();
            let output = p
                .get("output")
                .filter(|o| !o.is_null())
                .map(|o| format!(" -> {}", self.ty(o)))
                .unwrap_or_default();
            format!("({}){output}", inputs.join(", "))
        } else if args.get("return_type_notation").is_some() || args.as_str() == Some("return_type_notation") {
            "(..)".to_owned()
        } else {
            String::new()
        }
    }

    fn term(&self, term: &Value) -> String {
        if let Some(t) = term.get("type") {
            self.ty(t)
        } else if let Some(c) = term.get("constant") {
            c["expr"].as_str().unwrap_or("?").to_owned()
        } else {
            "?".to_owned()
        }
    }

    /// A type as Rust writes it, with full paths.
    pub(super) fn ty(&self, t: &Value) -> String {
        if let Some(s) = t.as_str() {
            return if s == "infer" { "_".to_owned() } else { s.to_owned() };
        }
        let Some((kind, v)) = t.as_object().and_then(|o| o.iter().next()) else {
            return "?".to_owned();
        };
        match kind.as_str() {
            "resolved_path" => self.path(v),
            "generic" | "primitive" => v.as_str().unwrap_or("?").to_owned(),
            "dyn_trait" => {
                let mut parts: Vec<String> = v["traits"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| format!("{}{}", self.hrtb(&p["generic_params"]), self.path(&p["trait"])))
                    .collect();
                if let Some(l) = v["lifetime"].as_str() {
                    parts.push(l.to_owned());
                }
                format!("dyn {}", parts.join(" + "))
            }
            "function_pointer" => {
                let header = &v["header"];
                let unsafety = if header["is_unsafe"].as_bool() == Some(true) {
                    "unsafe "
                } else {
                    ""
                };
                let f = serde_json::json!({ "sig": v["sig"], "generics": {}, "header": {} });
                format!("{}{unsafety}{}", self.hrtb(&v["generic_params"]), self.function(&f))
            }
            "tuple" => {
                let types: Vec<String> = v.as_array().into_iter().flatten().map(|t| self.ty(t)).collect();
                match types.len() {
                    1 => format!("({},)", types[0]),
                    _ => format!("({})", types.join(", ")),
                }
            }
            "slice" => format!("[{}]", self.ty(v)),
            "array" => format!("[{}; {}]", self.ty(&v["type"]), v["len"].as_str().unwrap_or("?")),
            "pat" => self.ty(&v["type"]),
            "impl_trait" => format!("impl {}", self.bounds(v)),
            "raw_pointer" => {
                let mutable = if v["is_mutable"].as_bool() == Some(true) {
                    "mut"
                } else {
                    "const"
                };
                format!("*{mutable} {}", self.ty(&v["type"]))
            }
            "borrowed_ref" => {
                let lifetime = v["lifetime"].as_str().map(|l| format!("{l} ")).unwrap_or_default();
                let mutable = if v["is_mutable"].as_bool() == Some(true) {
                    "mut "
                } else {
                    ""
                };
                format!("&{lifetime}{mutable}{}", self.ty(&v["type"]))
            }
            "qualified_path" => {
                let name = v["name"].as_str().unwrap_or("?");
                let args = self.args(&v["args"]);
                match v.get("trait").filter(|t| !t.is_null()) {
                    Some(tr) => format!("<{} as {}>::{name}{args}", self.ty(&v["self_type"]), self.path(tr)),
                    None => format!("{}::{name}{args}", self.ty(&v["self_type"])),
                }
            }
            other => format!("?{other}"),
        }
    }
}

/// `#[non_exhaustive] ` and `#[deprecated] `, the attributes that matter to users; empty otherwise.
pub(super) fn attrs(item: &Value) -> String {
    let mut out = String::new();
    let non_exhaustive = item["attrs"].as_array().into_iter().flatten().any(|a| match a {
        Value::String(s) => s == "non_exhaustive" || s.contains("#[non_exhaustive]"),
        other => other.as_object().is_some_and(|o| o.contains_key("non_exhaustive")),
    });
    if non_exhaustive {
        out.push_str("#[non_exhaustive] ");
    }
    if !item["deprecation"].is_null() && item.get("deprecation").is_some() {
        out.push_str("#[deprecated] ");
    }
    out
}
