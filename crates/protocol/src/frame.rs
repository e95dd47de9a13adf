//! The 8-byte proto header that precedes every message, and type-4 compression.

use std::io::Read;

use crate::{ProtocolError, Result};

/// Protocol version carried in byte 0 of every frame.
pub const PROTO_VERSION: u8 = 2;
/// Size of the proto header.
pub const HEADER_SIZE: usize = 8;
/// Info (text) message.
pub const TYPE_INFO: u8 = 1;
/// Admin / security message.
pub const TYPE_ADMIN: u8 = 2;
/// AS_MSG data message.
pub const TYPE_MSG: u8 = 3;
/// Compressed AS_MSG (u64 size + zlib stream of a whole inner frame).
pub const TYPE_COMPRESSED: u8 = 4;
/// Largest body the server accepts (128 MiB), as the real server does.
pub const MAX_BODY_SIZE: u64 = 128 * 1024 * 1024;

/// A decoded proto header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtoHeader {
    /// Always [`PROTO_VERSION`] for valid frames.
    pub version: u8,
    /// One of the `TYPE_*` constants.
    pub msg_type: u8,
    /// Body length (48 bits on the wire).
    pub length: u64,
}

impl ProtoHeader {
    /// A version-2 header for `msg_type` with a body of `length` bytes.
    pub fn new(msg_type: u8, length: u64) -> Self {
        ProtoHeader {
            version: PROTO_VERSION,
            msg_type,
            length,
        }
    }

    /// Decodes the first 8 bytes; checks version, known type and [`MAX_BODY_SIZE`].
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let h = Self::parse_raw(bytes)?;
        if h.version != PROTO_VERSION {
            return Err(ProtocolError::BadVersion(h.version));
        }
        if !(TYPE_INFO..=TYPE_COMPRESSED).contains(&h.msg_type) {
            return Err(ProtocolError::BadType(h.msg_type));
        }
        if h.length > MAX_BODY_SIZE {
            return Err(ProtocolError::TooLarge(h.length));
        }
        Ok(h)
    }

    /// Decodes the first 8 bytes without any validation.
    pub fn parse_raw(bytes: &[u8]) -> Result<Self> {
        let b: &[u8; 8] = bytes
            .get(..HEADER_SIZE)
            .and_then(|s| s.try_into().ok())
            .ok_or(ProtocolError::truncated(HEADER_SIZE, bytes.len()))?;
        let word = u64::from_be_bytes(*b);
        Ok(ProtoHeader {
            version: b[0],
            msg_type: b[1],
            length: word & 0xFFFF_FFFF_FFFF,
        })
    }

    /// The 8 wire bytes.
    pub fn encode(&self) -> [u8; HEADER_SIZE] {
        let word = (u64::from(self.version) << 56)
            | (u64::from(self.msg_type) << 48)
            | (self.length & 0xFFFF_FFFF_FFFF);
        word.to_be_bytes()
    }

    /// Appends the 8 wire bytes to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.encode());
    }
}

/// Reserves a proto header at the end of `buf` and returns its offset; the body is
/// then appended and [`end_frame`] patches the length.
pub fn begin_frame(buf: &mut Vec<u8>, msg_type: u8) -> usize {
    let start = buf.len();
    ProtoHeader::new(msg_type, 0).write(buf);
    start
}

/// Patches the length of the frame started at `start` by [`begin_frame`].
pub fn end_frame(buf: &mut [u8], start: usize) {
    let body_len = buf.len().saturating_sub(start + HEADER_SIZE) as u64;
    let msg_type = buf.get(start + 1).copied().unwrap_or(TYPE_MSG);
    let hdr = ProtoHeader::new(msg_type, body_len).encode();
    if let Some(slot) = buf.get_mut(start..start + HEADER_SIZE) {
        slot.copy_from_slice(&hdr);
    }
}

/// Appends a whole frame (header + `body`) to `out`.
pub fn write_frame(out: &mut Vec<u8>, msg_type: u8, body: &[u8]) {
    ProtoHeader::new(msg_type, body.len() as u64).write(out);
    out.extend_from_slice(body);
}

/// Splits one complete frame off the front of `buf`.
///
/// Returns `Ok(None)` when more bytes are needed, else the header, the body and the
/// total number of bytes consumed.
pub fn split_frame(buf: &[u8]) -> Result<Option<(ProtoHeader, &[u8], usize)>> {
    if buf.len() < HEADER_SIZE {
        return Ok(None);
    }
    let h = ProtoHeader::parse(buf)?;
    // length <= MAX_BODY_SIZE was checked, so this cannot overflow usize.
    let total = HEADER_SIZE + h.length as usize;
    match buf.get(HEADER_SIZE..total) {
        Some(body) => Ok(Some((h, body, total))),
        None => Ok(None),
    }
}

