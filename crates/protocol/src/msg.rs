//! The AS_MSG message: 22-byte header, fields and ops; a zero-allocation writer and a
//! zero-copy, fully bounds-checked parser.

use crate::frame::{self, ProtoHeader, HEADER_SIZE as PROTO_HEADER_SIZE, TYPE_MSG};
use crate::{ProtocolError, Result};

/// Size of the AS_MSG header (the `header_sz` byte).
pub const MSG_HEADER_SIZE: usize = 22;
/// Maximum bin name length accepted by the server.
pub const MAX_BIN_NAME_LEN: usize = 15;

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

/// Builds one AS_MSG (a whole frame, or one record of a multi-record body) directly
/// into a caller-owned buffer; counts and lengths are patched by [`MsgWriter::finish`].
pub struct MsgWriter<'b> {
    buf: &'b mut Vec<u8>,
    frame_start: Option<usize>,
    header_start: usize,
    n_fields: u16,
    n_ops: u16,
    n_read_ops: u16,
}

/// An op opened by [`MsgWriter::op_begin`]; close it with [`MsgWriter::op_end`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "an op must be closed with MsgWriter::op_end"]
pub struct OpStart {
    at: usize,
    op_type: u8,
}

impl<'b> MsgWriter<'b> {
    /// Starts a complete type-3 frame (proto header + `header`) at the end of `buf`.
    /// `header.n_fields`/`n_ops` are ignored: they are counted.
    pub fn start(buf: &'b mut Vec<u8>, header: &MsgHeader) -> Self {
        let frame_start = frame::begin_frame(buf, TYPE_MSG);
        let header_start = buf.len();
        buf.extend_from_slice(&header.encode());
        MsgWriter {
            buf,
            frame_start: Some(frame_start),
            header_start,
            n_fields: 0,
            n_ops: 0,
            n_read_ops: 0,
        }
    }

    /// Starts one record without a proto header, for multi-record bodies (batch and
    /// scan replies) framed by [`frame::begin_frame`]/[`frame::end_frame`].
    pub fn start_record(buf: &'b mut Vec<u8>, header: &MsgHeader) -> Self {
        let header_start = buf.len();
        buf.extend_from_slice(&header.encode());
        MsgWriter {
            buf,
            frame_start: None,
            header_start,
            n_fields: 0,
            n_ops: 0,
            n_read_ops: 0,
        }
    }

    /// Appends a field.
    pub fn field(&mut self, ftype: u8, data: &[u8]) -> &mut Self {
        self.buf
            .extend_from_slice(&(data.len() as u32 + 1).to_be_bytes());
        self.buf.push(ftype);
        self.buf.extend_from_slice(data);
        self.n_fields = self.n_fields.wrapping_add(1);
        self
    }

