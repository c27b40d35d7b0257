//! Which Braze workspace a command talks to — the endpoint and the key — and the salted
//! fingerprint by which the files a command leaves behind (an export's notes file, a users job
//! file) say which workspace they belong to without holding the key.

use sha2::{Digest as _, Sha256};

/// The endpoint `--demo` runs are recorded as (the built-in dataset is the same every run).
pub const DEMO: &str = "demo";

/// Where the records come from: the endpoint and the key used to read them.
pub struct Workspace {
    /// The endpoint as the client uses it, or `demo` for the built-in stand-in.
    pub endpoint: String,
    /// The API key; only its salted fingerprint is ever written.
    pub key: String,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("endpoint", &self.endpoint)
            .field("key", &"***")
            .finish()
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh random salt (16 bytes, hex).
pub fn new_salt() -> String {
    hex(&rand::random::<[u8; 16]>())
}

/// The key's fingerprint: the first 16 bytes of SHA-256(salt ‖ key), in hex. Never the key.
pub fn fingerprint(salt: &str, key: &str) -> String {
    let digest = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update(key.as_bytes())
        .finalize();
    hex(&digest[..16])
}
