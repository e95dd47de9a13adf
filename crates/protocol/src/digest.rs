//! Key digests (RIPEMD-160 over set name, key particle type and key bytes) and
//! partition ids.

use ripemd::{Digest, Ripemd160};

/// Number of partitions of every namespace.
pub const N_PARTITIONS: u16 = 4096;

/// `RIPEMD-160(set || key_particle_type || key_bytes)`; the namespace is not hashed.
pub fn compute_digest(set: &[u8], key_particle_type: u8, key_bytes: &[u8]) -> [u8; 20] {
    let mut h = Ripemd160::new();
    h.update(set);
    h.update([key_particle_type]);
    h.update(key_bytes);
    h.finalize().into()
}

/// Digest of an integer key (type 1, 8 bytes big-endian).
pub fn digest_int(set: &[u8], key: i64) -> [u8; 20] {
    compute_digest(set, crate::particle::INTEGER, &key.to_be_bytes())
}

/// Digest of a string key (type 3, UTF-8).
pub fn digest_str(set: &[u8], key: &str) -> [u8; 20] {
    compute_digest(set, crate::particle::STRING, key.as_bytes())
}

/// Digest of a bytes key (type 4).
pub fn digest_bytes(set: &[u8], key: &[u8]) -> [u8; 20] {
    compute_digest(set, crate::particle::BLOB, key)
}

/// Partition id of a digest: the first two bytes read little-endian, masked to 4095.
pub fn partition_id(digest: &[u8; 20]) -> u16 {
    u16::from_le_bytes([digest[0], digest[1]]) & (N_PARTITIONS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: &[u8]) -> String {
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn protocol_md_vectors() {
        assert_eq!(
            hex(&digest_int(b"set", 0)),
            "93d943aae37b017ad7e011b0c1d2e2143c2fb37d"
        );
        assert_eq!(
            hex(&digest_int(b"set", -1)),
            "22116d253745e29fc63fdf760b6e26f7e197e01d"
        );
        assert_eq!(
            hex(&digest_str(b"set", "")),
            "2819b1ff6e346a43b4f5f6b77a88bc3eaac22a83"
        );
        assert_eq!(
            hex(&digest_str(b"set", "s")),
            "607cddba7cd111745ef0a3d783d57f0e83c8f311"
        );
    }

    #[test]
    fn partition_ids() {
        let mut d = [0u8; 20];
        d[0] = 0x34;
        d[1] = 0xF2;
        assert_eq!(partition_id(&d), 0x234);
        assert!(partition_id(&digest_str(b"x", "y")) < 4096);
    }
}
