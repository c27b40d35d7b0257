//! The listing of a small crate written in rustdoc's JSON shape (format 57).

use serde_json::{json, Value};

use super::{listing, FORMAT_VERSION};

/// A crate `demo`: a `#[non_exhaustive]` struct with a public and a private field, re-exported
/// from a private module, with a generic async method and trait impls (one with an associated
/// type, one auto trait, one unstable synthetic, one blanket, one derive marker); an enum with a
/// plain and a `#[non_exhaustive]` struct variant; a private module; another crate's item
/// re-exported; and `pub use generated::*` of a private module holding a struct and another
/// crate's item.
const DEMO: &str = r#"{
  "root": 0,
  "index": {
    "0":  { "name": "demo", "visibility": "public", "attrs": [], "inner": { "module": { "is_crate": true, "items": [1, 2, 30, 40, 50] } } },
    "1":  { "name": null, "visibility": "public", "attrs": [], "inner": { "use": { "source": "inner::Config", "name": "Config", "id": 10, "is_glob": false } } },
    "2":  { "name": null, "visibility": "public", "attrs": [], "inner": { "use": { "source": "inner::Kind", "name": "Kind", "id": 20, "is_glob": false } } },
    "30": { "name": null, "visibility": "public", "attrs": [], "inner": { "use": { "source": "other::Thing", "name": "Thing", "id": 900, "is_glob": false } } },
    "40": { "name": "hidden_module", "visibility": "crate", "attrs": [], "inner": { "module": { "is_crate": false, "items": [] } } },
    "50": { "name": null, "visibility": "public", "attrs": [], "inner": { "use": { "source": "generated", "name": "generated", "id": 60, "is_glob": true } } },
    "60": { "name": "generated", "visibility": "crate", "attrs": [], "inner": { "module": { "is_crate": false, "items": [61, 62] } } },
    "61": { "name": "Extra", "visibility": "public", "attrs": [], "inner": { "struct": { "kind": "unit", "generics": { "params": [], "where_predicates": [] }, "impls": [] } } },
    "62": { "name": null, "visibility": "public", "attrs": [], "inner": { "use": { "source": "other::Error", "name": "Error", "id": 909, "is_glob": false } } },
    "10": { "name": "Config", "visibility": "public", "attrs": ["non_exhaustive"], "inner": { "struct": {
      "kind": { "plain": { "fields": [11], "has_stripped_fields": true } },
      "generics": { "params": [], "where_predicates": [] }, "impls": [12, 13, 14, 15, 16, 17] } } },
    "11": { "name": "retries", "visibility": "public", "attrs": [], "inner": { "struct_field": { "primitive": "u32" } } },
    "12": { "name": null, "visibility": "default", "attrs": [], "inner": { "impl": { "is_unsafe": false,
      "generics": { "params": [], "where_predicates": [] }, "trait": null, "for": { "resolved_path": { "path": "Config", "id": 10, "args": null } },
      "items": [18], "is_negative": false, "is_synthetic": false, "blanket_impl": null } } },
    "18": { "name": "fetch", "visibility": "public", "attrs": [], "inner": { "function": {
      "sig": { "inputs": [
          ["self", { "borrowed_ref": { "lifetime": null, "is_mutable": false, "type": { "generic": "Self" } } }],
          ["ids", { "impl_trait": [{ "trait_bound": { "trait": { "path": "IntoIterator", "id": 902, "args": { "angle_bracketed": {
              "args": [], "constraints": [{ "name": "Item", "args": null, "binding": { "equality": { "type": { "primitive": "u16" } } } }] } } },
            "generic_params": [], "modifier": "none" } }] }],
          ["at", { "resolved_path": { "path": "Option", "id": 901, "args": { "angle_bracketed": {
              "args": [{ "type": { "resolved_path": { "path": "Kind", "id": 20, "args": null } } }], "constraints": [] } } } }]],
        "output": null, "is_c_variadic": false },
      "generics": { "params": [{ "name": "impl IntoIterator<Item = u16>", "kind": { "type": { "bounds": [], "default": null, "is_synthetic": true } } }],
        "where_predicates": [] },
      "header": { "is_const": false, "is_unsafe": false, "is_async": true, "abi": "Rust" }, "has_body": true } } },
    "13": { "name": null, "visibility": "default", "attrs": [], "inner": { "impl": { "is_unsafe": false,
      "generics": { "params": [], "where_predicates": [] }, "trait": { "path": "Send", "id": 903, "args": null },
      "for": { "resolved_path": { "path": "Config", "id": 10, "args": null } }, "items": [],
      "is_negative": false, "is_synthetic": true, "blanket_impl": null } } },
    "14": { "name": null, "visibility": "default", "attrs": [], "inner": { "impl": { "is_unsafe": false,
      "generics": { "params": [], "where_predicates": [] }, "trait": { "path": "Freeze", "id": 904, "args": null },
      "for": { "resolved_path": { "path": "Config", "id": 10, "args": null } }, "items": [],
      "is_negative": false, "is_synthetic": true, "blanket_impl": null } } },
    "15": { "name": null, "visibility": "default", "attrs": [], "inner": { "impl": { "is_unsafe": false,
      "generics": { "params": [{ "name": "T", "kind": { "type": { "bounds": [], "default": null, "is_synthetic": false } } }], "where_predicates": [] },
      "trait": { "path": "Into", "id": 905, "args": null }, "for": { "generic": "T" }, "items": [],
      "is_negative": false, "is_synthetic": false, "blanket_impl": { "generic": "T" } } } },
    "16": { "name": null, "visibility": "default", "attrs": [], "inner": { "impl": { "is_unsafe": false,
      "generics": { "params": [], "where_predicates": [] }, "trait": { "path": "FromStr", "id": 906, "args": null },
      "for": { "resolved_path": { "path": "Config", "id": 10, "args": null } }, "items": [19],
      "is_negative": false, "is_synthetic": false, "blanket_impl": null } } },
    "19": { "name": "Err", "visibility": "default", "attrs": [], "inner": { "assoc_type": {
      "generics": { "params": [], "where_predicates": [] }, "bounds": [], "type": { "resolved_path": { "path": "String", "id": 907, "args": null } } } } },
    "17": { "name": null, "visibility": "default", "attrs": [], "inner": { "impl": { "is_unsafe": false,
      "generics": { "params": [], "where_predicates": [] }, "trait": { "path": "StructuralPartialEq", "id": 908, "args": null },
      "for": { "resolved_path": { "path": "Config", "id": 10, "args": null } }, "items": [],
      "is_negative": false, "is_synthetic": false, "blanket_impl": null } } },
    "20": { "name": "Kind", "visibility": "public", "attrs": [], "inner": { "enum": {
      "generics": { "params": [], "where_predicates": [] }, "has_stripped_variants": false, "variants": [21, 22], "impls": [] } } },
    "21": { "name": "Plain", "visibility": "default", "attrs": [], "inner": { "variant": { "kind": "plain", "discriminant": null } } },
    "22": { "name": "Timed", "visibility": "default", "attrs": ["non_exhaustive"], "inner": { "variant": {
      "kind": { "struct": { "fields": [23], "has_stripped_fields": false } }, "discriminant": null } } },
    "23": { "name": "after", "visibility": "default", "attrs": [], "inner": { "struct_field": { "array": { "type": { "primitive": "u8" }, "len": "4" } } } }
  },
  "paths": {
    "10":  { "crate_id": 0, "path": ["demo", "inner", "Config"], "kind": "struct" },
    "900": { "crate_id": 5, "path": ["other", "Thing"], "kind": "struct" },
    "901": { "crate_id": 2, "path": ["core", "option", "Option"], "kind": "enum" },
    "902": { "crate_id": 2, "path": ["core", "iter", "traits", "collect", "IntoIterator"], "kind": "trait" },
    "903": { "crate_id": 2, "path": ["core", "marker", "Send"], "kind": "trait" },
    "906": { "crate_id": 2, "path": ["core", "str", "traits", "FromStr"], "kind": "trait" },
    "907": { "crate_id": 3, "path": ["alloc", "string", "String"], "kind": "struct" },
    "909": { "crate_id": 5, "path": ["other", "error", "Error"], "kind": "enum" }
  },
  "format_version": 57
}"#;

