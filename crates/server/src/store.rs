//! The shared in-memory record store: namespaces split into 4096 partitions, each a
//! mutex-protected hash map keyed by digest.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use aeropy_protocol::digest::N_PARTITIONS;

/// Unix time of the Aerospike epoch (2010-01-01 00:00:00 UTC).
pub const CITRUSLEAF_EPOCH: u64 = 1_262_304_000;

/// Current time: seconds since the Aerospike epoch and nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    /// Seconds since 2010-01-01 (void times use this clock).
    pub secs: u32,
    /// Nanoseconds since 1970-01-01 (last-update times, truncate cut-offs).
    pub nanos: u64,
}

impl Now {
    /// Reads the system clock.
    pub fn get() -> Now {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Now {
            secs: d.as_secs().saturating_sub(CITRUSLEAF_EPOCH) as u32,
            nanos: d.as_nanos() as u64,
        }
    }
}

/// A bin name stored inline (names are at most 15 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BinName {
    len: u8,
    bytes: [u8; 15],
}

impl BinName {
    /// `None` when longer than 15 bytes.
    pub fn new(name: &[u8]) -> Option<BinName> {
        let mut bytes = [0u8; 15];
        bytes.get_mut(..name.len())?.copy_from_slice(name);
        Some(BinName {
            len: name.len() as u8,
            bytes,
        })
    }

    /// The name bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl std::fmt::Debug for BinName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// One bin: name, particle type and the raw particle bytes (kept byte for byte).
#[derive(Debug, Clone)]
pub struct Bin {
    /// Bin name.
    pub name: BinName,
    /// Particle type.
    pub ptype: u8,
    /// Particle bytes.
    pub value: Vec<u8>,
}

/// Replaces the bytes of the bin at `pos` (keeping its particle type), or appends bin
/// `name` of type `ptype` when there is none.
pub(crate) fn store_bytes(
    bins: &mut Vec<Bin>,
    pos: Option<usize>,
    name: BinName,
    ptype: u8,
    value: Vec<u8>,
) {
    match pos.and_then(|i| bins.get_mut(i)) {
        Some(b) => b.value = value,
        None => bins.push(Bin { name, ptype, value }),
    }
}

/// A stored record.
#[derive(Debug, Clone)]
pub struct Record {
    /// Set name (empty when none).
    pub set: Box<[u8]>,
    /// Stored user key: particle type byte followed by the key bytes.
    pub key: Option<Box<[u8]>>,
    /// Generation (16 bits on the server; wraps, never 0).
    pub generation: u16,
    /// Expiry in seconds since the Aerospike epoch; 0 = never.
    pub void_time: u32,
    /// Last update, nanoseconds since the Unix epoch.
    pub lut_nanos: u64,
    /// Bins in insertion order.
    pub bins: Vec<Bin>,
}

impl Record {
    /// True once the void time has passed (as the server: `void_time < now`).
    pub fn is_expired(&self, now: &Now) -> bool {
        self.void_time != 0 && self.void_time < now.secs
    }

    /// Rough stored size, compared with the write-block limit.
    pub fn size(&self) -> usize {
        record_size(&self.bins, self.key.as_deref())
    }
}

/// Rough stored size of a record with these bins and stored key.
pub fn record_size(bins: &[Bin], key: Option<&[u8]>) -> usize {
    let bins: usize = bins
        .iter()
        .map(|b| b.value.len() + b.name.as_bytes().len() + 12)
        .sum();
    bins + key.map_or(0, <[u8]>::len) + 64
}

/// Digests are uniformly random: hash them by their bytes 8..16 instead of SipHash.
#[derive(Default)]
pub struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(13) ^ u64::from_le_bytes(b);
        }
    }
}

/// Records of one partition.
pub type PartitionMap = HashMap<[u8; 20], Record, BuildHasherDefault<DigestHasher>>;

/// A namespace and its data.
pub struct Namespace {
    /// Name.
    pub name: String,
    /// Default TTL in seconds (0 = never expire).
    pub default_ttl: u32,
    /// Replication factor reported to clients.
    pub replication_factor: u8,
    partitions: Vec<Mutex<PartitionMap>>,
    /// Last truncate cut-off per set (empty name = whole namespace), ns since Unix.
    truncates: Mutex<HashMap<Vec<u8>, u64>>,
}

/// Per-set statistics for the `sets` info command.
#[derive(Debug, Default, Clone)]
pub struct SetStats {
    /// Live records.
    pub objects: u64,
    /// Approximate bytes.
    pub bytes: u64,
}

impl Namespace {
    /// An empty namespace.
    pub fn new(name: &str, default_ttl: u32, replication_factor: u8) -> Namespace {
        Namespace {
            name: name.to_string(),
            default_ttl,
            replication_factor,
            partitions: (0..N_PARTITIONS)
                .map(|_| Mutex::new(PartitionMap::default()))
                .collect(),
            truncates: Mutex::new(HashMap::new()),
        }
    }

