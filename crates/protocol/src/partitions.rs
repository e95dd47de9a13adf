//! 4096-bit partition ownership bitmaps and the `replicas` info value.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::digest::N_PARTITIONS;
use crate::{ProtocolError, Result};

/// Bytes in a bitmap (4096 bits).
pub const BITMAP_BYTES: usize = 512;
/// Length of a bitmap in padded standard base64.
pub const BITMAP_B64_LEN: usize = 684;

/// Which partitions a node holds at one replica level; bit `0x80 >> (pid & 7)` of byte
/// `pid >> 3` (MSB first).
#[derive(Clone, PartialEq, Eq)]
pub struct PartitionBitmap(pub [u8; BITMAP_BYTES]);

impl Default for PartitionBitmap {
    fn default() -> Self {
        PartitionBitmap([0; BITMAP_BYTES])
    }
}

impl std::fmt::Debug for PartitionBitmap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PartitionBitmap({} partitions)", self.count())
    }
}

impl PartitionBitmap {
    /// A bitmap with every partition set.
    pub fn full() -> Self {
        PartitionBitmap([0xFF; BITMAP_BYTES])
    }

    /// Whether partition `pid` is set (false beyond 4095).
    pub fn get(&self, pid: u16) -> bool {
        self.0
            .get(usize::from(pid >> 3))
            .is_some_and(|b| b & (0x80 >> (pid & 7)) != 0)
    }

    /// Sets or clears partition `pid` (ignored beyond 4095).
    pub fn set(&mut self, pid: u16, on: bool) {
        if let Some(b) = self.0.get_mut(usize::from(pid >> 3)) {
            let bit = 0x80 >> (pid & 7);
            if on {
                *b |= bit;
            } else {
                *b &= !bit;
            }
        }
    }

    /// Number of partitions set.
    pub fn count(&self) -> u32 {
        self.0.iter().map(|b| b.count_ones()).sum()
    }

    /// Partition ids set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (0..N_PARTITIONS).filter(|p| self.get(*p))
    }

    /// Padded standard base64, exactly 684 characters.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Decodes a 684-character base64 bitmap (any other length is refused, as C does).
    pub fn from_base64(s: &str) -> Result<Self> {
        if s.len() != BITMAP_B64_LEN {
            return Err(ProtocolError::Invalid("partition bitmap length"));
        }
        let v = STANDARD
            .decode(s)
            .map_err(|_| ProtocolError::Invalid("partition bitmap base64"))?;
        let arr: [u8; BITMAP_BYTES] = v
            .try_into()
            .map_err(|_| ProtocolError::Invalid("partition bitmap size"))?;
        Ok(PartitionBitmap(arr))
    }
}

/// One namespace entry of a `replicas` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceReplicas {
    /// Namespace name.
    pub namespace: String,
    /// SC regime (0 for AP namespaces; absent in `replicas-all`, parsed as 0).
    pub regime: u32,
    /// One bitmap per replica level; index 0 is the master map.
    pub replicas: Vec<PartitionBitmap>,
}

/// Formats a `replicas` value: `ns:regime,n,b64,…;ns2:…`.
pub fn format_replicas(entries: &[NamespaceReplicas]) -> String {
    let mut s = String::new();
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&format!(
            "{}:{},{}",
            e.namespace,
            e.regime,
            e.replicas.len()
        ));
        for r in &e.replicas {
            s.push(',');
            s.push_str(&r.to_base64());
        }
    }
    s
}

/// Formats a `replicas-all` value: `ns:n,b64,…;…` (no regime).
pub fn format_replicas_all(entries: &[NamespaceReplicas]) -> String {
    let mut s = String::new();
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&format!("{}:{}", e.namespace, e.replicas.len()));
        for r in &e.replicas {
            s.push(',');
            s.push_str(&r.to_base64());
        }
    }
    s
}

/// Parses a `replicas` (`ns:regime,n,maps…`) or `replicas-all` (`ns:n,maps…`) value.
pub fn parse_replicas(value: &str) -> Result<Vec<NamespaceReplicas>> {
    let bad = || ProtocolError::Invalid("replicas value");
    let mut out = Vec::new();
    for item in value.trim().split(';').filter(|s| !s.is_empty()) {
        let (ns, rest) = item.split_once(':').ok_or_else(bad)?;
        let parts: Vec<&str> = rest.split(',').collect();
        let num = |s: &str| s.parse::<u32>().map_err(|_| bad());
        // With a regime there are two numbers before the maps, and the second counts them.
        let (regime, maps) = match parts.as_slice() {
            [a, b, maps @ ..] if b.len() < 8 && num(b).ok() == Some(maps.len() as u32) => {
                (num(a)?, maps)
            }
            [n, maps @ ..] if num(n)? as usize == maps.len() => (0, maps),
            _ => return Err(bad()),
        };
        let replicas = maps
            .iter()
            .map(|m| PartitionBitmap::from_base64(m))
            .collect::<Result<_>>()?;
        out.push(NamespaceReplicas {
            namespace: ns.to_string(),
            regime,
            replicas,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitmap_three_nodes() {
        // protocol.md §11b: node 0 of 3 (pid % 3 == 0) starts with 0x92.
        let mut b = PartitionBitmap::default();
        for p in (0..4096).filter(|p| p % 3 == 0) {
            b.set(p, true);
        }
        assert_eq!(b.0[0], 0x92);
        let s = b.to_base64();
        assert_eq!(s.len(), BITMAP_B64_LEN);
        assert_eq!(PartitionBitmap::from_base64(&s).unwrap(), b);
        assert!(b.get(3) && !b.get(4) && !b.get(5000));
        assert_eq!(b.count(), 1366);
        assert!(PartitionBitmap::from_base64("AAAA").is_err());
    }

    #[test]
    fn replicas_roundtrip() {
        let e = vec![
            NamespaceReplicas {
                namespace: "test".into(),
                regime: 0,
                replicas: vec![PartitionBitmap::full()],
            },
            NamespaceReplicas {
                namespace: "bar".into(),
                regime: 2,
                replicas: vec![PartitionBitmap::full(), PartitionBitmap::default()],
            },
        ];
        let s = format_replicas(&e);
        assert!(s.starts_with("test:0,1,////"));
        assert_eq!(parse_replicas(&s).unwrap(), e);
        let all = format_replicas_all(&e);
        let parsed = parse_replicas(&all).unwrap();
        assert_eq!(parsed[1].replicas.len(), 2);
        assert!(parse_replicas("test:0,2,AAAA").is_err());
        assert!(parse_replicas("garbage").is_err());
    }
}
