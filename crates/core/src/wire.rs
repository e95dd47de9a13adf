//! The slice of the wire codec the client's hot path needs: an AS_MSG request writer
//! and a zero-copy reply parser. Kept local to core until `aeropy-protocol` is stable;
//! the layouts are those of protocol.md §1, §3, §4 and §5.

use crate::error::{Error, Result};

/// Proto header version.
pub const PROTO_VERSION: u8 = 2;
/// Proto message types.
pub const MSG_INFO: u8 = 1;
pub const MSG_AS: u8 = 3;
pub const MSG_COMPRESSED: u8 = 4;

/// info1 bits.
pub const INFO1_READ: u8 = 0x01;
pub const INFO1_GET_ALL: u8 = 0x02;
pub const INFO1_GET_NO_BINS: u8 = 0x20;
pub const INFO1_READ_MODE_AP_ALL: u8 = 0x40;
/// info2 bits.
pub const INFO2_WRITE: u8 = 0x01;
pub const INFO2_DELETE: u8 = 0x02;
pub const INFO2_GENERATION: u8 = 0x04;
pub const INFO2_GENERATION_GT: u8 = 0x08;
pub const INFO2_DURABLE_DELETE: u8 = 0x10;
pub const INFO2_CREATE_ONLY: u8 = 0x20;
pub const INFO2_RESPOND_ALL_OPS: u8 = 0x80;
/// info3 bits.
pub const INFO3_LAST: u8 = 0x01;
pub const INFO3_COMMIT_MASTER: u8 = 0x02;
pub const INFO3_UPDATE_ONLY: u8 = 0x08;
pub const INFO3_CREATE_OR_REPLACE: u8 = 0x10;
pub const INFO3_REPLACE_ONLY: u8 = 0x20;

/// Field types.
pub const FIELD_NAMESPACE: u8 = 0;
pub const FIELD_SET: u8 = 1;
pub const FIELD_KEY: u8 = 2;
pub const FIELD_DIGEST: u8 = 4;
pub const FIELD_FILTER_EXP: u8 = 43;

/// Op types.
pub const OP_READ: u8 = 1;
pub const OP_WRITE: u8 = 2;
pub const OP_CDT_READ: u8 = 3;
pub const OP_CDT_MODIFY: u8 = 4;
pub const OP_INCR: u8 = 5;
pub const OP_APPEND: u8 = 9;
pub const OP_PREPEND: u8 = 10;
pub const OP_TOUCH: u8 = 11;
pub const OP_DELETE_ALL: u8 = 14;

/// Particle types.
pub const P_NULL: u8 = 0;
pub const P_INTEGER: u8 = 1;
pub const P_FLOAT: u8 = 2;
pub const P_STRING: u8 = 3;
pub const P_BLOB: u8 = 4;
pub const P_JAVA: u8 = 7;
pub const P_CSHARP: u8 = 8;
pub const P_PYTHON: u8 = 9;
pub const P_RUBY: u8 = 10;
pub const P_PHP: u8 = 11;
pub const P_ERLANG: u8 = 12;
pub const P_BOOL: u8 = 17;
pub const P_HLL: u8 = 18;
pub const P_MAP: u8 = 19;
pub const P_LIST: u8 = 20;
pub const P_GEOJSON: u8 = 23;

/// Whether an op type only reads (CDT/bit/HLL/expression reads included).
pub fn is_read_op(op: u8) -> bool {
    matches!(op, OP_READ | OP_CDT_READ | 7 | 12 | 15)
}

/// Largest bin name the server accepts.
pub const MAX_BIN_NAME: usize = 15;
/// Largest reply body we accept.
pub const MAX_BODY: usize = 128 * 1024 * 1024;

const HDR: usize = 8 + 22;

/// Values of the 22-byte AS_MSG header of a request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Header {
    pub info1: u8,
    pub info2: u8,
    pub info3: u8,
    pub info4: u8,
    pub generation: u32,
    pub ttl: u32,
    pub timeout_ms: u32,
}

/// Builds one AS_MSG request in a reusable buffer, straight from the caller's data.
#[derive(Debug, Default)]
pub struct MsgWriter {
    buf: Vec<u8>,
    n_fields: u16,
    n_ops: u16,
    op_start: usize,
    read_ops: u16,
    write_ops: u16,
}

