//! The one generation function of the project: an OpenAPI 3.0 document in, formatted Rust source out.
//!
//! Both build scripts (`braze-segments-api`, `braze-segments-httpmock`) and `cargo xtask` call
//! [`generate`], so the code that compiles and the committed review snapshots come from the same
//! settings and are byte-identical.
//!
//! # Generation settings (fixed on purpose)
//!
//! | setting | value | why |
//! | --- | --- | --- |
//! | interface | [`InterfaceStyle::Builder`] | `client.get_segment_details().segment_id(id).send()`: new optional parameters do not break callers |
//! | tags | [`TagStyle::Merged`] | one `Client` with every operation; the spec has a single tag |
//! | hooks | [`HooksMode::Expected`] with inner type `crate::Inner` | the api crate implements `ClientHooks` once, so the SDK can plug in its transport (body cap, response metadata) without a second HTTP path |
//! | derives | `PartialEq`; `schemars::JsonSchema` under the generated crate's `schemars` feature | values are comparable in tests; the schemas are compared with the SDK's types by `cargo xtask check`, and no caller of the client needs schemars in its build ([`schemars_behind_feature`]) |
//! | `format: date-time` | `chrono::DateTime<Utc>` | typify's default |
//! | `api-version` header | not sent | progenitor sends the spec's `info.version` as one; Braze defines none ([`without_api_version_header`]) |

use std::path::Path;

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};

mod transforms;
pub use transforms::{schemars_behind_feature, without_api_version_header};

/// The name the httpmock helpers use to reach the generated client crate.
pub const API_CRATE_PATH: &str = "braze_segments_api";

/// What [`generate`] makes from one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The client: types, `Client`, builders. Compiled by `braze-segments-api`.
    pub client: String,
    /// The typed httpmock helpers (`MockServerExt`). Compiled by `braze-segments-httpmock`.
    pub httpmock: String,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// The spec could not be read from disk.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The spec's path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The spec is not an OpenAPI 3.0 document.
    #[error("{path} is not a valid OpenAPI 3.0 document: {message}")]
    Parse {
        /// The spec's path.
        path: String,
        /// What the parser said, with its location.
        message: String,
    },
    /// progenitor refused the spec.
    #[error("progenitor cannot generate {what} from {path}: {message}")]
    Progenitor {
        /// The spec's path.
        path: String,
        /// `client` or `httpmock`.
        what: &'static str,
        /// progenitor's message (or its panic message).
        message: String,
    },
    /// progenitor produced tokens that are not a Rust file.
    #[error("generated {what} is not valid Rust: {message}")]
    Syntax {
        /// `client` or `httpmock`.
        what: &'static str,
        /// syn's message.
        message: String,
    },
}

/// The header every generated file starts with, build output and snapshot alike.
pub fn header(spec_display_path: &str) -> String {
    format!(
        "// generated from {spec_display_path} by `cargo xtask generate`; do not edit.\n\
         // Change the spec (or the settings in crates/braze-segments-codegen), then regenerate.\n\n"
    )
}

/// The fixed generation settings, documented at the top of this crate.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote::quote!(crate::Inner))
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");
    settings
}

/// Reads and parses a spec (YAML or JSON) into `openapiv3`'s model.
pub fn load_spec(path: &Path) -> Result<openapiv3::OpenAPI, CodegenError> {
    let text = std::fs::read_to_string(path).map_err(|source| CodegenError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_spec(&text).map_err(|message| CodegenError::Parse {
        path: path.display().to_string(),
        message,
    })
}

/// Parses spec text (YAML, of which JSON is a subset), and checks what progenitor would
/// otherwise panic on: the version, and `$ref`s that point nowhere.
pub fn parse_spec(text: &str) -> Result<openapiv3::OpenAPI, String> {
    let spec: openapiv3::OpenAPI = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "version {:?} is not 3.0.x (progenitor and openapiv3 read OpenAPI 3.0 only)",
            spec.openapi
        ));
    }
    let raw: serde_json::Value = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    let unresolved = unresolved_refs(&raw);
    if !unresolved.is_empty() {
        let list: Vec<String> = unresolved
            .iter()
            .map(|(at, r)| format!("`$ref: {r}` at {at}"))
            .collect();
        return Err(format!("{} does not resolve", list.join(", ")));
    }
    Ok(spec)
}

