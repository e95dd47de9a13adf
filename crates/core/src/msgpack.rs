//! msgpack as Aerospike uses it inside list and map particles (protocol.md §6.1):
//! writing straight into a request buffer, and a zero-copy reader.

use crate::error::{Error, Result};

/// Writes a msgpack array header.
pub fn pack_array_header(b: &mut Vec<u8>, n: usize) {
    if n < 16 {
        b.push(0x90 | n as u8);
    } else if n <= u16::MAX as usize {
        b.push(0xdc);
        b.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        b.push(0xdd);
        b.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// Writes a msgpack map header.
pub fn pack_map_header(b: &mut Vec<u8>, n: usize) {
    if n < 16 {
        b.push(0x80 | n as u8);
    } else if n <= u16::MAX as usize {
        b.push(0xde);
        b.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        b.push(0xdf);
        b.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// Writes nil.
pub fn pack_nil(b: &mut Vec<u8>) {
    b.push(0xc0);
}

/// Writes a bool.
pub fn pack_bool(b: &mut Vec<u8>, v: bool) {
    b.push(if v { 0xc3 } else { 0xc2 });
}

/// Writes a signed integer in its shortest form.
pub fn pack_i64(b: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        pack_u64(b, v as u64);
    } else if v >= -32 {
        b.push(v as i8 as u8);
    } else if v >= i64::from(i8::MIN) {
        b.push(0xd0);
        b.push(v as i8 as u8);
    } else if v >= i64::from(i16::MIN) {
        b.push(0xd1);
        b.extend_from_slice(&(v as i16).to_be_bytes());
    } else if v >= i64::from(i32::MIN) {
        b.push(0xd2);
        b.extend_from_slice(&(v as i32).to_be_bytes());
    } else {
        b.push(0xd3);
        b.extend_from_slice(&v.to_be_bytes());
    }
}

/// Writes an unsigned integer in its shortest form.
pub fn pack_u64(b: &mut Vec<u8>, v: u64) {
    if v < 128 {
        b.push(v as u8);
    } else if v <= u64::from(u8::MAX) {
        b.extend_from_slice(&[0xcc, v as u8]);
    } else if v <= u64::from(u16::MAX) {
        b.push(0xcd);
        b.extend_from_slice(&(v as u16).to_be_bytes());
    } else if v <= u64::from(u32::MAX) {
        b.push(0xce);
        b.extend_from_slice(&(v as u32).to_be_bytes());
    } else {
        b.push(0xcf);
        b.extend_from_slice(&v.to_be_bytes());
    }
}

/// Writes a double.
pub fn pack_f64(b: &mut Vec<u8>, v: f64) {
    b.push(0xcb);
    b.extend_from_slice(&v.to_bits().to_be_bytes());
}

/// Writes a str-family item whose content starts with the particle type byte.
pub fn pack_particle_bytes(b: &mut Vec<u8>, particle: u8, data: &[u8]) {
    let n = data.len() + 1;
    if n < 32 {
        b.push(0xa0 | n as u8);
    } else if n < 256 {
        b.extend_from_slice(&[0xd9, n as u8]);
    } else if n <= u16::MAX as usize {
        b.push(0xda);
        b.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        b.push(0xdb);
        b.extend_from_slice(&(n as u32).to_be_bytes());
    }
    b.push(particle);
    b.extend_from_slice(data);
}

/// One msgpack item as read, borrowing string and binary data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    /// Unsigned above i64::MAX.
    UInt(u64),
    Float(f64),
    /// A str/bin item: the first byte is the particle type when non-empty.
    Bytes(&'a [u8]),
    Array(usize),
    Map(usize),
    /// Extension: (type, data). Ordered-collection flags and INF/WILDCARD.
    Ext(i8, &'a [u8]),
}

/// A cursor over msgpack bytes.
#[derive(Debug)]
pub struct Unpacker<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Unpacker<'a> {
    /// Reads `b` from the start.
    pub fn new(b: &'a [u8]) -> Self {
        Unpacker { b, at: 0 }
    }

    /// The next byte without consuming it.
    pub fn peek_byte(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    /// Whether every byte was consumed.
    pub fn at_end(&self) -> bool {
        self.at >= self.b.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| Error::Parse("truncated msgpack".into()))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn uint(&mut self, n: usize) -> Result<u64> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
    }

    /// Reads the next item header (containers: only the count).
    pub fn read_item(&mut self) -> Result<Item<'a>> {
        let t = self.u8()?;
        Ok(match t {
            0x00..=0x7f => Item::Int(i64::from(t)),
            0x80..=0x8f => Item::Map((t & 0x0f) as usize),
            0x90..=0x9f => Item::Array((t & 0x0f) as usize),
            0xa0..=0xbf => Item::Bytes(self.take((t & 0x1f) as usize)?),
            0xc0 => Item::Nil,
            0xc2 => Item::Bool(false),
            0xc3 => Item::Bool(true),
            0xc4 | 0xd9 => {
                let n = self.uint(1)? as usize;
                Item::Bytes(self.take(n)?)
            }
            0xc5 | 0xda => {
                let n = self.uint(2)? as usize;
                Item::Bytes(self.take(n)?)
            }
            0xc6 | 0xdb => {
                let n = self.uint(4)? as usize;
                Item::Bytes(self.take(n)?)
            }
            0xc7..=0xc9 => {
                let n = self.uint(1 << (t - 0xc7))? as usize;
                let ty = self.u8()? as i8;
                Item::Ext(ty, self.take(n)?)
            }
            0xca => Item::Float(f64::from(f32::from_bits(self.uint(4)? as u32))),
            0xcb => Item::Float(f64::from_bits(self.uint(8)?)),
            0xcc => Item::Int(self.uint(1)? as i64),
            0xcd => Item::Int(self.uint(2)? as i64),
            0xce => Item::Int(self.uint(4)? as i64),
            0xcf => {
                let v = self.uint(8)?;
                i64::try_from(v).map(Item::Int).unwrap_or(Item::UInt(v))
            }
            0xd0 => Item::Int(i64::from(self.uint(1)? as u8 as i8)),
            0xd1 => Item::Int(i64::from(self.uint(2)? as u16 as i16)),
            0xd2 => Item::Int(i64::from(self.uint(4)? as u32 as i32)),
            0xd3 => Item::Int(self.uint(8)? as i64),
            0xd4..=0xd8 => {
                let ty = self.u8()? as i8;
                Item::Ext(ty, self.take(1 << (t - 0xd4))?)
            }
            0xdc => Item::Array(self.uint(2)? as usize),
            0xdd => Item::Array(self.uint(4)? as usize),
            0xde => Item::Map(self.uint(2)? as usize),
            0xdf => Item::Map(self.uint(4)? as usize),
            0xe0..=0xff => Item::Int(i64::from(t as i8)),
            0xc1 => return Err(Error::Parse("invalid msgpack byte 0xc1".into())),
        })
    }

    /// Skips one whole item, containers included.
    pub fn skip(&mut self) -> Result<()> {
        let mut pending: usize = 1;
        while pending > 0 {
            pending -= 1;
            match self.read_item()? {
                Item::Array(n) => pending = pending.saturating_add(n),
                Item::Map(n) => pending = pending.saturating_add(n.saturating_mul(2)),
                _ => {}
            }
            if pending > self.b.len() {
                return Err(Error::Parse("msgpack container count too large".into()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn ints_round_trip() {
        for v in [
            0i64,
            1,
            -1,
            -32,
            -33,
            127,
            128,
            255,
            256,
            -129,
            65535,
            -32769,
            i64::MIN,
            i64::MAX,
        ] {
            let mut b = vec![];
            pack_i64(&mut b, v);
            assert_eq!(Unpacker::new(&b).read_item().unwrap(), Item::Int(v), "{v}");
        }
    }

    #[test]
    fn strings_carry_particle() {
        for n in [0usize, 30, 31, 254, 255, 70000] {
            let data = vec![b'x'; n];
            let mut b = vec![];
            pack_particle_bytes(&mut b, 3, &data);
            match Unpacker::new(&b).read_item().unwrap() {
                Item::Bytes(s) => {
                    assert_eq!(s[0], 3);
                    assert_eq!(&s[1..], &data[..]);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn garbage_does_not_panic() {
        for seed in 0u32..2000 {
            let bytes: Vec<u8> = (0..16)
                .map(|i| (seed.wrapping_mul(2654435761).rotate_left(i) & 0xff) as u8)
                .collect();
            let _ = Unpacker::new(&bytes).skip();
        }
    }
}
