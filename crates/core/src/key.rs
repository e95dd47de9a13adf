//! Record keys, digests and partition ids (protocol.md §2.4, §4.3).

use crate::error::{Error, Result};
use aeropy_protocol::particle::{BLOB as P_BLOB, INTEGER as P_INTEGER, STRING as P_STRING};

/// Number of partitions of every namespace.
pub const PARTITIONS: usize = 4096;
/// Longest namespace name (exclusive).
pub const MAX_NAMESPACE: usize = 32;
/// Longest set name (exclusive).
pub const MAX_SET: usize = 64;

/// A primary key as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserKey {
    Int(i64),
    Str(String),
    Blob(Vec<u8>),
}

impl UserKey {
    /// Particle type and bytes, as hashed and as sent in the KEY field.
    pub fn particle(&self) -> (u8, std::borrow::Cow<'_, [u8]>) {
        match self {
            UserKey::Int(i) => (P_INTEGER, std::borrow::Cow::Owned(i.to_be_bytes().to_vec())),
            UserKey::Str(s) => (P_STRING, std::borrow::Cow::Borrowed(s.as_bytes())),
            UserKey::Blob(b) => (P_BLOB, std::borrow::Cow::Borrowed(b.as_slice())),
        }
    }
}

/// A record key: namespace, set, digest and (optionally) the user key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub namespace: String,
    pub set: String,
    pub user_key: Option<UserKey>,
    pub digest: [u8; 20],
}

impl Key {
    /// A key from a user key; computes the digest.
    pub fn new(namespace: &str, set: &str, user_key: UserKey) -> Result<Key> {
        check_names(namespace, set)?;
        let digest = compute_digest(set.as_bytes(), &user_key);
        Ok(Key {
            namespace: namespace.into(),
            set: set.into(),
            user_key: Some(user_key),
            digest,
        })
    }

    /// A key from a known digest.
    pub fn from_digest(namespace: &str, set: &str, digest: [u8; 20]) -> Result<Key> {
        check_names(namespace, set)?;
        Ok(Key {
            namespace: namespace.into(),
            set: set.into(),
            user_key: None,
            digest,
        })
    }

    /// The partition this key lives in.
    pub fn partition_id(&self) -> usize {
        partition_id(&self.digest)
    }
}

fn check_names(namespace: &str, set: &str) -> Result<()> {
    if namespace.is_empty() || namespace.len() >= MAX_NAMESPACE {
        return Err(Error::Param(format!(
            "namespace must be 1 to {} bytes: {namespace:?}",
            MAX_NAMESPACE - 1
        )));
    }
    if set.len() >= MAX_SET {
        return Err(Error::Param(format!(
            "set name must be under {MAX_SET} bytes: {set:?}"
        )));
    }
    Ok(())
}

/// RIPEMD-160 of set name, key particle type and key bytes.
pub fn compute_digest(set: &[u8], key: &UserKey) -> [u8; 20] {
    let (t, bytes) = key.particle();
    aeropy_protocol::digest::compute_digest(set, t, &bytes)
}

/// Partition id of a digest: little-endian u16 of bytes 0..2, masked to 4095.
pub fn partition_id(digest: &[u8; 20]) -> usize {
    usize::from(aeropy_protocol::digest::partition_id(digest)) & (PARTITIONS - 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn hex(d: &[u8]) -> String {
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn digest_vectors() {
        let table = [
            (UserKey::Int(0), "93d943aae37b017ad7e011b0c1d2e2143c2fb37d"),
            (UserKey::Int(-1), "22116d253745e29fc63fdf760b6e26f7e197e01d"),
            (
                UserKey::Str(String::new()),
                "2819b1ff6e346a43b4f5f6b77a88bc3eaac22a83",
            ),
            (
                UserKey::Str("s".into()),
                "607cddba7cd111745ef0a3d783d57f0e83c8f311",
            ),
        ];
        for (k, want) in table {
            assert_eq!(hex(&compute_digest(b"set", &k)), want, "{k:?}");
        }
    }

    #[test]
    fn names_checked() {
        assert!(Key::new("", "s", UserKey::Int(1)).is_err());
        assert!(Key::new(&"n".repeat(32), "s", UserKey::Int(1)).is_err());
        assert!(Key::new("test", &"s".repeat(64), UserKey::Int(1)).is_err());
        assert!(Key::new("test", "", UserKey::Int(1)).is_ok());
    }
}