fn demo() -> Value {
    let doc: Value = serde_json::from_str(DEMO).unwrap();
    assert_eq!(doc["format_version"], FORMAT_VERSION);
    doc
}

fn items(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.starts_with('#')).collect()
}

#[test]
fn every_public_item_is_one_line_with_its_signature() {
    let text = listing(&demo()).unwrap();
    assert_eq!(
        items(&text),
        [
            "demo mod",
            "demo::Config #[non_exhaustive] struct { private fields }",
            "demo::Config: impl core::marker::Send",
            "demo::Config: impl core::str::traits::FromStr { type Err = alloc::string::String }",
            "demo::Config::fetch async fn(&self, ids: impl core::iter::traits::collect::IntoIterator<Item = u16>, \
             at: core::option::Option<demo::Kind>)",
            "demo::Config::retries field: u32",
            "demo::Error use other::error::Error",
            "demo::Extra struct",
            "demo::Kind enum",
            "demo::Kind::Plain variant",
            "demo::Kind::Timed #[non_exhaustive] variant { after }",
            "demo::Kind::Timed::after field: [u8; 4]",
            "demo::Thing use other::Thing",
        ]
    );
}

#[test]
fn a_changed_signature_changes_its_line_only() {
    let before = listing(&demo()).unwrap();
    let mut changed = demo();
    changed["index"]["11"]["inner"]["struct_field"] = json!({ "primitive": "u64" });
    let after = listing(&changed).unwrap();
    let diff = similar::TextDiff::from_lines(before.as_str(), after.as_str());
    let changes: Vec<String> = diff
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .map(|c| format!("{}{}", c.tag(), c.value().trim_end()))
        .collect();
    assert_eq!(
        changes,
        ["-demo::Config::retries field: u32", "+demo::Config::retries field: u64"]
    );
}

#[test]
fn losing_an_auto_trait_or_non_exhaustive_shows() {
    let before = listing(&demo()).unwrap();
    let mut changed = demo();
    changed["index"]["13"]["inner"]["impl"]["is_negative"] = json!(true);
    changed["index"]["10"]["attrs"] = json!([]);
    let after = listing(&changed).unwrap();
    assert!(before.contains("demo::Config: impl core::marker::Send\n"));
    assert!(after.contains("demo::Config: impl !core::marker::Send\n"), "{after}");
    assert!(after.contains("demo::Config struct { private fields }\n"), "{after}");
}

#[test]
fn a_document_that_is_not_rustdoc_json_is_refused() {
    assert!(listing(&json!({})).is_err());
    assert!(listing(&json!({ "index": {}, "paths": {}, "root": 1 })).is_err());
}