    /// Appends a field whose data the closure writes straight into the buffer.
    pub fn field_with(&mut self, ftype: u8, write: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0, 0, 0, 0, ftype]);
        write(self.buf);
        let size = (self.buf.len() - at - 4) as u32;
        patch(self.buf, at, &size.to_be_bytes());
        self.n_fields = self.n_fields.wrapping_add(1);
        self
    }

    /// Appends a big-endian u32 field (socket timeout, records per second).
    pub fn field_u32(&mut self, ftype: u8, v: u32) -> &mut Self {
        self.field(ftype, &v.to_be_bytes())
    }

    /// Appends a big-endian u64 field (task id, max records).
    pub fn field_u64(&mut self, ftype: u8, v: u64) -> &mut Self {
        self.field(ftype, &v.to_be_bytes())
    }

    /// Appends the namespace field.
    pub fn namespace_field(&mut self, ns: &[u8]) -> &mut Self {
        self.field(field::NAMESPACE, ns)
    }

    /// Appends the set field.
    pub fn set_field(&mut self, set: &[u8]) -> &mut Self {
        self.field(field::SET, set)
    }

    /// Appends the 20-byte digest field.
    pub fn digest_field(&mut self, digest: &[u8; 20]) -> &mut Self {
        self.field(field::DIGEST, digest)
    }

    /// Appends the user-key field (particle type byte + key bytes).
    pub fn key_field(&mut self, particle_type: u8, key: &[u8]) -> &mut Self {
        self.field_with(field::KEY, |b| {
            b.push(particle_type);
            b.extend_from_slice(key);
        })
    }

    /// Appends an op with a ready value.
    pub fn op(&mut self, op_type: u8, particle_type: u8, name: &[u8], value: &[u8]) -> &mut Self {
        self.op_with(op_type, particle_type, name, |b| b.extend_from_slice(value))
    }

    /// Appends an op whose value the closure writes straight into the buffer; the op
    /// size is patched afterwards. Names longer than 255 bytes are cut (the server
    /// rejects anything over 15 anyway).
    pub fn op_with(
        &mut self,
        op_type: u8,
        particle_type: u8,
        name: &[u8],
        write: impl FnOnce(&mut Vec<u8>),
    ) -> &mut Self {
        let name = name.get(..name.len().min(255)).unwrap_or_default();
        let at = self.buf.len();
        self.buf
            .extend_from_slice(&[0, 0, 0, 0, op_type, particle_type, 0, name.len() as u8]);
        self.buf.extend_from_slice(name);
        write(self.buf);
        let size = (self.buf.len() - at - 4) as u32;
        patch(self.buf, at, &size.to_be_bytes());
        self.count_op(op_type);
        self
    }

    fn count_op(&mut self, op_type: u8) {
        self.n_ops = self.n_ops.wrapping_add(1);
        if op::is_read(op_type) {
            self.n_read_ops = self.n_read_ops.wrapping_add(1);
        }
    }

    /// Opens an op whose value the caller then appends to [`MsgWriter::buffer`] (and
    /// may fail half-way: the writer is not left inconsistent as long as the whole
    /// message is dropped); [`MsgWriter::op_end`] patches the size and particle type.
    /// Rejects names over [`MAX_BIN_NAME_LEN`] bytes.
    pub fn op_begin(&mut self, op_type: u8, name: &[u8]) -> Result<OpStart> {
        if name.len() > MAX_BIN_NAME_LEN {
            return Err(ProtocolError::BadLength("bin name"));
        }
        let at = self.buf.len();
        self.buf
            .extend_from_slice(&[0, 0, 0, 0, op_type, 0, 0, name.len() as u8]);
        self.buf.extend_from_slice(name);
        Ok(OpStart { at, op_type })
    }

    /// Closes the op opened by `op_begin`: patches its size and particle type and
    /// counts it. Fails when the value exceeds the u32 size word or the op count
    /// overflows u16.
    pub fn op_end(&mut self, start: OpStart, particle_type: u8) -> Result<()> {
        let size = self
            .buf
            .len()
            .checked_sub(start.at + 4)
            .ok_or(ProtocolError::BadLength("op"))?;
        let size = u32::try_from(size).map_err(|_| ProtocolError::TooLarge(size as u64))?;
        if self.n_ops == u16::MAX {
            return Err(ProtocolError::BadLength("op count"));
        }
        patch(self.buf, start.at, &size.to_be_bytes());
        patch(self.buf, start.at + 5, &[particle_type]);
        self.count_op(start.op_type);
        Ok(())
    }

    /// Ops written so far.
    pub fn n_ops(&self) -> u16 {
        self.n_ops
    }

    /// Ops written so far whose type only reads (see [`op::is_read`]).
    pub fn n_read_ops(&self) -> u16 {
        self.n_read_ops
    }

    /// The header as written by `start` (counts not yet patched).
    pub fn header(&self) -> MsgHeader {
        self.buf
            .get(self.header_start..)
            .and_then(|b| MsgHeader::decode(b).ok())
            .unwrap_or_default()
    }

    /// Rewrites the header after fields and ops were written (flags decided by the
    /// ops); `n_fields`/`n_ops` are ignored: `finish` patches the counts.
    pub fn set_header(&mut self, header: &MsgHeader) {
        patch(self.buf, self.header_start, &header.encode());
    }

    /// Bytes of this message written so far (proto header included for a frame).
    pub fn message_len(&self) -> usize {
        self.buf.len() - self.frame_start.unwrap_or(self.header_start)
    }

    /// Direct access to the buffer (e.g. to size-check while writing).
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        self.buf
    }

    /// Patches the field/op counts (and the proto length for a frame); returns the
    /// offset just past the message.
    pub fn finish(self) -> usize {
        let h = self.header_start;
        patch(self.buf, h + 18, &self.n_fields.to_be_bytes());
        patch(self.buf, h + 20, &self.n_ops.to_be_bytes());
        if let Some(fs) = self.frame_start {
            frame::end_frame(self.buf, fs);
        }
        self.buf.len()
    }
}