impl MsgWriter {
    /// A writer over `buf` (cleared), so buffers can be reused between calls.
    pub fn with_buffer(mut buf: Vec<u8>) -> Self {
        buf.clear();
        MsgWriter {
            buf,
            n_fields: 0,
            n_ops: 0,
            op_start: 0,
            read_ops: 0,
            write_ops: 0,
        }
    }

    /// Starts the message: proto header placeholder and the AS_MSG header.
    pub fn begin(&mut self, h: &Header) {
        self.buf.clear();
        self.n_fields = 0;
        self.n_ops = 0;
        self.read_ops = 0;
        self.write_ops = 0;
        self.buf.extend_from_slice(&[0u8; 8]);
        self.buf.push(22);
        self.buf
            .extend_from_slice(&[h.info1, h.info2, h.info3, h.info4, 0]);
        self.buf.extend_from_slice(&h.generation.to_be_bytes());
        self.buf.extend_from_slice(&h.ttl.to_be_bytes());
        self.buf.extend_from_slice(&h.timeout_ms.to_be_bytes());
        self.buf.extend_from_slice(&[0u8; 4]);
    }

    /// Sets header flag bits after `begin` (for ops that decide the flags).
    pub fn or_info(&mut self, info1: u8, info2: u8, info3: u8) {
        if self.buf.len() >= HDR {
            self.buf[9] |= info1;
            self.buf[10] |= info2;
            self.buf[11] |= info3;
        }
    }

    /// Overwrites generation, TTL and timeout of the header after `begin`.
    pub fn set_header_numbers(&mut self, generation: u32, ttl: u32, timeout_ms: u32) {
        if self.buf.len() >= HDR {
            self.buf[14..18].copy_from_slice(&generation.to_be_bytes());
            self.buf[18..22].copy_from_slice(&ttl.to_be_bytes());
            self.buf[22..26].copy_from_slice(&timeout_ms.to_be_bytes());
        }
    }

    /// Appends a field.
    pub fn field(&mut self, ftype: u8, data: &[u8]) {
        self.field_parts(ftype, &[data]);
    }

    /// Appends a field made of several byte slices.
    pub fn field_parts(&mut self, ftype: u8, parts: &[&[u8]]) {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        self.buf
            .extend_from_slice(&((len + 1) as u32).to_be_bytes());
        self.buf.push(ftype);
        for p in parts {
            self.buf.extend_from_slice(p);
        }
        self.n_fields += 1;
    }

    /// Starts an op whose value the caller appends with [`MsgWriter::value_buf`];
    /// close it with [`MsgWriter::end_op`].
    pub fn begin_op(&mut self, op: u8, particle: u8, bin: &[u8]) -> Result<()> {
        if bin.len() > MAX_BIN_NAME {
            return Err(Error::Param(format!(
                "bin name too long (max {MAX_BIN_NAME} bytes): {:?}",
                String::from_utf8_lossy(bin)
            )));
        }
        if is_read_op(op) {
            self.read_ops = self.read_ops.saturating_add(1);
        } else {
            self.write_ops = self.write_ops.saturating_add(1);
        }
        self.op_start = self.buf.len();
        self.buf.extend_from_slice(&[0u8; 4]);
        self.buf
            .extend_from_slice(&[op, particle, 0, bin.len() as u8]);
        self.buf.extend_from_slice(bin);
        Ok(())
    }

