//! With the `codegen` feature, generates the typed httpmock helpers from this crate's copy of
//! the spec, `openapi/braze-segments.yaml` (kept identical to the workspace's by `cargo xtask
//! generate`), into `OUT_DIR/httpmock.rs`. Without it, the crate compiles the committed snapshot
//! (`generated/httpmock.rs`) and this does nothing.
fn main() {
    #[cfg(feature = "codegen")]
    braze_segments_codegen::build_script(braze_segments_codegen::Part::Httpmock);
}
