//! Policies: what a command may do and how long it may take.

use std::time::Duration;

/// Which replica serves a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Replica {
    /// Always the master.
    Master,
    /// The master first, then the next replica on each retry.
    #[default]
    Sequence,
    /// Any replica (treated as sequence).
    Any,
    /// A node in the client's rack first (treated as sequence without rack ids).
    PreferRack,
}

/// Requests no larger than this go uncompressed even with [`Policy::compress`] (the
/// C client's threshold), unless the client sets its own.
pub const COMPRESS_THRESHOLD: usize = 128;

/// What a write may do to an existing or missing record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecordExists {
    #[default]
    Update,
    UpdateOnly,
    Replace,
    ReplaceOnly,
    CreateOnly,
}

/// How the generation of a write is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GenerationPolicy {
    #[default]
    None,
    ExpectEqual,
    ExpectGreater,
}

/// Policy of one command.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Whole-command deadline, retries included; zero = none.
    pub total_timeout: Duration,
    /// Deadline of one exchange on a socket; zero = the total timeout.
    pub socket_timeout: Duration,
    /// How many times a failed exchange is retried.
    pub max_retries: u32,
    /// Pause between retries.
    pub sleep_between_retries: Duration,
    /// Replica selection for reads.
    pub replica: Replica,
    /// Send the user key with writes (stored by the server).
    pub send_key: bool,
    /// Read from all replicas and return the newest (AP "consistency all").
    pub read_mode_all: bool,
    /// Commit on the master only.
    pub commit_master: bool,
    /// Tombstone deletes (EE).
    pub durable_delete: bool,
    /// A packed filter expression (field 43): records it rejects are not touched
    /// (single record: result 27; batch, scan, query: skipped).
    pub filter_exp: Option<Vec<u8>>,
    /// Send the request zlib-compressed (type 4) when it is larger than the client's
    /// compression threshold, and ask for a compressed reply (Enterprise servers).
    pub compress: bool,
    /// This command's compression threshold in bytes; 0 = the client's.
    pub compression_threshold: usize,
    /// Strong-consistency read mode: 0 session, 1 linearize, 2 allow replica,
    /// 3 allow unavailable.
    pub read_mode_sc: u8,
    /// Reads reset the record's TTL when it is within this percent of expiring
    /// (servers 7.1+): 0 the namespace default, -1 never, 1..=100.
    pub read_touch_ttl_percent: i32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            total_timeout: Duration::from_millis(1000),
            socket_timeout: Duration::from_millis(30_000),
            max_retries: 2,
            sleep_between_retries: Duration::ZERO,
            replica: Replica::Sequence,
            send_key: false,
            read_mode_all: false,
            commit_master: false,
            durable_delete: false,
            filter_exp: None,
            compress: false,
            compression_threshold: 0,
            read_mode_sc: 0,
            read_touch_ttl_percent: 0,
        }
    }
}

/// Metadata of a write: exists policy, expected generation, TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteMeta {
    pub exists: RecordExists,
    pub gen_policy: GenerationPolicy,
    pub generation: u32,
    /// 0 = namespace default, u32::MAX = never expire, u32::MAX-1 = keep.
    pub ttl: u32,
}