impl MsgWriter<'_> {
    /// Like [`MsgWriter::finish`], but rejects a frame whose body exceeds
    /// [`frame::MAX_BODY_SIZE`] (the server would refuse it).
    pub fn finish_checked(self) -> Result<usize> {
        let body = self.message_len().saturating_sub(PROTO_HEADER_SIZE) as u64;
        if self.frame_start.is_some() && body > frame::MAX_BODY_SIZE {
            return Err(ProtocolError::TooLarge(body));
        }
        Ok(self.finish())
    }
}

fn patch(buf: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(slot) = buf.get_mut(at..at + bytes.len()) {
        slot.copy_from_slice(bytes);
    }
}

/// Writes a bare header-only reply frame (result code, generation, void time).
pub fn write_header_only(buf: &mut Vec<u8>, header: &MsgHeader) {
    let mut h = *header;
    h.n_fields = 0;
    h.n_ops = 0;
    ProtoHeader::new(TYPE_MSG, MSG_HEADER_SIZE as u64).write(buf);
    buf.extend_from_slice(&h.encode());
}

/// One field of a parsed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// Field type id (see [`field`]).
    pub ftype: u8,
    /// Field payload.
    pub data: &'a [u8],
}

/// One op of a parsed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op<'a> {
    /// Op type id (see [`op`]).
    pub op_type: u8,
    /// Particle type of `value`.
    pub particle_type: u8,
    /// Op flags byte (XDR only).
    pub flags: u8,
    /// Bin name (may be empty).
    pub name: &'a [u8],
    /// Value bytes in particle encoding.
    pub value: &'a [u8],
}

/// A parsed AS_MSG borrowing its input. All lengths were validated by the parser, so
/// the iterators are infallible.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The header.
    pub header: MsgHeader,
    fields: &'a [u8],
    ops: &'a [u8],
}

impl<'a> Message<'a> {
    /// Parses a message body (after the proto header) that must hold exactly one message.
    pub fn parse(body: &'a [u8]) -> Result<Message<'a>> {
        let (m, used) = Self::parse_prefix(body)?;
        if used != body.len() {
            return Err(ProtocolError::Trailing(body.len() - used));
        }
        Ok(m)
    }

    /// Parses a whole type-3 frame (proto header included).
    pub fn parse_frame(frame_bytes: &'a [u8]) -> Result<Message<'a>> {
        let h = ProtoHeader::parse(frame_bytes)?;
        if h.msg_type != TYPE_MSG {
            return Err(ProtocolError::BadType(h.msg_type));
        }
        let body = frame_bytes.get(PROTO_HEADER_SIZE..).unwrap_or_default();
        if body.len() as u64 != h.length {
            return Err(ProtocolError::truncated(h.length as usize, body.len()));
        }
        Self::parse(body)
    }

    /// Parses one message at the start of `bytes`; returns it and the bytes consumed.
    pub fn parse_prefix(bytes: &'a [u8]) -> Result<(Message<'a>, usize)> {
        let header = MsgHeader::decode(bytes)?;
        Self::parse_sections(header, bytes, MSG_HEADER_SIZE)
    }

    /// Parses `header.n_fields` fields then `header.n_ops` ops starting at `bytes[start..]`
    /// (e.g. a batch row, whose header is not a 22-byte AS_MSG header); returns the
    /// message and the offset just past its last op.
    pub fn parse_with_header(header: MsgHeader, bytes: &'a [u8]) -> Result<(Message<'a>, usize)> {
        Self::parse_sections(header, bytes, 0)
    }

    fn parse_sections(
        header: MsgHeader,
        bytes: &'a [u8],
        start: usize,
    ) -> Result<(Message<'a>, usize)> {
        let mut pos = start;
        for _ in 0..header.n_fields {
            let size = read_u32(bytes, pos)? as usize;
            if size == 0 {
                return Err(ProtocolError::BadLength("field"));
            }
            pos = checked_end(bytes, pos + 4, size)?;
        }
        let fields_end = pos;
        for _ in 0..header.n_ops {
            let size = read_u32(bytes, pos)? as usize;
            if size < 4 {
                return Err(ProtocolError::BadLength("op"));
            }
            let name_len = *bytes
                .get(pos + 7)
                .ok_or(ProtocolError::truncated(pos + 8, bytes.len()))?;
            if name_len as usize > size - 4 {
                return Err(ProtocolError::BadLength("op name"));
            }
            pos = checked_end(bytes, pos + 4, size)?;
        }
        let fields = bytes.get(start..fields_end).unwrap_or_default();
        let ops = bytes.get(fields_end..pos).unwrap_or_default();
        Ok((
            Message {
                header,
                fields,
                ops,
            },
            pos,
        ))
    }

    /// The fields in wire order.
    pub fn fields(&self) -> FieldIter<'a> {
        FieldIter { rest: self.fields }
    }

    /// The ops in wire order.
    pub fn ops(&self) -> OpIter<'a> {
        OpIter { rest: self.ops }
    }

