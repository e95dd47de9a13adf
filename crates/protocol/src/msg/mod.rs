//! The AS_MSG message: 22-byte header, fields and ops; a zero-allocation writer and a
//! zero-copy, fully bounds-checked parser.
//!
//! Split by domain: [`MsgHeader`] and the `INFO*` flags (`header.rs`), [`MsgWriter`]
//! (`writer.rs`), [`Message`] and its iterators (`parser.rs`); everything is
//! re-exported here, so the public paths are `msg::*`.

mod header;
mod parser;
mod writer;

pub use header::*;
pub use parser::{Field, FieldIter, Message, Op, OpIter, RecordIter};
pub use writer::{write_header_only, MsgWriter, OpStart};

/// Maximum bin name length accepted by the server.
pub const MAX_BIN_NAME_LEN: usize = 15;

/// Field type ids (§4.2).
pub mod field {
    /// Namespace name.
    pub const NAMESPACE: u8 = 0;
    /// Set name.
    pub const SET: u8 = 1;
    /// User key: particle type byte + key bytes.
    pub const KEY: u8 = 2;
    /// MRT record version.
    pub const RECORD_VERSION: u8 = 3;
    /// 20-byte digest.
    pub const DIGEST: u8 = 4;
    /// MRT id.
    pub const MRT_ID: u8 = 5;
    /// MRT deadline.
    pub const MRT_DEADLINE: u8 = 6;
    /// Scan/query task id (u64).
    pub const TRID: u8 = 7;
    /// Socket timeout (u32 ms).
    pub const SOCKET_TIMEOUT: u8 = 9;
    /// Records per second (u32).
    pub const RECORDS_PER_SECOND: u8 = 10;
    /// Partition ids (u16 LE each).
    pub const PID_ARRAY: u8 = 11;
    /// Resume digests.
    pub const DIGEST_ARRAY: u8 = 12;
    /// Max records (u64).
    pub const MAX_RECORDS: u8 = 13;
    /// Last update time (XDR).
    pub const LUT: u8 = 14;
    /// bvals (i64 LE each).
    pub const BVAL_ARRAY: u8 = 15;
    /// Secondary index name.
    pub const INDEX_NAME: u8 = 21;
    /// Secondary index filter range.
    pub const INDEX_RANGE: u8 = 22;
    /// Secondary index CDT context.
    pub const INDEX_CONTEXT: u8 = 23;
    /// Expression index expression.
    pub const INDEX_EXPRESSION: u8 = 24;
    /// Secondary index collection type.
    pub const INDEX_TYPE: u8 = 26;
    /// UDF module name.
    pub const UDF_FILENAME: u8 = 30;
    /// UDF function name.
    pub const UDF_FUNCTION: u8 = 31;
    /// UDF argument list (msgpack array).
    pub const UDF_ARGLIST: u8 = 32;
    /// UDF kind (0 record, 1 aggregate, 2 background).
    pub const UDF_OP: u8 = 33;
    /// Legacy query bin list.
    pub const QUERY_BINLIST: u8 = 40;
    /// Batch index body.
    pub const BATCH_INDEX: u8 = 41;
    /// Old batch body with set.
    pub const BATCH_INDEX_WITH_SET: u8 = 42;
    /// Filter expression.
    pub const FILTER_EXP: u8 = 43;
    /// Error details (newest C clients).
    pub const ERROR_DETAILS: u8 = 45;
}

/// Op type ids (§5.2).
pub mod op {
    /// Read a bin (or all bins).
    pub const READ: u8 = 1;
    /// Write a bin (NULL particle deletes it).
    pub const WRITE: u8 = 2;
    /// CDT read.
    pub const CDT_READ: u8 = 3;
    /// CDT modify.
    pub const CDT_MODIFY: u8 = 4;
    /// Integer/float add.
    pub const INCR: u8 = 5;
    /// Expression read.
    pub const EXP_READ: u8 = 7;
    /// Expression modify.
    pub const EXP_MODIFY: u8 = 8;
    /// String/blob append.
    pub const APPEND: u8 = 9;
    /// String/blob prepend.
    pub const PREPEND: u8 = 10;
    /// Touch the record.
    pub const TOUCH: u8 = 11;
    /// Bit read.
    pub const BITS_READ: u8 = 12;
    /// Bit modify.
    pub const BITS_MODIFY: u8 = 13;
    /// Delete the record inside an operate.
    pub const DELETE_ALL: u8 = 14;
    /// HLL read.
    pub const HLL_READ: u8 = 15;
    /// HLL modify.
    pub const HLL_MODIFY: u8 = 16;

    /// Whether `op_type` only reads (plain, CDT, expression, bit and HLL reads).
    pub fn is_read(op_type: u8) -> bool {
        matches!(op_type, READ | CDT_READ | EXP_READ | BITS_READ | HLL_READ)
    }
}

#[cfg(test)]
mod tests;
