//! The archives a ready export's URL serves: Braze's ZIP of newline-delimited JSON members, a
//! gzip stream of the same lines, or bytes a test chose. An archive is written a user at a time
//! (no list of users is ever held), built once when first served, and kept until another
//! export's archive is built, so the stand-in holds at most one archive (answers still being
//! sent share its bytes, never copy them).

use std::io::{self, Cursor, Write as _};
use std::sync::Arc;

use bytes::Bytes;
use flate2::write::GzEncoder;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::fields::Field;
use super::people::People;

/// Users a member of an archive holds, as Braze writes them.
pub(crate) const USERS_PER_MEMBER: u64 = 5_000;

/// What the URL of a ready users export serves. Set with [`crate::MockConfig::served_archive`]
/// or, for the exports started from then on, [`crate::MockBraze::serve_archive`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ServedArchive {
    /// Braze's archive (the default): a ZIP whose members `<object_prefix>/<n>.txt` (`n` from
    /// 0) hold 5,000 users each, one JSON object a line, as `application/zip`.
    #[default]
    Zip,
    /// The same lines as a gzip stream of one gzip member per 5,000 users, as
    /// `application/gzip` (what Braze writes to a workspace's own bucket with
    /// `output_format: gzip`, served here so clients can be tested on it). The URL's path ends
    /// in `.gz`.
    Gzip,
    /// Exactly these bytes, as `application/zip`: for tests of hostile archives (not a ZIP, a
    /// truncated one, a member whose path escapes, a decompression bomb).
    Bytes(Vec<u8>),
}

/// What an export serves once ready, as the stand-in keeps it.
#[derive(Clone)]
pub(crate) enum Source {
    Zip,
    Gzip,
    Bytes(Bytes),
}

impl From<ServedArchive> for Source {
    fn from(served: ServedArchive) -> Source {
        match served {
            ServedArchive::Zip => Source::Zip,
            ServedArchive::Gzip => Source::Gzip,
            ServedArchive::Bytes(bytes) => Source::Bytes(Bytes::from(bytes)),
        }
    }
}

impl Source {
    pub(crate) fn content_type(&self) -> &'static str {
        match self {
            Source::Gzip => "application/gzip",
            Source::Zip | Source::Bytes(_) => "application/zip",
        }
    }

    pub(crate) fn extension(&self) -> &'static str {
        match self {
            Source::Gzip => "gz",
            Source::Zip | Source::Bytes(_) => "zip",
        }
    }
}

/// The users of one export: what its archive is made of.
pub(crate) struct Contents {
    pub(crate) prefix: String,
    pub(crate) people: People,
    pub(crate) users: u64,
    pub(crate) fields: Arc<[Field]>,
}

impl Contents {
    /// Writes the lines of member `n` into `out` (cleared first).
    fn member(&self, n: u64, out: &mut Vec<u8>) {
        out.clear();
        let start = n * USERS_PER_MEMBER;
        for i in start..self.users.min(start + USERS_PER_MEMBER) {
            self.people.write_user(i, &self.fields, out);
        }
    }

    fn members(&self) -> u64 {
        self.users.div_ceil(USERS_PER_MEMBER)
    }
}

/// The ZIP archive of `contents`, members deflated.
pub(crate) fn zip(contents: &Contents) -> io::Result<Bytes> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    // The fastest level: the stand-in serves tests, and a debug build deflates slowly.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    let mut lines = Vec::new();
    for n in 0..contents.members() {
        contents.member(n, &mut lines);
        writer
            .start_file(format!("{}/{n}.txt", contents.prefix), options)
            .map_err(io::Error::other)?;
        writer.write_all(&lines)?;
    }
    Ok(Bytes::from(writer.finish().map_err(io::Error::other)?.into_inner()))
}

