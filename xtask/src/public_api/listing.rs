//! The walk over rustdoc's JSON: every public path of every item, and one line per item,
//! field, variant, method and trait impl.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::render::attrs;

/// The listing of one crate's rustdoc JSON: a header, then one sorted line per public item.
#[cfg(test)]
pub fn listing(doc: &Value) -> Result<String, String> {
    Ok(with_header(&lines(doc)?))
}

/// The header, then `lines`, one a line.
pub fn with_header(lines: &BTreeSet<String>) -> String {
    let mut out = super::HEADER.to_owned();
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// One sorted line per public item of one crate's rustdoc JSON.
pub fn lines(doc: &Value) -> Result<BTreeSet<String>, String> {
    let index = doc
        .get("index")
        .and_then(Value::as_object)
        .ok_or("rustdoc JSON without an `index`")?;
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("rustdoc JSON without `paths`")?;
    let root = doc.get("root").map(key).ok_or("rustdoc JSON without a `root`")?;
    let root_name = index
        .get(&root)
        .and_then(|item| item["name"].as_str())
        .ok_or("the root module is not in the index")?;
    let mut lister = Lister {
        index,
        paths,
        public: HashMap::new(),
        lines: BTreeSet::new(),
    };
    lister.find_paths(&root, root_name, 0);
    lister.list_all();
    Ok(lister.lines)
}

/// An id as the index keys it (ids are numbers in the JSON, strings as keys).
pub(super) fn key(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(super) struct Lister<'a> {
    pub(super) index: &'a Map<String, Value>,
    pub(super) paths: &'a Map<String, Value>,
    /// Every public path of each local item.
    pub(super) public: HashMap<String, Vec<String>>,
    pub(super) lines: BTreeSet<String>,
}

/// Modules nested deeper than this are not followed (a glob re-export cycle ends here).
const MAX_DEPTH: usize = 16;

/// The auto traits listed: a type that stops being one of these breaks its users. (rustdoc also
/// synthesizes unstable ones, which are left out.)
const AUTO_TRAITS: [&str; 5] = ["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"];

impl<'a> Lister<'a> {
    pub(super) fn item(&self, id: &str) -> Option<&'a Value> {
        self.index.get(id)
    }

    /// Records the public path of every item reachable from module `id` at `path`.
    fn find_paths(&mut self, id: &str, path: &str, depth: usize) {
        let Some(item) = self.item(id) else { return };
        let entry = self.public.entry(id.to_owned()).or_default();
        if entry.iter().any(|p| p == path) {
            return;
        }
        entry.push(path.to_owned());
        if depth >= MAX_DEPTH {
            return;
        }
        for child in item["inner"]["module"]["items"].as_array().into_iter().flatten() {
            self.visit(&key(child), path, depth + 1);
        }
    }

    /// One item of a module at `path`: a public item, or a re-export (of a local item, of a
    /// module's items with `*`, or of another crate's item, listed as the re-export).
    fn visit(&mut self, id: &str, path: &str, depth: usize) {
        let Some(item) = self.item(id) else { return };
        if item["visibility"].as_str() != Some("public") || depth >= MAX_DEPTH {
            return;
        }
        let Some(import) = item["inner"].get("use") else {
            if let Some(name) = item["name"].as_str() {
                self.find_paths(id, &format!("{path}::{name}"), depth);
            }
            return;
        };
        let name = import["name"].as_str().unwrap_or("?");
        let glob = import["is_glob"].as_bool() == Some(true);
        let target = import.get("id").filter(|t| !t.is_null()).map(key);
        match target.as_deref().and_then(|t| self.item(t)) {
            Some(module) if glob => {
                for child in module["inner"]["module"]["items"].as_array().into_iter().flatten() {
                    self.visit(&key(child), path, depth + 1);
                }
            }
            Some(_) => {
                let target = target.unwrap_or_default();
                self.find_paths(&target, &format!("{path}::{name}"), depth);
            }
            None => {
                let from = self.path_of(import.get("id"), import["source"].as_str().unwrap_or("?"));
                let line = if glob {
                    format!("{path}::* use {from}::*")
                } else {
                    format!("{path}::{name} use {from}")
                };
                self.lines.insert(line);
            }
        }
    }

    /// The path a type is named by: its shortest public path for a local item, its defining
    /// path for another crate's, else the path as written.
    pub(super) fn path_of(&self, id: Option<&Value>, written: &str) -> String {
        let Some(id) = id.filter(|id| !id.is_null()).map(key) else {
            return written.to_owned();
        };
        if let Some(best) = self.canonical(&id) {
            return best.to_owned();
        }
        match self.paths.get(&id).and_then(|p| p["path"].as_array()) {
            Some(parts) => parts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("::"),
            None => written.to_owned(),
        }
    }

    /// The shortest public path of a local item (then the first in order).
    fn canonical(&self, id: &str) -> Option<&str> {
        self.public
            .get(id)?
            .iter()
            .min_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)))
            .map(String::as_str)
    }

    fn list_all(&mut self) {
        let mut found: Vec<(String, Vec<String>)> = self.public.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        found.sort();
        for (id, paths) in found {
            let canonical = self.canonical(&id).map(str::to_owned);
            for path in paths {
                let members = canonical.as_deref() == Some(path.as_str());
                self.list_item(&id, &path, members);
            }
        }
    }

    /// One item at `path`; with `members`, its fields, variants and impls too (listed once, at
    /// the item's canonical path).
    fn list_item(&mut self, id: &str, path: &str, members: bool) {
        let Some(item) = self.item(id).cloned() else { return };
        let attrs = attrs(&item);
        let inner = &item["inner"];
        let Some((kind, body)) = inner.as_object().and_then(|o| o.iter().next()) else {
            return;
        };
        let line = match kind.as_str() {
            "module" => format!("{path} {attrs}mod"),
            "struct" => {
                let generics = self.generics(&body["generics"]);
                let shape = match &body["kind"] {
                    Value::String(s) if s == "unit" => String::new(),
                    kind => match kind.get("tuple") {
                        Some(fields) => self.tuple_fields(fields),
                        None if kind["plain"]["has_stripped_fields"].as_bool() == Some(true) => {
                            " { private fields }".to_owned()
                        }
                        None => String::new(),
                    },
                };
                format!(
                    "{path} {attrs}struct{generics}{shape}{}",
                    self.where_clause(&body["generics"])
                )
            }
            "union" => format!("{path} {attrs}union{}", self.generics(&body["generics"])),
            "enum" => {
                let generics = self.generics(&body["generics"]);
                format!("{path} {attrs}enum{generics}{}", self.where_clause(&body["generics"]))
            }
            "function" => format!("{path} {attrs}{}", self.function(body)),
            "constant" => {
                let value = match &body["const"] {
                    c if c["is_literal"].as_bool() == Some(true) => format!(" = {}", c["expr"].as_str().unwrap_or("?")),
                    _ => String::new(),
                };
                format!("{path} {attrs}const: {}{value}", self.ty(&body["type"]))
            }
            "static" => {
                let mutable = if body["is_mutable"].as_bool() == Some(true) {
                    "mut "
                } else {
                    ""
                };
                format!("{path} {attrs}static {mutable}: {}", self.ty(&body["type"]))
            }
            "type_alias" => format!(
                "{path} {attrs}type{} = {}",
                self.generics(&body["generics"]),
                self.ty(&body["type"])
            ),
            "trait" => {
                let unsafety = if body["is_unsafe"].as_bool() == Some(true) {
                    "unsafe "
                } else {
                    ""
                };
                let bounds = self.bounds(&body["bounds"]);
                let bounds = if bounds.is_empty() {
                    bounds
                } else {
                    format!(": {bounds}")
                };
                format!(
                    "{path} {attrs}{unsafety}trait{}{bounds}{}",
                    self.generics(&body["generics"]),
                    self.where_clause(&body["generics"])
                )
            }
            "macro" | "proc_macro" => format!("{path} {attrs}macro"),
            "trait_alias" => format!("{path} {attrs}trait alias"),
            _ => return,
        };
        self.lines.insert(line);
        if !members {
            return;
        }
        match kind.as_str() {
            "struct" | "union" => {
                for field in body["kind"]["plain"]["fields"]
                    .as_array()
                    .or_else(|| body["fields"].as_array())
                    .into_iter()
                    .flatten()
                {
                    self.list_field(&key(field), path, true);
                }
                self.list_impls(body, path);
            }
            "enum" => {
                if body["has_stripped_variants"].as_bool() == Some(true) {
                    self.lines.insert(format!("{path}::_ hidden variants"));
                }
                for variant in body["variants"].as_array().into_iter().flatten() {
                    self.list_variant(&key(variant), path);
                }
                self.list_impls(body, path);
            }
            "trait" => {
                for member in body["items"].as_array().into_iter().flatten() {
                    self.list_assoc(&key(member), path);
                }
            }
            _ => {}
        }
    }

    fn list_field(&mut self, id: &str, owner: &str, public_only: bool) {
        let Some(field) = self.item(id) else { return };
        if public_only && field["visibility"].as_str() != Some("public") {
            return;
        }
        let name = field["name"].as_str().unwrap_or("?");
        let line = format!(
            "{owner}::{name} {}field: {}",
            attrs(field),
            self.ty(&field["inner"]["struct_field"])
        );
        self.lines.insert(line);
    }

    fn list_variant(&mut self, id: &str, owner: &str) {
        let Some(variant) = self.item(id).cloned() else { return };
        let name = variant["name"].as_str().unwrap_or("?");
        let path = format!("{owner}::{name}");
        let kind = &variant["inner"]["variant"]["kind"];
        let shape = if let Some(fields) = kind.get("tuple") {
            self.tuple_fields(fields)
        } else if let Some(fields) = kind.get("struct") {
            let names: Vec<String> = fields["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| self.item(&key(f)).and_then(|f| f["name"].as_str()).map(str::to_owned))
                .collect();
            let hidden = if fields["has_stripped_fields"].as_bool() == Some(true) {
                ", .."
            } else {
                ""
            };
            for field in fields["fields"].as_array().into_iter().flatten() {
                self.list_field(&key(field), &path, false);
            }
            format!(" {{ {}{hidden} }}", names.join(", "))
        } else {
            String::new()
        };
        let discriminant = variant["inner"]["variant"]["discriminant"]["expr"]
            .as_str()
            .map(|d| format!(" = {d}"))
            .unwrap_or_default();
        self.lines
            .insert(format!("{path} {}variant{shape}{discriminant}", attrs(&variant)));
    }

    /// `(pub T, _)`: a tuple's fields, `_` for a private one.
    fn tuple_fields(&self, fields: &Value) -> String {
        let types: Vec<String> = fields
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| match self.item(&key(f)) {
                Some(field) if !f.is_null() => self.ty(&field["inner"]["struct_field"]),
                _ => "_".to_owned(),
            })
            .collect();
        format!("({})", types.join(", "))
    }

    fn list_impls(&mut self, body: &Value, owner: &str) {
        for id in body["impls"].as_array().into_iter().flatten() {
            let Some(imp) = self.item(&key(id)).map(|i| i["inner"]["impl"].clone()) else {
                continue;
            };
            if !imp["blanket_impl"].is_null() {
                continue;
            }
            let Some(trait_) = imp.get("trait").filter(|t| !t.is_null()) else {
                for member in imp["items"].as_array().into_iter().flatten() {
                    self.list_assoc(&key(member), owner);
                }
                continue;
            };
            let name = self.path_of(trait_.get("id"), trait_["path"].as_str().unwrap_or("?"));
            let last = name.rsplit("::").next().unwrap_or(&name);
            let synthetic = imp["is_synthetic"].as_bool() == Some(true);
            if (synthetic && !AUTO_TRAITS.contains(&last)) || last == "StructuralPartialEq" {
                continue;
            }
            let negative = if imp["is_negative"].as_bool() == Some(true) {
                "!"
            } else {
                ""
            };
            let unsafety = if imp["is_unsafe"].as_bool() == Some(true) {
                "unsafe "
            } else {
                ""
            };
            let mut assoc = Vec::new();
            for member in imp["items"].as_array().into_iter().flatten() {
                let Some(member) = self.item(&key(member)) else {
                    continue;
                };
                if let Some(t) = member["inner"].get("assoc_type").and_then(|t| t.get("type")) {
                    assoc.push(format!(
                        "type {} = {}",
                        member["name"].as_str().unwrap_or("?"),
                        self.ty(t)
                    ));
                }
            }
            let assoc = if assoc.is_empty() {
                String::new()
            } else {
                format!(" {{ {} }}", assoc.join("; "))
            };
            // `Owner: impl Trait` (sorted after the owner's own line); the type it is for is
            // named when it is not the owner as is (`Response<T>`, a reference).
            let for_type = self.ty(&imp["for"]);
            let for_type = if for_type == owner {
                String::new()
            } else {
                format!(" for {for_type}")
            };
            let line = format!(
                "{owner}: {unsafety}impl{} {negative}{name}{}{}{for_type}{}",
                self.generics(&imp["generics"]),
                self.args(&trait_["args"]),
                assoc,
                self.where_clause(&imp["generics"]),
            );
            self.lines.insert(line);
        }
    }

    /// A method, associated constant or type of an inherent impl or a trait.
    fn list_assoc(&mut self, id: &str, owner: &str) {
        let Some(member) = self.item(id).cloned() else { return };
        let in_trait = member["visibility"].as_str() == Some("default");
        if !in_trait && member["visibility"].as_str() != Some("public") {
            return;
        }
        let name = member["name"].as_str().unwrap_or("?");
        let attrs = attrs(&member);
        let inner = &member["inner"];
        let line = if let Some(f) = inner.get("function") {
            let provided = if in_trait && f["has_body"].as_bool() == Some(true) {
                " (provided)"
            } else {
                ""
            };
            format!("{owner}::{name} {attrs}{}{provided}", self.function(f))
        } else if let Some(c) = inner.get("assoc_const") {
            format!("{owner}::{name} {attrs}const: {}", self.ty(&c["type"]))
        } else if let Some(t) = inner.get("assoc_type") {
            let bounds = self.bounds(&t["bounds"]);
            let bounds = if bounds.is_empty() {
                bounds
            } else {
                format!(": {bounds}")
            };
            let default = t
                .get("type")
                .filter(|t| !t.is_null())
                .map(|t| format!(" = {}", self.ty(t)));
            format!(
                "{owner}::{name} {attrs}type{}{bounds}{}",
                self.generics(&t["generics"]),
                default.unwrap_or_default()
            )
        } else {
            return;
        };
        self.lines.insert(line);
    }
}
