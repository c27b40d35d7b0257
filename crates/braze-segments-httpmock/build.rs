//! Generates the typed httpmock helpers from the spec into `OUT_DIR/httpmock.rs`.
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let spec = manifest_dir.join("../../openapi/braze-segments.yaml");
    println!("cargo:rerun-if-changed={}", spec.display());
    let generated = match braze_segments_codegen::generate(&spec, "openapi/braze-segments.yaml") {
        Ok(generated) => generated,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("httpmock.rs");
    if let Err(e) = std::fs::write(&out, generated.httpmock) {
        eprintln!("error: cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}
