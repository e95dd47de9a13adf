//! An owned value tree for list/map contents and bin values, with Aerospike's
//! cross-type ordering.

use std::cmp::Ordering;

use super::{Packer, Token, Unpacker, EXT_SPECIAL};
use crate::particle;
use crate::{ProtocolError, Result};

/// List flag: ordered list.
pub const LIST_ORDERED: u8 = 0x01;
/// Map flag: key-ordered map.
pub const MAP_KEY_ORDERED: u8 = 0x01;
/// Map flags: key-value-ordered map.
pub const MAP_KEY_VALUE_ORDERED: u8 = 0x03;

/// Nesting limit when decoding, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 256;

/// An owned Aerospike value.
#[derive(Debug, Clone)]
pub enum Value {
    /// nil / NULL.
    Nil,
    /// Boolean.
    Bool(bool),
    /// Signed integer.
    Int(i64),
    /// Unsigned integer above `i64::MAX` (msgpack only).
    UInt(u64),
    /// Double.
    Float(f64),
    /// UTF-8 string.
    String(String),
    /// Bytes with their particle type (4 blob, 7-12 language blobs, others kept as is).
    Blob {
        /// Particle type.
        ptype: u8,
        /// Content.
        bytes: Vec<u8>,
    },
    /// GeoJSON text.
    GeoJson(String),
    /// HyperLogLog bytes.
    Hll(Vec<u8>),
    /// List with its order flags (0 = unordered).
    List {
        /// `LIST_*` flags.
        flags: u8,
        /// Items.
        items: Vec<Value>,
    },
    /// Map with its order flags (0 = unordered), entries in stored order.
    Map {
        /// `MAP_*` flags.
        flags: u8,
        /// Key/value pairs.
        entries: Vec<(Value, Value)>,
    },
    /// Any other msgpack extension.
    Ext {
        /// Ext type byte.
        ext_type: u8,
        /// Payload.
        data: Vec<u8>,
    },
    /// Range bound above every value (ext 0xff, data 0x01).
    Infinity,
    /// Range bound matching anything (ext 0xff, data 0x00).
    Wildcard,
}

