//! Hostile archives served by the storage host over loopback HTTP, read through the SDK: each is
//! a typed error, never a panic or a filled disk, and one bad line loses only itself.

use std::io::Write as _;
use std::time::Duration;

use braze_segments::{ArchiveError, ArchiveLimits, Client, DownloadError, DownloadOptions, UsersExport};
use braze_segments_mock_server::{MockBraze, MockConfig, ServedArchive};
use futures::StreamExt as _;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A ZIP whose members are (name, bytes), deflated.
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in members {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// What the SDK makes of `bytes` served as a ready export: the download's error, or the users
/// read and the errors met.
async fn serve(bytes: Vec<u8>, limits: ArchiveLimits) -> Result<(usize, Vec<ArchiveError>), DownloadError> {
    let braze = MockBraze::start(MockConfig {
        segments: 2,
        rate_limit: None,
        users_export_ready_after: Duration::ZERO,
        served_archive: ServedArchive::Bytes(bytes),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .build()
        .unwrap();
    let segment = braze.segments()[0].id.clone();
    let job = client
        .start_users_export(&UsersExport::new(segment, ["external_id"]))
        .await
        .unwrap();
    let options = DownloadOptions::default()
        .poll_interval(Duration::from_millis(5), Duration::from_millis(20))
        .max_wait(Duration::from_secs(10));
    let archive = client.download_users_export(&job, &options, |_| {}).await?;
    let mut users = archive.users(limits);
    let (mut count, mut errors) = (0, Vec::new());
    while let Some(item) = users.next().await {
        match item {
            Ok(_) => count += 1,
            Err(e) => errors.push(e),
        }
    }
    Ok((count, errors))
}

fn fatal(result: Result<(usize, Vec<ArchiveError>), DownloadError>) -> ArchiveError {
    let (_, mut errors) = result.unwrap();
    let last = errors.pop().expect("an error");
    assert!(last.is_fatal(), "{last:?}");
    last
}

#[tokio::test]
async fn something_that_is_not_an_archive_is_refused() {
    match serve(b"<html>Access Denied</html>".to_vec(), ArchiveLimits::default()).await {
        Err(e @ DownloadError::NotAnArchive { .. }) => assert!(e.to_string().contains("<html>"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_zip_is_a_fatal_error() {
    let lines: Vec<u8> = (0..2_000)
        .flat_map(|i| format!("{{\"external_id\":\"u{i}\"}}\n").into_bytes())
        .collect();
    let whole = zip_of(&[("p/0.txt", &lines)]);
    let cut = whole[..whole.len() * 2 / 3].to_vec();
    let error = fatal(serve(cut, ArchiveLimits::default()).await);
    assert!(
        matches!(error, ArchiveError::Corrupt { .. } | ArchiveError::NotAnArchive { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_member_whose_path_escapes_is_refused() {
    for name in ["../evil.txt", "/etc/passwd", "p/../../evil.txt", "C:\\evil.txt"] {
        let bytes = zip_of(&[
            ("p/0.txt", b"{\"external_id\":\"a\"}\n"),
            (name, b"{\"external_id\":\"b\"}\n"),
        ]);
        let error = fatal(serve(bytes, ArchiveLimits::default()).await);
        assert!(
            matches!(error, ArchiveError::UnsafeMemberPath { .. }),
            "{name}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_decompression_bomb_stops_at_the_cap() {
    // 64 MiB of one repeated line deflates to a few hundred KiB.
    let line = b"{\"external_id\":\"x\"}\n";
    let bomb: Vec<u8> = line.iter().copied().cycle().take(64 << 20).collect();
    let bytes = zip_of(&[("p/0.txt", &bomb)]);
    assert!(bytes.len() < 1 << 20, "{}", bytes.len());
    let (users, mut errors) = serve(bytes, ArchiveLimits::default().max_uncompressed_bytes(1 << 20))
        .await
        .unwrap();
    let last = errors.pop().expect("an error");
    assert!(matches!(last, ArchiveError::TooLarge { .. }), "{last:?}");
    // It read no more than the cap: about 1 MiB of 20-byte lines.
    assert!(users <= (1 << 20) / line.len(), "{users}");
}

#[tokio::test]
async fn a_line_that_is_not_json_loses_only_itself() {
    let member = b"{\"external_id\":\"a\"}\nnot json at all\n{\"external_id\":\"b\"}\n[1,2]\n{\"external_id\":\"c\"}\n";
    let bytes = zip_of(&[("p/0.txt", member), ("p/1.txt", b"{\"external_id\":\"d\"}\n")]);
    let (users, errors) = serve(bytes, ArchiveLimits::default()).await.unwrap();
    assert_eq!(users, 4);
    assert_eq!(errors.len(), 2, "{errors:?}");
    for (error, line) in errors.iter().zip([2, 4]) {
        assert!(!error.is_fatal());
        let text = error.to_string();
        assert!(
            text.contains("p/0.txt") && text.contains(&format!("line {line}")),
            "{text}"
        );
    }
}

#[tokio::test]
async fn an_archive_over_the_download_cap_is_not_kept() {
    let braze = MockBraze::start(MockConfig {
        segments: 2,
        rate_limit: None,
        users_export_ready_after: Duration::ZERO,
        users_per_segment: Some(20_000),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .build()
        .unwrap();
    let dir = tempfile_dir();
    let job = client
        .start_users_export(&UsersExport::new(&braze.segments()[0].id, ["external_id", "email"]))
        .await
        .unwrap();
    let options = DownloadOptions::default()
        .poll_interval(Duration::from_millis(5), Duration::from_millis(20))
        .max_archive_bytes(10_000)
        .temp_dir(&dir);
    match client.download_users_export(&job, &options, |_| {}).await {
        Err(DownloadError::TooLarge { limit: 10_000, .. }) => {}
        other => panic!("{other:?}"),
    }
    // The partial file was removed.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir(&dir).unwrap();
}

/// An empty directory of this test's own.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("braze-users-cap-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    dir
}
