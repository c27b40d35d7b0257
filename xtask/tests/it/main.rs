//! `cargo xtask`'s tests, as one binary (each file a module).

mod check;
mod common;
mod drift;
mod spec_copies;
