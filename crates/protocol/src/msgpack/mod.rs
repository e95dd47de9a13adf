//! msgpack as Aerospike uses it inside list/map particles, CDT ops and expressions.
//!
//! Strings and blobs are msgpack `str` whose first content byte is a particle type
//! (3 string, 4 blob, 23 GeoJSON, 7-12 language blobs); [`Packer::particle_str`] and
//! [`Token::Str`] handle that prefix. Ordered lists/maps start with an ext element
//! carrying the order flags (see [`Value`]).

mod value;

pub use value::{compare, Value, LIST_ORDERED, MAP_KEY_ORDERED, MAP_KEY_VALUE_ORDERED};

use crate::particle;
use crate::{ProtocolError, Result};

/// Ext type used for the special INFINITY / WILDCARD range bounds.
pub const EXT_SPECIAL: u8 = 0xff;

/// Appends msgpack to a caller-owned buffer, always in the smallest form.
pub struct Packer<'a> {
    buf: &'a mut Vec<u8>,
}

impl<'a> Packer<'a> {
    /// Packs onto the end of `buf`.
    pub fn new(buf: &'a mut Vec<u8>) -> Self {
        Packer { buf }
    }

    /// The underlying buffer.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        self.buf
    }

    /// nil.
    pub fn nil(&mut self) {
        self.buf.push(0xc0);
    }

    /// Boolean.
    pub fn bool(&mut self, v: bool) {
        self.buf.push(if v { 0xc3 } else { 0xc2 });
    }

    /// Signed integer (non-negative values use the unsigned forms).
    pub fn int(&mut self, v: i64) {
        if v >= 0 {
            self.uint(v as u64);
        } else if v >= -32 {
            self.buf.push(v as u8);
        } else if v >= i64::from(i8::MIN) {
            self.buf.extend_from_slice(&[0xd0, v as u8]);
        } else if v >= i64::from(i16::MIN) {
            self.buf.push(0xd1);
            self.buf.extend_from_slice(&(v as i16).to_be_bytes());
        } else if v >= i64::from(i32::MIN) {
            self.buf.push(0xd2);
            self.buf.extend_from_slice(&(v as i32).to_be_bytes());
        } else {
            self.buf.push(0xd3);
            self.buf.extend_from_slice(&v.to_be_bytes());
        }
    }

    /// Unsigned integer.
    pub fn uint(&mut self, v: u64) {
        if v < 128 {
            self.buf.push(v as u8);
        } else if v <= u64::from(u8::MAX) {
            self.buf.extend_from_slice(&[0xcc, v as u8]);
        } else if v <= u64::from(u16::MAX) {
            self.buf.push(0xcd);
            self.buf.extend_from_slice(&(v as u16).to_be_bytes());
        } else if v <= u64::from(u32::MAX) {
            self.buf.push(0xce);
            self.buf.extend_from_slice(&(v as u32).to_be_bytes());
        } else {
            self.buf.push(0xcf);
            self.buf.extend_from_slice(&v.to_be_bytes());
        }
    }

    /// Double (always 0xcb).
    pub fn float(&mut self, v: f64) {
        self.buf.push(0xcb);
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// A `str` family header for `len` content bytes.
    pub fn str_header(&mut self, len: usize) {
        if len < 32 {
            self.buf.push(0xa0 | len as u8);
        } else if len < 256 {
            self.buf.extend_from_slice(&[0xd9, len as u8]);
        } else if len < 65536 {
            self.buf.push(0xda);
            self.buf.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            self.buf.push(0xdb);
            self.buf.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }

    /// An Aerospike string/blob: `str` whose first byte is `ptype`.
    pub fn particle_str(&mut self, ptype: u8, bytes: &[u8]) {
        self.str_header(bytes.len() + 1);
        self.buf.push(ptype);
        self.buf.extend_from_slice(bytes);
    }

    /// An Aerospike string (particle prefix 3).
    pub fn string(&mut self, s: &str) {
        self.particle_str(particle::STRING, s.as_bytes());
    }

    /// An Aerospike blob (particle prefix 4).
    pub fn blob(&mut self, b: &[u8]) {
        self.particle_str(particle::BLOB, b);
    }

    /// A `str` without the particle prefix (bin/variable names and regexes inside
    /// expressions).
    pub fn raw_str(&mut self, bytes: &[u8]) {
        self.str_header(bytes.len());
        self.buf.extend_from_slice(bytes);
    }

    /// A msgpack `bin` (0xc4-0xc6) with the bytes as given.
    pub fn bin(&mut self, bytes: &[u8]) {
        let len = bytes.len();
        if len < 256 {
            self.buf.extend_from_slice(&[0xc4, len as u8]);
        } else if len < 65536 {
            self.buf.push(0xc5);
            self.buf.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            self.buf.push(0xc6);
            self.buf.extend_from_slice(&(len as u32).to_be_bytes());
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Array header for `n` items.
    pub fn array_header(&mut self, n: u32) {
        if n < 16 {
            self.buf.push(0x90 | n as u8);
        } else if n < 65536 {
            self.buf.push(0xdc);
            self.buf.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            self.buf.push(0xdd);
            self.buf.extend_from_slice(&n.to_be_bytes());
        }
    }

    /// Map header for `n` pairs.
    pub fn map_header(&mut self, n: u32) {
        if n < 16 {
            self.buf.push(0x80 | n as u8);
        } else if n < 65536 {
            self.buf.push(0xde);
            self.buf.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            self.buf.push(0xdf);
            self.buf.extend_from_slice(&n.to_be_bytes());
        }
    }

    /// Extension value (fixext forms for 1/2/4/8/16 bytes, else ext8/16/32; an empty
    /// ext is `c7 00 type`, the form clients use for order flags).
    pub fn ext(&mut self, ext_type: u8, data: &[u8]) {
        let len = data.len();
        match len {
            1 => self.buf.push(0xd4),
            2 => self.buf.push(0xd5),
            4 => self.buf.push(0xd6),
            8 => self.buf.push(0xd7),
            16 => self.buf.push(0xd8),
            _ if len < 256 => self.buf.extend_from_slice(&[0xc7, len as u8]),
            _ if len < 65536 => {
                self.buf.push(0xc8);
                self.buf.extend_from_slice(&(len as u16).to_be_bytes());
            }
            _ => {
                self.buf.push(0xc9);
                self.buf.extend_from_slice(&(len as u32).to_be_bytes());
            }
        }
        self.buf.push(ext_type);
        self.buf.extend_from_slice(data);
    }
}

/// One msgpack item as read by [`Unpacker::next_token`]. Containers yield only their
/// header; their items follow as further tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'a> {
    /// nil.
    Nil,
    /// Boolean.
    Bool(bool),
    /// Any integer that fits in i64.
    Int(i64),
    /// An unsigned integer above `i64::MAX`.
    UInt(u64),
    /// Float or double.
    Float(f64),
    /// `str` with its particle-type prefix split off (an empty `str` gives STRING and
    /// no bytes).
    Str {
        /// Particle type from the first byte.
        ptype: u8,
        /// The content after the prefix.
        bytes: &'a [u8],
    },
    /// `bin` content as is.
    Bin(&'a [u8]),
    /// Array header with its item count.
    Array(u32),
    /// Map header with its pair count.
    Map(u32),
    /// Extension value.
    Ext {
        /// The ext type byte.
        ext_type: u8,
        /// The ext payload.
        data: &'a [u8],
    },
}

/// A bounds-checked pull parser over a msgpack buffer.
#[derive(Debug, Clone)]
pub struct Unpacker<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Unpacker<'a> {
    /// Reads from the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Unpacker { data, pos: 0 }
    }

    /// Offset of the next unread byte.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The unread bytes.
    pub fn remaining(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or_default()
    }

    /// The next byte without consuming it.
    pub fn peek_byte(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Whether the next item is an extension (order flags, INFINITY, WILDCARD).
    pub fn next_is_ext(&self) -> bool {
        self.peek_byte()
            .is_some_and(|b| matches!(b, 0xc7..=0xc9 | 0xd4..=0xd8))
    }

    /// True when everything was read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(ProtocolError::Msgpack("length overflow"))?;
        let s = self
            .data
            .get(self.pos..end)
            .ok_or(ProtocolError::truncated(end, self.data.len()))?;
        self.pos = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn be<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        s.try_into()
            .map_err(|_| ProtocolError::Msgpack("short read"))
    }

    fn len8(&mut self) -> Result<usize> {
        Ok(usize::from(self.byte()?))
    }

    fn len16(&mut self) -> Result<usize> {
        Ok(usize::from(u16::from_be_bytes(self.be()?)))
    }

    fn len32(&mut self) -> Result<usize> {
        Ok(u32::from_be_bytes(self.be()?) as usize)
    }

    fn str_token(&mut self, len: usize) -> Result<Token<'a>> {
        let s = self.take(len)?;
        Ok(match s.split_first() {
            Some((p, rest)) => Token::Str {
                ptype: *p,
                bytes: rest,
            },
            None => Token::Str {
                ptype: particle::STRING,
                bytes: s,
            },
        })
    }

    fn ext_token(&mut self, len: usize) -> Result<Token<'a>> {
        let ext_type = self.byte()?;
        Ok(Token::Ext {
            ext_type,
            data: self.take(len)?,
        })
    }

    /// Reads the next token.
    pub fn next_token(&mut self) -> Result<Token<'a>> {
        let b = self.byte()?;
        Ok(match b {
            0x00..=0x7f => Token::Int(i64::from(b)),
            0x80..=0x8f => Token::Map(u32::from(b & 0x0f)),
            0x90..=0x9f => Token::Array(u32::from(b & 0x0f)),
            0xa0..=0xbf => return self.str_token(usize::from(b & 0x1f)),
            0xc0 => Token::Nil,
            0xc1 => return Err(ProtocolError::Msgpack("reserved byte 0xc1")),
            0xc2 => Token::Bool(false),
            0xc3 => Token::Bool(true),
            0xc4 => {
                let n = self.len8()?;
                Token::Bin(self.take(n)?)
            }
            0xc5 => {
                let n = self.len16()?;
                Token::Bin(self.take(n)?)
            }
            0xc6 => {
                let n = self.len32()?;
                Token::Bin(self.take(n)?)
            }
            0xc7 => {
                let n = self.len8()?;
                return self.ext_token(n);
            }
            0xc8 => {
                let n = self.len16()?;
                return self.ext_token(n);
            }
            0xc9 => {
                let n = self.len32()?;
                return self.ext_token(n);
            }
            0xca => Token::Float(f64::from(f32::from_be_bytes(self.be()?))),
            0xcb => Token::Float(f64::from_be_bytes(self.be()?)),
            0xcc => Token::Int(i64::from(self.byte()?)),
            0xcd => Token::Int(i64::from(u16::from_be_bytes(self.be()?))),
            0xce => Token::Int(i64::from(u32::from_be_bytes(self.be()?))),
            0xcf => {
                let v = u64::from_be_bytes(self.be()?);
                i64::try_from(v).map_or(Token::UInt(v), Token::Int)
            }
            0xd0 => Token::Int(i64::from(self.byte()? as i8)),
            0xd1 => Token::Int(i64::from(i16::from_be_bytes(self.be()?))),
            0xd2 => Token::Int(i64::from(i32::from_be_bytes(self.be()?))),
            0xd3 => Token::Int(i64::from_be_bytes(self.be()?)),
            0xd4 => return self.ext_token(1),
            0xd5 => return self.ext_token(2),
            0xd6 => return self.ext_token(4),
            0xd7 => return self.ext_token(8),
            0xd8 => return self.ext_token(16),
            0xd9 => {
                let n = self.len8()?;
                return self.str_token(n);
            }
            0xda => {
                let n = self.len16()?;
                return self.str_token(n);
            }
            0xdb => {
                let n = self.len32()?;
                return self.str_token(n);
            }
            0xdc => Token::Array(u32::from(u16::from_be_bytes(self.be()?))),
            0xdd => Token::Array(u32::from_be_bytes(self.be()?)),
            0xde => Token::Map(u32::from(u16::from_be_bytes(self.be()?))),
            0xdf => Token::Map(u32::from_be_bytes(self.be()?)),
            0xe0..=0xff => Token::Int(i64::from(b as i8)),
        })
    }

    /// Reads a `str` without interpreting a particle prefix (expression names).
    pub fn read_raw_str(&mut self) -> Result<&'a [u8]> {
        let b = self.byte()?;
        let n = match b {
            0xa0..=0xbf => usize::from(b & 0x1f),
            0xd9 => self.len8()?,
            0xda => self.len16()?,
            0xdb => self.len32()?,
            _ => return Err(ProtocolError::Msgpack("expected str")),
        };
        self.take(n)
    }

    /// Skips one complete value (containers included) without recursion.
    pub fn skip(&mut self) -> Result<()> {
        let mut pending: u64 = 1;
        while pending > 0 {
            pending -= 1;
            match self.next_token()? {
                Token::Array(n) => pending += u64::from(n),
                Token::Map(n) => pending += 2 * u64::from(n),
                _ => {}
            }
        }
        Ok(())
    }

    /// The raw bytes of the next complete value, consuming it.
    pub fn value_bytes(&mut self) -> Result<&'a [u8]> {
        let start = self.pos;
        self.skip()?;
        Ok(self.data.get(start..self.pos).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(f: impl FnOnce(&mut Packer)) -> Vec<u8> {
        let mut v = Vec::new();
        f(&mut Packer::new(&mut v));
        v
    }

    #[test]
    fn ints_smallest_form_and_back() {
        let cases: &[(i64, &[u8])] = &[
            (0, &[0x00]),
            (127, &[0x7f]),
            (128, &[0xcc, 0x80]),
            (-1, &[0xff]),
            (-32, &[0xe0]),
            (-33, &[0xd0, 0xdf]),
            (256, &[0xcd, 1, 0]),
            (-129, &[0xd1, 0xff, 0x7f]),
            (70000, &[0xce, 0, 1, 0x11, 0x70]),
        ];
        for (v, bytes) in cases {
            assert_eq!(&packed(|p| p.int(*v)), bytes, "{v}");
            assert_eq!(Unpacker::new(bytes).next_token().unwrap(), Token::Int(*v));
        }
        for v in [i64::MIN, i64::MAX, -40000, -3_000_000_000, 5_000_000_000] {
            assert_eq!(
                Unpacker::new(&packed(|p| p.int(v))).next_token().unwrap(),
                Token::Int(v)
            );
        }
        let big = packed(|p| p.uint(u64::MAX));
        assert_eq!(
            Unpacker::new(&big).next_token().unwrap(),
            Token::UInt(u64::MAX)
        );
    }

    #[test]
    fn strings_with_particle_prefix() {
        let s = packed(|p| p.string("abc"));
        assert_eq!(s, [0xa4, 3, b'a', b'b', b'c']);
        assert_eq!(
            Unpacker::new(&s).next_token().unwrap(),
            Token::Str {
                ptype: 3,
                bytes: b"abc"
            }
        );
        let long = "x".repeat(40);
        let s = packed(|p| p.string(&long));
        assert_eq!(&s[..2], &[0xd9, 41]);
        let b = packed(|p| p.particle_str(9, &[1, 2]));
        assert_eq!(
            Unpacker::new(&b).next_token().unwrap(),
            Token::Str {
                ptype: 9,
                bytes: &[1, 2]
            }
        );
        let raw = packed(|p| p.raw_str(b"bin"));
        assert_eq!(Unpacker::new(&raw).read_raw_str().unwrap(), b"bin");
        let bin = packed(|p| p.bin(&[4, 5]));
        assert_eq!(
            Unpacker::new(&bin).next_token().unwrap(),
            Token::Bin(&[4, 5])
        );
    }

    #[test]
    fn containers_ext_skip() {
        let v = packed(|p| {
            p.array_header(3);
            p.map_header(1);
            p.string("k");
            p.float(1.5);
            p.ext(1, &[]);
            p.bool(true);
            p.nil();
        });
        assert_eq!(packed(|p| p.ext(1, &[])), [0xc7, 0x00, 0x01]);
        let mut u = Unpacker::new(&v);
        assert_eq!(u.value_bytes().unwrap().len(), v.len() - 1);
        assert_eq!(u.next_token().unwrap(), Token::Nil);
        assert!(u.is_empty());
        assert_eq!(u.peek_byte(), None);
        assert_eq!(Unpacker::new(&v).peek_byte(), Some(0x93));
        assert!(!Unpacker::new(&v).next_is_ext());
        assert!(Unpacker::new(&packed(|p| p.ext(1, &[]))).next_is_ext());
        assert!(Unpacker::new(&packed(|p| p.ext(EXT_SPECIAL, &[1]))).next_is_ext());
        let inf = packed(|p| p.ext(EXT_SPECIAL, &[1]));
        assert_eq!(inf, [0xd4, 0xff, 0x01]);
    }

    #[test]
    fn truncated_and_garbage_never_panic() {
        let v = packed(|p| {
            p.array_header(2);
            p.string("hello world");
            p.int(-100_000);
        });
        for cut in 0..v.len() {
            assert!(Unpacker::new(&v[..cut]).skip().is_err());
        }
        assert!(Unpacker::new(&[0xc1]).next_token().is_err());
        assert!(Unpacker::new(&[0xdd, 0xff, 0xff, 0xff, 0xff])
            .skip()
            .is_err());
        assert!(Unpacker::new(&[0xdb, 0xff, 0xff, 0xff, 0xff, 1])
            .next_token()
            .is_err());
    }
}