    /// Locks the partition holding `pid` (a poisoned lock is recovered: the map itself
    /// is always consistent because records are replaced whole).
    pub fn lock(&self, pid: u16) -> MutexGuard<'_, PartitionMap> {
        let slot = &self.partitions[usize::from(pid % N_PARTITIONS)];
        slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Deletes records of `set` (all sets when `None`) last updated before `cutoff`
    /// (ns since Unix); returns how many were removed.
    pub fn truncate(&self, set: Option<&[u8]>, cutoff_nanos: u64) -> u64 {
        {
            let mut t = self.truncates.lock().unwrap_or_else(|e| e.into_inner());
            t.insert(set.unwrap_or_default().to_vec(), cutoff_nanos);
        }
        let mut removed = 0;
        for pid in 0..N_PARTITIONS {
            let mut p = self.lock(pid);
            let before = p.len();
            p.retain(|_, r| !(set.is_none_or(|s| &*r.set == s) && r.lut_nanos < cutoff_nanos));
            removed += (before - p.len()) as u64;
        }
        removed
    }

    /// Last truncate cut-off for `set` (ns since Unix), 0 if never truncated.
    pub fn truncate_lut(&self, set: &[u8]) -> u64 {
        let t = self.truncates.lock().unwrap_or_else(|e| e.into_inner());
        t.get(set).copied().unwrap_or(0)
    }

    /// Live records per set.
    pub fn set_stats(&self, now: &Now) -> Vec<(Vec<u8>, SetStats)> {
        let mut sets: HashMap<Vec<u8>, SetStats> = HashMap::new();
        for pid in 0..N_PARTITIONS {
            let p = self.lock(pid);
            for r in p.values().filter(|r| !r.is_expired(now)) {
                let e = sets.entry(r.set.to_vec()).or_default();
                e.objects += 1;
                e.bytes += r.size() as u64;
            }
        }
        for set in self
            .truncates
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
        {
            if !set.is_empty() {
                sets.entry(set.clone()).or_default();
            }
        }
        let mut v: Vec<_> = sets.into_iter().filter(|(s, _)| !s.is_empty()).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Calls `f` on every live record (one partition locked at a time).
    pub fn for_each(&self, now: &Now, mut f: impl FnMut(&Record)) {
        for pid in 0..N_PARTITIONS {
            for r in self.lock(pid).values().filter(|r| !r.is_expired(now)) {
                f(r);
            }
        }
    }

    /// Live records in the namespace.
    pub fn objects(&self, now: &Now) -> u64 {
        (0..N_PARTITIONS)
            .map(|pid| {
                self.lock(pid)
                    .values()
                    .filter(|r| !r.is_expired(now))
                    .count() as u64
            })
            .sum()
    }
}

/// All namespaces.
pub struct Store {
    /// Namespaces in configuration order.
    pub namespaces: Vec<Namespace>,
}

impl Store {
    /// Looks a namespace up by its name bytes.
    pub fn namespace(&self, name: &[u8]) -> Option<&Namespace> {
        self.namespaces.iter().find(|n| n.name.as_bytes() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(set: &[u8], lut: u64) -> Record {
        Record {
            set: set.into(),
            key: None,
            generation: 1,
            void_time: 0,
            lut_nanos: lut,
            bins: vec![],
        }
    }

    #[test]
    fn truncate_by_set_and_lut() {
        let ns = Namespace::new("test", 0, 1);
        ns.lock(1).insert([1; 20], rec(b"a", 10));
        ns.lock(2).insert([2; 20], rec(b"a", 30));
        ns.lock(3).insert([3; 20], rec(b"b", 10));
        assert_eq!(ns.truncate(Some(b"a"), 20), 1);
        assert_eq!(ns.truncate_lut(b"a"), 20);
        let now = Now { secs: 0, nanos: 0 };
        assert_eq!(ns.objects(&now), 2);
        assert_eq!(ns.truncate(None, 100), 2);
        assert_eq!(ns.objects(&now), 0);
        assert_eq!(ns.set_stats(&now).len(), 1); // set "a" still listed after truncate
    }

    #[test]
    fn bin_names_and_expiry() {
        assert!(BinName::new(&[b'x'; 16]).is_none());
        assert_eq!(BinName::new(b"abc").unwrap().as_bytes(), b"abc");
        let mut r = rec(b"", 0);
        r.void_time = 10;
        assert!(!r.is_expired(&Now { secs: 10, nanos: 0 }));
        assert!(r.is_expired(&Now { secs: 11, nanos: 0 }));
    }
}