    /// Payload of the first field of type `ftype`.
    pub fn field(&self, ftype: u8) -> Option<&'a [u8]> {
        self.fields().find(|f| f.ftype == ftype).map(|f| f.data)
    }

    /// The digest field, if present and 20 bytes long.
    pub fn digest(&self) -> Option<&'a [u8; 20]> {
        self.field(field::DIGEST).and_then(|d| d.try_into().ok())
    }

    /// Raw bytes of all fields.
    pub fn fields_bytes(&self) -> &'a [u8] {
        self.fields
    }

    /// Raw bytes of all ops.
    pub fn ops_bytes(&self) -> &'a [u8] {
        self.ops
    }
}

fn read_u32(bytes: &[u8], pos: usize) -> Result<u32> {
    bytes
        .get(pos..pos + 4)
        .and_then(|s| s.try_into().ok())
        .map(u32::from_be_bytes)
        .ok_or(ProtocolError::truncated(pos + 4, bytes.len()))
}

fn checked_end(bytes: &[u8], start: usize, len: usize) -> Result<usize> {
    let end = start
        .checked_add(len)
        .ok_or(ProtocolError::BadLength("size"))?;
    if end > bytes.len() {
        return Err(ProtocolError::truncated(end, bytes.len()));
    }
    Ok(end)
}

/// Iterator over validated fields.
#[derive(Debug, Clone)]
pub struct FieldIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for FieldIter<'a> {
    type Item = Field<'a>;
    fn next(&mut self) -> Option<Field<'a>> {
        let size = u32::from_be_bytes(self.rest.get(..4)?.try_into().ok()?) as usize;
        let ftype = *self.rest.get(4)?;
        let data = self.rest.get(5..4 + size)?;
        self.rest = self.rest.get(4 + size..)?;
        Some(Field { ftype, data })
    }
}

/// Iterator over validated ops.
#[derive(Debug, Clone)]
pub struct OpIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for OpIter<'a> {
    type Item = Op<'a>;
    fn next(&mut self) -> Option<Op<'a>> {
        let size = u32::from_be_bytes(self.rest.get(..4)?.try_into().ok()?) as usize;
        let hdr = self.rest.get(4..8)?;
        let name_len = hdr[3] as usize;
        let name = self.rest.get(8..8 + name_len)?;
        let value = self.rest.get(8 + name_len..4 + size)?;
        let op = Op {
            op_type: hdr[0],
            particle_type: hdr[1],
            flags: hdr[2],
            name,
            value,
        };
        self.rest = self.rest.get(4 + size..)?;
        Some(op)
    }
}

/// Iterates the 22-byte records packed in one body (batch and scan/query replies).
/// Stops after the first error.
#[derive(Debug, Clone)]
pub struct RecordIter<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> RecordIter<'a> {
    /// Iterates the records of `body` (bytes after the proto header).
    pub fn new(body: &'a [u8]) -> Self {
        RecordIter {
            rest: body,
            failed: false,
        }
    }
}