/// Inflates the body of a type-4 message into the inner, complete frame (proto header
/// included), checking the declared size and the inner header.
pub fn inflate(body: &[u8]) -> Result<Vec<u8>> {
    let size_bytes: [u8; 8] = body
        .get(..8)
        .and_then(|s| s.try_into().ok())
        .ok_or(ProtocolError::truncated(8, body.len()))?;
    let declared = u64::from_be_bytes(size_bytes);
    if declared < HEADER_SIZE as u64 || declared > MAX_BODY_SIZE + HEADER_SIZE as u64 {
        return Err(ProtocolError::Inflate("declared size out of range"));
    }
    let mut out = Vec::with_capacity((declared as usize).min(1 << 20));
    // Read one byte more than declared to detect a stream longer than announced
    // without inflating an unbounded amount (zip-bomb guard).
    let mut dec =
        flate2::read::ZlibDecoder::new(body.get(8..).unwrap_or_default()).take(declared + 1);
    dec.read_to_end(&mut out)
        .map_err(|_| ProtocolError::Inflate("bad zlib stream"))?;
    if out.len() as u64 != declared {
        return Err(ProtocolError::Inflate("size mismatch"));
    }
    let inner = ProtoHeader::parse(&out)?;
    if inner.length + HEADER_SIZE as u64 != declared || inner.msg_type == TYPE_COMPRESSED {
        return Err(ProtocolError::Inflate("inner header mismatch"));
    }
    Ok(out)
}

/// Compresses a complete frame into a type-4 frame (what a client sends with
/// compression enabled).
pub fn deflate(frame: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(frame);
    let data = enc.finish().unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_SIZE + 8 + data.len());
    ProtoHeader::new(TYPE_COMPRESSED, (8 + data.len()) as u64).write(&mut out);
    out.extend_from_slice(&(frame.len() as u64).to_be_bytes());
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_roundtrip() {
        let h = ProtoHeader::new(TYPE_INFO, 11);
        assert_eq!(h.encode(), [2, 1, 0, 0, 0, 0, 0, 11]);
        assert_eq!(ProtoHeader::parse(&h.encode()).unwrap(), h);
    }

    #[test]
    fn header_rejects_bad_input() {
        assert!(matches!(
            ProtoHeader::parse(&[2, 1, 0]),
            Err(ProtocolError::Truncated { .. })
        ));
        assert_eq!(
            ProtoHeader::parse(&[3, 1, 0, 0, 0, 0, 0, 0]),
            Err(ProtocolError::BadVersion(3))
        );
        assert_eq!(
            ProtoHeader::parse(&[2, 9, 0, 0, 0, 0, 0, 0]),
            Err(ProtocolError::BadType(9))
        );
        let big = ProtoHeader::new(TYPE_MSG, MAX_BODY_SIZE + 1).encode();
        assert!(matches!(
            ProtoHeader::parse(&big),
            Err(ProtocolError::TooLarge(_))
        ));
    }

    #[test]
    fn split_and_frames() {
        let mut buf = Vec::new();
        let s = begin_frame(&mut buf, TYPE_INFO);
        buf.extend_from_slice(b"node\n");
        end_frame(&mut buf, s);
        assert_eq!(&buf[..8], &[2, 1, 0, 0, 0, 0, 0, 5]);
        assert!(split_frame(&buf[..10]).unwrap().is_none());
        let (h, body, n) = split_frame(&buf).unwrap().unwrap();
        assert_eq!((h.msg_type, body, n), (TYPE_INFO, &b"node\n"[..], 13));
    }

    #[test]
    fn compress_roundtrip_and_garbage() {
        let mut frame = Vec::new();
        write_frame(&mut frame, TYPE_MSG, &[22; 40]);
        let c = deflate(&frame);
        let h = ProtoHeader::parse(&c).unwrap();
        assert_eq!(h.msg_type, TYPE_COMPRESSED);
        assert_eq!(inflate(&c[8..]).unwrap(), frame);
        assert!(inflate(&[0, 0, 0, 0, 0, 0, 0, 48, 1, 2, 3]).is_err());
        assert!(inflate(&[0, 0]).is_err());
        let mut wrong = c[8..].to_vec();
        wrong[7] += 1;
        assert!(inflate(&wrong).is_err());
    }
}
