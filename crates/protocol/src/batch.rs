//! The payload of the BATCH_INDEX field (41) of a batch request: a u32 row count, the
//! parent flags, then one row per key (index, digest, and either REPEAT or a row
//! header with its own fields and ops).

use crate::msg::MAX_BIN_NAME_LEN;
use crate::{ProtocolError, Result};

/// Row flag: reuse the previous row's header, fields and ops.
pub const ROW_REPEAT: u8 = 0x01;
/// Row flag: info2 and info3 follow info1.
pub const ROW_INFO23: u8 = 0x02;
/// Row flag: a u16 generation follows.
pub const ROW_GEN: u8 = 0x04;
/// Row flag: a u32 record TTL follows.
pub const ROW_TTL: u8 = 0x08;
/// Row flag: an info4 byte follows.
pub const ROW_INFO4: u8 = 0x10;

/// Parent flag: the server may answer inline (in-memory namespaces).
pub const PARENT_ALLOW_INLINE: u8 = 0x01;
/// Parent flag: the server may answer inline on SSD namespaces.
pub const PARENT_ALLOW_INLINE_SSD: u8 = 0x02;
/// Parent flag: answer every key, found or not.
pub const PARENT_RESPOND_ALL_KEYS: u8 = 0x04;

/// The header of a non-repeat row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowHeader {
    /// Read flags (`msg::INFO1_*`).
    pub info1: u8,
    /// Write flags (`msg::INFO2_*`).
    pub info2: u8,
    /// Misc flags (`msg::INFO3_*`).
    pub info3: u8,
    /// Transaction flags, sent only when set.
    pub info4: Option<u8>,
    /// Expected generation, sent only when set.
    pub generation: Option<u16>,
    /// Record TTL, sent only when set.
    pub ttl: Option<u32>,
}

/// Writes a BATCH_INDEX payload into a caller-owned buffer (typically inside
/// `MsgWriter::field_with`); the row count and each row's field/op counts are patched.
pub struct BatchWriter<'b> {
    buf: &'b mut Vec<u8>,
    start: usize,
    rows: u32,
    /// Offset of the current row's n_fields/n_ops words, and their counts.
    counts_at: Option<usize>,
    n_fields: u16,
    n_ops: u16,
}

impl<'b> BatchWriter<'b> {
    /// Starts the payload at the end of `buf`.
    pub fn start(buf: &'b mut Vec<u8>, parent_flags: u8) -> Self {
        let start = buf.len();
        buf.extend_from_slice(&[0, 0, 0, 0, parent_flags]);
        BatchWriter {
            buf,
            start,
            rows: 0,
            counts_at: None,
            n_fields: 0,
            n_ops: 0,
        }
    }

    fn close_row(&mut self) {
        if let Some(at) = self.counts_at.take() {
            if let Some(s) = self.buf.get_mut(at..at + 4) {
                s[..2].copy_from_slice(&self.n_fields.to_be_bytes());
                s[2..].copy_from_slice(&self.n_ops.to_be_bytes());
            }
        }
        self.n_fields = 0;
        self.n_ops = 0;
    }

    fn row_start(&mut self, index: u32, digest: &[u8; 20]) {
        self.close_row();
        self.rows = self.rows.wrapping_add(1);
        self.buf.extend_from_slice(&index.to_be_bytes());
        self.buf.extend_from_slice(digest);
    }

    /// A row that reuses the previous row's header, fields and ops.
    pub fn repeat_row(&mut self, index: u32, digest: &[u8; 20]) {
        self.row_start(index, digest);
        self.buf.push(ROW_REPEAT);
    }