impl Value {
    /// An unordered list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List { flags: 0, items }
    }

    /// An unordered map.
    pub fn map(entries: Vec<(Value, Value)>) -> Value {
        Value::Map { flags: 0, entries }
    }

    /// A blob (particle 4).
    pub fn blob(bytes: impl Into<Vec<u8>>) -> Value {
        Value::Blob {
            ptype: particle::BLOB,
            bytes: bytes.into(),
        }
    }

    /// Decodes a bin value from its particle type and raw bytes.
    pub fn from_particle(ptype: u8, bytes: &[u8]) -> Result<Value> {
        Ok(match ptype {
            particle::NULL => Value::Nil,
            particle::INTEGER => Value::Int(particle::decode_i64(bytes)?),
            particle::FLOAT => Value::Float(particle::decode_f64(bytes)?),
            particle::STRING => Value::String(utf8(bytes)?),
            particle::BOOL => match bytes {
                [b] => Value::Bool(*b != 0),
                _ => return Err(ProtocolError::Invalid("bool particle")),
            },
            particle::HLL => Value::Hll(bytes.to_vec()),
            particle::GEOJSON => Value::GeoJson(utf8(particle::decode_geojson(bytes)?.2)?),
            particle::MAP | particle::LIST => {
                let mut u = Unpacker::new(bytes);
                let v = Value::unpack(&mut u)?;
                let kind_ok = matches!(
                    (&v, ptype),
                    (Value::Map { .. }, particle::MAP) | (Value::List { .. }, particle::LIST)
                );
                if !kind_ok || !u.is_empty() {
                    return Err(ProtocolError::Invalid("collection particle"));
                }
                v
            }
            p if particle::is_blob(p) => Value::Blob {
                ptype: p,
                bytes: bytes.to_vec(),
            },
            _ => return Err(ProtocolError::Invalid("particle type")),
        })
    }

    /// The particle type this value is stored as.
    pub fn particle_type(&self) -> u8 {
        match self {
            Value::Nil => particle::NULL,
            Value::Bool(_) => particle::BOOL,
            Value::Int(_) | Value::UInt(_) => particle::INTEGER,
            Value::Float(_) => particle::FLOAT,
            Value::String(_) => particle::STRING,
            Value::Blob { ptype, .. } => *ptype,
            Value::GeoJson(_) => particle::GEOJSON,
            Value::Hll(_) => particle::HLL,
            Value::List { .. } => particle::LIST,
            Value::Map { .. } | Value::Ext { .. } | Value::Infinity | Value::Wildcard => {
                particle::MAP
            }
        }
    }

    /// Appends the particle encoding and returns its particle type. Ext, infinity and
    /// wildcard cannot be bin values and are refused. `UInt` is written as its
    /// two's-complement i64, as the server would store it.
    pub fn write_particle(&self, out: &mut Vec<u8>) -> Result<u8> {
        match self {
            Value::Nil => {}
            Value::Bool(b) => out.push(u8::from(*b)),
            Value::Int(i) => out.extend_from_slice(&i.to_be_bytes()),
            Value::UInt(u) => out.extend_from_slice(&u.to_be_bytes()),
            Value::Float(f) => out.extend_from_slice(&f.to_be_bytes()),
            Value::String(s) => out.extend_from_slice(s.as_bytes()),
            Value::Blob { bytes, .. } | Value::Hll(bytes) => out.extend_from_slice(bytes),
            Value::GeoJson(s) => particle::write_geojson(out, s.as_bytes()),
            Value::List { .. } | Value::Map { .. } => self.pack(&mut Packer::new(out)),
            Value::Ext { .. } | Value::Infinity | Value::Wildcard => {
                return Err(ProtocolError::Invalid("value is not storable as a bin"))
            }
        }
        Ok(self.particle_type())
    }

    /// (particle type, particle bytes).
    pub fn to_particle(&self) -> Result<(u8, Vec<u8>)> {
        let mut v = Vec::new();
        let t = self.write_particle(&mut v)?;
        Ok((t, v))
    }

    /// Packs as msgpack.
    pub fn pack(&self, p: &mut Packer) {
        match self {
            Value::Nil => p.nil(),
            Value::Bool(b) => p.bool(*b),
            Value::Int(i) => p.int(*i),
            Value::UInt(u) => p.uint(*u),
            Value::Float(f) => p.float(*f),
            Value::String(s) => p.string(s),
            Value::Blob { ptype, bytes } => p.particle_str(*ptype, bytes),
            Value::GeoJson(s) => p.particle_str(particle::GEOJSON, s.as_bytes()),
            Value::Hll(b) => p.particle_str(particle::HLL, b),
            Value::List { flags, items } => {
                let extra = u32::from(*flags != 0);
                p.array_header(items.len() as u32 + extra);
                if *flags != 0 {
                    p.ext(*flags, &[]);
                }
                for i in items {
                    i.pack(p);
                }
            }
            Value::Map { flags, entries } => {
                let extra = u32::from(*flags != 0);
                p.map_header(entries.len() as u32 + extra);
                if *flags != 0 {
                    p.ext(*flags, &[]);
                    p.nil();
                }
                for (k, v) in entries {
                    k.pack(p);
                    v.pack(p);
                }
            }
            Value::Ext { ext_type, data } => p.ext(*ext_type, data),
            Value::Infinity => p.ext(EXT_SPECIAL, &[1]),
            Value::Wildcard => p.ext(EXT_SPECIAL, &[0]),
        }
    }

    /// msgpack bytes of this value.
    pub fn to_msgpack(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.pack(&mut Packer::new(&mut v));
        v
    }

    /// Decodes one msgpack value (with nesting limit).
    pub fn unpack(u: &mut Unpacker) -> Result<Value> {
        unpack_depth(u, 0)
    }

    /// Decodes a complete msgpack buffer holding exactly one value.
    pub fn from_msgpack(bytes: &[u8]) -> Result<Value> {
        let mut u = Unpacker::new(bytes);
        let v = Value::unpack(&mut u)?;
        if !u.is_empty() {
            return Err(ProtocolError::Msgpack("trailing bytes"));
        }
        Ok(v)
    }

    fn type_rank(&self) -> u8 {
        match self {
            Value::Wildcard => 0,
            Value::Nil => 1,
            Value::Bool(_) => 2,
            Value::Int(_) | Value::UInt(_) => 3,
            Value::String(_) => 4,
            Value::List { .. } => 5,
            Value::Map { .. } => 6,
            Value::Blob { .. } | Value::Hll(_) => 7,
            Value::Float(_) => 8,
            Value::GeoJson(_) => 9,
            Value::Ext { .. } => 10,
            Value::Infinity => 11,
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| ProtocolError::Invalid("utf-8 string"))
}

