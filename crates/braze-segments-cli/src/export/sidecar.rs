//! The sidecar `FILE.braze-export.json` (an export's notes file: [`notes`]): which workspace an
//! export file belongs to.
//!
//! An export writes it next to its file before the first record. It holds the endpoint, a
//! fingerprint of the API key — the first 16 bytes of SHA-256(salt ‖ key), in hex, with a
//! random 16-byte salt stored beside it (never the key) — and the file's format, order and
//! `--series` (the days and the end every record's series covers: a resumed export asks for
//! the same days).
//! `--resume` continues a file only when its sidecar names the same endpoint and key, so one
//! workspace's segments never mix with another's; `--demo` runs are recorded as the endpoint
//! `demo` (the built-in dataset is the same every run). A file is taken as ours only when it is
//! a JSON object with `"braze_segments_export": 1`; any other file of that name is never
//! replaced.

use std::path::Path;

use braze_segments::SortDirection;
use serde::{Deserialize, Serialize};

use super::ExportFormat;
use crate::out_file::notes;
pub use crate::workspace::Workspace;
use crate::workspace::{fingerprint, new_salt};

/// The version of the sidecar's layout; also the mark that a sidecar is ours.
const VERSION: u32 = 1;

/// What a sidecar holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sidecar {
    braze_segments_export: u32,
    pub endpoint: String,
    key_salt: String,
    key_sha256: String,
    pub format: ExportFormat,
    pub sort: SortDirection,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Series>,
}

/// An export's `--series`, its end fixed when the export started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub days: u32,
    pub ending_at: chrono::DateTime<chrono::FixedOffset>,
}

/// What is at the sidecar's path.
pub enum Found {
    Missing,
    Ours(Sidecar),
    /// Something else: never replaced. The text says what.
    NotOurs(String),
}

impl Sidecar {
    /// A new sidecar for an export of `workspace`, with a fresh salt.
    pub fn new(workspace: &Workspace, format: ExportFormat, sort: SortDirection, series: Option<Series>) -> Self {
        let key_salt = new_salt();
        Self {
            braze_segments_export: VERSION,
            endpoint: workspace.endpoint.clone(),
            key_sha256: fingerprint(&key_salt, &workspace.key),
            key_salt,
            format,
            sort,
            series,
        }
    }

    /// Why `workspace` is not the one this export came from, if it is not.
    pub fn differs_from(&self, workspace: &Workspace) -> Option<String> {
        if self.endpoint != workspace.endpoint {
            return Some(format!(
                "the endpoint differs: the file was exported from {}, this run uses {}",
                self.endpoint, workspace.endpoint
            ));
        }
        if fingerprint(&self.key_salt, &workspace.key) != self.key_sha256 {
            return Some("the API key differs from the one the file was exported with".into());
        }
        None
    }

    /// Reads what is at `path`.
    pub fn find(path: &Path) -> std::io::Result<Found> {
        Ok(match notes::read(path)? {
            notes::Read::Missing => Found::Missing,
            notes::Read::Other(why) => Found::NotOurs(why),
            notes::Read::Marked { version, .. } if version != u64::from(VERSION) => {
                Found::NotOurs(format!("it is of another version ({version}) of braze-segments"))
            }
            notes::Read::Marked { value, .. } => match serde_json::from_value(value) {
                Ok(sidecar) => Found::Ours(sidecar),
                Err(e) => Found::NotOurs(format!("it cannot be read: {e}")),
            },
        })
    }

    /// Writes it to `path` whole or not at all (a new file renamed over the old).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_vec_pretty(self).expect("serializes");
        text.push(b'\n');
        notes::write_whole(path, &text, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sidecar_tells_another_endpoint_or_key_and_never_holds_the_key() {
        let here = Workspace {
            endpoint: "https://rest.iad-01.braze.com".into(),
            key: "key-0d5c5bd2".into(),
        };
        let sidecar = Sidecar::new(&here, ExportFormat::Csv, SortDirection::Desc, None);
        assert_eq!(sidecar.differs_from(&here), None);
        let text = serde_json::to_string(&sidecar).unwrap();
        assert!(!text.contains("key-0d5c5bd2"), "{text}");
        let other_key = Workspace {
            key: "key-other".into(),
            ..here
        };
        assert!(sidecar.differs_from(&other_key).unwrap().contains("key differs"));
        let elsewhere = Workspace {
            endpoint: "https://rest.fra-01.braze.eu".into(),
            key: "key-0d5c5bd2".into(),
        };
        assert!(sidecar.differs_from(&elsewhere).unwrap().contains("endpoint differs"));
        // The same key under another salt gives another fingerprint.
        let again = Sidecar::new(&elsewhere, ExportFormat::Csv, SortDirection::Desc, None);
        let once_more = Sidecar::new(&elsewhere, ExportFormat::Csv, SortDirection::Desc, None);
        assert_ne!(again.key_sha256, once_more.key_sha256);
    }

    fn here() -> Workspace {
        Workspace {
            endpoint: "https://rest.iad-01.braze.com".into(),
            key: "key-0d5c5bd2".into(),
        }
    }

    #[test]
    fn a_workspace_debug_shows_the_endpoint_and_never_the_key() {
        assert_eq!(
            format!("{:?}", here()),
            r#"Workspace { endpoint: "https://rest.iad-01.braze.com", key: "***" }"#
        );
    }

    fn found(path: &Path) -> String {
        match Sidecar::find(path).unwrap() {
            Found::Missing => "missing".into(),
            Found::Ours(_) => "ours".into(),
            Found::NotOurs(why) => why,
        }
    }

    #[test]
    fn a_sidecar_is_read_up_to_64_kib_and_anything_larger_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.jsonl.braze-export.json");
        assert_eq!(found(&path), "missing");
        let sidecar = Sidecar::new(&here(), ExportFormat::Jsonl, SortDirection::Asc, None);
        sidecar.write(&path).unwrap();
        assert!(matches!(Sidecar::find(&path).unwrap(), Found::Ours(read) if read == sidecar));
        // Padded with whitespace (the same JSON) to exactly the limit, then one byte more.
        let mut text = std::fs::read(&path).unwrap();
        text.resize(64 * 1024, b' ');
        std::fs::write(&path, &text).unwrap();
        assert_eq!(found(&path), "ours");
        text.push(b' ');
        std::fs::write(&path, &text).unwrap();
        assert_eq!(found(&path), "it is larger than any sidecar of ours");
    }

    #[test]
    fn a_sidecar_of_another_version_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.jsonl.braze-export.json");
        let sidecar = Sidecar::new(&here(), ExportFormat::Jsonl, SortDirection::Asc, None);
        let mut value = serde_json::to_value(sidecar).unwrap();
        value["braze_segments_export"] = 2.into();
        std::fs::write(&path, value.to_string()).unwrap();
        assert_eq!(found(&path), "it is of another version (2) of braze-segments");
    }

    #[cfg(unix)]
    #[test]
    fn a_sidecar_path_that_cannot_be_read_is_an_error_not_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop.braze-export.json");
        std::os::unix::fs::symlink(&path, &path).unwrap();
        assert!(Sidecar::find(&path).is_err());
    }
}
