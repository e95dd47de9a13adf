//! The 22-byte AS_MSG header and its `INFO1..4` flag bytes.

use crate::{ProtocolError, Result};

/// Size of the AS_MSG header (the `header_sz` byte).
pub const MSG_HEADER_SIZE: usize = 22;

// info1 (read) flags.
/// info1: read.
pub const INFO1_READ: u8 = 0x01;
/// info1: return all bins.
pub const INFO1_GET_ALL: u8 = 0x02;
/// info1: short query.
pub const INFO1_SHORT_QUERY: u8 = 0x04;
/// info1: batch request.
pub const INFO1_BATCH: u8 = 0x08;
/// info1: XDR.
pub const INFO1_XDR: u8 = 0x10;
/// info1: metadata only.
pub const INFO1_GET_NO_BINS: u8 = 0x20;
/// info1: AP read mode "all".
pub const INFO1_READ_MODE_AP_ALL: u8 = 0x40;
/// info1: ask for a compressed reply (EE).
pub const INFO1_COMPRESS_RESPONSE: u8 = 0x80;

// info2 (write) flags.
/// info2: write.
pub const INFO2_WRITE: u8 = 0x01;
/// info2: delete the record.
pub const INFO2_DELETE: u8 = 0x02;
/// info2: apply only if generation equals.
pub const INFO2_GENERATION: u8 = 0x04;
/// info2: apply only if generation is greater.
pub const INFO2_GENERATION_GT: u8 = 0x08;
/// info2: durable delete (EE).
pub const INFO2_DURABLE_DELETE: u8 = 0x10;
/// info2: create only.
pub const INFO2_CREATE_ONLY: u8 = 0x20;
/// info2: relax AP long query.
pub const INFO2_RELAX_AP_LONG_QUERY: u8 = 0x40;
/// info2: one reply op per request op.
pub const INFO2_RESPOND_ALL_OPS: u8 = 0x80;

// info3 flags.
/// info3: last message of a multi-part reply.
pub const INFO3_LAST: u8 = 0x01;
/// info3: commit level master.
pub const INFO3_COMMIT_MASTER: u8 = 0x02;
/// info3: partition done (scan/query).
pub const INFO3_PARTITION_DONE: u8 = 0x04;
/// info3: update only.
pub const INFO3_UPDATE_ONLY: u8 = 0x08;
/// info3: create or replace.
pub const INFO3_CREATE_OR_REPLACE: u8 = 0x10;
/// info3: replace only.
pub const INFO3_REPLACE_ONLY: u8 = 0x20;
/// info3: SC read type.
pub const INFO3_SC_READ_TYPE: u8 = 0x40;
/// info3: SC read relax.
pub const INFO3_SC_READ_RELAX: u8 = 0x80;

// info4 (transaction) flags.
/// info4: MRT verify read.
pub const INFO4_MRT_VERIFY_READ: u8 = 0x01;
/// info4: MRT roll forward.
pub const INFO4_MRT_ROLL_FORWARD: u8 = 0x02;
/// info4: MRT roll back.
pub const INFO4_MRT_ROLL_BACK: u8 = 0x04;
/// info4: MRT on-locking-only.
pub const INFO4_MRT_ON_LOCKING_ONLY: u8 = 0x10;

/// The 22-byte AS_MSG header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MsgHeader {
    /// Read flags (`INFO1_*`).
    pub info1: u8,
    /// Write flags (`INFO2_*`).
    pub info2: u8,
    /// Misc flags (`INFO3_*`).
    pub info3: u8,
    /// Transaction flags (`INFO4_*`).
    pub info4: u8,
    /// Result code (replies).
    pub result_code: u8,
    /// Expected generation (requests) / record generation (replies).
    pub generation: u32,
    /// TTL (write requests) / void time (replies).
    pub record_ttl: u32,
    /// Server timeout in ms (requests) / batch index (batch replies).
    pub transaction_ttl: u32,
    /// Number of fields that follow.
    pub n_fields: u16,
    /// Number of ops that follow the fields.
    pub n_ops: u16,
}

impl MsgHeader {
    /// The 22 wire bytes.
    pub fn encode(&self) -> [u8; MSG_HEADER_SIZE] {
        let mut b = [0u8; MSG_HEADER_SIZE];
        b[0] = MSG_HEADER_SIZE as u8;
        b[1] = self.info1;
        b[2] = self.info2;
        b[3] = self.info3;
        b[4] = self.info4;
        b[5] = self.result_code;
        b[6..10].copy_from_slice(&self.generation.to_be_bytes());
        b[10..14].copy_from_slice(&self.record_ttl.to_be_bytes());
        b[14..18].copy_from_slice(&self.transaction_ttl.to_be_bytes());
        b[18..20].copy_from_slice(&self.n_fields.to_be_bytes());
        b[20..22].copy_from_slice(&self.n_ops.to_be_bytes());
        b
    }

    /// Decodes the first 22 bytes of `bytes` (header_sz must be 22).
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let b: &[u8; MSG_HEADER_SIZE] = bytes
            .get(..MSG_HEADER_SIZE)
            .and_then(|s| s.try_into().ok())
            .ok_or(ProtocolError::truncated(MSG_HEADER_SIZE, bytes.len()))?;
        if b[0] as usize != MSG_HEADER_SIZE {
            return Err(ProtocolError::BadHeaderSize(b[0]));
        }
        let u32_at = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        Ok(MsgHeader {
            info1: b[1],
            info2: b[2],
            info3: b[3],
            info4: b[4],
            result_code: b[5],
            generation: u32_at(6),
            record_ttl: u32_at(10),
            transaction_ttl: u32_at(14),
            n_fields: u16::from_be_bytes([b[18], b[19]]),
            n_ops: u16::from_be_bytes([b[20], b[21]]),
        })
    }
}