impl<'a> Iterator for RecordIter<'a> {
    type Item = Result<Message<'a>>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        match Message::parse_prefix(self.rest) {
            Ok((m, used)) => {
                self.rest = self.rest.get(used..).unwrap_or_default();
                Some(Ok(m))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn writer_and_parser_roundtrip() {
        let mut buf = vec![0xAA]; // pre-existing bytes must be kept
        let mut w = MsgWriter::start(
            &mut buf,
            &MsgHeader {
                info2: INFO2_WRITE,
                transaction_ttl: 1000,
                ..Default::default()
            },
        );
        w.namespace_field(b"test")
            .set_field(b"demo")
            .digest_field(&[7; 20]);
        w.key_field(3, b"k1");
        w.op(op::WRITE, 1, b"a", &7i64.to_be_bytes());
        w.op_with(op::WRITE, 3, b"s", |b| b.extend_from_slice(b"xyz"));
        let end = w.finish();
        assert_eq!(end, buf.len());
        let m = Message::parse_frame(&buf[1..]).unwrap();
        assert_eq!(m.header.n_fields, 4);
        assert_eq!(m.header.n_ops, 2);
        assert_eq!(m.header.info2, INFO2_WRITE);
        assert_eq!(m.field(field::NAMESPACE), Some(&b"test"[..]));
        assert_eq!(m.digest(), Some(&[7; 20]));
        assert_eq!(m.field(field::KEY), Some(&b"\x03k1"[..]));
        let ops: Vec<_> = m.ops().collect();
        assert_eq!(ops[0].name, b"a");
        assert_eq!(ops[0].value, &7i64.to_be_bytes());
        assert_eq!((ops[1].particle_type, ops[1].value), (3, &b"xyz"[..]));
    }

    #[test]
    fn fallible_ops_and_header_rewrite() {
        let mut buf = Vec::new();
        let mut w = MsgWriter::start(&mut buf, &MsgHeader::default());
        w.namespace_field(b"test");
        let s = w.op_begin(op::WRITE, b"bin").unwrap();
        w.buffer().extend_from_slice(b"abc");
        w.op_end(s, 3).unwrap();
        let s = w.op_begin(op::READ, b"r").unwrap();
        w.op_end(s, 0).unwrap();
        assert_eq!((w.n_ops(), w.n_read_ops()), (2, 1));
        assert!(w.op_begin(op::WRITE, &[b'x'; 16]).is_err());
        let mut h = w.header();
        h.info2 |= INFO2_WRITE;
        h.record_ttl = 77;
        w.set_header(&h);
        assert_eq!(w.message_len(), w.buffer().len());
        let end = w.finish_checked().unwrap();
        let m = Message::parse_frame(&buf[..end]).unwrap();
        assert_eq!((m.header.info2, m.header.record_ttl), (INFO2_WRITE, 77));
        assert_eq!((m.header.n_fields, m.header.n_ops), (1, 2));
        let ops: Vec<_> = m.ops().collect();
        assert_eq!(
            (
                ops[0].op_type,
                ops[0].particle_type,
                ops[0].name,
                ops[0].value
            ),
            (op::WRITE, 3, &b"bin"[..], &b"abc"[..])
        );
        assert_eq!((ops[1].op_type, ops[1].value), (op::READ, &b""[..]));
        assert!(op::is_read(op::HLL_READ) && !op::is_read(op::INCR));
    }

    #[test]
    fn worked_example_reply() {
        // protocol.md §11b: reply with a=7 and s="x".
        let body = hex("16000000000000000001000000000000000000000002\
                        0000000d0101000161000000000000000700000006010300017378");
        let m = Message::parse(&body).unwrap();
        let ops: Vec<_> = m.ops().collect();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[1].name, b"s");
        assert_eq!(ops[1].value, b"x");
    }

    #[test]
    fn parser_rejects_bad_lengths() {
        let mut buf = Vec::new();
        let mut w = MsgWriter::start_record(&mut buf, &MsgHeader::default());
        w.field(field::NAMESPACE, b"test")
            .op(op::READ, 0, b"abc", b"");
        w.finish();
        for cut in 0..buf.len() {
            assert!(Message::parse(&buf[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = buf.clone();
        extra.push(0);
        assert_eq!(
            Message::parse(&extra).unwrap_err(),
            ProtocolError::Trailing(1)
        );
        let mut bad = buf.clone();
        bad[22..26].copy_from_slice(&0u32.to_be_bytes());
        assert!(Message::parse(&bad).is_err());
        let mut huge = buf.clone();
        huge[22..26].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(Message::parse(&huge).is_err());
        let mut name = buf.clone();
        let op_at = 22 + 9;
        name[op_at + 7] = 200; // name longer than the op
        assert!(Message::parse(&name).is_err());
    }

    #[test]
    fn record_stream() {
        let mut buf = Vec::new();
        let s = frame::begin_frame(&mut buf, TYPE_MSG);
        for i in 0..3u32 {
            let mut w = MsgWriter::start_record(
                &mut buf,
                &MsgHeader {
                    transaction_ttl: i,
                    ..Default::default()
                },
            );
            w.op(op::READ, 1, b"i", &u64::from(i).to_be_bytes());
            w.finish();
        }
        MsgWriter::start_record(
            &mut buf,
            &MsgHeader {
                info3: INFO3_LAST,
                ..Default::default()
            },
        )
        .finish();
        frame::end_frame(&mut buf, s);
        let recs: Vec<_> = RecordIter::new(&buf[8..]).collect::<Result<_>>().unwrap();
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[2].header.transaction_ttl, 2);
        assert_eq!(recs[3].header.info3, INFO3_LAST);
        let mut broken = buf[8..].to_vec();
        broken.truncate(broken.len() - 3);
        let items: Vec<_> = RecordIter::new(&broken).collect();
        assert!(items.last().unwrap().is_err());
    }
}
