//! Generates the client from this crate's copy of the spec, `openapi/braze-segments.yaml` (kept
//! identical to the workspace's by `cargo xtask generate`), into `OUT_DIR/client.rs`.
fn main() {
    braze_segments_codegen::build_script(braze_segments_codegen::Part::Client);
}