/// The users of `contents` as a gzip stream, one gzip member per archive member.
pub(crate) fn gzip(contents: &Contents) -> io::Result<Bytes> {
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for n in 0..contents.members() {
        contents.member(n, &mut lines);
        let mut encoder = GzEncoder::new(out, flate2::Compression::fast());
        encoder.write_all(&lines)?;
        out = encoder.finish()?;
    }
    Ok(Bytes::from(out))
}

/// The one archive kept: built when first served, replaced when another export's is built.
#[derive(Default)]
pub(crate) struct Cache {
    slot: tokio::sync::Mutex<Option<(String, Bytes)>>,
}

impl Cache {
    /// The archive named `key`, built by `build` (on a blocking thread) unless kept. Requests
    /// for it while it is built wait for it, and it is built once.
    pub(crate) async fn get(
        &self,
        key: &str,
        build: impl FnOnce() -> io::Result<Bytes> + Send + 'static,
    ) -> io::Result<Bytes> {
        let mut slot = self.slot.lock().await;
        if let Some((kept, bytes)) = slot.as_ref() {
            if kept == key {
                return Ok(bytes.clone());
            }
        }
        // Let the last archive go before the next is built (answers still sending it keep it).
        *slot = None;
        let built = tokio::task::spawn_blocking(build).await.map_err(io::Error::other)??;
        *slot = Some((key.to_owned(), built.clone()));
        Ok(built)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::io::{BufRead as _, BufReader, Read as _};

    use serde_json::Value;

    use super::*;

    fn contents(users: u64, fields: &[&str]) -> Contents {
        Contents {
            prefix: "p-1".into(),
            people: People::new(42, "segment"),
            users,
            fields: Field::parse_all(fields.iter().copied()).into(),
        }
    }

    fn lines_of(text: &[u8]) -> Vec<serde_json::Map<String, Value>> {
        BufReader::new(text)
            .lines()
            .map(|line| match serde_json::from_str(&line.unwrap()).unwrap() {
                Value::Object(user) => user,
                other => panic!("not an object: {other}"),
            })
            .collect()
    }

    #[test]
    fn a_zip_holds_5000_users_a_member_with_only_the_fields_asked() {
        let bytes = zip(&contents(
            12_001,
            &["external_id", "braze_id", "custom_attributes", "x"],
        ))
        .unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
        assert_eq!(names.len(), 3);
        let mut braze_ids = HashSet::new();
        for (n, expected) in [(0, 5000), (1, 5000), (2, 2001)] {
            let mut text = Vec::new();
            archive
                .by_name(&format!("p-1/{n}.txt"))
                .unwrap()
                .read_to_end(&mut text)
                .unwrap();
            let users = lines_of(&text);
            assert_eq!(users.len(), expected);
            for user in users {
                assert!(user
                    .keys()
                    .all(|k| ["external_id", "braze_id", "custom_attributes"].contains(&k.as_str())));
                assert!(braze_ids.insert(user["braze_id"].as_str().unwrap().to_owned()));
            }
        }
    }

    #[test]
    fn gzip_is_one_member_per_5000_users_of_the_same_lines() {
        let asked = ["email", "first_name", "created_at"];
        let gz = gzip(&contents(7_500, &asked)).unwrap();
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut text)
            .unwrap();
        let mut first = Vec::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut first).unwrap();
        assert_eq!(lines_of(&first).len(), 5000, "the first gzip member");
        let mut from_zip = Vec::new();
        let zipped = zip(&contents(7_500, &asked)).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(zipped)).unwrap();
        for n in 0..2 {
            archive
                .by_name(&format!("p-1/{n}.txt"))
                .unwrap()
                .read_to_end(&mut from_zip)
                .unwrap();
        }
        assert_eq!(text, from_zip);
    }

    #[test]
    fn no_users_make_an_archive_without_members() {
        let bytes = zip(&contents(0, &["email"])).unwrap();
        assert_eq!(zip::ZipArchive::new(Cursor::new(bytes)).unwrap().len(), 0);
        assert!(gzip(&contents(0, &["email"])).unwrap().is_empty());
    }
}