    /// The buffer to append the current op's value to.
    pub fn value_buf(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Changes the particle type of the op being written.
    pub fn set_op_particle(&mut self, particle: u8) {
        if let Some(b) = self.buf.get_mut(self.op_start + 5) {
            *b = particle;
        }
    }

    /// Closes the op started by `begin_op`.
    pub fn end_op(&mut self) -> Result<()> {
        let size = self.buf.len() - self.op_start - 4;
        let size = u32::try_from(size).map_err(|_| Error::Param("value too large".into()))?;
        self.buf[self.op_start..self.op_start + 4].copy_from_slice(&size.to_be_bytes());
        self.n_ops = self
            .n_ops
            .checked_add(1)
            .ok_or_else(|| Error::Param("too many operations".into()))?;
        Ok(())
    }

    /// Appends a whole op.
    pub fn op(&mut self, op: u8, particle: u8, bin: &[u8], value: &[u8]) -> Result<()> {
        self.begin_op(op, particle, bin)?;
        self.buf.extend_from_slice(value);
        self.end_op()
    }

    /// Number of read-type and write-type ops written so far.
    pub fn op_kinds(&self) -> (u16, u16) {
        (self.read_ops, self.write_ops)
    }

    /// Number of ops written so far.
    pub fn n_ops(&self) -> u16 {
        self.n_ops
    }

    /// Patches counts and the proto header; returns the finished bytes.
    pub fn finish(&mut self) -> Result<&[u8]> {
        if self.buf.len() < HDR {
            return Err(Error::Client("message not started".into()));
        }
        let body = (self.buf.len() - 8) as u64;
        if body as usize > MAX_BODY {
            return Err(Error::Param("record too big for one request".into()));
        }
        let proto = (u64::from(PROTO_VERSION) << 56) | (u64::from(MSG_AS) << 48) | body;
        self.buf[0..8].copy_from_slice(&proto.to_be_bytes());
        self.buf[26..28].copy_from_slice(&self.n_fields.to_be_bytes());
        self.buf[28..30].copy_from_slice(&self.n_ops.to_be_bytes());
        Ok(&self.buf)
    }

    /// Gives the buffer back for reuse.
    pub fn into_buffer(self) -> Vec<u8> {
        self.buf
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
}

/// A returned bin (or op result) borrowed from the reply buffer.
#[derive(Debug, Clone, Copy)]
pub struct OpView<'a> {
    pub op: u8,
    pub particle: u8,
    pub name: &'a [u8],
    pub value: &'a [u8],
}

/// A parsed single-record reply (the AS_MSG body without the proto header).
#[derive(Debug, Clone, Copy)]
pub struct Reply<'a> {
    pub info3: u8,
    pub result_code: u8,
    pub generation: u32,
    pub void_time: u32,
    /// The transaction-TTL slot: the row index in batch replies.
    pub batch_index: u32,
    pub n_fields: u16,
    pub n_ops: u16,
    fields_and_ops: &'a [u8],
}

