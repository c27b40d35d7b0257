//! `cargo xtask`'s tests, as one binary (each file a module).

mod common;
mod check;
mod drift;
mod spec_copies;
