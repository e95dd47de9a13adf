//! [`MsgWriter`]: builds an AS_MSG straight into a caller-owned buffer.

use super::{field, op, MsgHeader, MAX_BIN_NAME_LEN, MSG_HEADER_SIZE};
use crate::frame::{self, ProtoHeader, HEADER_SIZE as PROTO_HEADER_SIZE, TYPE_MSG};
use crate::{ProtocolError, Result};

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
        Self::open(buf, Some(frame_start), header)
    }

    /// Starts one record without a proto header, for multi-record bodies (batch and
    /// scan replies) framed by [`frame::begin_frame`]/[`frame::end_frame`].
    pub fn start_record(buf: &'b mut Vec<u8>, header: &MsgHeader) -> Self {
        Self::open(buf, None, header)
    }

    fn open(buf: &'b mut Vec<u8>, frame_start: Option<usize>, header: &MsgHeader) -> Self {
        let header_start = buf.len();
        buf.extend_from_slice(&header.encode());
        MsgWriter {
            buf,
            frame_start,
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