fn from_str_token(ptype: u8, bytes: &[u8]) -> Result<Value> {
    Ok(match ptype {
        particle::STRING => Value::String(utf8(bytes)?),
        particle::GEOJSON => Value::GeoJson(utf8(bytes)?),
        particle::HLL => Value::Hll(bytes.to_vec()),
        p => Value::Blob {
            ptype: p,
            bytes: bytes.to_vec(),
        },
    })
}

fn unpack_depth(u: &mut Unpacker, depth: usize) -> Result<Value> {
    if depth > MAX_DEPTH {
        return Err(ProtocolError::Msgpack("nesting too deep"));
    }
    Ok(match u.next_token()? {
        Token::Nil => Value::Nil,
        Token::Bool(b) => Value::Bool(b),
        Token::Int(i) => Value::Int(i),
        Token::UInt(x) => Value::UInt(x),
        Token::Float(f) => Value::Float(f),
        // bin8/16/32 follow the same particle-prefix rule as str (Rust client does too).
        Token::Str { ptype, bytes } => from_str_token(ptype, bytes)?,
        Token::Bin(b) => match b.split_first() {
            Some((p, rest)) => from_str_token(*p, rest)?,
            None => Value::blob(Vec::new()),
        },
        Token::Ext {
            ext_type: EXT_SPECIAL,
            data: [1],
        } => Value::Infinity,
        Token::Ext {
            ext_type: EXT_SPECIAL,
            data: [0],
        } => Value::Wildcard,
        Token::Ext { ext_type, data } => Value::Ext {
            ext_type,
            data: data.to_vec(),
        },
        Token::Array(n) => {
            // Every item takes at least one byte: cap the reservation by what is left.
            let mut items = Vec::with_capacity((n as usize).min(u.remaining().len()));
            let mut flags = 0;
            for i in 0..n {
                let v = unpack_depth(u, depth + 1)?;
                match v {
                    Value::Ext { ext_type, ref data } if i == 0 && data.is_empty() => {
                        flags = ext_type
                    }
                    _ => items.push(v),
                }
            }
            Value::List { flags, items }
        }
        Token::Map(n) => {
            let mut entries = Vec::with_capacity((n as usize).min(u.remaining().len() / 2));
            let mut flags = 0;
            for i in 0..n {
                let k = unpack_depth(u, depth + 1)?;
                let v = unpack_depth(u, depth + 1)?;
                match k {
                    Value::Ext { ext_type, .. } if i == 0 => flags = ext_type,
                    _ => entries.push((k, v)),
                }
            }
            Value::Map { flags, entries }
        }
    })
}