    /// A row with its own header; its fields and ops follow through
    /// [`BatchWriter::field`] and [`BatchWriter::op`].
    pub fn row(&mut self, index: u32, digest: &[u8; 20], h: &RowHeader) {
        self.row_start(index, digest);
        let flags = ROW_INFO23
            | if h.info4.is_some() { ROW_INFO4 } else { 0 }
            | if h.generation.is_some() { ROW_GEN } else { 0 }
            | if h.ttl.is_some() { ROW_TTL } else { 0 };
        self.buf
            .extend_from_slice(&[flags, h.info1, h.info2, h.info3]);
        if let Some(i4) = h.info4 {
            self.buf.push(i4);
        }
        if let Some(g) = h.generation {
            self.buf.extend_from_slice(&g.to_be_bytes());
        }
        if let Some(t) = h.ttl {
            self.buf.extend_from_slice(&t.to_be_bytes());
        }
        self.counts_at = Some(self.buf.len());
        self.buf.extend_from_slice(&[0, 0, 0, 0]);
    }

    /// Appends a field to the current row.
    pub fn field(&mut self, ftype: u8, data: &[u8]) {
        self.buf
            .extend_from_slice(&(data.len() as u32 + 1).to_be_bytes());
        self.buf.push(ftype);
        self.buf.extend_from_slice(data);
        self.n_fields = self.n_fields.wrapping_add(1);
    }

    /// Appends an op to the current row; rejects names over 15 bytes.
    pub fn op(&mut self, op_type: u8, particle_type: u8, name: &[u8], value: &[u8]) -> Result<()> {
        if name.len() > MAX_BIN_NAME_LEN {
            return Err(ProtocolError::BadLength("bin name"));
        }
        let size = u32::try_from(4 + name.len() + value.len())
            .map_err(|_| ProtocolError::TooLarge(value.len() as u64))?;
        self.buf.extend_from_slice(&size.to_be_bytes());
        self.buf
            .extend_from_slice(&[op_type, particle_type, 0, name.len() as u8]);
        self.buf.extend_from_slice(name);
        self.buf.extend_from_slice(value);
        self.n_ops = self.n_ops.wrapping_add(1);
        Ok(())
    }

    /// Patches the counts; returns the number of rows.
    pub fn finish(mut self) -> u32 {
        self.close_row();
        let rows = self.rows;
        if let Some(s) = self.buf.get_mut(self.start..self.start + 4) {
            s.copy_from_slice(&rows.to_be_bytes());
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::{field, op, Message, MsgHeader};

    #[test]
    fn rows_parse_back() {
        let mut buf = vec![0xEE];
        let mut b = BatchWriter::start(&mut buf, PARENT_ALLOW_INLINE | PARENT_RESPOND_ALL_KEYS);
        b.row(
            7,
            &[1; 20],
            &RowHeader {
                info1: 1,
                ttl: Some(0),
                ..RowHeader::default()
            },
        );
        b.field(field::NAMESPACE, b"test");
        b.op(op::READ, 0, b"a", b"").unwrap();
        assert!(b.op(op::READ, 0, &[b'x'; 16], b"").is_err());
        b.repeat_row(9, &[2; 20]);
        assert_eq!(b.finish(), 2);
        let p = &buf[1..];
        assert_eq!(&p[..5], &[0, 0, 0, 2, 0x05]);
        assert_eq!(&p[5..9], &7u32.to_be_bytes());
        let row = &p[29..];
        assert_eq!(&row[..4], &[ROW_INFO23 | ROW_TTL, 1, 0, 0]);
        let counts = &row[8..12];
        assert_eq!(counts, &[0, 1, 0, 1]);
        let h = MsgHeader {
            n_fields: 1,
            n_ops: 1,
            ..MsgHeader::default()
        };
        let (m, used) = Message::parse_with_header(h, &row[12..]).unwrap();
        assert_eq!(m.field(field::NAMESPACE), Some(&b"test"[..]));
        assert_eq!(m.ops().next().map(|o| o.name), Some(&b"a"[..]));
        let rest = &row[12 + used..];
        assert_eq!(&rest[..4], &9u32.to_be_bytes());
        assert_eq!(rest[24], ROW_REPEAT);
        assert_eq!(rest.len(), 25);
    }
}
