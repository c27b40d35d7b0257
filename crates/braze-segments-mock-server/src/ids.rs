//! Segment ids: version 4 UUIDs, the generated ones made from their index by a seeded
//! permutation, so an id is read back into its index without a table (a million segments need
//! no map of a million ids).

use rand::Rng as _;
use rand_chacha::ChaCha8Rng;

/// The 122 bits of a version 4 UUID that are not its version and variant.
const BITS: u32 = 122;
const HALF: u32 = BITS / 2;
const HALF_MASK: u64 = (1 << HALF) - 1;
const ROUNDS: usize = 6;

/// A permutation of the 122-bit numbers, chosen by a seed (a balanced Feistel network).
pub(crate) struct Permutation {
    keys: [u64; ROUNDS],
}

impl Permutation {
    pub(crate) fn new(seed: u64) -> Permutation {
        let mut keys = [0; ROUNDS];
        for (round, key) in keys.iter_mut().enumerate() {
            *key = mix(seed ^ mix(round as u64 + 1));
        }
        Permutation { keys }
    }

    fn round(key: u64, half: u64) -> u64 {
        mix(half ^ key) & HALF_MASK
    }

    fn forward(&self, value: u128) -> u128 {
        let (mut left, mut right) = ((value >> HALF) as u64 & HALF_MASK, value as u64 & HALF_MASK);
        for &key in &self.keys {
            (left, right) = (right, left ^ Self::round(key, right));
        }
        (u128::from(left) << HALF) | u128::from(right)
    }

    fn backward(&self, value: u128) -> u128 {
        let (mut left, mut right) = ((value >> HALF) as u64 & HALF_MASK, value as u64 & HALF_MASK);
        for &key in self.keys.iter().rev() {
            (left, right) = (right ^ Self::round(key, left), left);
        }
        (u128::from(left) << HALF) | u128::from(right)
    }

    /// The id of the segment at `index`.
    pub(crate) fn id(&self, index: u64) -> String {
        text(with_version(self.forward(u128::from(index))))
    }

    /// The index whose id `id` is, if `id` is a version 4 UUID in lowercase (any such UUID
    /// names some index; the caller checks it is one of its own).
    pub(crate) fn index(&self, id: &str) -> Option<u64> {
        let bits = without_version(parse(id)?)?;
        u64::try_from(self.backward(bits)).ok()
    }
}

/// A random version 4 UUID (RFC 9562) from `rng`.
pub(crate) fn random(rng: &mut ChaCha8Rng) -> String {
    text(with_version(rng.random::<u128>() >> (128 - BITS)))
}

/// 122 bits laid out as a version 4 UUID: 48 bits, the version (4), 12 bits, the variant
/// (binary 10), 62 bits.
fn with_version(bits: u128) -> u128 {
    let high = bits >> 74;
    let middle = (bits >> 62) & 0xfff;
    let low = bits & ((1 << 62) - 1);
    (high << 80) | (0x4 << 76) | (middle << 64) | (0b10 << 62) | low
}

fn without_version(uuid: u128) -> Option<u128> {
    if (uuid >> 76) & 0xf != 0x4 || (uuid >> 62) & 0b11 != 0b10 {
        return None;
    }
    let high = uuid >> 80;
    let middle = (uuid >> 64) & 0xfff;
    let low = uuid & ((1 << 62) - 1);
    Some((high << 74) | (middle << 62) | low)
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lowercase.
fn text(uuid: u128) -> String {
    let hex = format!("{uuid:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The UUID `text` writes, and nothing else (no uppercase, braces or missing dashes).
fn parse(id: &str) -> Option<u128> {
    let bytes = id.as_bytes();
    if bytes.len() != 36 {
        return None;
    }
    let mut value: u128 = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        if matches!(at, 8 | 13 | 18 | 23) {
            if byte != b'-' {
                return None;
            }
            continue;
        }
        let digit = match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'f' => byte - b'a' + 10,
            _ => return None,
        };
        value = (value << 4) | u128::from(digit);
    }
    Some(value)
}

/// splitmix64's finalizer: a fixed, well-spread mix of 64 bits.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;

    #[test]
    fn ids_read_back_into_their_index() {
        let p = Permutation::new(42);
        for index in (0..2000).chain([u64::from(u32::MAX), u64::MAX]) {
            let id = p.id(index);
            assert_eq!(id.len(), 36);
            assert_eq!(&id[14..15], "4", "version 4: {id}");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "RFC variant: {id}");
            assert_eq!(p.index(&id), Some(index), "{id}");
        }
        assert_ne!(p.id(1), Permutation::new(43).id(1), "another seed, other ids");
    }

    #[test]
    fn anything_but_a_lowercase_version_4_uuid_names_no_index() {
        let p = Permutation::new(1);
        let id = p.id(7);
        for text in [
            id.to_uppercase(),
            id.replace('-', ""),
            format!("{{{id}}}"),
            format!("{id} "),
            id[..35].to_owned(),
            "6d68ea15-26c4-1109-835a-65b81773a5e2".to_owned(), // version 1
            "6d68ea15-26c4-4109-c35a-65b81773a5e2".to_owned(), // another variant
            "6d68ea15-26c4-4109-835a-65b81773a5eg".to_owned(),
            "6d68ea15+26c4-4109-835a-65b81773a5e2".to_owned(),
            "é8ea15-26c4-4109-835a-65b81773a5e2".to_owned(),
            String::new(),
        ] {
            assert_eq!(p.index(&text), None, "{text:?}");
        }
    }

    #[test]
    fn random_ids_are_version_4() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..100 {
            let id = random(&mut rng);
            let uuid = parse(&id).unwrap();
            assert!(without_version(uuid).is_some(), "{id}");
            assert_eq!(text(uuid), id);
        }
    }
}