/// Aerospike's total order: nil < bool < integer < string < list < map < blob <
/// double < geojson (< other ext < INFINITY); WILDCARD sorts first. Within a type:
/// numbers numerically, strings/blobs bytewise, lists element-wise then by length,
/// maps by size then entries.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    let (ra, rb) = (a.type_rank(), b.type_rank());
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Int(_) | Value::UInt(_), Value::Int(_) | Value::UInt(_)) => {
            as_i128(a).cmp(&as_i128(b))
        }
        (Value::Float(x), Value::Float(y)) => x.total_cmp(y),
        (Value::String(x), Value::String(y)) | (Value::GeoJson(x), Value::GeoJson(y)) => {
            x.as_bytes().cmp(y.as_bytes())
        }
        (Value::Blob { .. } | Value::Hll(_), Value::Blob { .. } | Value::Hll(_)) => blob_parts(a)
            .1
            .cmp(blob_parts(b).1)
            .then(blob_parts(a).0.cmp(&blob_parts(b).0)),
        (Value::List { items: x, .. }, Value::List { items: y, .. }) => {
            for (p, q) in x.iter().zip(y) {
                let o = compare(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Map { entries: x, .. }, Value::Map { entries: y, .. }) => {
            x.len().cmp(&y.len()).then_with(|| {
                for ((k1, v1), (k2, v2)) in x.iter().zip(y) {
                    let o = compare(k1, k2).then_with(|| compare(v1, v2));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            })
        }
        (
            Value::Ext {
                ext_type: t1,
                data: d1,
            },
            Value::Ext {
                ext_type: t2,
                data: d2,
            },
        ) => t1.cmp(t2).then_with(|| d1.cmp(d2)),
        _ => Ordering::Equal,
    }
}

fn as_i128(v: &Value) -> i128 {
    match v {
        Value::Int(i) => i128::from(*i),
        Value::UInt(u) => i128::from(*u),
        _ => 0,
    }
}

fn blob_parts(v: &Value) -> (u8, &[u8]) {
    match v {
        Value::Blob { ptype, bytes } => (*ptype, bytes),
        Value::Hll(b) => (particle::HLL, b),
        _ => (0, &[]),
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        compare(self, other) == Ordering::Equal
    }
}

impl Eq for Value {}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(self, other)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::blob(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particle_roundtrip_all_types() {
        let vals = vec![
            Value::Nil,
            Value::Int(-7),
            Value::Float(2.5),
            Value::from("héllo"),
            Value::blob(vec![1, 2, 3]),
            Value::Blob {
                ptype: particle::PYTHON_BLOB,
                bytes: vec![0x80, 4],
            },
            Value::Bool(true),
            Value::GeoJson(r#"{"type":"Point","coordinates":[0,0]}"#.into()),
            Value::Hll(vec![9; 5]),
            Value::list(vec![Value::Int(1), Value::from("a"), Value::list(vec![])]),
            Value::Map {
                flags: MAP_KEY_ORDERED,
                entries: vec![(Value::from("a"), Value::Int(1))],
            },
        ];
        for v in vals {
            let (t, b) = v.to_particle().unwrap();
            let back = Value::from_particle(t, &b).unwrap();
            assert_eq!(back, v);
            assert_eq!(back.particle_type(), t);
        }
        assert!(Value::from_particle(particle::LIST, &[0x81, 1, 2]).is_err());
        assert!(Value::from_particle(99, &[]).is_err());
        assert!(Value::Infinity.to_particle().is_err());
    }

    #[test]
    fn ordered_map_wire_form() {
        let m = Value::Map {
            flags: 1,
            entries: vec![(Value::Int(1), Value::Int(2))],
        };
        let b = m.to_msgpack();
        assert_eq!(b, [0x82, 0xc7, 0x00, 0x01, 0xc0, 0x01, 0x02]);
        match Value::from_msgpack(&b).unwrap() {
            Value::Map { flags, entries } => assert_eq!((flags, entries.len()), (1, 1)),
            other => panic!("{other:?}"),
        }
        let l = Value::List {
            flags: LIST_ORDERED,
            items: vec![Value::Int(3)],
        };
        let back = Value::from_msgpack(&l.to_msgpack()).unwrap();
        assert!(matches!(back, Value::List { flags: 1, ref items } if items.len() == 1));
    }

    #[test]
    fn cross_type_order() {
        let mut v = vec![
            Value::Infinity,
            Value::GeoJson("{}".into()),
            Value::Float(-1.0),
            Value::blob(vec![0]),
            Value::map(vec![]),
            Value::list(vec![]),
            Value::from("a"),
            Value::Int(5),
            Value::Bool(false),
            Value::Nil,
            Value::Wildcard,
        ];
        let expected = {
            let mut e = v.clone();
            e.reverse();
            e
        };
        v.sort();
        assert_eq!(format!("{v:?}"), format!("{expected:?}"));
        assert!(Value::Int(2) < Value::UInt(u64::MAX));
        assert!(Value::from("ab") < Value::from("b"));
        assert!(Value::list(vec![Value::Int(1)]) < Value::list(vec![Value::Int(1), Value::Nil]));
    }

    #[test]
    fn hostile_input() {
        let deep = vec![0x91; 10_000];
        assert!(Value::from_msgpack(&deep).is_err());
        assert!(Value::from_msgpack(&[0xdd, 0x7f, 0xff, 0xff, 0xff]).is_err());
        assert!(Value::from_msgpack(&[0xa2, 3, 0xff]).is_err()); // invalid utf-8
    }
}