/// Every `$ref` in `spec` (its raw JSON form) that does not point at something in the same
/// document, as (JSON pointer of where it stands, the reference).
pub fn unresolved_refs(spec: &serde_json::Value) -> Vec<(String, String)> {
    fn walk(value: &serde_json::Value, at: &str, root: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child.as_str()) {
                        ("$ref", Some(reference)) => {
                            let found = reference.strip_prefix('#').and_then(|p| root.pointer(p)).is_some();
                            if !found {
                                out.push((at.to_owned(), reference.to_owned()));
                            }
                        }
                        _ => {
                            let escaped = key.replace('~', "~0").replace('/', "~1");
                            walk(child, &format!("{at}/{escaped}"), root, out);
                        }
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{at}/{i}"), root, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(spec, "#", spec, &mut out);
    out
}

/// Spec path → generated client and httpmock helpers, each formatted with `prettyplease` and
/// headed by [`header`]. `display_path` is the path printed in the header (relative to the
/// workspace, so the output does not depend on where the checkout lives).
pub fn generate(spec_path: &Path, display_path: &str) -> Result<Generated, CodegenError> {
    let spec = load_spec(spec_path)?;
    let path = spec_path.display().to_string();
    let client = run_guarded(&path, "client", || Generator::new(&settings()).generate_tokens(&spec))?;
    let httpmock = run_guarded(&path, "httpmock", || {
        Generator::new(&settings()).httpmock(&spec, API_CRATE_PATH)
    })?;
    let head = header(display_path);
    Ok(Generated {
        client: format!("{head}{}", format_tokens("client", client)?),
        httpmock: format!("{head}{}", format_tokens("httpmock", httpmock)?),
    })
}

/// Which generated file a build script wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The client, written to `OUT_DIR/client.rs`.
    Client,
    /// The httpmock helpers, written to `OUT_DIR/httpmock.rs`.
    Httpmock,
}

/// Where a generated crate keeps its copy of the spec, relative to its own directory. The same
/// path as the workspace's master copy relative to the workspace root, so generated headers name
/// one path. Each generated crate carries its own copy so that its package is self-contained
/// (`cargo package` ships only the crate's directory); `cargo xtask generate` writes the copies
/// from the master and `cargo xtask check` fails when one differs.
pub const PACKAGE_SPEC: &str = "openapi/braze-segments.yaml";

/// The whole body of a generated crate's `build.rs`: generates `part` from the crate's own copy
/// of the spec ([`PACKAGE_SPEC`]), writes it to `OUT_DIR`, and tells cargo to rerun when that
/// copy changes. On failure it prints the reason and exits non-zero, which is how a build
/// script fails.
pub fn build_script(part: Part) {
    let env = |name: &str| {
        std::env::var_os(name).map(std::path::PathBuf::from).unwrap_or_else(|| {
            eprintln!("error: {name} is not set: run this from a build script");
            std::process::exit(1)
        })
    };
    let spec = env("CARGO_MANIFEST_DIR").join(PACKAGE_SPEC);
    println!("cargo:rerun-if-changed={}", spec.display());
    let generated = generate(&spec, PACKAGE_SPEC).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(1)
    });
    let (file, text) = match part {
        Part::Client => ("client.rs", generated.client),
        Part::Httpmock => ("httpmock.rs", generated.httpmock),
    };
    let out = env("OUT_DIR").join(file);
    if let Err(e) = std::fs::write(&out, text) {
        eprintln!("error: cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}

/// Runs progenitor, turning both its errors and its panics (some unusual inputs make it panic)
/// into a readable [`CodegenError`].
fn run_guarded(
    path: &str,
    what: &'static str,
    f: impl FnOnce() -> Result<proc_macro2::TokenStream, progenitor::Error>,
) -> Result<proc_macro2::TokenStream, CodegenError> {
    let progenitor_error = |message: String| CodegenError::Progenitor {
        path: path.to_owned(),
        what,
        message,
    };
    // The default panic hook still prints progenitor's message to stderr; the hook is global,
    // so it is left alone rather than swapped (that would race with other threads).
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(progenitor_error(e.to_string())),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(progenitor_error(format!("progenitor panicked: {message}")))
        }
    }
}

