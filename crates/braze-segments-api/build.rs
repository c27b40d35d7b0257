//! Generates the client from `openapi/braze-segments.yaml` into `OUT_DIR/client.rs`.
fn main() {
    braze_segments_codegen::build_script(braze_segments_codegen::Part::Client);
}
