//! Generates the typed httpmock helpers from `openapi/braze-segments.yaml` into `OUT_DIR/httpmock.rs`.
fn main() {
    braze_segments_codegen::build_script(braze_segments_codegen::Part::Httpmock);
}
