//! Damaged and hostile archives: reading stops with a fatal error, within the limits.

use zip::CompressionMethod;

use super::*;

#[test]
fn a_truncated_zip_is_corrupt() {
    let bytes = deflated_zip(&[("p/0.txt", users(0, 50).as_bytes())]);
    for cut in [bytes.len() / 2, bytes.len() - 5] {
        match open(&bytes[..cut], ArchiveLimits::default()) {
            Err(e @ ArchiveError::Corrupt { .. }) => assert!(e.is_fatal()),
            other => panic!("cut at {cut}: {:?}", other.map(|_| ())),
        }
    }
}

#[test]
fn a_member_that_fails_its_crc_is_corrupt_and_ends_the_reading() {
    let content = users(0, 3);
    let bytes = zip_of(
        &[("p/0.txt", content.as_bytes()), ("p/1.txt", users(3, 1).as_bytes())],
        CompressionMethod::Stored,
    );
    // change one digit of the first member's data: still JSON, but not what the CRC says
    let at = bytes.windows(4).position(|w| w == b"\"u1\"").unwrap();
    let mut damaged = bytes.clone();
    damaged[at + 2] = b'7';
    let (items, _) = read_all(&damaged, ArchiveLimits::default());
    assert_eq!(ids(&items), ["u0", "u7", "u2"]);
    let errors = errors(items);
    match &errors[..] {
        [
            e @ ArchiveError::Corrupt {
                member: Some(member),
                reason,
            },
        ] => {
            assert_eq!((member.as_str(), reason.as_str()), ("p/0.txt", "CRC-32 mismatch"));
            assert!(e.to_string().contains("p/0.txt"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_deflate_data_is_corrupt() {
    let content = users(0, 200);
    let bytes = deflated_zip(&[("p/0.txt", content.as_bytes())]);
    let mut damaged = bytes.clone();
    let data = 30 + "p/0.txt".len(); // after the local header (no extra field)
    damaged[data..data + 40].fill(0xff);
    let (items, _) = read_all(&damaged, ArchiveLimits::default());
    let errors = errors(items);
    assert!(
        matches!(&errors[..], [ArchiveError::Corrupt { member: Some(_), .. }]),
        "{errors:?}"
    );
}

#[test]
fn a_truncated_gzip_is_corrupt_after_the_users_before_the_cut() {
    let bytes = gzip_of(&[users(0, 2000).as_bytes()]);
    for cut in [bytes.len() / 2, bytes.len() - 4] {
        let (items, mut reader) = read_all(&bytes[..cut], ArchiveLimits::default());
        let read = ids(&items);
        assert_eq!(read, expect_ids(0..read.len()));
        let errors = errors(items);
        assert!(
            matches!(&errors[..], [ArchiveError::Corrupt { member: None, .. }]),
            "cut {cut}: {errors:?}"
        );
        assert!(reader.next().is_none(), "the reading ended");
    }
}

#[test]
fn unsafe_member_names_refuse_the_archive_before_any_user() {
    for evil in ["../evil.txt", "/abs.txt", "p/../../x.txt", "C:evil.txt", "p\\x.txt"] {
        let bytes = deflated_zip(&[("p/0.txt", users(0, 1).as_bytes()), (evil, users(1, 1).as_bytes())]);
        match open(&bytes, ArchiveLimits::default()) {
            Err(ArchiveError::UnsafeMemberPath { member }) => assert_eq!(member, evil),
            other => panic!("{evil}: {:?}", other.map(|_| ())),
        }
    }
}

#[test]
fn too_many_members_refuse_the_archive() {
    let one = users(0, 1);
    let bytes = deflated_zip(&[("a", one.as_bytes()), ("b", one.as_bytes()), ("c/", b"")]);
    assert!(open(&bytes, ArchiveLimits::default().max_members(3)).is_ok());
    match open(&bytes, ArchiveLimits::default().max_members(2)) {
        Err(ArchiveError::TooManyMembers { members: 3, limit: 2 }) => {}
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn a_decompression_bomb_stops_at_the_cap() {
    // 8 MiB of blank lines: a few KiB compressed
    let bomb = vec![b'\n'; 8 << 20];
    let cap = 100_000;
    let zip = deflated_zip(&[("p/0.txt", users(0, 2).as_bytes()), ("p/1.txt", &bomb)]);
    let gzip = gzip_of(&[users(0, 2).as_bytes(), &bomb]);
    for bytes in [zip, gzip] {
        assert!(bytes.len() < 64 << 10, "{}", bytes.len());
        let (items, reader) = read_all(&bytes, ArchiveLimits::default().max_uncompressed_bytes(cap));
        assert_eq!(ids(&items), ["u0", "u1"]);
        let errors = errors(items);
        assert!(
            matches!(&errors[..], [ArchiveError::TooLarge { limit: 100_000 }]),
            "{errors:?}"
        );
        let inflated = reader.inflated_bytes();
        assert!(inflated > cap && inflated <= cap + 1, "{inflated}");
    }
    let (items, _) = read_all(
        &gzip_of(&[&bomb]),
        ArchiveLimits::default().max_uncompressed_bytes(8 << 20),
    );
    assert!(items.is_empty(), "exactly the cap is allowed: {items:?}");
}

/// A ZIP whose `members` central entries all point at one local member (Fifield's overlapping
/// members): the same compressed bytes read again and again.
fn overlapping_zip(members: u16) -> Vec<u8> {
    let data = users(0, 20);
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    deflate.write_all(data.as_bytes()).unwrap();
    let packed = deflate.finish().unwrap();
    let mut crc = flate2::Crc::new();
    crc.update(data.as_bytes());
    let (crc, packed_len, len) = (crc.sum(), packed.len() as u32, data.len() as u32);
    let name = b"p/0.txt";
    let mut out = Vec::new();
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [20u16, 0, 8, 0, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, packed_len, len] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [name.len() as u16, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(name);
    out.extend_from_slice(&packed);
    let directory_at = out.len() as u32;
    for i in 0..members {
        let name = format!("p/{i}.txt");
        out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, 8, 0, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, packed_len, len] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name.len() as u16, 0, 0, 0, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [0u32, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(name.as_bytes());
    }
    let directory_len = out.len() as u32 - directory_at;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, members, members] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [directory_len, directory_at] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn members_that_share_their_data_refuse_the_archive() {
    // One member alone is a fine archive: the overlap, not the layout, is refused.
    let (items, _) = read_all(&overlapping_zip(1), ArchiveLimits::default());
    assert_eq!(ids(&items).len(), 20);
    match open(&overlapping_zip(200), ArchiveLimits::default()) {
        Err(e @ ArchiveError::Corrupt { .. }) => {
            assert!(e.is_fatal());
            assert!(e.to_string().contains("overlaps"), "{e}");
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
}