fn format_tokens(what: &'static str, tokens: proc_macro2::TokenStream) -> Result<String, CodegenError> {
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| CodegenError::Syntax {
        what,
        message: e.to_string(),
    })?;
    schemars_behind_feature(&mut file.items);
    without_api_version_header(&mut file.items);
    Ok(prettyplease::unparse(&file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_spec(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        file
    }

    const MINIMAL: &str = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: get_x
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {a: {type: string}}}
"#;

    #[test]
    fn generation_is_deterministic() {
        let spec = write_spec(MINIMAL);
        let a = generate(spec.path(), "spec.yaml").unwrap();
        let b = generate(spec.path(), "spec.yaml").unwrap();
        assert_eq!(a, b);
        assert!(a.client.starts_with("// generated from spec.yaml"));
        assert!(a.client.contains("pub fn get_x"));
        assert!(a.httpmock.contains("fn get_x"));
        // No api-version header, and no slot kept for it.
        assert!(!a.client.contains("\"api-version\""), "{}", a.client);
        assert!(a.client.contains("HeaderMap::with_capacity(0usize)"), "{}", a.client);
    }

    #[test]
    fn the_json_schema_derive_is_behind_the_schemars_feature() {
        let spec = write_spec(MINIMAL);
        let client = generate(spec.path(), "spec.yaml").unwrap().client;
        let gated = "#[cfg_attr(feature = \"schemars\", derive(schemars::JsonSchema))]";
        assert!(client.contains(gated), "{client}");
        // every mention of the derive is the gated one
        assert_eq!(
            client.matches("schemars::JsonSchema").count(),
            client.matches(gated).count(),
            "{client}"
        );
        let mut file: syn::File = syn::parse_quote! {
            #[derive(schemars::JsonSchema)]
            #[serde(deny_unknown_fields)]
            pub struct Only;
        };
        schemars_behind_feature(&mut file.items);
        let only = prettyplease::unparse(&file);
        assert!(only.starts_with(gated), "{only}");
        assert!(!only.contains("derive()"), "{only}");
    }

    #[test]
    fn openapi_3_1_is_refused_with_a_reason() {
        let spec = write_spec(&MINIMAL.replace("3.0.3", "3.1.0"));
        let err = generate(spec.path(), "spec.yaml").unwrap_err().to_string();
        assert!(err.contains("not 3.0.x"), "{err}");
    }

    #[test]
    fn missing_operation_id_is_an_error_not_a_panic() {
        let spec = write_spec(&MINIMAL.replace("operationId: get_x", "summary: x"));
        let err = generate(spec.path(), "spec.yaml").unwrap_err().to_string();
        assert!(err.contains("operation ID"), "{err}");
    }

    #[test]
    fn a_dangling_ref_is_named_instead_of_panicking() {
        let spec = write_spec(&MINIMAL.replace(
            "schema: {type: object, properties: {a: {type: string}}}",
            "schema: {$ref: '#/components/schemas/Nope'}",
        ));
        let err = generate(spec.path(), "spec.yaml").unwrap_err().to_string();
        assert!(
            err.contains("`$ref: #/components/schemas/Nope` at #/paths/~1x/get"),
            "{err}"
        );
    }

    #[test]
    fn a_progenitor_panic_becomes_an_error() {
        // An undeclared path parameter makes progenitor panic.
        let spec = write_spec(&MINIMAL.replace("/x:", "/x/{id}:"));
        let err = generate(spec.path(), "spec.yaml").unwrap_err().to_string();
        assert!(
            err.contains("progenitor panicked: missing path name mapping id"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let err = generate(Path::new("/nonexistent/spec.yaml"), "x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/spec.yaml"), "{err}");
    }
}