fn be_u32(b: &[u8], at: usize) -> Result<u32> {
    b.get(at..at + 4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .map(u32::from_be_bytes)
        .ok_or_else(|| Error::Parse("truncated reply".into()))
}

fn be_u16(b: &[u8], at: usize) -> Result<u16> {
    b.get(at..at + 2)
        .and_then(|s| <[u8; 2]>::try_from(s).ok())
        .map(u16::from_be_bytes)
        .ok_or_else(|| Error::Parse("truncated reply".into()))
}

impl<'a> Reply<'a> {
    /// Parses an AS_MSG body (the bytes after the 8-byte proto header).
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        if body.len() < 22 {
            return Err(Error::Parse("reply shorter than the message header".into()));
        }
        let hsz = body[0] as usize;
        if hsz < 22 || hsz > body.len() {
            return Err(Error::Parse("bad message header size".into()));
        }
        Ok(Reply {
            info3: body[3],
            result_code: body[5],
            generation: be_u32(body, 6)?,
            void_time: be_u32(body, 10)?,
            batch_index: be_u32(body, 14)?,
            n_fields: be_u16(body, 18)?,
            n_ops: be_u16(body, 20)?,
            fields_and_ops: &body[hsz..],
        })
    }

    /// Parses one record of a multi-record body; returns it and the bytes it spans.
    pub fn parse_prefix(body: &'a [u8]) -> Result<(Self, usize)> {
        let mut r = Reply::parse(body)?;
        let hsz = body[0] as usize;
        let b = r.fields_and_ops;
        let mut at = 0usize;
        for _ in 0..(u32::from(r.n_fields) + u32::from(r.n_ops)) {
            let sz = be_u32(b, at)? as usize;
            at = at
                .checked_add(4 + sz)
                .filter(|&e| e <= b.len())
                .ok_or_else(|| Error::Parse("truncated batch record".into()))?;
        }
        r.fields_and_ops = &b[..at];
        Ok((r, hsz + at))
    }

    /// Calls `f` with (field type, data) for every field of the reply.
    pub fn for_each_field(&self, mut f: impl FnMut(u8, &'a [u8])) -> Result<()> {
        let b = self.fields_and_ops;
        let mut at = 0usize;
        for _ in 0..self.n_fields {
            let sz = be_u32(b, at)? as usize;
            let end = at
                .checked_add(4 + sz)
                .filter(|&e| e <= b.len() && sz >= 1)
                .ok_or_else(|| Error::Parse("truncated field".into()))?;
            f(b[at + 4], &b[at + 5..end]);
            at = end;
        }
        Ok(())
    }

    /// Calls `f` for every op of the reply, in order.
    pub fn for_each_op(&self, mut f: impl FnMut(OpView<'a>) -> Result<()>) -> Result<()> {
        let b = self.fields_and_ops;
        let mut at = 0usize;
        for _ in 0..self.n_fields {
            let sz = be_u32(b, at)? as usize;
            at = at
                .checked_add(4 + sz)
                .filter(|&e| e <= b.len())
                .ok_or_else(|| Error::Parse("truncated field".into()))?;
        }
        for _ in 0..self.n_ops {
            let sz = be_u32(b, at)? as usize;
            let end = at
                .checked_add(4 + sz)
                .filter(|&e| e <= b.len())
                .ok_or_else(|| Error::Parse("truncated op".into()))?;
            if sz < 4 {
                return Err(Error::Parse("op too short".into()));
            }
            let op = b[at + 4];
            let particle = b[at + 5];
            let nlen = b[at + 7] as usize;
            let name_end = at + 8 + nlen;
            if name_end > end {
                return Err(Error::Parse("op name overruns op".into()));
            }
            f(OpView {
                op,
                particle,
                name: &b[at + 8..name_end],
                value: &b[name_end..end],
            })?;
            at = end;
        }
        Ok(())
    }
}

/// Parses an 8-byte proto header: (type, body length).
pub fn parse_proto(h: &[u8; 8]) -> Result<(u8, usize)> {
    if h[0] != PROTO_VERSION {
        return Err(Error::Parse(format!(
            "unexpected protocol version {}",
            h[0]
        )));
    }
    let mut len = [0u8; 8];
    len[2..].copy_from_slice(&h[2..]);
    let len = u64::from_be_bytes(len) as usize;
    if len > MAX_BODY {
        return Err(Error::Parse(format!("reply of {len} bytes is too large")));
    }
    Ok((h[1], len))
}

/// Builds an info request frame for the given commands (one per line).
pub fn info_request(cmds: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    aeropy_protocol::info::write_request(&mut out, cmds);
    out
}

/// Splits an info reply into `(name, value)` pairs, in order (invalid UTF-8 is replaced,
/// never an error: a reply must stay readable).
pub fn parse_info(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    match aeropy_protocol::info::parse_reply(text.as_bytes()) {
        Ok(pairs) => pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn write_then_parse() {
        let mut w = MsgWriter::default();
        w.begin(&Header {
            info1: INFO1_READ,
            ..Default::default()
        });
        w.field(FIELD_NAMESPACE, b"test");
        w.op(OP_WRITE, P_INTEGER, b"a", &7i64.to_be_bytes())
            .unwrap();
        let bytes = w.finish().unwrap().to_vec();
        let (t, len) = parse_proto(bytes[..8].try_into().unwrap()).unwrap();
        assert_eq!((t, len), (MSG_AS, bytes.len() - 8));
        let r = Reply::parse(&bytes[8..]).unwrap();
        assert_eq!((r.n_fields, r.n_ops), (1, 1));
        let mut seen = vec![];
        r.for_each_op(|o| {
            seen.push((o.op, o.particle, o.name.to_vec(), o.value.to_vec()));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![(
                OP_WRITE,
                P_INTEGER,
                b"a".to_vec(),
                7i64.to_be_bytes().to_vec()
            )]
        );
    }

    #[test]
    fn bin_name_limit() {
        let mut w = MsgWriter::default();
        w.begin(&Header::default());
        assert!(matches!(
            w.begin_op(OP_WRITE, P_NULL, &[b'x'; 16]),
            Err(Error::Param(_))
        ));
    }

    #[test]
    fn truncated_replies_do_not_panic() {
        let mut w = MsgWriter::default();
        w.begin(&Header::default());
        w.op(OP_READ, P_STRING, b"bin", b"value").unwrap();
        let bytes = w.finish().unwrap().to_vec();
        for cut in 8..bytes.len() {
            if let Ok(r) = Reply::parse(&bytes[8..cut]) {
                let _ = r.for_each_op(|_| Ok(()));
            }
        }
    }

    #[test]
    fn info_lines() {
        assert_eq!(
            parse_info(b"node\tA1\nbuild\t8.1.0.0\n"),
            vec![
                ("node".into(), "A1".into()),
                ("build".into(), "8.1.0.0".into())
            ]
        );
    }
}
