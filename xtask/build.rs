//! Empty: see `[build-dependencies]` in Cargo.toml (feature alignment).
fn main() {}
