//! [`Message`]: the zero-copy, bounds-checked AS_MSG parser and its iterators.

use super::{field, MsgHeader, MSG_HEADER_SIZE};
use crate::frame::{ProtoHeader, HEADER_SIZE as PROTO_HEADER_SIZE, TYPE_MSG};
use crate::{ProtocolError, Result};

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

/// Splits the next size-prefixed section (a field or an op) off `rest`: the bytes after
/// its size word.
fn next_section<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (size, tail) = rest.split_first_chunk::<4>()?;
    let (section, tail) = tail.split_at_checked(u32::from_be_bytes(*size) as usize)?;
    *rest = tail;
    Some(section)
}

/// Iterator over validated fields.
#[derive(Debug, Clone)]
pub struct FieldIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for FieldIter<'a> {
    type Item = Field<'a>;
    fn next(&mut self) -> Option<Field<'a>> {
        let (&ftype, data) = next_section(&mut self.rest)?.split_first()?;
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
        let section = next_section(&mut self.rest)?;
        let (&[op_type, particle_type, flags, name_len], rest) = section.split_first_chunk()?;
        let (name, value) = rest.split_at_checked(usize::from(name_len))?;
        Some(Op {
            op_type,
            particle_type,
            flags,
            name,
            value,
        })
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
